//! Finding the line of a `Cargo.toml` that declares something, so that each finding points at
//! the text to change. A manifest that cannot be read or parsed yields no line (the finding
//! still names the file); cargo has already accepted it, so that is rare.

use camino::Utf8Path;
use ratchet_graph::DepKind;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The 1-based line of byte `offset` in `text`.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The line of the entry in `manifest` that declares the dependency `name` (imported as
/// `rename` when renamed) in the section for `kind` (under `target.<target>` when set).
pub(crate) fn dependency_line(
    manifest: &Utf8Path,
    name: &str,
    rename: Option<&str>,
    kind: DepKind,
    target: Option<&str>,
) -> Option<usize> {
    let text = std::fs::read_to_string(manifest).ok()?;
    let doc = DeTable::parse(&text).ok()?;
    let section = section_name(kind);
    let mut tables: Vec<&DeTable> = Vec::new();
    let targets = entry(doc.get_ref(), "target").and_then(|t| as_table(t.1));
    if let (Some(targets), Some(target)) = (targets, target) {
        tables.extend(entry(targets, target).and_then(|t| table_at(t.1, section)));
    }
    tables.extend(entry(doc.get_ref(), section).and_then(|(_, v)| as_table(v)));
    // cargo may report a platform spelt differently from the manifest: try every target too.
    for (_, platform) in targets.into_iter().flat_map(|t| t.iter()) {
        tables.extend(table_at(platform, section));
    }
    let key = rename.unwrap_or(name);
    let offset = tables.iter().find_map(|table| {
        entry(table, key)
            .or_else(|| find_by_package(table, name))
            .map(|(k, _)| k.span().start)
    })?;
    Some(line_of(&text, offset))
}

/// The line of `layer = ...` under `[package.metadata.ratchet]`.
pub(crate) fn metadata_layer_line(manifest: &Utf8Path) -> Option<usize> {
    line_of_path(manifest, &["package", "metadata", "ratchet", "layer"])
}

/// The line of the `[package]` name, which stands for the package as a whole.
pub(crate) fn package_line(manifest: &Utf8Path) -> Option<usize> {
    line_of_path(manifest, &["package", "name"])
}

/// The line of the first key of `[dependencies]` (or of the `[package]` name when the section
/// is absent), where a person starts reading the list.
pub(crate) fn dependencies_line(manifest: &Utf8Path, kind: DepKind) -> Option<usize> {
    let text = std::fs::read_to_string(manifest).ok()?;
    let doc = DeTable::parse(&text).ok()?;
    let offset = entry(doc.get_ref(), section_name(kind))
        .and_then(|(_, v)| as_table(v))
        .and_then(|t| t.iter().map(|(k, _)| k.span().start).min());
    match offset {
        Some(offset) => Some(line_of(&text, offset)),
        None => package_line(manifest),
    }
}

fn line_of_path(manifest: &Utf8Path, path: &[&str]) -> Option<usize> {
    let text = std::fs::read_to_string(manifest).ok()?;
    let doc = DeTable::parse(&text).ok()?;
    let (last, parents) = path.split_last()?;
    let mut table = doc.get_ref();
    for key in parents {
        table = as_table(entry(table, key)?.1)?;
    }
    Some(line_of(&text, entry(table, last)?.0.span().start))
}

fn section_name(kind: DepKind) -> &'static str {
    match kind {
        DepKind::Normal => "dependencies",
        DepKind::Build => "build-dependencies",
        DepKind::Dev => "dev-dependencies",
    }
}

type Entry<'a, 'i> = (
    &'a Spanned<std::borrow::Cow<'i, str>>,
    &'a Spanned<DeValue<'i>>,
);

fn entry<'a, 'i>(table: &'a DeTable<'i>, key: &str) -> Option<Entry<'a, 'i>> {
    table.iter().find(|(k, _)| k.get_ref() == key)
}

/// A dependency declared under another key: `alias = { package = "name", ... }`.
fn find_by_package<'a, 'i>(table: &'a DeTable<'i>, name: &str) -> Option<Entry<'a, 'i>> {
    table.iter().find(|(_, v)| {
        as_table(v)
            .and_then(|t| entry(t, "package"))
            .is_some_and(|(_, p)| matches!(p.get_ref(), DeValue::String(s) if s == name))
    })
}

fn as_table<'a, 'i>(value: &'a Spanned<DeValue<'i>>) -> Option<&'a DeTable<'i>> {
    match value.get_ref() {
        DeValue::Table(t) => Some(t),
        _ => None,
    }
}

fn table_at<'a, 'i>(value: &'a Spanned<DeValue<'i>>, key: &str) -> Option<&'a DeTable<'i>> {
    as_table(value)
        .and_then(|t| entry(t, key))
        .and_then(|(_, v)| as_table(v))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const MANIFEST: &str = r#"[package]
name = "a"

[dependencies]
plain = { path = "../plain" }
alias = { path = "../real", package = "real" }
inherited.workspace = true

[dependencies.dotted]
path = "../dotted"

[dev-dependencies]
plain = { path = "../plain" }

[target.'cfg(unix)'.build-dependencies]
native = { path = "../native" }

[package.metadata.ratchet]
layer = "types"
"#;

    fn check(
        name: &str,
        rename: Option<&str>,
        kind: DepKind,
        target: Option<&str>,
        expect: Option<usize>,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = camino::Utf8PathBuf::from_path_buf(dir.path().join("Cargo.toml")).unwrap();
        std::fs::write(&path, MANIFEST).unwrap();
        assert_eq!(
            dependency_line(&path, name, rename, kind, target),
            expect,
            "{name} {kind:?}"
        );
    }

    #[test]
    fn finds_the_line_of_each_declaration_form() {
        check("plain", None, DepKind::Normal, None, Some(5));
        check("plain", None, DepKind::Dev, None, Some(13));
        check("real", Some("alias"), DepKind::Normal, None, Some(6));
        check("real", None, DepKind::Normal, None, Some(6));
        check("inherited", None, DepKind::Normal, None, Some(7));
        check("dotted", None, DepKind::Normal, None, Some(9));
        check("native", None, DepKind::Build, Some("cfg(unix)"), Some(16));
        check(
            "native",
            None,
            DepKind::Build,
            Some("cfg(other spelling)"),
            Some(16),
        );
        check("missing", None, DepKind::Normal, None, None);
    }

    #[test]
    fn finds_package_and_metadata_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = camino::Utf8PathBuf::from_path_buf(dir.path().join("Cargo.toml")).unwrap();
        std::fs::write(&path, MANIFEST).unwrap();
        assert_eq!(package_line(&path), Some(2));
        assert_eq!(metadata_layer_line(&path), Some(19));
        assert_eq!(dependencies_line(&path, DepKind::Normal), Some(5));
        assert_eq!(line_of("a\nb\nc", 4), 3);
    }
}
