//! Finding the line of a `Cargo.toml` that declares something, so that each finding points at
//! the text to change. A manifest that cannot be read or parsed yields no line (the finding
//! still names the file); cargo has already accepted it, so that is rare.

use camino::Utf8Path;
use ratchet_graph::DepKind;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::finding::Finding;
use crate::locator::Locator;

/// The 1-based line of byte `offset` in `text`.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Fills in `line` for each finding from its locator, reading and parsing each manifest once
/// however many findings point into it.
pub(crate) fn fill_lines(findings: &mut [Finding]) {
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by(|&a, &b| findings[a].manifest.cmp(&findings[b].manifest));
    let groups: Vec<&[usize]> = order
        .chunk_by(|&a, &b| findings[a].manifest == findings[b].manifest)
        .collect();
    for group in groups {
        let Ok(text) = std::fs::read_to_string(&findings[group[0]].manifest) else {
            continue;
        };
        let Ok(doc) = DeTable::parse(&text) else {
            continue;
        };
        for &ix in group {
            let offset = locate(doc.get_ref(), &findings[ix].locator);
            findings[ix].line = offset.map(|o| line_of(&text, o));
        }
    }
}

/// The line `locator` points at in the manifest `text`.
#[cfg(test)]
fn line_in(text: &str, locator: &Locator) -> Option<usize> {
    let doc = DeTable::parse(text).ok()?;
    locate(doc.get_ref(), locator).map(|o| line_of(text, o))
}

/// The line of `layer = ...` under `[package.metadata.ratchet]`.
pub(crate) fn metadata_layer_line(manifest: &Utf8Path) -> Option<usize> {
    let text = std::fs::read_to_string(manifest).ok()?;
    let doc = DeTable::parse(&text).ok()?;
    let offset = key_at(doc.get_ref(), &["package", "metadata", "ratchet", "layer"])?;
    Some(line_of(&text, offset))
}

/// The byte offset `locator` points at.
fn locate(doc: &DeTable, locator: &Locator) -> Option<usize> {
    match locator {
        Locator::Nothing => None,
        Locator::Package => key_at(doc, &["package", "name"]),
        Locator::Dependencies => entry(doc, section_name(DepKind::Normal))
            .and_then(|(_, v)| as_table(v))
            .and_then(|t| t.iter().map(|(k, _)| k.span().start).min())
            .or_else(|| key_at(doc, &["package", "name"])),
        Locator::Dependency {
            name,
            rename,
            kind,
            target,
        } => dependency(doc, name, rename.as_deref(), *kind, target.as_deref()),
    }
}

fn dependency(
    doc: &DeTable,
    name: &str,
    rename: Option<&str>,
    kind: DepKind,
    target: Option<&str>,
) -> Option<usize> {
    let section = section_name(kind);
    let mut tables: Vec<&DeTable> = Vec::new();
    let targets = entry(doc, "target").and_then(|t| as_table(t.1));
    if let (Some(targets), Some(target)) = (targets, target) {
        tables.extend(entry(targets, target).and_then(|t| table_at(t.1, section)));
    }
    tables.extend(entry(doc, section).and_then(|(_, v)| as_table(v)));
    // cargo may report a platform spelt differently from the manifest: try every target too.
    for (_, platform) in targets.into_iter().flat_map(|t| t.iter()) {
        tables.extend(table_at(platform, section));
    }
    let key = rename.unwrap_or(name);
    tables.iter().find_map(|table| {
        entry(table, key)
            .or_else(|| find_by_package(table, name))
            .map(|(k, _)| k.span().start)
    })
}

fn key_at(doc: &DeTable, path: &[&str]) -> Option<usize> {
    let (last, parents) = path.split_last()?;
    let mut table = doc;
    for key in parents {
        table = as_table(entry(table, key)?.1)?;
    }
    Some(entry(table, last)?.0.span().start)
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
        let locator = Locator::Dependency {
            name: name.into(),
            rename: rename.map(Into::into),
            kind,
            target: target.map(Into::into),
        };
        assert_eq!(line_in(MANIFEST, &locator), expect, "{locator:?}");
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
    fn finds_package_and_section_lines() {
        assert_eq!(line_in(MANIFEST, &Locator::Package), Some(2));
        assert_eq!(line_in(MANIFEST, &Locator::Dependencies), Some(5));
        assert_eq!(
            line_in("[package]\nname = \"b\"\n", &Locator::Dependencies),
            Some(2)
        );
        assert_eq!(line_in(MANIFEST, &Locator::Nothing), None);
        assert_eq!(line_of("a\nb\nc", 4), 3);
    }
}
