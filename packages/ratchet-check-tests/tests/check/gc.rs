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
