//! `hash` with real cargo on a small hand-written workspace: which files count, how changes
//! travel through the Merkle hash (normal and build edges into `build`, dev edges into `full`
//! only), global inputs, `--explain`, and a dev-dependency cycle.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use std::path::Path;
use std::process::Command;

use ratchet_tests::ratchet;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_ratchet");

fn manifest(name: &str, deps: &str) -> String {
    format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n{deps}")
}

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// a -> b (normal), b -> c (build), d -> b (dev), c -> d (dev: a cycle through a dev edge),
/// nested inside a's directory, e alone.
fn workspace() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        &[
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"crates/*\", \"crates/a/nested\"]\nresolver = \"2\"\n",
            ),
            (".gitignore", "/target\n*.log\n"),
            (
                "crates/a/Cargo.toml",
                &manifest("a", "[dependencies]\nb = { path = \"../b\" }\n"),
            ),
            ("crates/a/src/lib.rs", ""),
            ("crates/a/nested/Cargo.toml", &manifest("nested", "")),
            ("crates/a/nested/src/lib.rs", ""),
            (
                "crates/b/Cargo.toml",
                &manifest("b", "[build-dependencies]\nc = { path = \"../c\" }\n"),
            ),
            ("crates/b/src/lib.rs", ""),
            (
                "crates/c/Cargo.toml",
                &manifest("c", "[dev-dependencies]\nd = { path = \"../d\" }\n"),
            ),
            (
                "crates/c/src/lib.rs",
                "pub const W: &str = include_str!(\"../words.txt\");\n",
            ),
            ("crates/c/words.txt", "one\n"),
            (
                "crates/d/Cargo.toml",
                &manifest("d", "[dev-dependencies]\nb = { path = \"../b\" }\n"),
            ),
            ("crates/d/src/lib.rs", ""),
            ("crates/e/Cargo.toml", &manifest("e", "")),
            ("crates/e/src/lib.rs", ""),
        ],
    );
    tmp
}

fn hash(dir: &Path) -> Value {
    hash_with_env(dir, &[])
}

fn hash_with_env(dir: &Path, env: &[(&str, &str)]) -> Value {
    let mut command = Command::new(BIN);
    command
        .args(["hash", "--message-format", "json"])
        .current_dir(dir);
    for name in [
        "RUSTFLAGS",
        "RUSTDOCFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_TARGET_DIR",
    ] {
        command.env_remove(name);
    }
    command.envs(env.iter().copied());
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn field(doc: &Value, package: &str, which: &str) -> String {
    doc["packages"][package][which]
        .as_str()
        .unwrap()
        .to_string()
}

/// Names of the packages whose `which` fingerprint differs between two runs.
fn moved(before: &Value, after: &Value, which: &str) -> Vec<&'static str> {
    ["a", "b", "c", "d", "e", "nested"]
        .into_iter()
        .filter(|p| field(before, p, which) != field(after, p, which))
        .collect()
}

#[test]
fn json_shape_and_own_files() {
    let ws = workspace();
    let doc = hash(ws.path());
    assert_eq!(doc["version"], ratchet_events::VERSION);
    assert!(doc["globals"]["file:Cargo.toml"].is_string());
    assert!(doc["globals"]["rustc -vV"].is_string());
    let files: Vec<&String> = doc["packages"]["a"]["files"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(
        files,
        ["crates/a/Cargo.toml", "crates/a/src/lib.rs"],
        "nested files stay with nested"
    );
    assert_eq!(
        doc,
        hash(ws.path()),
        "a warm run (stat cache) gives the same answer"
    );
}

#[test]
fn changes_travel_over_normal_and_build_edges_and_dev_edges_reach_full_only() {
    let ws = workspace();
    let before = hash(ws.path());
    write(ws.path(), &[("crates/c/words.txt", "two\n")]);
    let after = hash(ws.path());
    assert_eq!(moved(&before, &after, "build"), ["a", "b", "c"]);
    assert_eq!(moved(&before, &after, "full"), ["a", "b", "c", "d"]);
}

#[test]
fn ignored_and_target_files_do_not_count_hidden_files_do() {
    let ws = workspace();
    let before = hash(ws.path());
    write(
        ws.path(),
        &[
            ("crates/e/debug.log", "x"),
            ("target/debug/junk", "x"),
            ("crates/e/target/x", "y"),
        ],
    );
    let after = hash(ws.path());
    assert_eq!(
        moved(&before, &after, "build"),
        ["e"],
        "only crates/e/target/x, not ignored"
    );
    write(ws.path(), &[("crates/e/.env", "A=1")]);
    let hidden = hash(ws.path());
    assert!(hidden["packages"]["e"]["files"]["crates/e/.env"].is_string());
    assert_eq!(moved(&after, &hidden, "build"), ["e"]);
}

#[test]
fn global_inputs_env_and_configured_files_move_everything() {
    let ws = workspace();
    let before = hash(ws.path());
    let flags = hash_with_env(ws.path(), &[("RUSTFLAGS", "-Copt-level=1")]);
    assert_eq!(moved(&before, &flags, "build").len(), 6);
    assert!(flags["globals"]["env:RUSTFLAGS"].is_string());

    write(
        ws.path(),
        &[
            (
                "ratchet.toml",
                "[inputs]\nfiles = [\"proto/*.proto\"]\nenv = [\"MY_FLAG\"]\n",
            ),
            ("proto/a.proto", "x"),
        ],
    );
    let env = [("RUSTFLAGS", "-Copt-level=1"), ("MY_FLAG", "1")];
    let configured = hash_with_env(ws.path(), &env);
    assert!(configured["globals"]["file:proto/a.proto"].is_string());
    assert!(configured["globals"]["env:MY_FLAG"].is_string(), "env adds");
    assert!(
        configured["globals"]["env:RUSTFLAGS"].is_string(),
        "cargo reads RUSTFLAGS whatever env says"
    );
    write(ws.path(), &[("proto/a.proto", "y")]);
    let edited = hash(ws.path());
    assert_eq!(moved(&configured, &edited, "build").len(), 6);
}

#[test]
fn rustfmt_and_clippy_configuration_above_members_moves_what_it_covers() {
    let ws = workspace();
    let before = hash(ws.path());
    write(ws.path(), &[("rustfmt.toml", "max_width = 80\n")]);
    let root_fmt = hash(ws.path());
    assert_eq!(moved(&before, &root_fmt, "build").len(), 6);
    assert!(root_fmt["globals"]["file:rustfmt.toml"].is_string());

    // Between the root and the members: as global as the root's.
    write(ws.path(), &[("crates/clippy.toml", "msrv = \"1.70\"\n")]);
    let crates_clippy = hash(ws.path());
    assert_eq!(moved(&root_fmt, &crates_clippy, "build").len(), 6);
    assert!(crates_clippy["globals"]["file:crates/clippy.toml"].is_string());

    // In a member's directory it is that member's file, and `nested` sits below `a`.
    write(ws.path(), &[("crates/a/.rustfmt.toml", "tab_spaces = 2\n")]);
    let in_a = hash(ws.path());
    assert!(in_a["globals"]["file:crates/a/.rustfmt.toml"].is_string());
    assert_eq!(moved(&crates_clippy, &in_a, "build").len(), 6);

    // Anywhere else it covers no member: nothing moves.
    write(ws.path(), &[("docs/rustfmt.toml", "max_width = 60\n")]);
    assert!(moved(&in_a, &hash(ws.path()), "build").is_empty());
}

#[test]
fn explain_lists_the_inputs_of_one_package() {
    let ws = workspace();
    let run = ratchet(BIN, ws.path(), &["hash", "--explain", "c"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for needle in [
        "package c",
        "global inputs:",
        "file:Cargo.toml",
        "crates/c/words.txt",
        "d (dev, feeds full only)",
    ] {
        assert!(
            run.stdout.contains(needle),
            "`{needle}` missing from:\n{}",
            run.stdout
        );
    }
    let json = ratchet(
        BIN,
        ws.path(),
        &["hash", "--explain", "b", "--message-format", "json"],
    )
    .json();
    assert_eq!(json["deps"][0]["name"], "c");
    assert_eq!(json["deps"][0]["kind"], "build");
    let unknown = ratchet(BIN, ws.path(), &["hash", "--explain", "cc"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("did you mean"),
        "{}",
        unknown.stderr
    );
}
