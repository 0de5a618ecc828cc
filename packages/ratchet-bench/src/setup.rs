//! What the benchmarks need before measuring: the release binaries, the cached fixtures, and a
//! description of both the fixture and the machine.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};
use ratchet_fixture::Spec;

/// This repository's root (two levels above this package, `packages/ratchet-bench/`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}

/// Builds `xtask` and `cargo-ratchet` in release mode; returns their directory.
pub fn release_binaries(root: &Path) -> anyhow::Result<PathBuf> {
    eprintln!("bench: cargo build --release -p xtask -p cargo-ratchet");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args([
            "build",
            "--release",
            "-q",
            "-p",
            "xtask",
            "-p",
            "cargo-ratchet",
        ])
        .current_dir(root)
        .status()
        .context("cannot run cargo")?;
    if !status.success() {
        bail!(
            "`cargo build --release -p xtask -p cargo-ratchet` failed: fix the build, then rerun \
             the benchmarks"
        );
    }
    Ok(target_dir(root).join("release"))
}

/// The fixture of `spec` under `target/bench-fixtures/<key>`, generated only when missing or
/// when a previous run left its tracked files changed. Its `target/` is kept between runs.
pub fn fixture(root: &Path, spec: &Spec) -> anyhow::Result<PathBuf> {
    let dir = target_dir(root).join("bench-fixtures").join(spec.key());
    // Beside the fixture, not in it: an untracked file inside would be a change to ratchet.
    let done = dir.with_extension("complete");
    if done.is_file() && is_clean(&dir) {
        rustfmt_clean(&dir)?;
        return Ok(dir);
    }
    eprintln!(
        "bench: generating {} packages into {}",
        spec.packages,
        dir.display()
    );
    let _ = std::fs::remove_file(&done);
    if dir.exists() {
        std::fs::remove_dir_all(&dir)
            .with_context(|| format!("cannot remove {}", dir.display()))?;
    }
    ratchet_fixture::generate(&dir, spec)?;
    rustfmt_clean(&dir)?;
    std::fs::write(&done, "").with_context(|| format!("cannot write {}", done.display()))?;
    Ok(dir)
}

/// `ratchet check` runs `cargo fmt --check`, so a fixture must be rustfmt-clean, as a real
/// workspace would be. Generator version 1 wrote `build.rs` files that were not: such a cached
/// fixture is formatted and committed once; newer ones pass the check as generated.
fn rustfmt_clean(dir: &Path) -> anyhow::Result<()> {
    // `cargo fmt --all` would also visit the vendor crates, which cargo then takes for
    // members of this repository's workspace: rustfmt the tracked files directly instead.
    let fmt = |args: &str| {
        Command::new("sh")
            .args([
                "-c",
                &format!("git ls-files -z '*.rs' | xargs -0 rustfmt --edition 2021 {args}"),
            ])
            .current_dir(dir)
            .output()
            .is_ok_and(|out| out.status.success())
    };
    if fmt("--check") {
        return Ok(());
    }
    eprintln!("bench: formatting {} with rustfmt", dir.display());
    let identity = ["-c", "user.name=bench", "-c", "user.email=bench@localhost"];
    let committed = fmt("")
        && Command::new("git")
            .args(identity)
            .args(["commit", "-qam", "rustfmt"])
            .current_dir(dir)
            .status()
            .is_ok_and(|s| s.success());
    if !committed {
        bail!(
            "cannot format and commit {}: delete it to regenerate",
            dir.display()
        );
    }
    Ok(())
}

fn is_clean(dir: &Path) -> bool {
    Command::new("git")
        .args(["status", "--porcelain", "--untracked-files=no"])
        .current_dir(dir)
        .output()
        .is_ok_and(|out| out.status.success() && out.stdout.is_empty())
}

/// Size of a fixture: tracked files, bytes, lines of Rust.
pub struct Size {
    /// Tracked files.
    pub files: usize,
    /// Their total size.
    pub bytes: u64,
    /// Lines in tracked `.rs` files.
    pub rust_lines: usize,
}

/// Measures the size of the git-tracked content of `dir`.
pub fn size(dir: &Path) -> anyhow::Result<Size> {
    let out = Command::new("git")
        .args(["ls-files", "-z"])
        .current_dir(dir)
        .output()?;
    let listing = String::from_utf8_lossy(&out.stdout);
    let mut size = Size {
        files: 0,
        bytes: 0,
        rust_lines: 0,
    };
    for file in listing.split('\0').filter(|f| !f.is_empty()) {
        let text = std::fs::read(dir.join(file))?;
        size.files += 1;
        size.bytes += text.len() as u64;
        if file.ends_with(".rs") {
            size.rust_lines += text.iter().filter(|b| **b == b'\n').count();
        }
    }
    Ok(size)
}

/// One line about the machine: CPUs, CPU model, rustc, date, load.
pub fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, usize::from);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".to_string());
    let rustc = output_of("rustc", &["-V"]);
    let date = output_of("date", &["-u", "+%Y-%m-%d %H:%M UTC"]);
    // The machine may be shared: the load says how much the numbers can be trusted.
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "unknown".to_string());
    format!("{cpus} CPUs (`nproc`; {model}), {rustc}, {date}, load average {load} at start")
}

fn output_of(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|_| format!("{program} unavailable"))
}

#[cfg(test)]
#[test]
fn repo_root_is_the_workspace_root() {
    assert!(repo_root().join("docs/benchmarks.md").is_file());
}
