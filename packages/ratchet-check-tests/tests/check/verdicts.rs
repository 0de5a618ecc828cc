//! Verdicts, the verdict cache, dry-run plans and selection on a hand-written workspace.

use crate::*;
use ratchet_events::check::CheckEvent;
use ratchet_tests::git;

#[test]
fn green_run_then_cached_then_error_caught_and_fixed() {
    let ws = workspace();
    let root = ws.path();
    let first = check(root, &[]);
    assert_eq!(first.code, 0, "{}\n{}", first.stdout, first.stderr);
    assert_eq!(
        first.stdout.lines().count(),
        1,
        "one summary line when all is well: {}",
        first.stdout
    );
    assert!(first.stdout.starts_with("check: ok"), "{}", first.stdout);

    let (again, events) = json_check(root, &[]);
    assert_eq!(again.code, 0);
    assert!(
        steps_started(&events).is_empty(),
        "a second run runs no step: {}",
        again.stdout
    );
    let Some(CheckEvent::Summary(summary)) = events.last() else {
        panic!("no summary")
    };
    assert_eq!((summary.passed, summary.cached), (0, 12));

    write(
        root,
        "crates/mid/src/lib.rs",
        &MID_LIB.replace("base::inc(x))", "base::inc(x)) + \"one\""),
    );
    let broken = check(root, &[]);
    assert_eq!(broken.code, 1, "{}", broken.stdout);
    assert!(
        broken
            .stdout
            .contains("lint failed in `mid` at crates/mid/src/lib.rs:5"),
        "{}",
        broken.stdout
    );
    assert!(
        broken.stdout.contains("reproduce: cargo clippy -p mid"),
        "{}",
        broken.stdout
    );
    assert!(
        !broken.stdout.contains("failed in `base`"),
        "{}",
        broken.stdout
    );

    write(root, "crates/mid/src/lib.rs", MID_LIB);
    let (fixed, events) = json_check(root, &[]);
    assert_eq!(fixed.code, 0, "{}", fixed.stdout);
    // mid's content is back to what passed before, so its passes are found again.
    assert!(steps_started(&events).is_empty(), "{}", fixed.stdout);

    write(
        root,
        "crates/base/src/lib.rs",
        &BASE_LIB.replace("inc(2), 3", "inc(2), 4"),
    );
    let (failing, events) = json_check(root, &[]);
    assert_eq!(failing.code, 1);
    let failure = first_test_failure(&events);
    assert_eq!(
        (failure.package.as_str(), failure.tests.clone()),
        ("base", names(&["tests::inc_works"]))
    );
    assert!(failure.output.contains("left: 3"), "{}", failure.output);
    // One failing test: its target and name alone, as cargo runs it.
    assert_eq!(
        failure.command,
        "cargo test -p base --lib -- tests::inc_works --exact"
    );

    write(
        root,
        "crates/base/src/lib.rs",
        &BASE_LIB.replace("x + 1", "1 + x"),
    );
    let (green, events) = json_check(root, &[]);
    assert_eq!(green.code, 0, "{}", green.stdout);
    let ran: Vec<String> = steps_started(&events).into_iter().map(|(s, _)| s).collect();
    assert_eq!(ran, names(&["fmt", "lint", "test", "doc"]));
    assert_eq!(
        steps_started(&events)[1].1,
        names(&["base", "mid", "top"]),
        "base's dependents re-run"
    );
}

#[test]
fn dry_run_plan_matches_the_run_and_a_corrupt_entry_is_a_miss() {
    let ws = workspace();
    let root = ws.path();
    assert_eq!(check(root, &["-p", "base"]).code, 0);

    let (dry, dry_events) = json_check(root, &["--dry-run"]);
    assert_eq!(dry.code, 0);
    assert_eq!(dry_events.len(), 1, "a dry run prints only the plan");
    let (run, run_events) = json_check(root, &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(planned(&dry_events), steps_started(&run_events));
    assert_eq!(
        planned(&dry_events)[0].1,
        names(&["mid", "top"]),
        "base was cached"
    );

    // Damage base's entry in three ways; each time only base misses, for every step.
    let entry = root.join("target/ratchet/verdicts/base.json");
    let good = std::fs::read(&entry).unwrap();
    let foreign = String::from_utf8(good.clone())
        .unwrap()
        .replace("\"package\":\"base\"", "\"package\":\"mid\"");
    for damage in [
        good[..good.len() / 2].to_vec(),
        b"garbage".to_vec(),
        foreign.into_bytes(),
    ] {
        std::fs::write(&entry, &damage).unwrap();
        let (_, events) = json_check(root, &["--dry-run"]);
        let every_step = ["fmt", "lint", "test", "doc"].map(|s| (s.to_string(), names(&["base"])));
        assert_eq!(planned(&events), every_step.to_vec());
    }
    let (rerun, events) = json_check(root, &[]);
    assert_eq!(rerun.code, 0);
    assert_eq!(steps_started(&events).len(), 4);
    let (_, events) = json_check(root, &["--dry-run"]);
    assert!(
        planned(&events).is_empty(),
        "base's passes are stored again"
    );
}

#[test]
fn selection_flags_and_bad_input() {
    let ws = workspace();
    let root = ws.path();
    let (_, events) = json_check(
        root,
        &["--dry-run", "-p", "mid", "-p", "top", "--exclude", "top"],
    );
    assert_eq!(planned(&events)[0].1, names(&["mid"]));
    let unknown = check(root, &["-p", "mids"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("did you mean `mid`?"),
        "{}",
        unknown.stderr
    );
    // An empty selection is an error that says why, never a green run of nothing.
    let empty = check(root, &["--dry-run", "-p", "mid", "--exclude", "mid"]);
    assert_eq!(empty.code, 2, "{}", empty.stdout);
    assert!(
        empty
            .stderr
            .contains("nothing to check: `--exclude` leaves out every package"),
        "{}",
        empty.stderr
    );
    // An unknown `--exclude` is a warning, as in cargo.
    let typo = check(root, &["--dry-run", "--exclude", "mids"]);
    assert_eq!(typo.code, 0, "{}", typo.stderr);
    assert!(
        typo.stderr
            .contains("warning: excluded package(s) `mids` not found in workspace"),
        "{}",
        typo.stderr
    );
    write(root, "ratchet.toml", "[steps.lint]\nenabeld = false\n");
    let bad_config = check(root, &["--dry-run"]);
    assert_eq!(bad_config.code, 2);
    assert!(
        bad_config.stderr.contains("did you mean `enabled`?"),
        "{}",
        bad_config.stderr
    );
    write(
        root,
        "ratchet.toml",
        "[steps.lint]\nenabled = false\n[steps.test]\nenabled = false\n[steps.doc]\nenabled = false\n",
    );
    let (_, events) = json_check(root, &["--dry-run"]);
    assert_eq!(
        planned(&events),
        vec![("fmt".to_string(), names(&["base", "mid", "top"]))]
    );
}

#[test]
fn since_selects_affected_packages_and_a_passing_run_records_the_baseline() {
    let ws = workspace();
    let root = ws.path();
    write(root, ".gitignore", "/target\n");
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "init"]);
    assert_eq!(check(root, &["--exclude", "top"]).code, 0);
    let affected = ratchet(BIN, root, &["affected"]);
    assert!(
        !affected.stdout.is_empty(),
        "a partial run records no baseline"
    );
    assert_eq!(check(root, &[]).code, 0);
    let affected = ratchet(BIN, root, &["affected"]);
    assert_eq!(
        (affected.code, affected.stdout.as_str()),
        (0, ""),
        "{}",
        affected.stderr
    );

    write(
        root,
        "crates/mid/src/lib.rs",
        &format!("{MID_LIB}\n/// Edited.\npub fn edited() {{}}\n"),
    );
    let (_, events) = json_check(root, &["--since", "main", "--dry-run", "--force"]);
    assert_eq!(planned(&events)[0].1, names(&["mid", "top"]));
    let bad_ref = check(root, &["--since", "no-such-ref"]);
    assert_eq!(bad_ref.code, 2, "{}", bad_ref.stderr);
}

#[test]
fn a_compile_error_in_a_test_target_stops_only_its_own_package() {
    let ws = workspace();
    // `mid`'s integration test does not compile; its library, which `top` uses, does.
    write(
        ws.path(),
        "crates/mid/tests/it.rs",
        "#[test]\nfn adds_two() {\n    assert_eq!(mid::inc2(1), \"3\");\n}\n",
    );
    let (run, events) = json_check(ws.path(), &[]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let lint = finished(&events, "lint");
    assert_eq!(lint.failed, names(&["mid"]), "{}", run.stdout);
    let test = finished(&events, "test");
    assert_eq!(test.failed, names(&["mid"]), "{}", run.stdout);
    assert!(
        test.passed.contains(&"top".to_string()),
        "top built on mid's library: {}",
        run.stdout
    );
}
