//! Files a test reads at run time, wherever they live, become inputs of its package's test
//! verdict: observed while the test ran, recorded, and hashed into the next fingerprint.

use ratchet_tests::git;

use crate::*;

/// `app`'s test compares with a file outside every package, read at run time only.
const READS_TESTDATA: &str = "//! App.\n\n/// Two.\npub fn two() -> u32 {\n    base::one() + 1\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn two_matches_the_data() {\n        let path = concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/../../testdata/two.txt\");\n        let text = std::fs::read_to_string(path).unwrap();\n        assert_eq!(text.trim(), super::two().to_string());\n    }\n}\n";

#[test]
fn a_data_file_read_at_run_time_is_an_input_even_when_gitignored() {
    let ws = two_packages();
    let root = ws.path();
    write(root, "crates/app/src/lib.rs", READS_TESTDATA);
    write(root, "testdata/two.txt", "2\n");
    write(root, ".gitignore", "/target\n/testdata\n");
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "init"]);
    settle(root);

    write(root, "testdata/two.txt", "3\n");
    let verdicts = assert_agrees(
        "run-time read of testdata",
        root,
        &[],
        &[],
        &["base", "app"],
    );
    assert!(!verdicts["app"].test, "the judge fails app: {verdicts:?}");

    write(root, "testdata/two.txt", "2\n");
    assert_agrees("run-time read restored", root, &[], &[], &["base", "app"]);
}
