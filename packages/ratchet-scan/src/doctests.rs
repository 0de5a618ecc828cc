//! Whether a package can have doc tests at all, so the doc step can skip a `cargo test --doc`
//! (a whole cargo start and a rustdoc pass over the library) that would run nothing.
//!
//! Doc tests come only from code blocks in documentation: fenced (```` ``` ````, `~~~`) or
//! indented by four spaces, in `///`, `//!`, `/** */` or `/*! */` comments, or in `doc`
//! attributes, whose value may be anything (`#![doc = include_str!("../README.md")]`, or
//! `#![cfg_attr(docsrs, doc = include_str!(...))]`, `doc = concat!(...)`, a macro's
//! argument). The scan errs on the side of "maybe": any of those markers anywhere in any Rust
//! file under the package directory, a `doc =` anywhere (spaces ignored), an `include!` (code,
//! docs included, from elsewhere), a `#[path]` module, or a library root outside the package
//! directory, means the step runs.

use camino::Utf8Path;

/// `false` only when no Rust file under `dir` could hold a doc test of the library whose root
/// file is `lib_root`; unreadable files and walk errors count as "maybe".
pub fn may_have_doctests(dir: &Utf8Path, lib_root: &Utf8Path) -> bool {
    if !lib_root.starts_with(dir) {
        return true;
    }
    for entry in ignore::WalkBuilder::new(dir).hidden(false).build() {
        let Ok(entry) = entry else { return true };
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        match std::fs::read_to_string(path) {
            Ok(text) if !text_may_have_doctests(&text) => {}
            _ => return true,
        }
    }
    false
}

fn text_may_have_doctests(text: &str) -> bool {
    const MARKERS: &[&str] = &["```", "~~~", "/**", "/*!"];
    // Attribute and macro markers, matched with all whitespace taken out (`# [doc`, `doc =`).
    const COMPACT_MARKERS: &[&str] = &["#[doc", "#![doc", "doc=", "include!(", "#[path"];
    if MARKERS.iter().any(|m| text.contains(m)) {
        return true;
    }
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if COMPACT_MARKERS.iter().any(|m| compact.contains(m)) {
        return true;
    }
    text.lines().any(|line| {
        let line = line.trim_start();
        let doc = line
            .strip_prefix("///")
            .or_else(|| line.strip_prefix("//!"));
        doc.is_some_and(|rest| rest.starts_with("    ") || rest.starts_with('\t'))
    })
}

#[cfg(test)]
mod tests {
    use super::text_may_have_doctests as maybe;

    #[test]
    fn code_blocks_of_every_kind_count() {
        assert!(maybe(
            "/// ```\n/// assert!(true);\n/// ```\npub fn f() {}\n"
        ));
        assert!(maybe("//! ~~~\n//! x\n//! ~~~\n"));
        assert!(maybe(
            "/// Example:\n///\n///     let x = 1;\npub fn f() {}\n"
        ));
        assert!(maybe("#![doc = include_str!(\"../README.md\")]\n"));
        assert!(maybe(
            "#![cfg_attr(docsrs, doc = include_str!(\"../README.md\"))]\n"
        ));
        assert!(maybe("# ! [ doc = concat!(\"a\", \"b\") ]\n"));
        assert!(maybe(
            "include!(concat!(env!(\"OUT_DIR\"), \"/gen.rs\"));\n"
        ));
        assert!(maybe("#[path = \"../shared.rs\"]\nmod shared;\n"));
        assert!(maybe("/** docs */\npub fn f() {}\n"));
    }

    #[test]
    fn plain_docs_and_code_do_not() {
        assert!(!maybe(
            "//! A crate.\n\n/// Adds one.\npub fn f(x: u8) -> u8 {\n    x + 1\n}\n"
        ));
        assert!(!maybe(
            "// ```not a doc comment```\n".replace("```", "").as_str()
        ));
    }
}
