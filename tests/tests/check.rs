//! `check` with real cargo on small hand-written workspaces: verdicts, the verdict cache,
//! concurrency, interruption, JSON events, and peace with the user's own `cargo build`.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use ratchet_events::check::CheckEvent;
use ratchet_tests::{Run, ratchet};

const BIN: &str = env!("CARGO_BIN_EXE_ratchet");

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn manifest(name: &str, deps: &str) -> String {
    format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n{deps}"
    )
}

const BASE_LIB: &str = "//! Base.\n\n/// Adds one.\n///\n/// ```\n/// assert_eq!(base::inc(1), 2);\n/// ```\npub fn inc(x: u32) -> u32 {\n    x + 1\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn inc_works() {\n        assert_eq!(super::inc(2), 3);\n    }\n}\n";
const MID_LIB: &str =
    "//! Mid.\n\n/// Adds two.\npub fn inc2(x: u32) -> u32 {\n    base::inc(base::inc(x))\n}\n";

/// base <- mid <- top (a binary); unit, integration and doc tests; formatted and lint-clean.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/*\"]\nresolver = \"2\"\n",
    );
    write(root, "crates/base/Cargo.toml", &manifest("base", ""));
    write(root, "crates/base/src/lib.rs", BASE_LIB);
    write(
        root,
        "crates/mid/Cargo.toml",
        &manifest("mid", "base = { path = \"../base\" }\n"),
    );
    write(root, "crates/mid/src/lib.rs", MID_LIB);
    write(
        root,
        "crates/mid/tests/it.rs",
        "#[test]\nfn adds_two() {\n    assert_eq!(mid::inc2(1), 3);\n}\n",
    );
    write(
        root,
        "crates/top/Cargo.toml",
        &manifest("top", "mid = { path = \"../mid\" }\n"),
    );
    write(
        root,
        "crates/top/src/main.rs",
        "fn main() {\n    println!(\"{}\", mid::inc2(0));\n}\n",
    );
    dir
}

fn check(dir: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["check"];
    args.extend_from_slice(extra);
    ratchet(BIN, dir, &args)
}

/// Every stdout line parsed as a documented event (panics on one that is not).
fn events(run: &Run) -> Vec<CheckEvent> {
    run.stdout
        .lines()
        .map(|l| {
            serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("not an event ({e}): {l}\n{}", run.stderr))
        })
        .collect()
}

fn json_check(dir: &Path, extra: &[&str]) -> (Run, Vec<CheckEvent>) {
    let mut args = vec!["--message-format", "json"];
    args.extend_from_slice(extra);
    let run = check(dir, &args);
    let events = events(&run);
    (run, events)
}

fn steps_started(events: &[CheckEvent]) -> Vec<(String, Vec<String>)> {
    events
        .iter()
        .filter_map(|e| match e {
            CheckEvent::StepStarted(s) => Some((s.step.clone(), s.packages.clone())),
            _ => None,
        })
        .collect()
}

fn planned(events: &[CheckEvent]) -> Vec<(String, Vec<String>)> {
    match &events[0] {
        CheckEvent::Plan(plan) => plan
            .steps
            .iter()
            .filter(|s| !s.run.is_empty())
            .map(|s| (s.step.clone(), s.run.clone()))
            .collect(),
        other => panic!("first event is not the plan: {other:?}"),
    }
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

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
    let failure = events
        .iter()
        .find_map(|e| match e {
            CheckEvent::TestFailure(t) => Some(t),
            _ => None,
        })
        .expect("a test_failure event");
    assert_eq!(
        (failure.package.as_str(), failure.tests.clone()),
        ("base", names(&["tests::inc_works"]))
    );
    assert!(failure.output.contains("left: 3"), "{}", failure.output);
    assert_eq!(failure.command, "cargo test -p base");

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

    // Damage base's lint entry in three ways; each time only that entry misses.
    let entries = root.join("target/ratchet/verdicts");
    let lint_entry = std::fs::read_dir(&entries)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            text.contains("\"package\":\"base\"") && text.contains("\"step\":\"lint\"")
        })
        .expect("base's lint pass is stored");
    let good = std::fs::read(&lint_entry).unwrap();
    for damage in [
        good[..good.len() / 2].to_vec(),
        b"garbage".to_vec(),
        b"{}".to_vec(),
    ] {
        std::fs::write(&lint_entry, &damage).unwrap();
        let (_, events) = json_check(root, &["--dry-run"]);
        assert_eq!(
            planned(&events),
            vec![("lint".to_string(), names(&["base"]))]
        );
    }
    let (rerun, events) = json_check(root, &[]);
    assert_eq!(rerun.code, 0);
    assert_eq!(
        steps_started(&events),
        vec![("lint".to_string(), names(&["base"]))]
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
fn two_concurrent_runs_do_the_work_once() {
    let ws = workspace();
    let root = ws.path().to_path_buf();
    let spawn = || {
        let root = root.clone();
        std::thread::spawn(move || json_check(&root, &[]))
    };
    let (first, second) = (spawn(), spawn());
    let (a, a_events) = first.join().unwrap();
    let (b, b_events) = second.join().unwrap();
    assert_eq!(
        (a.code, b.code),
        (0, 0),
        "{}\n{}\n{}\n{}",
        a.stdout,
        a.stderr,
        b.stdout,
        b.stderr
    );
    let started = steps_started(&a_events).len() + steps_started(&b_events).len();
    assert_eq!(
        started, 4,
        "one run did every step, the other found its passes"
    );
}

#[test]
fn an_edit_during_the_run_is_not_recorded_as_a_pass() {
    let ws = workspace();
    let root = ws.path();
    // base's build script edits a file of base while the lint step builds it, exactly once.
    write(
        root,
        "crates/base/Cargo.toml",
        &manifest("base", "").replace(
            "edition = \"2021\"",
            "edition = \"2021\"\nbuild = \"build.rs\"",
        ),
    );
    write(
        root,
        "crates/base/build.rs",
        "fn main() {\n    println!(\"cargo:rerun-if-changed=build.rs\");\n    let path = std::path::Path::new(\"notes.txt\");\n    if !path.exists() {\n        std::fs::write(path, \"edited during the run\").unwrap();\n    }\n}\n",
    );
    let (first, events) = json_check(root, &["--exclude", "top"]);
    assert_eq!(first.code, 0, "{}", first.stdout);
    let lint = events
        .iter()
        .find_map(|e| match e {
            CheckEvent::StepFinished(f) if f.step == "lint" => Some(f),
            _ => None,
        })
        .unwrap();
    assert_eq!(lint.passed, names(&["base", "mid"]));
    assert_eq!(
        lint.changed_during_run,
        names(&["base", "mid"]),
        "mid's fingerprint includes base"
    );

    let (_, events) = json_check(root, &["--exclude", "top", "--dry-run"]);
    assert_eq!(
        planned(&events)[1],
        ("lint".to_string(), names(&["base", "mid"]))
    );
    assert_eq!(json_check(root, &["--exclude", "top"]).0.code, 0);
    let (_, events) = json_check(root, &["--exclude", "top", "--dry-run"]);
    assert!(
        planned(&events).is_empty(),
        "recorded once the content held still"
    );
}

/// Formatted as rustfmt wants, so that it reaches the test step.
const SLOW_TEST: &str = "#[test]
fn slow() {
    let dir = std::env::var(\"CARGO_MANIFEST_DIR\").unwrap();
    let pid = std::process::id().to_string();
    std::fs::write(format!(\"{dir}/../../slow-test.pid\"), pid).unwrap();
    std::thread::sleep(std::time::Duration::from_secs(300));
}
";

#[test]
fn sigint_kills_the_children_and_keeps_a_valid_cache() {
    let ws = workspace();
    let root = ws.path();
    let pid_file = root.join("slow-test.pid");
    write(root, "crates/mid/tests/slow.rs", SLOW_TEST);
    let mut child = std::process::Command::new(BIN)
        .args(["check", "--message-format", "json"])
        .current_dir(root)
        .env_remove("CARGO_TARGET_DIR")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut lines = std::io::BufRead::lines(stdout);
    let mut seen = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        if line.contains("\"step_started\",\"version\":1,\"step\":\"test\"") {
            break;
        }
        seen.push(line);
    }
    while !pid_file.exists() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "check ended before the slow test ran: {seen:#?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let test_pid = std::fs::read_to_string(&pid_file).unwrap();
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let rest: Vec<String> = lines.map(|l| l.unwrap()).collect();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(1));
    let summary: CheckEvent = serde_json::from_str(rest.last().unwrap()).unwrap();
    assert!(
        matches!(summary, CheckEvent::Summary(s) if s.interrupted),
        "{rest:?}"
    );
    assert!(
        !Path::new(&format!("/proc/{}", test_pid.trim())).exists(),
        "the test binary was killed"
    );

    // The steps that finished before the interrupt keep their passes; the test step was not recorded.
    let (_, events) = json_check(root, &["--dry-run"]);
    let plan: Vec<String> = planned(&events).into_iter().map(|(step, _)| step).collect();
    assert_eq!(plan, names(&["test", "doc"]));
}

#[test]
fn interleaving_with_a_plain_cargo_build_rebuilds_nothing() {
    let ws = workspace();
    let root = ws.path();
    let cargo_build = || {
        let out = std::process::Command::new(env!("CARGO"))
            .args(["build", "--all-targets", "--message-format", "json"])
            .current_dir(root)
            .env_remove("CARGO_TARGET_DIR")
            .env_remove("RUSTC_WRAPPER")
            .output()
            .unwrap();
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        let artifacts: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .filter(|v| v["reason"] == "compiler-artifact")
            .collect();
        assert!(!artifacts.is_empty());
        artifacts.iter().filter(|a| a["fresh"] == false).count()
    };
    assert_eq!(check(root, &[]).code, 0);
    assert!(cargo_build() > 0, "the user's first build compiles");
    let (again, events) = json_check(root, &["--all"]);
    assert_eq!(again.code, 0);
    let built: usize = events
        .iter()
        .filter_map(|e| match e {
            CheckEvent::StepFinished(f) => Some(f.units_built),
            _ => None,
        })
        .sum();
    assert_eq!(
        built, 0,
        "check after the user's build rebuilt nothing: {}",
        again.stdout
    );
    assert_eq!(
        cargo_build(),
        0,
        "the user's build after check rebuilt nothing"
    );
    let costs: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("target/ratchet/build-costs.json")).unwrap(),
    )
    .unwrap();
    assert!(
        costs["packages"]["mid"]["artifact_bytes"].as_u64().unwrap() > 0,
        "{costs}"
    );
    assert!(
        !costs["packages"]["mid"]["crates"]
            .as_array()
            .unwrap()
            .is_empty(),
        "{costs}"
    );
}
