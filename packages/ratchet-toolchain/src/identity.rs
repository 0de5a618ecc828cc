//! The toolchain's identity (`rustc -vV`), cached so that a no-op run does not pay a process
//! spawn for it.
//!
//! The cached answer is reused only while every signal that selects or replaces a toolchain is
//! unchanged: the `RUSTC` variable, a `RUSTUP_TOOLCHAIN` a person set, toolchain files around the workspace,
//! rustup's settings file, and the modification times of the installed toolchains and of the
//! `rustc` found on `PATH`. Anything unreadable makes the cache miss.

use std::time::SystemTime;

use camino::{Utf8Path, Utf8PathBuf};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, PartialEq)]
struct Cached {
    signals: Vec<String>,
    version: String,
}

/// `rustc -vV` for the toolchain that builds the workspace at `root`, or a line saying it could
/// not be run (cargo will then fail with a better message).
pub fn version(root: &Utf8Path, state_dir: &Utf8Path) -> String {
    let path = state_dir.join(ratchet_store::state::TOOLCHAIN);
    let signals = signals(root);
    if let Some(cached) = ratchet_store::read_json::<Cached>(path.as_std_path())
        && cached.signals == signals
    {
        return cached.version;
    }
    let version = run_rustc(root);
    let _ = ratchet_store::write_json(
        path.as_std_path(),
        &Cached {
            signals,
            version: version.clone(),
        },
    );
    version
}

fn run_rustc(root: &Utf8Path) -> String {
    let rustc = crate::rustc().to_string_lossy().into_owned();
    match std::process::Command::new(&rustc)
        .arg("-vV")
        .current_dir(root)
        .output()
    {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).into_owned(),
        Ok(out) => format!(
            "`{rustc} -vV` failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => format!("`{rustc} -vV` could not run: {e}"),
    }
}

fn signals(root: &Utf8Path) -> Vec<String> {
    let mut out = Vec::new();
    for name in ["RUSTC", "PATH"] {
        out.push(format!(
            "{name}={}",
            std::env::var(name).unwrap_or_default()
        ));
    }
    out.push(format!("RUSTUP_TOOLCHAIN={}", explicit_rustup_toolchain()));
    out.push(format!("RUSTUP_HOME={}", rustup_home().unwrap_or_default()));
    out.push(format!("CARGO_HOME={}", cargo_home().unwrap_or_default()));
    for dir in root.ancestors() {
        for file in ["rust-toolchain", "rust-toolchain.toml"] {
            let path = dir.join(file);
            if let Ok(text) = std::fs::read_to_string(&path) {
                out.push(format!("{path}={text}"));
            }
        }
    }
    let rustup_home = rustup_home();
    if let Some(home) = &rustup_home {
        out.push(stamp(&home.join("settings.toml")));
        out.push(stamp(&home.join("toolchains")));
        if let Ok(entries) = home.join("toolchains").read_dir_utf8() {
            let mut names: Vec<String> = entries
                .filter_map(Result::ok)
                .map(|e| stamp(e.path()))
                .collect();
            names.sort();
            out.extend(names);
        }
    }
    if let Some(rustc) = find_on_path("rustc") {
        out.push(stamp(&rustc));
    }
    out
}

/// `RUSTUP_TOOLCHAIN` only when a person set it. Under `cargo`, rustup's proxy sets it to the
/// toolchain it resolved from the defaults or toolchain files (saying so in
/// `RUSTUP_TOOLCHAIN_SOURCE`), which the other signals already cover; keying on it would make
/// `cargo xtask ...` and the same binary run directly miss each other's cache every time.
pub fn explicit_rustup_toolchain() -> String {
    let resolved_by_rustup = std::env::var("RUSTUP_TOOLCHAIN_SOURCE")
        .is_ok_and(|source| source != "env" && source != "cli");
    if resolved_by_rustup {
        return String::new();
    }
    std::env::var("RUSTUP_TOOLCHAIN").unwrap_or_default()
}

/// `CARGO_HOME`, or its default when unset (cargo sets it for the programs it runs, so the
/// same home must give the same key either way).
pub fn cargo_home() -> Option<Utf8PathBuf> {
    if let Ok(home) = std::env::var("CARGO_HOME") {
        return Some(home.into());
    }
    std::env::var("HOME")
        .ok()
        .map(|h| Utf8PathBuf::from(h).join(".cargo"))
}

fn rustup_home() -> Option<Utf8PathBuf> {
    if let Ok(home) = std::env::var("RUSTUP_HOME") {
        return Some(home.into());
    }
    std::env::var("HOME")
        .ok()
        .map(|h| Utf8PathBuf::from(h).join(".rustup"))
}

fn find_on_path(program: &str) -> Option<Utf8PathBuf> {
    let path = std::env::var("PATH").ok()?;
    std::env::split_paths(&path)
        .filter_map(|dir| Utf8PathBuf::from_path_buf(dir).ok())
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

/// `path` with its modification time in nanoseconds and its size, or `missing`.
fn stamp(path: &Utf8Path) -> String {
    let nanos = |t: SystemTime| {
        t.duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    };
    match std::fs::metadata(path) {
        Ok(meta) => format!(
            "{path}@{}:{}",
            meta.modified().map(nanos).unwrap_or(0),
            meta.len()
        ),
        Err(_) => format!("{path}@missing"),
    }
}
