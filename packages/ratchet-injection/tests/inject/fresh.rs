//! Never a pass from a build that did not see the change: edits cargo's mtime check misses,
//! a failure that must drop the stored pass, `--verify`, and what a run records besides
//! verdicts (the inner-loop time, the summary's exit code).

use std::path::Path;
use std::process::Command;

use ratchet_events::check::CheckEvent;

use crate::*;

/// `app` (the leaf: `cargo clippy -p X` lints X's member dependencies too) with a
/// two-argument function.
const APP_WITH_ADD: &str = "//! App.\n\n/// Two.\npub fn two() -> u32 {\n    add(base::one(), 1)\n}\n\n/// The sum.\npub fn add(a: u32, b: u32) -> u32 {\n    a + b\n}\n";

/// A test of `base` that reads `data.txt` at the workspace root at run time: no package owns
/// it and nothing declares it, so ratchet cannot see it change.
const BASE_READING_DATA: &str = "//! Base.\n\n/// One.\npub fn one() -> u32 {\n    1\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn data_says_ok() {\n        let path = concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/../../data.txt\");\n        assert_eq!(std::fs::read_to_string(path).unwrap(), \"ok\\n\");\n    }\n}\n";

fn green(root: &Path, args: &[&str]) {
    green_with(root, args, &[]);
}

fn green_with(root: &Path, args: &[&str], env: &[(&str, &str)]) {
    let (run, _) = check_with_env(root, args, env);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
}

/// With run-time observation off, a test's read of a file no package owns is invisible to
/// ratchet: the stale pass `--verify` exists to catch.
const BLIND: &[(&str, &str)] = &[("RATCHET_OBSERVE", "0")];

fn touch_like(reference: &Path, file: &Path) {
    let status = Command::new("touch")
        .arg("-r")
        .arg(reference)
        .arg(file)
        .status();
    assert!(status.unwrap().success());
}

#[test]
fn an_edit_that_keeps_size_and_mtime_is_rebuilt() {
    let ws = two_packages();
    let root = ws.path();
    green(root, &[]);
    let lib = root.join("crates/base/src/lib.rs");
    let reference = root.join("reference-mtime");
    std::fs::copy(&lib, &reference).unwrap();
    touch_like(&lib, &reference);
    let text = std::fs::read_to_string(&lib).unwrap();
    // Same size: `1` becomes `x`, an unknown name.
    let broken = text.replacen("    1\n", "    x\n", 1);
    assert_eq!(broken.len(), text.len());
    std::fs::write(&lib, broken).unwrap();
    touch_like(&reference, &lib);
    let verdicts = assert_agrees(
        "edit keeping size and mtime",
        root,
        &[],
        &[],
        &["base", "app"],
    );
    assert!(!verdicts["base"].lint, "the judge sees the compile error");
    // The failure is not a one-off: the next run fails again.
    let (again, events) = check(root, &[]);
    assert!(
        failed_packages(&again, &events).contains("base"),
        "{}",
        again.stdout
    );
}

#[test]
fn a_new_clippy_toml_fails_an_existing_lint() {
    let ws = two_packages();
    let root = ws.path();
    write(root, "crates/app/src/lib.rs", APP_WITH_ADD);
    green(root, &[]);
    write(root, "clippy.toml", "too-many-arguments-threshold = 1\n");
    let verdicts = assert_agrees("new root clippy.toml", root, &[], &[], &["base", "app"]);
    assert!(!verdicts["app"].lint, "clippy fails the 2-argument fn");
}

#[test]
fn a_failed_step_removes_its_stored_pass() {
    let ws = two_packages();
    let root = ws.path();
    write(root, "data.txt", "ok\n");
    write(root, "crates/base/src/lib.rs", BASE_READING_DATA);
    green(root, &[]);
    write(root, "data.txt", "changed\n");
    // `--force` runs the test at the same key and it fails...
    let (all, events) = check(root, &["--force"]);
    assert!(
        failed_packages(&all, &events).contains("base"),
        "{}",
        all.stdout
    );
    // ... so the pass stored under that key is gone: the next run runs the test again.
    assert_agrees(
        "after a failure at the same key",
        root,
        &[],
        &[],
        &["base", "app"],
    );
}

#[test]
fn verify_reports_a_stale_pass_as_not_hermetic_and_drops_it() {
    let ws = two_packages();
    let root = ws.path();
    write(root, "data.txt", "ok\n");
    write(root, "crates/base/src/lib.rs", BASE_READING_DATA);
    green_with(root, &[], BLIND);
    write(root, "data.txt", "changed\n");
    let (cached, _) = check_with_env(root, &[], BLIND);
    assert_eq!(
        cached.code, 0,
        "ratchet cannot see data.txt: {}",
        cached.stdout
    );
    let (run, events) = check_with_env(root, &["--verify"], BLIND);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let flagged: Vec<(String, ratchet_events::check::Step)> = events
        .iter()
        .filter_map(|e| match e {
            CheckEvent::NonHermetic(n) => Some((n.package.clone(), n.step)),
            _ => None,
        })
        .collect();
    assert_eq!(
        flagged,
        [("base".to_string(), ratchet_events::check::Step::Test)],
        "{}",
        run.stdout
    );
    // The pass is dropped: a plain run fails too, as cargo does.
    assert_agrees("after --verify", root, &[], BLIND, &["base", "app"]);
    // The human form names the package and the step.
    write(root, "data.txt", "ok\n");
    green_with(root, &["--force"], BLIND);
    write(root, "data.txt", "changed\n");
    let human = Command::new(BIN)
        .args(["check", "--verify"])
        .current_dir(root)
        .env_remove("CARGO_TARGET_DIR")
        .envs(BLIND.iter().copied())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&human.stdout);
    assert_eq!(human.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("not hermetic: `base` (test)"), "{stdout}");
}

#[test]
fn verify_sample_of_ratchet_toml_is_read_and_checked() {
    let ws = two_packages();
    let root = ws.path();
    write(root, "data.txt", "ok\n");
    write(root, "crates/base/src/lib.rs", BASE_READING_DATA);
    green_with(root, &[], BLIND);
    write(root, "data.txt", "changed\n");
    write(root, "ratchet.toml", "[check]\nverify-sample = 1.0\n");
    let (run, events) = check_with_env(root, &[], BLIND);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, CheckEvent::NonHermetic(_))),
        "{}",
        run.stdout
    );
    for bad in ["[check]\nverify-sample = 2\n", "[check]\nverify = 1\n"] {
        write(root, "ratchet.toml", bad);
        let (run, _) = check_with_env(root, &[], BLIND);
        assert_eq!(run.code, 2, "{bad}: {}\n{}", run.stdout, run.stderr);
    }
}

fn inner_loop_ms(root: &Path) -> Option<u64> {
    let text = std::fs::read_to_string(root.join("target/ratchet/build-costs.json")).ok()?;
    let costs: ratchet_events::measure::BuildCosts = serde_json::from_str(&text).unwrap();
    costs.inner_loop_wall_ms
}

#[test]
fn only_a_whole_workspace_run_measures_the_inner_loop() {
    let ws = two_packages();
    let root = ws.path();
    green(root, &[]);
    let full = inner_loop_ms(root);
    assert!(full.is_some(), "a full check measures the inner loop");
    green(root, &["-p", "base", "--force"]);
    green(root, &["--exclude", "app", "--force"]);
    assert_eq!(inner_loop_ms(root), full, "a subset is not the inner loop");
    // A failing full run is still the inner loop.
    write(
        root,
        "crates/app/src/lib.rs",
        "//! App.\n\n/// Two.\npub fn two() -> u32 {\n    \"two\"\n}\n",
    );
    let (failed, _) = check(root, &[]);
    assert_eq!(failed.code, 1);
    assert_ne!(
        inner_loop_ms(root),
        full,
        "a failed full run is measured too"
    );
}

#[test]
fn the_summary_carries_the_exit_code_of_the_budget_gate() {
    let ws = two_packages();
    let root = ws.path();
    write(
        root,
        "ratchet.toml",
        "[budget.defaults]\nlongest-file = \"5 lines\"\n",
    );
    for _ in 0..2 {
        // The first run compiles, the second is served from the cache (the fast path).
        let (run, events) = check(root, &["--ci"]);
        assert_eq!(run.code, 3, "{}\n{}", run.stdout, run.stderr);
        match events.last() {
            Some(CheckEvent::Summary(s)) => assert_eq!(s.exit_code, 3, "{}", run.stdout),
            other => panic!("the summary is last: {other:?}\n{}", run.stdout),
        }
    }
}
