//! The run that learns a new input records its passes, keyed by what they were observed with;
//! an input that changed during that run, or changes after it, is still seen.

use std::path::Path;

use ratchet_events::check::CheckEvent;

use crate::*;

/// `base` includes a file outside every package at compile time; `app`'s test reads another
/// one at run time, and with `WRITE` set writes it afterwards (an edit during the run).
const BASE: &str = "//! Base.\n\n/// One.\npub fn one() -> u32 {\n    include_str!(\"../../../shared/one.txt\")\n        .trim()\n        .parse()\n        .unwrap()\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn one_is_one() {\n        assert_eq!(super::one(), 1);\n    }\n}\n";
const APP: &str = "//! App.\n\n/// Two.\npub fn two() -> u32 {\n    base::one() + 1\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn two_matches_the_data() {\n        let path = concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/../../testdata/two.txt\");\n        let text = std::fs::read_to_string(path).unwrap();\n        assert_eq!(text.trim(), super::two().to_string());\n        if std::env::var_os(\"WRITE\").is_some() {\n            std::fs::write(path, \"3\\n\").unwrap();\n        }\n    }\n}\n";

fn workspace() -> tempfile::TempDir {
    let ws = two_packages();
    let root = ws.path();
    write(root, "crates/base/src/lib.rs", BASE);
    write(root, "crates/app/src/lib.rs", APP);
    write(root, "shared/one.txt", "1\n");
    write(root, "testdata/two.txt", "2\n");
    ws
}

/// Whether a `check` run started any step.
fn ran_a_step(events: &[CheckEvent]) -> bool {
    events
        .iter()
        .any(|e| matches!(e, CheckEvent::StepStarted(_)))
}

/// Runs `check` until one starts no step; returns how many runs that took (at most 4).
fn runs_to_no_op(root: &Path) -> usize {
    for runs in 1..=4 {
        let (run, events) = check(root, &[]);
        assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
        if !ran_a_step(&events) {
            return runs;
        }
    }
    panic!("no no-op after 4 runs");
}

#[test]
fn the_first_run_records_the_passes_of_what_it_learns() {
    let ws = workspace();
    let root = ws.path();
    // One run checks everything, the next is a no-op (before keys followed what was learned:
    // three runs).
    assert_eq!(runs_to_no_op(root), 2);

    // Both learned files are in the keys now: an edit after the run is seen.
    write(root, "testdata/two.txt", "3\n");
    let verdicts = assert_agrees("run-time input edited", root, &[], &[], &["base", "app"]);
    assert!(!verdicts["app"].test, "the judge fails app: {verdicts:?}");
    write(root, "testdata/two.txt", "2\n");
    write(root, "shared/one.txt", "5\n");
    let verdicts = assert_agrees(
        "compile-time input edited",
        root,
        &[],
        &[],
        &["base", "app"],
    );
    assert!(!verdicts["base"].test, "the judge fails base: {verdicts:?}");
}

#[test]
fn an_input_learned_while_it_changed_keys_no_pass() {
    let ws = workspace();
    let root = ws.path();
    // The test passes on "2", then writes "3": its pass must not be keyed by "3".
    let (run, _) = check_with_env(root, &[], &[("WRITE", "1")]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let verdicts = assert_agrees("edited during the run", root, &[], &[], &["base", "app"]);
    assert!(!verdicts["app"].test, "the judge fails app: {verdicts:?}");
}
