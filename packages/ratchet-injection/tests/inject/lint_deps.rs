//! A lint finding in a dependency: `cargo clippy -p X -- -D warnings` lints every workspace
//! member it compiles for X, so X fails with it, and so must X's verdict.

use crate::*;

#[test]
fn a_lint_finding_in_a_dependency_fails_its_dependents_as_cargo_does() {
    let ws = two_packages();
    let root = ws.path();
    assert_agrees("green", root, &[], &[], &["base", "app"]);
    // `clippy::needless_return`, a warning: the code compiles and every test passes.
    write(
        root,
        "crates/base/src/lib.rs",
        "//! Base.\n\n/// One.\npub fn one() -> u32 {\n    return 1;\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn one_is_one() {\n        assert_eq!(super::one(), 1);\n    }\n}\n",
    );
    let verdicts = assert_agrees("clippy warning in base", root, &[], &[], &["base", "app"]);
    assert!(
        !verdicts["app"].lint && verdicts["app"].test,
        "the judge fails app's lint only: {verdicts:?}"
    );
    // Selected alone, app still fails: its build lints base.
    assert_agrees("app alone", root, &["-p", "app"], &[], &["app"]);
}
