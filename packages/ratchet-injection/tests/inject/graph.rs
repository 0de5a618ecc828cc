//! Targets that cargo discovers without a manifest change (`tests/*.rs`, `build.rs`,
//! `src/bin/*.rs`, `examples/*/main.rs`, ...): adding or deleting one changes the package graph,
//! so a cached graph must not hide the new file from the fmt step, nor keep a deleted one in it.

use crate::*;

const BAD_FORMAT: &str = "#[test]\nfn new_test() { assert_eq!(base::one(),  1); }\n";
const FAILING: &str = "#[test]\nfn new_test() {\n    assert_eq!(base::one(), 2);\n}\n";
const PASSING: &str = "#[test]\nfn new_test() {\n    assert_eq!(base::one(), 1);\n}\n";

#[test]
fn integration_test_files_added_and_deleted_reach_every_step() {
    let ws = two_packages();
    let root = ws.path();
    assert_agrees("green workspace", root, &[], &[], &["base", "app"]);

    write(root, "crates/base/tests/new.rs", BAD_FORMAT);
    let verdicts = assert_agrees(
        "new badly formatted tests/new.rs",
        root,
        &[],
        &[],
        &["base"],
    );
    assert!(!verdicts["base"].fmt, "the judge sees the formatting");

    write(root, "crates/base/tests/new.rs", FAILING);
    let verdicts = assert_agrees("new failing tests/new.rs", root, &[], &[], &["base"]);
    assert!(!verdicts["base"].test, "the judge sees the failing test");

    write(root, "crates/base/tests/new.rs", PASSING);
    assert_agrees("tests/new.rs fixed", root, &[], &[], &["base"]);

    std::fs::remove_file(root.join("crates/base/tests/new.rs")).unwrap();
    let verdicts = assert_agrees(
        "integration test file deleted",
        root,
        &[],
        &[],
        &["base", "app"],
    );
    assert!(verdicts["base"].passed(), "{verdicts:?}");
}

#[test]
fn new_build_script_binary_and_example_are_checked() {
    let ws = two_packages();
    let root = ws.path();
    assert_agrees("green workspace", root, &[], &[], &["base", "app"]);

    write(
        root,
        "crates/app/build.rs",
        "fn main() {\n    panic!(\"the new build script fails\");\n}\n",
    );
    let verdicts = assert_agrees("new failing build.rs", root, &[], &[], &["app"]);
    assert!(
        !verdicts["app"].lint,
        "the judge sees the build script fail"
    );
    std::fs::remove_file(root.join("crates/app/build.rs")).unwrap();

    write(root, "crates/app/src/bin/tool.rs", "fn main() {  }\n");
    let verdicts = assert_agrees(
        "new badly formatted src/bin/tool.rs",
        root,
        &[],
        &[],
        &["app"],
    );
    assert!(!verdicts["app"].fmt, "the judge sees the formatting");
    write(root, "crates/app/src/bin/tool.rs", "fn main() {}\n");

    write(
        root,
        "crates/base/examples/demo/main.rs",
        "fn main() {  }\n",
    );
    let verdicts = assert_agrees(
        "new badly formatted examples/demo/main.rs",
        root,
        &[],
        &[],
        &["base", "app"],
    );
    assert!(!verdicts["base"].fmt, "the judge sees the formatting");
}
