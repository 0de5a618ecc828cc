//! Plain cargo as the judge of every verdict, and `check` run the way a user runs it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use ratchet_events::check::CheckEvent;
use ratchet_tests::{Run, ratchet};

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_ratchet-under-test");

/// What plain cargo says of one package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CargoVerdict {
    /// `cargo fmt --check -p X` passed.
    pub fmt: bool,
    /// `cargo clippy -p X --all-targets -- -D warnings` passed.
    pub lint: bool,
    /// `cargo test -p X` passed (unit, integration and doc tests).
    pub test: bool,
}

impl CargoVerdict {
    /// Whether every step passed.
    pub fn passed(&self) -> bool {
        self.fmt && self.lint && self.test
    }
}

/// Runs plain cargo on `package` in `root`, in a target directory of its own
/// (`target/oracle`), so that the judge never shares build state with `check`.
/// `env` is set on every cargo command (for cases that break through the environment).
pub(crate) fn cargo_verdict(root: &Path, package: &str, env: &[(&str, &str)]) -> CargoVerdict {
    let run = |args: &[&str]| {
        let mut command = Command::new("cargo");
        command
            .args(args)
            .current_dir(root)
            .env("CARGO_TARGET_DIR", root.join("target/oracle"))
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_BUILD_RUSTFLAGS");
        for (key, value) in env {
            command.env(key, value);
        }
        command.output().unwrap().status.success()
    };
    CargoVerdict {
        fmt: run(&["fmt", "--check", "-p", package]),
        lint: run(&[
            "clippy",
            "-p",
            package,
            "--all-targets",
            "--quiet",
            "--",
            "-D",
            "warnings",
        ]),
        test: run(&["test", "-p", package, "--quiet"]),
    }
}

/// `check --message-format json` with `args`, in `root`.
pub(crate) fn check(root: &Path, args: &[&str]) -> (Run, Vec<CheckEvent>) {
    check_with_env(root, args, &[])
}

/// `check --message-format json` with `args` and `env`, in `root`.
pub(crate) fn check_with_env(
    root: &Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> (Run, Vec<CheckEvent>) {
    let mut all = vec!["check", "--message-format", "json"];
    all.extend_from_slice(args);
    let run = if env.is_empty() {
        ratchet(BIN, root, &all)
    } else {
        let out = Command::new(BIN)
            .args(&all)
            .current_dir(root)
            .env_remove("CARGO_TARGET_DIR")
            .envs(env.iter().copied())
            .output()
            .unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    };
    let events = run
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    (run, events)
}

/// `check` twice (the first run learns what it reads, the second records its passes), then a
/// third run must be served from the cache.
pub(crate) fn settle(root: &Path) {
    for _ in 0..2 {
        let (run, _) = check(root, &[]);
        assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    }
    let (run, events) = check(root, &[]);
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, CheckEvent::StepStarted(_))),
        "a settled workspace is served from the cache: {}",
        run.stdout
    );
}

/// The packages `check` failed, from its summary event (panics when there is none).
pub(crate) fn failed_packages(run: &Run, events: &[CheckEvent]) -> BTreeSet<String> {
    match events.last() {
        Some(CheckEvent::Summary(s)) => s.failed_packages.iter().cloned().collect(),
        other => panic!(
            "no summary ({other:?}):\nstdout:\n{}\nstderr:\n{}",
            run.stdout, run.stderr
        ),
    }
}

/// Runs `check` with `args` and `env`, then plain cargo on each of `packages`, and panics
/// naming every stale pass (cargo fails, check does not) and false failure (the reverse).
/// `case` names the breakage in the message. Returns the cargo verdicts for further checks.
pub(crate) fn assert_agrees(
    case: &str,
    root: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    packages: &[&str],
) -> BTreeMap<String, CargoVerdict> {
    let (run, events) = check_with_env(root, args, env);
    let failed = failed_packages(&run, &events);
    let mut wrong = Vec::new();
    let mut verdicts = BTreeMap::new();
    for package in packages {
        let cargo = cargo_verdict(root, package, env);
        let check_passed = !failed.contains(*package);
        if cargo.passed() && !check_passed {
            wrong.push(format!("false failure of `{package}` (cargo: {cargo:?})"));
        }
        if !cargo.passed() && check_passed {
            wrong.push(format!("stale pass of `{package}` (cargo: {cargo:?})"));
        }
        verdicts.insert(package.to_string(), cargo);
    }
    assert!(
        wrong.is_empty(),
        "{case}: {}\ncheck exit {}\nstdout:\n{}\nstderr:\n{}",
        wrong.join("; "),
        run.code,
        run.stdout,
        run.stderr
    );
    verdicts
}

pub(crate) use ratchet_tests::{manifest, write};

/// A workspace of `base` <- `app` (both libraries with a unit test), formatted and
/// clippy-clean; a starting point for cases that need nothing more.
pub(crate) fn two_packages() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/*\"]\nresolver = \"2\"\n",
    );
    write(root, "crates/base/Cargo.toml", &manifest("base", ""));
    write(
        root,
        "crates/base/src/lib.rs",
        "//! Base.\n\n/// One.\npub fn one() -> u32 {\n    1\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn one_is_one() {\n        assert_eq!(super::one(), 1);\n    }\n}\n",
    );
    write(
        root,
        "crates/app/Cargo.toml",
        &manifest("app", "base = { path = \"../base\" }\n"),
    );
    write(
        root,
        "crates/app/src/lib.rs",
        "//! App.\n\n/// Two.\npub fn two() -> u32 {\n    base::one() + 1\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn two_is_two() {\n        assert_eq!(super::two(), 2);\n    }\n}\n",
    );
    dir
}
