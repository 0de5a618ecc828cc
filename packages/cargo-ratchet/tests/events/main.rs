//! The event protocol as the installed tool prints it: every JSON line of every command is an
//! `Event` of `ratchet-events`, carries the protocol's version, survives a typed round trip,
//! and conforms to the committed JSON Schema (`docs/events.schema.json`).
#![allow(clippy::unwrap_used)]

mod commands;
mod diagnostics;
mod files;
mod schema;
mod snapshots;

use std::path::Path;

use ratchet_events::Event;
use ratchet_tests::{Run, manifest, write};

const BIN: &str = env!("CARGO_BIN_EXE_cargo-ratchet");

/// Runs the installed binary in `dir` (with `env` on top of ours).
fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let out = std::process::Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("GITHUB_ACTIONS")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Every stdout line of `run`, each checked against the protocol (panics naming the line).
fn events(run: &Run) -> Vec<Event> {
    let schema = schema::Schema::committed();
    run.stdout
        .lines()
        .map(|line| checked(&schema, line, run))
        .collect()
}

fn checked(schema: &schema::Schema, line: &str, run: &Run) -> Event {
    let raw: serde_json::Value = serde_json::from_str(line)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {line}\nstderr: {}", run.stderr));
    assert_eq!(raw["version"], ratchet_events::VERSION, "{line}");
    let errors = schema.errors(&raw);
    assert!(errors.is_empty(), "{line}\nbreaks the schema: {errors:#?}");
    let event: Event = serde_json::from_value(raw.clone())
        .unwrap_or_else(|e| panic!("not an Event ({e}): {line}"));
    assert_eq!(
        serde_json::to_value(&event).unwrap(),
        raw,
        "a field the types do not know: {line}"
    );
    event
}

/// `base` (a library with a unit test) and `top` (a binary on it), formatted and lint-clean.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let members = "[workspace]\nmembers = [\"crates/*\"]\nresolver = \"2\"\n";
    write(root, "Cargo.toml", members);
    write(root, "crates/base/Cargo.toml", &manifest("base", ""));
    write(root, "crates/base/src/lib.rs", BASE_LIB);
    let top = manifest("top", "base = { path = \"../base\" }\n");
    write(root, "crates/top/Cargo.toml", &top);
    let main = "fn main() {\n    println!(\"{}\", base::inc(1));\n}\n";
    write(root, "crates/top/src/main.rs", main);
    dir
}

const BASE_LIB: &str = "//! Base.\n\n/// Adds one.\npub fn inc(x: u32) -> u32 {\n    x + 1\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn inc_works() {\n        assert_eq!(super::inc(2), 3);\n    }\n}\n";
