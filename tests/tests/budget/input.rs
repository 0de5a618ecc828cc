//! Every bad input: one clear line on stderr and exit 2.

use crate::support::{BIN, budget, workspace};
use ratchet_tests::ratchet;

fn bad(text: &str) -> String {
    let ws = workspace();
    budget(ws.path(), text);
    let run = ratchet(BIN, ws.path(), &["ratchet", "gate"]);
    assert_eq!(run.code, 2, "{text}: {}", run.stdout);
    assert_eq!(run.stderr.lines().count(), 1, "one line: {}", run.stderr);
    run.stderr
}

#[test]
fn every_bad_input_is_a_clear_usage_error() {
    let cases = [
        ("[budget\nlines = 1", "line 1"),
        (
            "[budget.defaults]\nlinez = \"3 lines\"\n",
            "did you mean `lines`?",
        ),
        (
            "[budget.packages.bigg]\nlines = \"3 lines\"\n",
            "`bigg`, which is not a package of this workspace (did you mean `big`?)",
        ),
        (
            "[budget.packages.bigg]\nlines = \"3 lines\"\n",
            "ratchet.toml:1:",
        ),
        ("[budget.defaults]\nlines = \"-3 lines\"\n", "is negative"),
        (
            "[budget.defaults]\nlines = 350\n",
            "350 has no unit: write it as a string with one, like \"350 lines\"",
        ),
        (
            "[budget.defaults]\nsource-bytes = \"4 MB0\"\n",
            "has no unit",
        ),
        (
            "[budget.defaults]\nsource-bytes = \"4 parsecs\"\n",
            "unknown unit `parsecs`",
        ),
        ("[budget.defaults]\nbuild-cpu = \"4 MiB\"\n", "takes ms"),
        ("[budget]\nnear = \"3s\"\n", "must be a percentage"),
        (
            "[budget.tolerance]\nlines = \"2s\"\n",
            "`budget.tolerance.lines`",
        ),
    ];
    for (text, expected) in cases {
        let stderr = bad(text);
        assert!(stderr.starts_with("error: "), "{stderr}");
        assert!(
            stderr.contains(expected),
            "{text:?}: expected {expected:?} in {stderr}"
        );
    }
}

#[test]
fn a_ceiling_past_u64_or_a_fraction_of_a_line_is_refused_with_its_key_and_line() {
    let huge = bad("[budget]\n\n[budget.defaults]\nbuild-cpu = \"99999999999999999999 h\"\n");
    assert!(
        huge.contains("ratchet.toml:4:1: `budget.defaults.build-cpu`: ")
            && huge.contains("too large"),
        "{huge}"
    );
    let fraction = bad("[budget.packages.big]\nlines = \"1.5 lines\"\n");
    assert!(
        fraction.contains(":2:1: `budget.packages.big.lines`")
            && fraction.contains("not a whole number of lines"),
        "{fraction}"
    );
    assert!(bad("[budget.defaults]\nsource-bytes = \"0.5 B\"\n").contains("whole number of bytes"));
}

#[test]
fn plain_check_refuses_a_malformed_budget_as_the_gate_does() {
    let ws = workspace();
    budget(ws.path(), "[budget.defaults]\nlines = \"1.5 lines\"\n");
    let gate = ratchet(BIN, ws.path(), &["ratchet", "gate"]);
    let check = ratchet(BIN, ws.path(), &["check"]);
    assert_eq!((gate.code, check.code), (2, 2), "{}", check.stdout);
    assert!(
        check.stderr.contains("not a whole number"),
        "{}",
        check.stderr
    );
    assert_eq!(check.stderr, gate.stderr, "the same one-line message");
}

#[test]
fn a_dangling_symlink_counts_as_its_target_path_as_fingerprints_hash_it() {
    let ws = workspace();
    budget(ws.path(), "[budget.defaults]\nlines = \"100 lines\"\n");
    let bytes = |ws: &tempfile::TempDir| {
        let run = ratchet(BIN, ws.path(), &["ratchet", "gate"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let history =
            std::fs::read_to_string(ws.path().join("target/ratchet/budget-history.jsonl"));
        let last: serde_json::Value =
            serde_json::from_str(history.unwrap().lines().last().unwrap()).unwrap();
        last["packages"]["small"]["source_bytes"].as_u64().unwrap()
    };
    let before = bytes(&ws);
    std::os::unix::fs::symlink("nowhere", ws.path().join("crates/small/data")).unwrap();
    assert_eq!(bytes(&ws), before + "nowhere".len() as u64);
    let hash = ratchet(BIN, ws.path(), &["hash"]);
    assert_eq!(hash.code, 0, "fingerprints hash it too: {}", hash.stderr);
}

#[test]
fn a_history_that_cannot_be_written_keeps_the_report_and_exits_1() {
    let ws = workspace();
    budget(ws.path(), "[budget.packages.big]\nlines = \"29 lines\"\n");
    // A directory where the history file should be: the append fails, as on a full disk.
    std::fs::create_dir_all(ws.path().join("target/ratchet/budget-history.jsonl")).unwrap();
    let over = ratchet(BIN, ws.path(), &["ratchet", "gate"]);
    assert_eq!(
        over.code, 3,
        "an exceeded budget still wins: {}",
        over.stderr
    );
    assert!(
        over.stdout.contains("budget over: `big` lines"),
        "{}",
        over.stdout
    );
    assert!(
        over.stderr
            .contains("error: could not record this gate run in the history: ")
    );
    budget(ws.path(), "[budget.packages.big]\nlines = \"30 lines\"\n");
    let ok = ratchet(BIN, ws.path(), &["ratchet", "gate"]);
    assert_eq!(ok.code, 1, "not 2, no input is wrong: {}", ok.stderr);
}
