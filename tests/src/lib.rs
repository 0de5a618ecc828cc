//! Helpers shared by the integration tests: running the ratchet binary and reading its output.

use std::path::Path;
use std::process::{Command, Output};

/// The outcome of one ratchet run.
#[derive(Debug)]
pub struct Run {
    /// Exit code (`-1` when killed by a signal).
    pub code: i32,
    /// Standard output, lossily decoded.
    pub stdout: String,
    /// Standard error, lossily decoded.
    pub stderr: String,
}

impl Run {
    /// The outcome of a finished process.
    pub fn from_output(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Standard output parsed as one JSON document; panics with both streams if it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

/// Runs the ratchet binary `bin` (pass `env!("CARGO_BIN_EXE_ratchet")`) in `dir` with `args`,
/// outside GitHub Actions even when the suite runs there (no annotations, no step summary).
pub fn ratchet(bin: &str, dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(bin)
        .args(args)
        .current_dir(dir)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .expect("the ratchet binary runs");
    Run::from_output(out)
}

/// Writes each `(relative path, text)` under `dir`, creating directories as needed.
pub fn write_files(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("the test directory is writable");
        }
        std::fs::write(&path, text).expect("the test directory is writable");
    }
}

/// Writes `text` to `path` under `dir`, creating directories as needed.
pub fn write(dir: &Path, path: &str, text: &str) {
    write_files(dir, &[(path, text)]);
}

/// A package manifest (edition 2021) with `deps` as the body of its `[dependencies]`.
pub fn manifest(name: &str, deps: &str) -> String {
    format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n{deps}"
    )
}

/// Runs the real `git` in `dir` with an identity of its own (CI machines have no global git
/// configuration) and returns its stdout; panics with git's stderr when it fails.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@t"])
        .args(["-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
