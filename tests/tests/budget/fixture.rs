//! On a generated workspace (nested packages, data files, path crates outside the members):
//! the file measures agree with the generator's own model, and adoption is one command.

use ratchet_fixture::{Spec, generate};
use ratchet_tests::ratchet;

use crate::support::BIN;

#[test]
fn file_measures_match_the_fixture_model_and_init_then_gate_passes() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = generate(dir.path(), &Spec::small(10, 11)).unwrap();
    assert!(
        fixture.packages.iter().any(|p| p.is_nested()),
        "the exclusion of nested packages is exercised"
    );
    let first = ratchet(BIN, &fixture.root, &["ratchet", "gate"]);
    assert_eq!(
        (first.code, first.stdout.as_str()),
        (0, ""),
        "no budget, nothing to say: {}",
        first.stderr
    );

    let history =
        std::fs::read_to_string(fixture.root.join("target/ratchet/budget-history.jsonl")).unwrap();
    let snapshot: serde_json::Value =
        serde_json::from_str(history.lines().last().unwrap()).unwrap();
    for package in &fixture.packages {
        let measured = &snapshot["packages"][&package.name];
        let (mut lines, mut bytes, mut longest) = (0, 0, 0);
        for file in &package.files {
            let text = std::fs::read_to_string(fixture.root.join(file)).unwrap();
            bytes += text.len() as u64;
            if file.extension().is_some_and(|e| e == "rs") {
                let n = text.lines().count() as u64;
                lines += n;
                longest = longest.max(n);
            }
        }
        assert_eq!(measured["lines"], lines, "{} lines", package.name);
        assert_eq!(measured["source_bytes"], bytes, "{} bytes", package.name);
        assert_eq!(
            measured["longest_file"], longest,
            "{} longest file",
            package.name
        );
    }

    assert_eq!(ratchet(BIN, &fixture.root, &["ratchet", "init"]).code, 0);
    let gate = ratchet(BIN, &fixture.root, &["ratchet", "gate"]);
    assert_eq!(gate.code, 0, "{}\n{}", gate.stdout, gate.stderr);
    assert!(!gate.stdout.contains("error"), "{}", gate.stdout);
}
