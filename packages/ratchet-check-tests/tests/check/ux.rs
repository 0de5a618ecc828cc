//! Flags spelt as cargo spells them (issue 13): `--all`, `--force`, selection, verbosity.

use super::*;

#[test]
fn all_is_cargos_workspace_and_force_ignores_the_cache() {
    let dir = workspace();
    let root = dir.path();
    // `--all` is `--workspace`, so it conflicts with `-p` exactly as cargo's does.
    let run = check(root, &["--all", "-p", "base", "--dry-run"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--package"), "{}", run.stderr);
    let (run, events) = json_check(root, &["--all", "--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(planned(&events).iter().all(|(_, p)| p.len() == 3));
    for force in ["--force", "--no-cache"] {
        let (run, _) = json_check(root, &[force, "--dry-run"]);
        assert_eq!(run.code, 0, "{force}: {}", run.stderr);
    }
}

/// `check` in `dir` with `envs` set.
fn check_env(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> (i32, String, String) {
    let out = std::process::Command::new(BIN)
        .arg("check")
        .args(args)
        .current_dir(dir)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_TERM_COLOR")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .envs(envs.iter().copied())
        .output()
        .unwrap();
    let text = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
    (
        out.status.code().unwrap_or(-1),
        text(out.stdout),
        text(out.stderr),
    )
}

/// The summary line with its time taken out.
fn summary_of(stdout: &str) -> String {
    let line = stdout.lines().last().unwrap_or_default();
    let at = line.rfind(" in ").map_or(line.len(), |i| i);
    line[..at].to_string()
}

#[test]
fn summary_counts_tests_and_colour_follows_flag_and_cargo_term_color() {
    let dir = workspace();
    let root = dir.path();
    let (code, out, err) = check_env(root, &["--color", "never"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    // base: a unit and a doc test; mid: an integration test.
    insta::assert_snapshot!(summary_of(&out), @"check: ok, 3 tests in 2 packages, 12 passed (fmt, lint, test, doc), 0 cached,");
    write(
        root,
        "crates/top/src/main.rs",
        "fn main() {\n    let x: u32 = \"no\";\n}\n",
    );
    let (code, out, _) = check_env(root, &["-p", "top"], &[("CARGO_TERM_COLOR", "always")]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("\u{1b}["),
        "CARGO_TERM_COLOR=always colours: {out}"
    );
    assert!(
        out.contains("\u{1b}[91merror[E0308]"),
        "rustc's own colours pass through: {out:?}"
    );
    let (code, out, _) = check_env(
        root,
        &["-p", "top", "--color", "never"],
        &[("CARGO_TERM_COLOR", "always")],
    );
    assert_eq!(code, 1, "{out}");
    assert!(!out.contains('\u{1b}'), "--color never wins: {out}");
    assert!(out.contains("mismatched types"), "{out}");
    // auto: a forced colour (CLICOLOR_FORCE) into a pipe, unless NO_COLOR says no.
    let forced = [("CLICOLOR_FORCE", "1")];
    let (_, out, _) = check_env(root, &["-p", "base"], &forced);
    assert!(out.contains('\u{1b}'), "{out}");
    let (_, out, _) = check_env(root, &["-p", "base"], &[forced[0], ("NO_COLOR", "1")]);
    assert!(!out.contains('\u{1b}'), "NO_COLOR: {out}");
}

#[test]
fn reproduce_checks_formatting_without_rewriting_and_keeps_the_toolchain() {
    let dir = workspace();
    let root = dir.path();
    let off = "[steps.lint]\nenabled = false\n[steps.test]\nenabled = false\n[steps.doc]\nenabled = false\n";
    write(root, "ratchet.toml", off);
    write(
        root,
        "crates/mid/src/lib.rs",
        &MID_LIB.replace("x: u32", "x:u32"),
    );
    // What rustup's proxy sets for `cargo +stable ratchet check`.
    let proxy = [
        ("RUSTUP_TOOLCHAIN", "stable"),
        ("RUSTUP_TOOLCHAIN_SOURCE", "cli"),
    ];
    let (code, out, err) = check_env(root, &["--color", "never"], &proxy);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("reproduce: cargo +stable fmt --check -p mid\n"),
        "{out}"
    );
    let unformatted = std::fs::read_to_string(root.join("crates/mid/src/lib.rs")).unwrap();
    assert!(unformatted.contains("x:u32"), "check never rewrites files");
    let (_, out, _) = check_env(
        root,
        &["--color", "never"],
        &[("RUSTUP_TOOLCHAIN_SOURCE", "default")],
    );
    assert!(
        out.contains("reproduce: cargo fmt --check -p mid\n"),
        "{out}"
    );
}

/// The plan's selection of a JSON dry run in `dir` (panics unless it succeeds).
fn selection(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> Vec<String> {
    // `-v`: the plan lists the selection (it counts it otherwise).
    let mut all = vec!["--dry-run", "-v", "--message-format", "json"];
    all.extend_from_slice(args);
    let (code, out, err) = check_env(dir, &all, envs);
    assert_eq!(code, 0, "{args:?}: {out}{err}");
    match serde_json::from_str(out.lines().next().unwrap()).unwrap() {
        CheckEvent::Plan(plan) => plan.selection.unwrap(),
        other => panic!("not the plan: {other:?}"),
    }
}

#[test]
fn package_specs_are_globs_and_name_at_version_and_a_member_directory_selects_it() {
    let dir = workspace();
    let root = dir.path();
    assert_eq!(selection(root, &["-p", "m*"], &[]), names(&["mid"]));
    assert_eq!(selection(root, &["-p", "base@0.1"], &[]), names(&["base"]));
    assert_eq!(
        selection(root, &["--exclude", "[mt]*"], &[]),
        names(&["base"])
    );
    for bad in ["base@9", "zz*"] {
        let (code, _, err) = check_env(root, &["-p", bad, "--dry-run"], &[]);
        assert_eq!(code, 2, "{bad}: {err}");
        assert_eq!(err.lines().count(), 1, "one line: {err}");
    }
    let member = root.join("crates/mid/src");
    assert_eq!(selection(&member, &[], &[]), names(&["mid"]));
    assert_eq!(selection(&member, &["--workspace"], &[]).len(), 3);
    let top = ["--manifest-path", "crates/top/Cargo.toml"];
    assert_eq!(selection(root, &top, &[]), names(&["top"]));
    // A relative CARGO_TARGET_DIR is relative to the current directory, as in cargo.
    selection(&member, &[], &[("CARGO_TARGET_DIR", "tgt")]);
    assert!(member.join("tgt/ratchet").is_dir());
    assert!(!root.join("tgt").exists());
}

#[test]
fn verbose_shows_commands_quiet_shows_nothing_and_fail_fast_stops() {
    let dir = workspace();
    let root = dir.path();
    let (code, out, err) = check_env(root, &["-v", "-p", "base", "--color", "never"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    for command in ["rustfmt --check", "cargo build -p", "deps/base-", "test -p"] {
        assert!(
            err.lines()
                .any(|l| l.trim_start().starts_with("Running `") && l.contains(command)),
            "`{command}` shown as it starts: {err}"
        );
    }
    write(
        root,
        "crates/mid/src/lib.rs",
        &format!("{MID_LIB}\n// edited\n"),
    );
    let (code, out, err) = check_env(root, &["-q"], &[]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
    write(
        root,
        "crates/top/src/main.rs",
        "fn main() {\n    let x: u32 = \"no\";\n}\n",
    );
    let (code, out, _) = check_env(root, &["--fail-fast", "--message-format", "json"], &[]);
    assert_eq!(code, 1, "{out}");
    let ran: Vec<ratchet_events::check::Step> = out
        .lines()
        .filter_map(|l| match serde_json::from_str(l).unwrap() {
            CheckEvent::StepStarted(s) => Some(s.step),
            _ => None,
        })
        .collect();
    assert!(
        !ran.contains(&ratchet_events::check::Step::Doc),
        "no step after the failing one: {ran:?}"
    );
    let (code, out, _) = check_env(root, &["--no-fail-fast", "-q"], &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FAILED"), "-q still reports a failure: {out}");
}

#[test]
fn test_name_filters_run_only_matching_tests_and_record_no_test_pass() {
    let dir = workspace();
    let root = dir.path();
    // mid's one test fails: a filter that leaves it out passes.
    write(
        root,
        "crates/mid/tests/it.rs",
        "#[test]\nfn adds_two() {\n    assert_eq!(mid::inc2(1), 4);\n}\n",
    );
    let (code, out, err) = check_env(root, &["--color", "never", "--", "inc_works"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    insta::assert_snapshot!(summary_of(&out), @"check: ok, 1 test in 1 package, 12 passed (fmt, lint, test, doc), 0 cached,");
    // No test or doc pass was recorded: an unfiltered run runs them all (and finds mid's).
    let (_, events) = json_check(root, &["--dry-run"]);
    let plan = planned(&events);
    assert!(
        plan.iter().all(|(step, _)| step == "test" || step == "doc"),
        "{plan:?}"
    );
    assert_eq!(plan[0].1, names(&["base", "mid", "top"]));
    let (code, out, _) = check_env(root, &["--color", "never"], &[]);
    assert_eq!(code, 1, "{out}");
}

#[test]
fn completions_help_examples_and_graph_message_format() {
    let dir = workspace();
    let root = dir.path();
    for shell in ["bash", "zsh", "fish"] {
        let run = ratchet(BIN, root, &["completions", shell]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            run.stdout.contains("no-fail-fast"),
            "{shell}: {}",
            run.stdout
        );
    }
    let help = ratchet(BIN, root, &["check", "--help"]);
    assert!(help.stdout.contains("Examples:"), "{}", help.stdout);
    assert!(
        help.stdout.contains(" check -- parser::round_trip"),
        "{}",
        help.stdout
    );
    let graph = ratchet(BIN, root, &["graph", "--message-format", "json"]);
    assert_eq!(graph.code, 0, "{}", graph.stderr);
    assert!(graph.json().is_object(), "{}", graph.stdout);
}

#[test]
fn small_things_say_what_they_do() {
    let dir = workspace();
    let root = dir.path();
    let (code, _, err) = check_env(root, &["--dry-run"], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("tests run by ratchet's own pool: the workspace has no .config/nextest.toml"),
        "{err}"
    );
    ratchet_tests::git(root, &["init", "-q", "-b", "main"]);
    ratchet_tests::git(root, &["add", "-A"]);
    ratchet_tests::git(root, &["commit", "-q", "-m", "init"]);
    write(root, "notes.txt", "owned by no package\n");
    let (code, out, err) = check_env(root, &["--since", "main", "--color", "never"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.starts_with("check: ok, nothing to run, in "), "{out}");
    assert_eq!(err.lines().count(), 1, "one warning, once: {err}");
    let rules = ratchet(BIN, root, &["rules"]);
    assert_eq!(rules.code, 0, "{}", rules.stderr);
    assert!(
        rules.stdout.contains("rules: nothing configured"),
        "{}",
        rules.stdout
    );
    let init = ratchet(BIN, root, &["budget", "init"]);
    assert_eq!(init.code, 0, "{}", init.stderr);
    assert!(
        init.stderr.contains("no time ceilings yet"),
        "{}",
        init.stderr
    );
}

#[test]
fn test_only_keys_elsewhere_are_an_error() {
    let dir = workspace();
    let root = dir.path();
    write(root, "ratchet.toml", "[steps.lint]\ntimeout = 5\n");
    let (code, _, err) = check_env(root, &["--dry-run"], &[]);
    assert_eq!((code, err.lines().count()), (2, 1), "{err}");
}
