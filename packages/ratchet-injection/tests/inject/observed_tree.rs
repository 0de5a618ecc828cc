//! Run-time reads are observed where another program starts the test processes: nextest
//! (which runs every test binary itself) and rustdoc (which compiles and runs doc tests).

use std::process::Command;

use crate::*;

/// `app`'s doc test reads `testdata/doc.txt`, its unit test `testdata/two.txt`, both outside
/// every package and at run time only.
const APP: &str = "//! App.\n//!\n//! ```\n//! let path = concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/../../testdata/doc.txt\");\n//! assert_eq!(std::fs::read_to_string(path).unwrap().trim(), \"2\");\n//! ```\n\n/// Two.\npub fn two() -> u32 {\n    base::one() + 1\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn two_matches_the_data() {\n        let path = concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/../../testdata/two.txt\");\n        let text = std::fs::read_to_string(path).unwrap();\n        assert_eq!(text.trim(), super::two().to_string());\n    }\n}\n";

fn nextest_installed() -> bool {
    let out = Command::new("cargo")
        .args(["nextest", "--version"])
        .output();
    out.is_ok_and(|o| o.status.success())
}

#[test]
fn reads_under_nextest_and_of_doc_tests_are_observed() {
    if !nextest_installed() {
        eprintln!("skipped: cargo-nextest is not installed");
        return;
    }
    let ws = two_packages();
    let root = ws.path();
    // With nextest's configuration present (and nextest installed), nextest runs the tests.
    write(root, ".config/nextest.toml", "");
    write(root, "crates/app/src/lib.rs", APP);
    write(root, "testdata/two.txt", "2\n");
    write(root, "testdata/doc.txt", "2\n");
    assert_agrees("green", root, &[], &[], &["base", "app"]);

    write(root, "testdata/two.txt", "3\n");
    let verdicts = assert_agrees("read under nextest", root, &[], &[], &["base", "app"]);
    assert!(!verdicts["app"].test, "the judge fails app: {verdicts:?}");

    write(root, "testdata/two.txt", "2\n");
    write(root, "testdata/doc.txt", "3\n");
    let verdicts = assert_agrees("read by a doc test", root, &[], &[], &["base", "app"]);
    assert!(!verdicts["app"].test, "the judge fails app: {verdicts:?}");
}
