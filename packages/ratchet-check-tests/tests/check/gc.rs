//! `gc` on a generated workspace: a cap removes incremental data first, then ratchet's build
//! directory, and never a pass.

use ratchet_fixture::{Spec, generate};
use ratchet_tests::ratchet;

use crate::*;

#[test]
fn gc_caps_the_build_directory_and_keeps_every_pass() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    generate(root, &Spec::small(3, 5)).unwrap();
    // The cap in ratchet.toml, written before the first run.
    write(root, "ratchet.toml", "[gc]\nmax-size = \"1 kB\"\n");
    let (green, _) = json_check(root, &[]);
    assert_eq!(green.code, 0, "{}", green.stdout);
    let state = root.join("target/ratchet");
    let incremental = state.join("build/debug/incremental");
    assert!(
        incremental.is_dir(),
        "the shared build keeps incremental data"
    );

    // A cap just under the current size (the flag wins over ratchet.toml): the incremental
    // data goes, the units stay.
    let before = ratchet_gc::disk_usage(&state);
    let cap = (before - 1).to_string();
    let run = ratchet(BIN, root, &["gc", "--max-size", &cap]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("removed"), "{}", run.stdout);
    assert!(!incremental.exists());
    assert!(state.join("build/debug/deps").is_dir());

    // ratchet.toml's cap of 1 kB: a dry run names the build directory and removes nothing,
    // then the build directory goes; the state files (verdicts) stay.
    let dry = ratchet(BIN, root, &["gc", "--dry-run"]);
    assert!(dry.stdout.contains("would remove build"), "{}", dry.stdout);
    assert!(state.join("build").is_dir());
    let run = ratchet(BIN, root, &["gc"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!state.join("build").exists());
    assert!(state.join("verdicts").is_dir());
    // Still over 1 kB (the verdicts stay), with nothing left to remove: nothing is named.
    let again = ratchet(BIN, root, &["gc", "--dry-run"]);
    assert!(!again.stdout.contains("remove"), "{}", again.stdout);

    // Every pass survived: nothing runs. Forced to run, the steps rebuild and pass.
    let (noop, events) = json_check(root, &[]);
    assert_eq!(noop.code, 0, "{}", noop.stdout);
    assert!(steps_started(&events).is_empty(), "{}", noop.stdout);
    let (all, events) = json_check(root, &["--force"]);
    assert_eq!(all.code, 0, "{}", all.stdout);
    assert!(!steps_started(&events).is_empty(), "{}", all.stdout);

    let bad = ratchet(BIN, root, &["gc", "--max-size", "lots"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("not a size"), "{}", bad.stderr);
}

/// The entries of the unit directories of ratchet's build directory (`debug/deps/...`).
fn unit_entries(root: &std::path::Path) -> std::collections::BTreeSet<String> {
    let debug = root.join("target/ratchet/build/debug");
    ["deps", ".fingerprint", "build", "incremental"]
        .iter()
        .flat_map(|kind| std::fs::read_dir(debug.join(kind)).into_iter().flatten())
        .flatten()
        .map(|e| {
            let path = e.path();
            path.strip_prefix(&debug).unwrap().display().to_string()
        })
        .collect()
}

#[test]
fn gc_keep_runs_removes_what_a_feature_change_left_and_keeps_what_the_last_run_used() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "Cargo.toml",
        "[workspace]\nmembers = [\"base\", \"app\"]\nresolver = \"2\"\n",
    );
    let base = format!("{}\n[features]\nx = []\n", manifest("base", ""));
    write(root, "base/Cargo.toml", &base);
    write(root, "base/src/lib.rs", BASE_LIB);
    let with_x = "base = { path = \"../base\", features = [\"x\"] }\n";
    write(root, "app/Cargo.toml", &manifest("app", with_x));
    write(root, "app/src/lib.rs", MID_LIB);
    let (first, _) = json_check(root, &[]);
    assert_eq!(first.code, 0, "{}\n{}", first.stdout, first.stderr);
    // app stops turning x on: base's units with x and app's old units are left behind.
    let plain = "base = { path = \"../base\" }\n";
    write(root, "app/Cargo.toml", &manifest("app", plain));
    let (second, _) = json_check(root, &["--force"]);
    assert_eq!(second.code, 0, "{}\n{}", second.stdout, second.stderr);
    let before = unit_entries(root);

    let dry = ratchet(BIN, root, &["gc", "--keep-runs", "1", "--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(
        dry.stdout
            .contains("would remove build/debug/.fingerprint/"),
        "{}",
        dry.stdout
    );
    assert_eq!(unit_entries(root), before, "a dry run removes nothing");

    // A corrupt record proves nothing unused: nothing goes.
    let record = root.join("target/ratchet/gc-runs.json");
    let saved = std::fs::read(&record).unwrap();
    std::fs::write(&record, "{ not json").unwrap();
    let blind = ratchet(BIN, root, &["gc", "--keep-runs", "1"]);
    assert_eq!(blind.code, 0, "{}", blind.stderr);
    assert!(blind.stdout.contains("nothing removed"), "{}", blind.stdout);
    assert_eq!(unit_entries(root), before);
    std::fs::write(&record, saved).unwrap();

    let run = ratchet(BIN, root, &["gc", "--keep-runs", "1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let after = unit_entries(root);
    let removed: Vec<&String> = before.difference(&after).collect();
    assert!(!removed.is_empty(), "{}", run.stdout);
    for entry in &removed {
        assert!(
            dry.stdout.contains(entry.as_str()),
            "{entry} not listed: {}",
            dry.stdout
        );
    }
    assert!(after.is_subset(&before));
    assert!(root.join("target/ratchet/verdicts").is_dir());

    // What the last run used is all there: the same run again compiles nothing, and passes.
    let (again, events) = json_check(root, &["--force"]);
    assert_eq!(again.code, 0, "{}\n{}", again.stdout, again.stderr);
    for step in ["lint", "test", "doc"] {
        assert_eq!(
            finished(&events, step).units_built,
            0,
            "{step}: {}",
            again.stdout
        );
    }

    let bad = ratchet(BIN, root, &["gc", "--keep-runs", "0"]);
    assert_eq!(bad.code, 2, "{}", bad.stdout);
    assert!(bad.stderr.contains("keep-runs"), "{}", bad.stderr);
}
