//! `graph` on this repository itself and on small hand-written workspaces.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns may unwrap too

use ratchet_tests::{ratchet, write_files as write};

const BIN: &str = env!("CARGO_BIN_EXE_ratchet");

fn manifest(name: &str, deps: &str) -> String {
    format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n{deps}")
}

fn three_packages() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let a = manifest(
        "a",
        "[dependencies]\nbee = { path = \"../b\", package = \"b\" }\n\n[dev-dependencies]\nc = { path = \"../c\" }\n",
    );
    let b = manifest("b", "[build-dependencies]\nc = { path = \"../c\" }\n");
    let c = manifest("c", "[target.'cfg(unix)'.dependencies]\n");
    write(
        dir.path(),
        &[
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"crates/*\"]\nresolver = \"2\"\n",
            ),
            ("crates/a/Cargo.toml", &a),
            ("crates/a/src/lib.rs", ""),
            ("crates/b/Cargo.toml", &b),
            ("crates/b/src/lib.rs", ""),
            ("crates/c/Cargo.toml", &c),
            ("crates/c/src/lib.rs", ""),
        ],
    );
    dir
}

#[test]
fn text_lists_every_edge_with_its_kind() {
    let ws = three_packages();
    let run = ratchet(BIN, ws.path(), &["graph"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "a -> b, c (dev)\nb -> c (build)\nc\n");
}

#[test]
fn json_has_version_and_renamed_edge() {
    let ws = three_packages();
    let run = ratchet(BIN, ws.path(), &["graph", "--format", "json"]);
    let doc = run.json();
    assert_eq!(doc["version"], ratchet_events::VERSION);
    let edges = doc["edges"].as_array().unwrap();
    assert!(
        edges
            .iter()
            .any(|e| e["from"] == "a" && e["to"] == "b" && e["rename"] == "bee")
    );
}

#[test]
fn rdeps_and_deps_select_closures() {
    let ws = three_packages();
    let rdeps = ratchet(BIN, ws.path(), &["graph", "--rdeps", "b"]);
    assert_eq!(rdeps.stdout, "a -> b\nb\n");
    let deps = ratchet(BIN, ws.path(), &["graph", "--deps", "b"]);
    assert_eq!(deps.stdout, "b -> c (build)\nc\n");
}

#[test]
fn unknown_package_is_a_usage_error_with_a_suggestion() {
    let ws = three_packages();
    let run = ratchet(BIN, ws.path(), &["graph", "--deps", "bb"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no package named `bb`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("did you mean `b`"), "{}", run.stderr);
}

#[test]
fn broken_manifest_shows_cargos_message() {
    let ws = three_packages();
    write(ws.path(), &[("crates/c/Cargo.toml", "[package\nname=")]);
    let run = ratchet(BIN, ws.path(), &["graph"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cargo metadata failed"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("crates/c/Cargo.toml"), "{}", run.stderr);
}

#[test]
fn second_load_comes_from_the_snapshot_and_sees_new_packages() {
    let ws = three_packages();
    assert_eq!(ratchet(BIN, ws.path(), &["graph"]).code, 0);
    assert!(ws.path().join("target/ratchet/graph.json").is_file());
    write(
        ws.path(),
        &[
            ("crates/d/Cargo.toml", &manifest("d", "")),
            ("crates/d/src/lib.rs", ""),
        ],
    );
    // A new member needs a new lock, which a query does not write: it says what to run.
    let stale = ratchet(BIN, ws.path(), &["graph"]);
    assert_eq!(stale.code, 2, "{}", stale.stderr);
    assert!(
        stale.stderr.contains("cargo update --workspace"),
        "{}",
        stale.stderr
    );
    let update = std::process::Command::new("cargo")
        .args(["update", "--workspace", "--offline", "--quiet"])
        .current_dir(ws.path())
        .status()
        .unwrap();
    assert!(update.success());
    let run = ratchet(BIN, ws.path(), &["graph"]);
    assert!(
        run.stdout.contains("\nd\n"),
        "new package under a glob: {}",
        run.stdout
    );
}

#[test]
fn running_under_cargo_or_directly_shares_the_snapshot() {
    let ws = three_packages();
    let snapshot = ws.path().join("target/ratchet/graph.json");
    assert_eq!(ratchet(BIN, ws.path(), &["graph"]).code, 0);
    let written = std::fs::metadata(&snapshot).unwrap().modified().unwrap();
    // What rustup's proxy and cargo add to the environment of a program run by `cargo run`.
    let home = std::env::var("HOME").unwrap();
    let out = std::process::Command::new(BIN)
        .arg("graph")
        .current_dir(ws.path())
        .env("CARGO_HOME", format!("{home}/.cargo"))
        .env("RUSTUP_HOME", format!("{home}/.rustup"))
        .env("RUSTUP_TOOLCHAIN", "some-resolved-toolchain")
        .env("RUSTUP_TOOLCHAIN_SOURCE", "default")
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = std::fs::metadata(&snapshot).unwrap().modified().unwrap();
    assert_eq!(
        written, after,
        "the snapshot was rebuilt: the cache key depends on how we were launched"
    );
}
