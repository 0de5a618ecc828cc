//! Failures attributed to the right package, and no pass from a cargo run that did not build
//! it: errors cargo prints before compiling, members named like a dependency, doc tests per
//! library (proc-macros, `doctest = false`, docs included from a file) and clippy's deny lints.

use std::path::Path;
use std::process::Command;

use ratchet_events::check::{CheckEvent, Step, StepFinished};

use crate::*;

/// Plain `cargo ARGS` in `root`, in the judge's own target directory; whether it passed, and
/// what it printed.
fn plain(root: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new("cargo")
        .args(args)
        .current_dir(root)
        .env("CARGO_TARGET_DIR", root.join("target/oracle"))
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The `step_finished` event of `step`, if it ran.
fn finished<'a>(events: &'a [CheckEvent], step: &str) -> Option<&'a StepFinished> {
    events.iter().find_map(|e| match e {
        CheckEvent::StepFinished(f) if serde_json::to_value(f.step).ok()? == step => Some(f),
        _ => None,
    })
}

#[test]
fn an_error_cargo_prints_before_compiling_fails_every_package_of_that_run() {
    let ws = two_packages();
    let root = ws.path();
    write(root, "crates/lone/Cargo.toml", &manifest("lone", ""));
    write(
        root,
        "crates/lone/src/lib.rs",
        "//! Lone.\n\n/// Three.\npub fn three() -> u32 {\n    3\n}\n",
    );
    // cargo stops at feature resolution with an error that names `base` only; `lone` does not
    // depend on it, and plain cargo with the same arguments fails it too.
    let args = ["--features", "base/nope"];
    for package in ["base", "app", "lone"] {
        let (ok, said) = plain(root, &["clippy", "-p", package, args[0], args[1]]);
        assert!(!ok, "plain cargo: {said}");
    }
    for config in [
        // lint and test from one shared build
        "[steps.lint]\nargs = [\"--all-targets\", \"--features\", \"base/nope\", \"--\", \"-D\", \"warnings\"]\n[steps.test]\nargs = [\"--features\", \"base/nope\"]\n",
        // lint alone
        "[steps.lint]\nargs = [\"--all-targets\", \"--features\", \"base/nope\"]\n[steps.test]\nenabled = false\n",
    ] {
        write(root, "ratchet.toml", config);
        let (run, events) = check(root, &["--force"]);
        assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
        for step in ["lint", "test", "doc"] {
            if let Some(finished) = finished(&events, step) {
                assert!(
                    finished.passed.is_empty(),
                    "{step} passed {:?} although cargo built nothing:\n{}",
                    finished.passed,
                    run.stdout
                );
            }
        }
        assert_eq!(
            failed_packages(&run, &events),
            ["app", "base", "lone"].map(String::from).into()
        );
    }
}

/// A member `dup` (0.2.0) and, outside the members, a path package also named `dup` (0.1.0)
/// that member `a` uses: both are in the resolve, so `-p dup` beside `-p a` is ambiguous.
fn shared_name_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/*\"]\nexclude = [\"vendor\"]\nresolver = \"2\"\n",
    );
    write(
        root,
        "crates/a/Cargo.toml",
        &manifest("a", "dup = { path = \"../../vendor/dup\" }\n"),
    );
    write(
        root,
        "crates/a/src/lib.rs",
        "//! A.\n\n/// One.\npub fn one() -> u32 {\n    dup::one()\n}\n",
    );
    write(
        root,
        "crates/dup/Cargo.toml",
        &manifest("dup", "").replace("0.1.0", "0.2.0"),
    );
    write(
        root,
        "crates/dup/src/lib.rs",
        "//! Dup, the member.\n\n/// Two.\npub fn two() -> u32 {\n    2\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn two_is_two() {\n        assert_eq!(super::two(), 2);\n    }\n}\n",
    );
    write(root, "vendor/dup/Cargo.toml", &manifest("dup", ""));
    write(
        root,
        "vendor/dup/src/lib.rs",
        "//! Dup, the path dependency.\n\n/// One.\npub fn one() -> u32 {\n    1\n}\n",
    );
    dir
}

#[test]
fn a_member_named_like_a_dependency_is_selected_exactly() {
    let ws = shared_name_workspace();
    let root = ws.path();
    let (ok, said) = plain(root, &["check", "-p", "a", "-p", "dup"]);
    assert!(!ok && said.contains("is ambiguous"), "plain cargo: {said}");
    let verdicts = assert_agrees(
        "member named like a path dependency",
        root,
        &[],
        &[],
        &["a", "dup"],
    );
    assert!(verdicts.values().all(|v| v.passed()), "{verdicts:?}");
    // A failing test in the member: its reproduce command names the member exactly, and runs.
    write(
        root,
        "crates/dup/src/lib.rs",
        "//! Dup, the member.\n\n/// Two.\npub fn two() -> u32 {\n    3\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn two_is_two() {\n        assert_eq!(super::two(), 2);\n    }\n}\n",
    );
    assert_agrees(
        "failing test in the shared-name member",
        root,
        &[],
        &[],
        &["a", "dup"],
    );
    let (_, events) = check(root, &[]);
    let command = events
        .iter()
        .find_map(|e| match e {
            CheckEvent::TestFailure(t) if t.package == "dup" => Some(t.command.clone()),
            _ => None,
        })
        .expect("a test failure of `dup`");
    assert!(command.contains("path+file://"), "{command}");
    let out = Command::new("sh")
        .args(["-c", &format!("{command} 2>&1")])
        .current_dir(root)
        .env("CARGO_TARGET_DIR", root.join("target/oracle"))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        !out.status.success() && said.contains("two_is_two") && !said.contains("ambiguous"),
        "`{command}` reproduces the failure:\n{said}"
    );
}

/// A library with a doc test that passes when `good`, else fails.
fn doc_tested_lib(name: &str, good: bool) -> String {
    let expected = if good { 1 } else { 2 };
    format!(
        "//! {name}.\n\n/// One.\n///\n/// ```\n/// assert_eq!({name}::one(), {expected});\n/// ```\npub fn one() -> u32 {{\n    1\n}}\n"
    )
}

#[test]
fn doc_tests_fail_only_the_libraries_cargo_test_fails() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/*\"]\nresolver = \"2\"\n",
    );
    let package = |name: &str, extra: &str, path: &str, text: &str| {
        let manifest =
            manifest(name, "").replace("\n[dependencies]", &format!("{extra}\n[dependencies]"));
        write(root, &format!("crates/{name}/Cargo.toml"), &manifest);
        write(root, &format!("crates/{name}/{path}"), text);
    };
    package("bad", "", "src/lib.rs", &doc_tested_lib("bad", false));
    package("good", "", "src/lib.rs", &doc_tested_lib("good", true));
    package(
        "tool",
        "",
        "src/main.rs",
        "fn main() {\n    println!(\"tool\");\n}\n",
    );
    // `cargo test` skips the doc tests of a library that turns them off.
    package(
        "off",
        "\n[lib]\ndoctest = false\n",
        "src/lib.rs",
        &doc_tested_lib("off", false),
    );
    // A proc-macro's doc tests run like any library's.
    package(
        "mac",
        "\n[lib]\nproc-macro = true\n",
        "src/lib.rs",
        "//! Mac.\n\nuse proc_macro::TokenStream;\n\n/// Nothing.\n///\n/// ```\n/// assert_eq!(1, 2);\n/// ```\n#[proc_macro]\npub fn nothing(_input: TokenStream) -> TokenStream {\n    TokenStream::new()\n}\n",
    );
    // Doc tests from the README, included only when doc-testing.
    package(
        "readme",
        "",
        "src/lib.rs",
        "//! Readme.\n#![cfg_attr(doctest, doc = include_str!(\"../README.md\"))]\n\n/// One.\npub fn one() -> u32 {\n    1\n}\n",
    );
    write(
        root,
        "crates/readme/README.md",
        "# Readme\n\n```\nassert_eq!(readme::one(), 2);\n```\n",
    );
    let all = ["bad", "good", "tool", "off", "mac", "readme"];
    let verdicts = assert_agrees("doc tests per library", root, &[], &[], &all);
    let failing: Vec<&str> = all.into_iter().filter(|p| !verdicts[*p].test).collect();
    assert_eq!(failing, ["bad", "mac", "readme"], "the judge");
    let (run, events) = check(root, &["--force"]);
    let doc = finished(&events, "doc").expect("the doc step ran");
    assert_eq!(doc.failed, ["bad", "mac", "readme"], "{}", run.stdout);
    for event in &events {
        if let CheckEvent::TestFailure(t) = event
            && t.step == Step::Doc
        {
            assert_eq!(t.command, format!("cargo test --doc -p {}", t.package));
            let (ok, _) = plain(root, &["test", "--doc", "-p", &t.package]);
            assert!(!ok, "`{}` reproduces the failure", t.command);
        }
    }
}

#[test]
fn a_deny_lint_is_one_lint_failure_not_a_test_failure() {
    let ws = two_packages();
    let root = ws.path();
    // clippy::absurd_extreme_comparisons is deny by default: it stops clippy's build of
    // `base`, while plain rustc builds it and its tests pass.
    write(
        root,
        "crates/base/src/lib.rs",
        "//! Base.\n\n/// One.\npub fn one() -> u32 {\n    1\n}\n\n/// Never.\npub fn never(x: u8) -> bool {\n    x > u8::MAX\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn one_is_one() {\n        assert_eq!(super::one(), 1);\n    }\n}\n",
    );
    let verdicts = assert_agrees(
        "deny-by-default clippy lint",
        root,
        &[],
        &[],
        &["base", "app"],
    );
    assert!(
        !verdicts["base"].lint && verdicts["base"].test,
        "{verdicts:?}"
    );
    let (run, events) = check(root, &["--force"]);
    let lint_errors: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            CheckEvent::Diagnostic(d) if d.message.contains("minimum or maximum") => Some(d),
            _ => None,
        })
        .collect();
    assert_eq!(lint_errors.len(), 1, "shown once:\n{}", run.stdout);
    assert_eq!(lint_errors[0].step, Step::Lint);
    assert!(lint_errors[0].command.starts_with("cargo clippy -p base"));
    for event in &events {
        let command = match event {
            CheckEvent::Diagnostic(d) if d.step == Step::Test => &d.command,
            CheckEvent::TestFailure(t) => &t.command,
            _ => continue,
        };
        assert!(
            command.is_empty(),
            "no test failure to reproduce with `{command}`:\n{}",
            run.stdout
        );
    }
}
