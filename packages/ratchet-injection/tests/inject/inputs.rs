//! Breakage through what a package reads beyond its own files: cargo's environment and
//! configuration above the workspace, files and variables read at compile time (learned from
//! rustc's dep-info and build-script output), and declared inputs.

use std::path::Path;

use crate::*;

/// A `base` without `Debug` on a public type: fine until `missing_debug_implementations`
/// (allowed by default) is denied through the environment or cargo's configuration.
fn without_debug(root: &Path) {
    write(
        root,
        "crates/base/src/lib.rs",
        "//! Base.\n\n/// A marker.\npub struct Marker;\n\n/// One.\npub fn one() -> u32 {\n    1\n}\n",
    );
}

const DENY: &str = "-D missing_debug_implementations";

fn host_triple() -> String {
    let out = std::process::Command::new("rustc")
        .arg("-vV")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let host = text.lines().find_map(|l| l.strip_prefix("host: ")).unwrap();
    host.to_string()
}

#[test]
fn cargo_rustflags_variables_are_inputs() {
    let ws = two_packages();
    let root = ws.path();
    without_debug(root);
    assert_agrees("green", root, &[], &[], &["base", "app"]);
    let build = [("CARGO_BUILD_RUSTFLAGS", DENY)];
    let verdicts = assert_agrees("CARGO_BUILD_RUSTFLAGS", root, &[], &build, &["base"]);
    assert!(!verdicts["base"].lint, "the flag breaks base: {verdicts:?}");
    let name = format!(
        "CARGO_TARGET_{}_RUSTFLAGS",
        host_triple().to_uppercase().replace(['-', '.'], "_")
    );
    let target = [(name.as_str(), DENY)];
    let verdicts = assert_agrees(&name, root, &[], &target, &["base"]);
    assert!(!verdicts["base"].lint, "the flag breaks base: {verdicts:?}");
}

#[test]
fn configuration_above_the_workspace_is_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let ws = two_packages();
    let root = dir.path().join("ws");
    std::fs::rename(ws.path(), &root).unwrap();
    without_debug(&root);
    assert_agrees("green", &root, &[], &[], &["base", "app"]);
    write(dir.path(), "rustfmt.toml", "hard_tabs = true\n");
    let verdicts = assert_agrees("rustfmt.toml above", &root, &[], &[], &["base", "app"]);
    assert!(!verdicts["base"].fmt, "tabs now: {verdicts:?}");
    std::fs::remove_file(dir.path().join("rustfmt.toml")).unwrap();
    let config = "[build]\nrustflags = [\"-D\", \"missing_debug_implementations\"]\n";
    write(dir.path(), ".cargo/config.toml", config);
    let verdicts = assert_agrees(".cargo/config.toml above", &root, &[], &[], &["base"]);
    assert!(!verdicts["base"].lint, "the flag breaks base: {verdicts:?}");
}

/// `base`'s value comes from a file at the workspace root, outside every package. (With a
/// `clippy.toml`, which clippy's driver lists before the crate root in the dep-info.)
#[test]
fn a_file_included_from_outside_the_package_is_learned() {
    let ws = two_packages();
    let root = ws.path();
    write(root, "clippy.toml", "too-many-lines-threshold = 100\n");
    write(root, "testdata/one.txt", "1\n");
    write(
        root,
        "crates/base/src/lib.rs",
        "//! Base.\n\n/// One.\npub fn one() -> u32 {\n    include_str!(\"../../../testdata/one.txt\").trim().len() as u32\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn one_is_one() {\n        assert_eq!(super::one(), 1);\n    }\n}\n",
    );
    settle(root);
    write(root, "testdata/one.txt", "12\n");
    let verdicts = assert_agrees("include_str! edit", root, &[], &[], &["base", "app"]);
    assert!(
        !verdicts["base"].test && !verdicts["app"].test,
        "{verdicts:?}"
    );
}

#[test]
fn a_variable_read_by_option_env_is_learned() {
    let ws = two_packages();
    let root = ws.path();
    write(
        root,
        "crates/base/src/lib.rs",
        "//! Base.\n\n/// One.\npub fn one() -> u32 {\n    match option_env!(\"INJECT_ONE\") {\n        Some(_) => 2,\n        None => 1,\n    }\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn one_is_one() {\n        assert_eq!(super::one(), 1);\n    }\n}\n",
    );
    settle(root);
    let env = [("INJECT_ONE", "yes")];
    let verdicts = assert_agrees("option_env! value", root, &[], &env, &["base", "app"]);
    assert!(
        !verdicts["base"].test && !verdicts["app"].test,
        "{verdicts:?}"
    );
}

/// A build script that reads a file two directories up and a variable, saying so to cargo.
#[test]
fn build_script_dependencies_are_learned() {
    let ws = two_packages();
    let root = ws.path();
    write(root, "testdata/flag", "on\n");
    let manifest = manifest("base", "").replace("edition", "build = \"build.rs\"\nedition");
    write(root, "crates/base/Cargo.toml", &manifest);
    write(
        root,
        "crates/base/build.rs",
        "//! Reads the flag.\n\nfn main() {\n    println!(\"cargo:rerun-if-changed=../../testdata/flag\");\n    println!(\"cargo::rerun-if-env-changed=INJECT_MODE\");\n    let flag = std::fs::read_to_string(\"../../testdata/flag\").unwrap_or_default();\n    let mode = std::env::var(\"INJECT_MODE\").unwrap_or_else(|_| \"ok\".to_string());\n    println!(\"cargo:rustc-env=FLAG={}-{mode}\", flag.trim());\n}\n",
    );
    write(
        root,
        "crates/base/src/lib.rs",
        "//! Base.\n\n/// One.\npub fn one() -> u32 {\n    u32::from(env!(\"FLAG\") == \"on-ok\")\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn one_is_one() {\n        assert_eq!(super::one(), 1);\n    }\n}\n",
    );
    settle(root);
    write(root, "testdata/flag", "off\n");
    let verdicts = assert_agrees("rerun-if-changed", root, &[], &[], &["base", "app"]);
    assert!(!verdicts["base"].test, "{verdicts:?}");
    write(root, "testdata/flag", "on\n");
    settle(root);
    let env = [("INJECT_MODE", "strict")];
    let verdicts = assert_agrees("rerun-if-env-changed", root, &[], &env, &["base", "app"]);
    assert!(!verdicts["base"].test, "{verdicts:?}");
}

/// A test reading documentation at run time, which no record shows: declared instead.
#[test]
fn declared_inputs_are_inputs_and_bad_ones_are_errors() {
    let ws = two_packages();
    let root = ws.path();
    write(root, "docs/guide/one.md", "one\n");
    let declared = "\n[package.metadata.ratchet]\ninputs = [\"../../docs/**\"]\n";
    write(
        root,
        "crates/base/Cargo.toml",
        &format!("{}{declared}", manifest("base", "")),
    );
    write(
        root,
        "crates/base/tests/docs.rs",
        "//! The guide.\n\n#[test]\nfn guide_says_one() {\n    let path = concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/../../docs/guide/one.md\");\n    assert_eq!(std::fs::read_to_string(path).unwrap(), \"one\\n\");\n}\n",
    );
    settle(root);
    write(root, "docs/guide/one.md", "two\n");
    let verdicts = assert_agrees("declared input edit", root, &[], &[], &["base", "app"]);
    assert!(!verdicts["base"].test, "{verdicts:?}");
    let bad = "\n[package.metadata.ratchet]\ninputs = [\"[oops\"]\n";
    write(
        root,
        "crates/base/Cargo.toml",
        &format!("{}{bad}", manifest("base", "")),
    );
    let (run, _) = check(root, &[]);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("crates/base/Cargo.toml") && run.stderr.contains("`[oops`"),
        "{}",
        run.stderr
    );
}

/// `affected --since`: a learned input that changed seeds its reader; configuration in the
/// repository above the workspace root is global.
#[test]
fn since_sees_learned_inputs_and_configuration_above_the_root() {
    let dir = tempfile::tempdir().unwrap();
    let ws = two_packages();
    let root = dir.path().join("ws");
    std::fs::rename(ws.path(), &root).unwrap();
    write(dir.path(), "shared/one.txt", "1\n");
    write(
        &root,
        "crates/base/src/lib.rs",
        "//! Base.\n\n/// One.\npub fn one() -> u32 {\n    include_str!(\"../../../../shared/one.txt\").trim().len() as u32\n}\n",
    );
    ratchet_tests::git(dir.path(), &["init", "-q"]);
    ratchet_tests::git(dir.path(), &["add", "-A"]);
    ratchet_tests::git(dir.path(), &["commit", "-qm", "start"]);
    let (run, _) = check(&root, &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let affected = |root: &Path| {
        let run = ratchet_tests::ratchet(BIN, root, &["affected", "--since", "HEAD"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        run.stdout.lines().map(str::to_string).collect::<Vec<_>>()
    };
    assert!(affected(&root).is_empty());
    write(dir.path(), "shared/one.txt", "12\n");
    assert_eq!(affected(&root), ["app", "base"]);
    ratchet_tests::git(dir.path(), &["checkout", "-q", "--", "shared"]);
    write(dir.path(), ".cargo/config.toml", "[build]\njobs = 1\n");
    assert_eq!(affected(&root), ["app", "base"]);
}

/// Paths a package's tests were observed reading at run time, as the state file records them
/// (`Learned::record_runtime`): a file by content, a directory (ending in `/`) by its entries.
#[test]
fn observed_runtime_reads_are_hashed_like_learned_files() {
    let ws = two_packages();
    let root = ws.path();
    write(root, "docs/guide.md", "one\n");
    write(root, "fixtures/a.bin", "a\n");
    let state = r#"{"format":2,"scanned_ns":0,"units":{},"runtime":{"base":{"test":["docs/guide.md","fixtures/"]}}}"#;
    write(root, "target/ratchet/learned-inputs.json", state);
    let build = |root: &Path| {
        let run = ratchet_tests::ratchet(BIN, root, &["hash", "--message-format", "json"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let json = run.json();
        let of = |p: &str| json["packages"][p]["build"].as_str().unwrap().to_string();
        (of("base"), of("app"))
    };
    let start = build(root);
    write(root, "docs/guide.md", "two\n");
    let edited = build(root);
    assert!(
        edited.0 != start.0 && edited.1 != start.1,
        "base and app follow"
    );
    write(root, "fixtures/a.bin", "changed, same name\n");
    assert_eq!(
        build(root),
        edited,
        "a listed directory counts by its entries"
    );
    write(root, "fixtures/b.bin", "b\n");
    assert_ne!(build(root).0, edited.0, "a new entry changes the listing");
}
