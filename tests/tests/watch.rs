//! `watch` as users run it: the real binary on a small workspace, real file events, real
//! `check` child runs, NDJSON on a pipe, stopped with SIGTERM.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns may unwrap too

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use ratchet_events::Event;
use ratchet_tests::ratchet;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_ratchet");
/// A failure guard for a `check` run on a loaded machine (it may build from cold), never a
/// measurement.
const GUARD: Duration = Duration::from_secs(240);

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Packages `a` and `b`, where `b` depends on `a`, and a `.gitignore` for the target dir.
fn two_packages() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let manifest = |name: &str, deps: &str| {
        format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n{deps}")
    };
    let root = dir.path();
    write(
        root,
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/*\"]\nresolver = \"2\"\n",
    );
    write(root, ".gitignore", "/target\n");
    write(root, "crates/a/Cargo.toml", &manifest("a", ""));
    write(
        root,
        "crates/a/src/lib.rs",
        "pub fn a() -> u32 {\n    1\n}\n",
    );
    let b_deps = "[dependencies]\na = { path = \"../a\" }\n";
    write(root, "crates/b/Cargo.toml", &manifest("b", b_deps));
    write(
        root,
        "crates/b/src/lib.rs",
        "pub fn b() -> u32 {\n    a::a()\n}\n",
    );
    dir
}

struct Watch {
    child: Child,
    lines: Receiver<String>,
}

impl Watch {
    fn start(root: &Path) -> Watch {
        let manifest = root.join("Cargo.toml");
        let mut child = Command::new(BIN)
            .args(["watch", "--message-format", "json", "--debounce-ms", "50"])
            .arg("--manifest-path")
            .arg(&manifest)
            .env_remove("CARGO_TARGET_DIR")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                if tx.send(line.unwrap()).is_err() {
                    return;
                }
            }
        });
        Watch { child, lines }
    }

    /// The next `watch_run` event, skipping the events of `check` itself.
    fn next_run(&self) -> Value {
        self.next_event(|event| event["event"] == "watch_run")
    }

    /// The next event `wanted` accepts, skipping the others.
    fn next_event(&self, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + GUARD;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = self.lines.recv_timeout(left).expect("the event in time");
            let event: Value = serde_json::from_str(&line)
                .unwrap_or_else(|e| panic!("stdout line is not JSON ({e}): {line}"));
            if event["event"] == "watch_run" {
                // The documented shape, field for field.
                let typed: Event = serde_json::from_value(event.clone())
                    .unwrap_or_else(|e| panic!("not a valid watch_run ({e}): {line}"));
                assert_eq!(serde_json::to_value(typed).unwrap(), event);
            }
            if wanted(&event) {
                return event;
            }
        }
    }

    /// Sends SIGTERM and returns the exit code.
    fn terminate(mut self) -> Option<i32> {
        self.stop().expect("watch stops on SIGTERM")
    }

    /// SIGTERM, then the exit code once it exited (`None` inside: killed by a signal);
    /// `None` when it did not exit within the guard time.
    fn stop(&mut self) -> Option<Option<i32>> {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + GUARD;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status.code());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

impl Drop for Watch {
    /// A failed test must not leave `watch` (and its check run) behind.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait()
            && self.stop().is_none()
        {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect()
}

#[test]
fn an_edit_is_picked_up_and_its_verdict_reported() {
    let ws = two_packages();
    let watch = Watch::start(ws.path());
    let first = watch.next_run();
    assert_eq!(first["version"], ratchet_events::VERSION);
    assert_eq!(first["run"], 1);
    assert_eq!(first["global"], true);
    assert_eq!(first["checked"], Value::Null);

    write(
        ws.path(),
        "crates/a/src/lib.rs",
        "pub fn a() -> u32 {\n    2\n}\n",
    );
    let second = watch.next_run();
    assert_eq!(second["run"], 2);
    assert_eq!(strings(&second["trigger"]), ["crates/a/src/lib.rs"]);
    assert_eq!(strings(&second["packages"]), ["a"]);
    assert_eq!(strings(&second["checked"]), ["a", "b"], "b depends on a");
    assert!(second["duration_ms"].is_u64());

    // The verdict is the one `check` itself gives on the same packages.
    let direct = ratchet(
        BIN,
        ws.path(),
        &["check", "-p", "a", "-p", "b", "--message-format", "json"],
    );
    assert_eq!(second["exit_code"], direct.code, "{}", direct.stderr);
    let expected = match direct.code {
        0 => "passed",
        1 => "failed",
        3 => "budget",
        _ => "error",
    };
    assert_eq!(second["verdict"], expected);
    assert_eq!(watch.terminate(), Some(0));
}

#[test]
fn a_budget_edit_of_ratchet_toml_runs_nothing_as_affected_agrees() {
    let ws = two_packages();
    write(ws.path(), "ratchet.toml", "[budget]\ninner-loop = \"5m\"\n");
    let watch = Watch::start(ws.path());
    assert_eq!(watch.next_run()["run"], 1);
    // What `budget tighten` writes: no verdict depends on it.
    write(
        ws.path(),
        "ratchet.toml",
        "# tightened\n[budget]\ninner-loop = \"4m\"\n",
    );
    write(
        ws.path(),
        "crates/b/src/lib.rs",
        "pub fn b() -> u32 {\n    a::a() + 1\n}\n",
    );
    let next = watch.next_run();
    assert_eq!(strings(&next["trigger"]), ["crates/b/src/lib.rs"]);
    assert_eq!(next["global"], false);
    assert_eq!(strings(&next["checked"]), ["b"]);
    assert_eq!(watch.terminate(), Some(0));
}

#[test]
fn an_edit_outside_every_package_runs_nothing() {
    let ws = two_packages();
    let watch = Watch::start(ws.path());
    assert_eq!(watch.next_run()["run"], 1);
    write(ws.path(), "README.md", "not in a package\n");
    write(ws.path(), "target/debug/junk", "build output\n");
    write(
        ws.path(),
        "crates/b/src/lib.rs",
        "pub fn b() -> u32 {\n    a::a() + 1\n}\n",
    );
    let next = watch.next_run();
    assert_eq!(strings(&next["trigger"]), ["crates/b/src/lib.rs"]);
    assert_eq!(strings(&next["checked"]), ["b"]);
    assert_eq!(watch.terminate(), Some(0));
}

#[test]
fn inputs_from_ratchet_toml_are_global() {
    let ws = two_packages();
    write(
        ws.path(),
        "ratchet.toml",
        "[inputs]\nfiles = [\"proto/*.proto\"]\n",
    );
    let watch = Watch::start(ws.path());
    assert_eq!(watch.next_run()["run"], 1);
    write(ws.path(), "proto/api.proto", "syntax = \"proto3\";\n");
    let next = watch.next_run();
    assert_eq!(strings(&next["trigger"]), ["proto/api.proto"]);
    assert_eq!(next["global"], true);
    assert_eq!(next["checked"], Value::Null);
    // ratchet.toml itself is global, as `affected` counts it (`[steps]` change verdicts).
    let steps = "[inputs]\nfiles = [\"proto/*.proto\"]\n\n[steps.doc]\nenabled = false\n";
    write(ws.path(), "ratchet.toml", steps);
    let next = watch.next_run();
    assert_eq!(strings(&next["trigger"]), ["ratchet.toml"]);
    assert_eq!(next["global"], true);
    assert_eq!(watch.terminate(), Some(0));
}

#[test]
fn rustfmt_configuration_is_global() {
    let ws = two_packages();
    let watch = Watch::start(ws.path());
    assert_eq!(watch.next_run()["run"], 1);
    write(ws.path(), "rustfmt.toml", "max_width = 80\n");
    let next = watch.next_run();
    assert_eq!(strings(&next["trigger"]), ["rustfmt.toml"]);
    assert_eq!(next["global"], true);
    assert_eq!(watch.terminate(), Some(0));
}

#[test]
fn watch_ends_when_its_reader_goes_away() {
    let ws = two_packages();
    let mut child = Command::new(BIN)
        .args(["watch", "--message-format", "json", "--debounce-ms", "50"])
        .current_dir(ws.path())
        .env_remove("CARGO_TARGET_DIR")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("watch_run") {
        line.clear();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "watch exited early"
        );
    }
    drop(stdout);
    write(
        ws.path(),
        "crates/a/src/lib.rs",
        "pub fn a() -> u32 {\n    4\n}\n",
    );
    let deadline = Instant::now() + GUARD;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("watch kept running with nobody reading");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0));
}

#[test]
fn a_missing_manifest_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere/Cargo.toml");
    let run = ratchet(
        BIN,
        dir.path(),
        &["watch", "--manifest-path", missing.to_str().unwrap()],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
}

/// A build script that blocks until the file `release` appears at the workspace root (or two
/// minutes pass), so that a run is surely in progress when the test edits a file.
const BLOCKING_BUILD_SCRIPT: &str = r#"fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let started = std::time::Instant::now();
    while !root.join("release").exists() && started.elapsed().as_secs() < 120 {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}
"#;

#[test]
fn a_newer_edit_stops_the_run_in_progress_and_starts_another() {
    let ws = two_packages();
    let root = ws.path();
    let slow = "[package]\nname = \"slow\"\nversion = \"0.1.0\"\nedition = \"2021\"\n";
    write(root, "crates/slow/Cargo.toml", slow);
    write(root, "crates/slow/src/lib.rs", "pub fn slow() {}\n");
    write(root, "crates/slow/build.rs", BLOCKING_BUILD_SCRIPT);
    let watch = Watch::start(root);
    // Run 1 (the whole workspace) reaches the lint step and blocks in slow's build script.
    watch.next_event(|e| e["event"] == "step_started" && e["step"] == "lint");
    write(
        root,
        "crates/a/src/lib.rs",
        "pub fn a() -> u32 {\n    3\n}\n",
    );
    let first = watch.next_run();
    assert_eq!(first["run"], 1);
    assert_eq!(first["verdict"], "cancelled", "{first}");
    assert_eq!(first["exit_code"], Value::Null);
    // Run 2 carries the cancelled run 1, which covered the whole workspace, so it does too.
    write(root, "release", "");
    let second = watch.next_run();
    assert_eq!(strings(&second["trigger"]), ["crates/a/src/lib.rs"]);
    assert_eq!(second["global"], true);
    assert_eq!(second["verdict"], "passed", "{second}");
    assert_eq!(watch.terminate(), Some(0));
}

#[test]
fn a_save_to_a_file_a_package_includes_from_outside_runs_that_package() {
    let ws = two_packages();
    write(ws.path(), "data/x.txt", "1\n");
    write(
        ws.path(),
        "crates/a/src/lib.rs",
        "pub fn a() -> u32 {\n    include_str!(\"../../../data/x.txt\").len() as u32\n}\n",
    );
    let watch = Watch::start(ws.path());
    assert_eq!(
        watch.next_run()["run"],
        1,
        "the first run learns what `a` reads"
    );
    write(ws.path(), "data/x.txt", "12\n");
    let next = watch.next_run();
    assert_eq!(strings(&next["trigger"]), ["data/x.txt"]);
    assert_eq!(strings(&next["packages"]), ["a"]);
    assert_eq!(strings(&next["checked"]), ["a", "b"], "b depends on a");
    assert_eq!(watch.terminate(), Some(0));
}

#[test]
fn cargo_configuration_above_the_root_is_global() {
    let dir = tempfile::tempdir().unwrap();
    let ws = two_packages();
    let root = dir.path().join("ws");
    std::fs::rename(ws.path(), &root).unwrap();
    let watch = Watch::start(&root);
    assert_eq!(watch.next_run()["run"], 1);
    write(dir.path(), ".cargo/config.toml", "[build]\njobs = 1\n");
    let next = watch.next_run();
    let config = dir.path().join(".cargo/config.toml");
    assert_eq!(strings(&next["trigger"]), [config.to_str().unwrap()]);
    assert_eq!(next["global"], true);
    assert_eq!(watch.terminate(), Some(0));
}
