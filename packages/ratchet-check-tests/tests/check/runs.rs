//! Runs that overlap: two at once, an edit during a run, Ctrl-C, the user's own `cargo build`.

use crate::*;
use ratchet_events::check::CheckEvent;

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
            CheckEvent::StepFinished(f) if f.step == ratchet_events::check::Step::Lint => Some(f),
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
        if line.contains("\"event\":\"step_started\"") && line.contains("\"step\":\"test\"") {
            break;
        }
        seen.push(line);
    }
    // The file exists before the test has written its pid into it: wait for a number (an
    // empty pid would make `is_running` read `/proc//stat`, the system's own statistics).
    let read_pid = || {
        let text = std::fs::read_to_string(&pid_file).unwrap_or_default();
        Some(text.trim().to_string()).filter(|pid| pid.parse::<u32>().is_ok())
    };
    let test_pid = loop {
        if let Some(pid) = read_pid() {
            break pid;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "check ended before the slow test ran: {seen:#?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
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
        matches!(&summary, CheckEvent::Summary(s) if s.interrupted),
        "{rest:?}"
    );
    // It names what was still running: the binary, not finished.
    let CheckEvent::Summary(summary) = summary else {
        unreachable!()
    };
    assert!(
        summary
            .still_running
            .iter()
            .any(|r| r.starts_with("test binary `slow` of `mid`")),
        "{:?}",
        summary.still_running
    );
    assert!(!is_running(&test_pid), "the test binary was killed");

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
    let (again, events) = json_check(root, &["--force"]);
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

/// A wrapper script in `root` that logs its arguments to `user-wrapper.log`; returns its path.
fn user_wrapper(root: &std::path::Path) -> std::path::PathBuf {
    let log = root.join("user-wrapper.log");
    let wrapper = root.join("user-wrapper.sh");
    write(
        root,
        "user-wrapper.sh",
        &format!("#!/bin/sh\necho \"$@\" >> {log:?}\nexec \"$@\"\n"),
    );
    let chmod = std::process::Command::new("chmod")
        .arg("+x")
        .arg(&wrapper)
        .status()
        .unwrap();
    assert!(chmod.success());
    wrapper
}

/// `check -p base` in `root` with `wrapper_env` as `RUSTC_WRAPPER` (none when `None`); asserts
/// it passed and returns what the user wrapper logged.
fn check_base_through_user_wrapper(
    root: &std::path::Path,
    wrapper_env: Option<&std::path::Path>,
) -> String {
    let mut command = std::process::Command::new(BIN);
    command
        .args(["check", "-p", "base"])
        .current_dir(root)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_RUSTC_WRAPPER");
    match wrapper_env {
        Some(wrapper) => command.env("RUSTC_WRAPPER", wrapper),
        None => command.env_remove("RUSTC_WRAPPER"),
    };
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    std::fs::read_to_string(root.join("user-wrapper.log")).unwrap_or_default()
}

#[test]
fn the_timing_wrapper_chains_to_the_wrapper_set_in_cargo_config() {
    let ws = workspace();
    let root = ws.path();
    user_wrapper(root);
    // Relative to the directory that holds `.cargo`, as cargo reads it.
    write(
        root,
        ".cargo/config.toml",
        "[build]\nrustc-wrapper = \"./user-wrapper.sh\"\n",
    );
    let calls = check_base_through_user_wrapper(root, None);
    assert!(
        calls.contains("--crate-name base"),
        "the configured wrapper saw base compile:\n{calls}"
    );
}

#[test]
fn the_timing_wrapper_chains_to_the_users_wrapper() {
    let ws = workspace();
    let root = ws.path();
    let wrapper = user_wrapper(root);
    let calls = check_base_through_user_wrapper(root, Some(&wrapper));
    assert!(
        calls.contains("--crate-name base"),
        "the user's wrapper saw base compile:\n{calls}"
    );
    let costs: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("target/ratchet/build-costs.json")).unwrap(),
    )
    .unwrap();
    let kinds: Vec<&str> = costs["packages"]["base"]["crates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"lib") && kinds.contains(&"test"), "{costs}");
    assert!(
        !kinds.iter().any(|k| k.ends_with("-check")),
        "clippy's calls are not build costs: {costs}"
    );
}

/// Whether process `pid` exists and is not a zombie (dead, waiting to be reaped by init).
fn is_running(pid: &str) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .is_some_and(|rest| !rest.trim_start().starts_with('Z')),
        Err(_) => false,
    }
}
