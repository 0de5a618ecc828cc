//! The hand-written workspace shared by the `affected` tests, and helpers to change it, run
//! `affected` on it and read the answer.

#![allow(dead_code)] // each test target uses a different subset

use std::path::{Path, PathBuf};

pub use ratchet_tests::git;
use ratchet_tests::{Run, ratchet};

pub const BIN: &str = env!("CARGO_BIN_EXE_ratchet");

/// A workspace at `<tmp>/ws` and a path crate outside it at `<tmp>/ext`, both in the git
/// repository at `<tmp>` (see [`fixture_with_repo_at`] for a repository at the workspace).
///
/// Edges: a -> b (normal), b -> c (build), d -> b (dev), e -> ext (external path crate),
/// nested (inside a's directory) -> c. c reads `data/words.txt` with `include_str!`.
pub struct Fixture {
    pub _tmp: tempfile::TempDir,
    pub ws: PathBuf,
    pub ext: PathBuf,
}

pub fn manifest(name: &str, deps: &str) -> String {
    format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n{deps}")
}

pub fn write(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

pub fn commit_all(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", message]);
}

pub fn fixture() -> Fixture {
    fixture_with_repo_at(|ws| ws.parent().unwrap().to_path_buf())
}

/// The fixture with its git repository at `repo_dir(ws)` (the workspace or a parent).
pub fn fixture_with_repo_at(repo_dir: impl Fn(&Path) -> PathBuf) -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    let ext = tmp.path().join("ext");
    write(
        &ext,
        &[("Cargo.toml", &manifest("ext", "")), ("src/lib.rs", "")],
    );
    write(
        &ws,
        &[
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"crates/*\", \"crates/a/nested\"]\nresolver = \"2\"\n",
            ),
            (".gitignore", "/target\n*.log\n"),
            ("docs/notes.md", "notes\n"),
            (
                "crates/a/Cargo.toml",
                &manifest("a", "[dependencies]\nb = { path = \"../b\" }\n"),
            ),
            ("crates/a/src/lib.rs", ""),
            (
                "crates/a/nested/Cargo.toml",
                &manifest("nested", "[dependencies]\nc = { path = \"../../c\" }\n"),
            ),
            ("crates/a/nested/src/lib.rs", ""),
            (
                "crates/b/Cargo.toml",
                &manifest("b", "[build-dependencies]\nc = { path = \"../c\" }\n"),
            ),
            ("crates/b/src/lib.rs", ""),
            ("crates/c/Cargo.toml", &manifest("c", "")),
            (
                "crates/c/src/lib.rs",
                "pub const WORDS: &str = include_str!(\"../data/words.txt\");\n",
            ),
            ("crates/c/data/words.txt", "one two\n"),
            (
                "crates/d/Cargo.toml",
                &manifest("d", "[dev-dependencies]\nb = { path = \"../b\" }\n"),
            ),
            ("crates/d/src/lib.rs", ""),
            (
                "crates/e/Cargo.toml",
                &manifest("e", "[dependencies]\next = { path = \"../../../ext\" }\n"),
            ),
            ("crates/e/src/lib.rs", ""),
        ],
    );
    let repo = repo_dir(&ws);
    git(&repo, &["init", "-q", "-b", "main"]);
    // Creates Cargo.lock before the first commit, so later runs change it only on purpose.
    assert_eq!(run(&ws, &["graph"]).code, 0);
    commit_all(&repo, "initial");
    Fixture { _tmp: tmp, ws, ext }
}

/// Brings `Cargo.lock` up to date after a manifest change, as the error of a query on an
/// out-of-date lock advises (queries never rewrite it themselves).
pub fn update_lock(ws: &Path) {
    let status = std::process::Command::new("cargo")
        .args(["update", "--workspace", "--offline", "--quiet"])
        .current_dir(ws)
        .status()
        .unwrap();
    assert!(
        status.success(),
        "cargo update --workspace failed in {}",
        ws.display()
    );
}

pub fn run(ws: &Path, args: &[&str]) -> Run {
    ratchet(BIN, ws, args)
}

/// `affected` in JSON with `args`, asserting success.
pub fn report(ws: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["affected", "--message-format", "json"];
    all.extend_from_slice(args);
    let run = run(ws, &all);
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    run.json()
}

pub fn names(doc: &serde_json::Value, field: &str) -> Vec<String> {
    doc[field]
        .as_array()
        .unwrap_or_else(|| panic!("no {field} in {doc}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

pub fn since_head(ws: &Path) -> serde_json::Value {
    report(ws, &["--since", "HEAD"])
}

pub fn assert_usage_error(run: &Run, needle: &str) {
    assert_eq!(
        run.code, 2,
        "stdout: {}\nstderr: {}",
        run.stdout, run.stderr
    );
    assert!(
        run.stderr.contains(needle),
        "expected `{needle}` in: {}",
        run.stderr
    );
    assert_eq!(
        run.stderr.trim_end().lines().count(),
        1,
        "one line: {}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"));
}
