//! No unit is compiled twice in one `check` (issue 12): the build, lint, test and doc steps
//! share their artifacts, also when the selection runs as several cargo commands because a
//! package gets features from a dependent that it does not get alone.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use crate::*;

/// `base` (feature `x`, a doc test), `app` (turns `x` on) and `other` (does not): `base` is
/// compiled with two feature sets.
fn featured() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/*\"]\nresolver = \"2\"\n",
    );
    let base = format!("{}\n[features]\nx = []\n", manifest("base", ""));
    write(root, "crates/base/Cargo.toml", &base);
    write(root, "crates/base/src/lib.rs", BASE_LIB);
    let with_x = "base = { path = \"../base\", features = [\"x\"] }\n";
    write(root, "crates/app/Cargo.toml", &manifest("app", with_x));
    write(root, "crates/app/src/lib.rs", MID_LIB);
    let plain = "base = { path = \"../base\" }\n";
    write(root, "crates/other/Cargo.toml", &manifest("other", plain));
    write(root, "crates/other/src/lib.rs", MID_LIB);
    dir
}

#[test]
fn no_unit_is_compiled_twice_in_one_check_with_features_that_differ() {
    let ws = featured();
    let root = ws.path();
    // Every cargo command `check` runs goes through this script, which keeps cargo's JSON.
    let log = root.join("cargo.log");
    let script = root.join("cargo-logged");
    let real = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    write(
        root,
        "cargo-logged",
        &format!(
            "#!/bin/bash\nset -o pipefail\n'{real}' \"$@\" | tee -a '{}'\n",
            log.display()
        ),
    );
    let status = Command::new("chmod")
        .arg("+x")
        .arg(&script)
        .status()
        .unwrap();
    assert!(status.success());
    let out = Command::new(BIN)
        .args(["check", "--message-format", "json"])
        .current_dir(root)
        .env_remove("CARGO_TARGET_DIR")
        .env("CARGO", &script)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let text = std::fs::read_to_string(&log).unwrap();
    let mut compiled: BTreeMap<String, usize> = BTreeMap::new();
    let mut base_features = BTreeSet::new();
    for line in text.lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if message["reason"] != "compiler-artifact" {
            continue;
        }
        if message["target"]["name"] == "base" {
            base_features.insert(message["features"].to_string());
        }
        if message["fresh"] == false {
            // The files name the unit: their hash covers features, profile and target.
            *compiled
                .entry(message["filenames"].to_string())
                .or_default() += 1;
        }
    }
    assert!(
        base_features.len() == 2,
        "base with and without x: {base_features:?}"
    );
    assert!(!compiled.is_empty(), "{text}");
    let twice: Vec<&String> = compiled
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(u, _)| u)
        .collect();
    assert!(twice.is_empty(), "compiled more than once: {twice:?}");
}
