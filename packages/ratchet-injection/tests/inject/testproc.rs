//! Test processes as cargo runs them: its environment (proc-macro test binaries need the
//! toolchain's libraries; tests read cargo's variables and relative paths), the end of the
//! test process rather than of its output, and the files tests read at run time.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ratchet_events::check::{CheckEvent, Observation, StepFinished};

use crate::*;

/// No library path inherited from the test harness (cargo gives the harness one that holds
/// the toolchain's libraries): ratchet must set it itself, as cargo does.
const NO_LIBRARY_PATH: &[(&str, &str)] = &[("LD_LIBRARY_PATH", "")];

#[test]
fn a_proc_macro_crate_is_tested_as_cargo_tests_it() {
    let ws = two_packages();
    let root = ws.path();
    write(
        root,
        "crates/pm/Cargo.toml",
        &format!("{}\n[lib]\nproc-macro = true\n", manifest("pm", "")),
    );
    write(
        root,
        "crates/pm/src/lib.rs",
        "//! Pm.\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn runs() {\n        assert_eq!(1 + 1, 2);\n    }\n}\n",
    );
    let verdicts = assert_agrees("proc-macro unit test", root, &[], NO_LIBRARY_PATH, &["pm"]);
    assert!(verdicts["pm"].test, "{verdicts:?}");
}

#[test]
fn tests_read_cargo_variables_and_relative_paths_at_run_time() {
    let ws = two_packages();
    let root = ws.path();
    write(
        root,
        "crates/app/Cargo.toml",
        &manifest("app", "base = { path = \"../base\" }\n")
            .replace("edition", "description = \"An app.\"\nedition"),
    );
    write(root, "crates/app/data.txt", "data\n");
    write(root, "crates/app/src/main.rs", "fn main() {}\n");
    write(
        root,
        "crates/app/tests/env.rs",
        r#"//! Cargo's run-time environment.

#[test]
fn package_directory_and_variables() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap();
    let data = std::path::Path::new(&dir).join("data.txt");
    assert_eq!(std::fs::read_to_string(data).unwrap(), "data\n");
    assert_eq!(std::fs::read_to_string("data.txt").unwrap(), "data\n");
    assert_eq!(std::env::var("CARGO_PKG_DESCRIPTION").unwrap(), "An app.");
    assert_eq!(std::env::var("CARGO_PKG_VERSION_MINOR").unwrap(), "1");
    let manifest = std::env::var("CARGO_MANIFEST_PATH").unwrap();
    assert!(manifest.ends_with("Cargo.toml"), "{manifest}");
    let app = std::env::var("CARGO_BIN_EXE_app").unwrap();
    assert!(std::process::Command::new(app).status().unwrap().success());
}
"#,
    );
    let verdicts = assert_agrees("run-time environment", root, &[], &[], &["app"]);
    assert!(verdicts["app"].test, "{verdicts:?}");
}

#[test]
fn a_test_leaving_a_server_running_does_not_block_check() {
    let ws = two_packages();
    let root = ws.path();
    let pid_file = root.join("server.pid");
    write(
        root,
        "crates/base/tests/server.rs",
        r#"//! Starts a server and returns, as a test may.

#[test]
fn starts_a_server() {
    // The server inherits the test's output, as a spawned child does.
    #[allow(clippy::zombie_processes)]
    let server = std::process::Command::new("sleep")
        .arg("100000")
        .spawn()
        .unwrap();
    let pid_file = std::env::var("SERVER_PID_FILE").unwrap();
    std::fs::write(pid_file, server.id().to_string()).unwrap();
}
"#,
    );
    // Output to a file: a pipe would be held open by a server that outlived its test.
    let output = root.join("check.out");
    let mut command = Command::new(BIN);
    command
        .arg("check")
        .current_dir(root)
        .env_remove("CARGO_TARGET_DIR")
        .env("SERVER_PID_FILE", &pid_file)
        .stdout(std::fs::File::create(&output).unwrap())
        .stderr(Stdio::null());
    let status = wait_bounded(command.spawn().unwrap(), Duration::from_secs(600));
    let text = std::fs::read_to_string(&output).unwrap();
    assert_eq!(status.and_then(|s| s.code()), Some(0), "{text}");
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    assert!(until_dead(pid.trim()), "the server {pid} outlived its test");
}

#[test]
fn run_time_reads_are_reported_per_package() {
    let ws = two_packages();
    let root = ws.path();
    write(root, "testdata/x", "x\n");
    write(root, "crates/base/data/o.txt", "o\n");
    write(root, "crates/app/.gitignore", "secret.txt\n");
    write(root, "crates/app/secret.txt", "s\n");
    write(
        root,
        "crates/app/tests/reads.rs",
        r#"//! Reads files all over the workspace.

#[test]
fn reads() {
    let x = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/x");
    assert_eq!(std::fs::read_to_string(x).unwrap(), "x\n");
    assert!(std::path::Path::new("../base/data/o.txt").exists());
    assert_eq!(std::fs::read_dir("../base/data").unwrap().count(), 1);
    assert_eq!(std::fs::read_to_string("secret.txt").unwrap(), "s\n");
    assert!(!std::path::Path::new("missing.txt").exists());
}
"#,
    );
    let (run, events) = check(root, &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let test = step_finished(&events, "test");
    if cfg!(target_os = "linux") {
        assert_eq!(
            test.observation,
            Some(Observation::Observed),
            "{}",
            run.stdout
        );
        let app: Vec<&str> = test.observed_reads["app"]
            .iter()
            .map(String::as_str)
            .collect();
        for read in [
            "testdata/x",
            "crates/base/data/o.txt",
            "crates/base/data/",
            "crates/app/secret.txt",
            "crates/app/missing.txt",
        ] {
            assert!(app.contains(&read), "{read} not in {app:?}");
        }
        assert!(app.iter().all(|r| !r.starts_with("target/")), "{app:?}");
        assert_eq!(test.observed_reads["base"], Vec::<String>::new());
    }
    // Without the observer, the summary says so.
    let human = Command::new(BIN)
        .args(["check", "--force"])
        .current_dir(root)
        .env_remove("CARGO_TARGET_DIR")
        .env("RATCHET_OBSERVE", "0")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&human.stdout);
    assert!(
        stdout.contains("run-time reads not observed: RATCHET_OBSERVE=0"),
        "{stdout}"
    );
}

fn step_finished(events: &[CheckEvent], step: &str) -> StepFinished {
    events
        .iter()
        .find_map(|e| match e {
            CheckEvent::StepFinished(f) if serde_json::to_value(f.step).ok()? == step => {
                Some(f.clone())
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("no step_finished for {step}: {events:?}"))
}

/// Waits for `child` at most `bound` (a guard so that a regression fails instead of hanging,
/// not a timing assertion), killing it then; `None` when it had to be killed.
fn wait_bounded(
    mut child: std::process::Child,
    bound: Duration,
) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + bound;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

/// Whether the process `pid` is gone (or a zombie) within a generous bound.
fn until_dead(pid: &str) -> bool {
    let stat = Path::new("/proc").join(pid).join("stat");
    let dead = || {
        let text = std::fs::read_to_string(&stat).unwrap_or_default();
        let state = text.rsplit(')').next().unwrap_or_default().trim_start();
        text.is_empty() || state.starts_with('Z')
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while !dead() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    dead()
}
