//! `diagnostic` events carry what an agent needs to fix the code without running cargo again:
//! the column, the lint's name, and rustc's machine-applicable edits.

use ratchet_events::Event;
use ratchet_events::check::Level;
use ratchet_tests::write;

use crate::{BASE_LIB, events, run, workspace};

#[test]
fn an_unused_import_comes_with_the_edit_that_removes_it() {
    let ws = workspace();
    let root = ws.path();
    let broken = BASE_LIB.replace("/// Adds one.", "use std::fmt;\n\n/// Adds one.");
    write(root, "crates/base/src/lib.rs", &broken);
    let out = run(root, &["check", "--message-format", "json"], &[]);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    let diagnostic = events(&out)
        .into_iter()
        .find_map(|e| match e {
            Event::Diagnostic(d) if d.code.as_deref() == Some("unused_imports") => Some(d),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no unused_imports diagnostic: {}", out.stdout));
    // ratchet fails the verdict on a warning itself (`-D warnings`), never the build.
    assert_eq!(diagnostic.level, Level::Warning);
    assert_eq!(diagnostic.file.as_deref(), Some("crates/base/src/lib.rs"));
    assert_eq!((diagnostic.line, diagnostic.column), (Some(3), Some(5)));
    let suggestion = diagnostic
        .suggestions
        .first()
        .expect("a machine-applicable fix");
    // Apply the edits, last first, as an agent would.
    let mut text = broken.clone();
    let mut edits = suggestion.edits.clone();
    edits.sort_by_key(|e| std::cmp::Reverse(e.byte_start));
    for edit in edits {
        assert_eq!(edit.file, "crates/base/src/lib.rs");
        text.replace_range(edit.byte_start..edit.byte_end, &edit.replacement);
    }
    assert!(!text.contains("use std::fmt"), "{text}");
    assert!(text.contains("pub fn inc"), "{text}");
}
