//! The toolchain a workspace is built with: which `cargo` ([`cargo`], and as a person would
//! type it: [`cargo_as_invoked`]), `rustc` ([`rustc`]),
//! sysroot ([`sysroot`]) and clippy driver ([`clippy_driver`]), whether `cargo-nextest` is
//! installed ([`nextest_installed`]), `CARGO_HOME` ([`cargo_home`]), and the toolchain's
//! identity (`rustc -vV`, cached in the state directory: [`version`]).
//!
//! Must not: decide what to run or how (ratchet-run does), or read cargo's output. Lookups
//! that start a process ([`version`] on a cache miss, [`sysroot`]) are named as such;
//! everything else reads the environment and stats files.

mod identity;

use std::ffi::OsString;
use std::path::{Path, PathBuf};

pub use identity::{cargo_home, explicit_rustup_toolchain, version};

/// The cargo that launched us (`$CARGO`), or the one on `PATH`.
pub fn cargo() -> OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// `cargo`, or `cargo +TOOLCHAIN` when ratchet runs under rustup's proxy invoked with
/// `+TOOLCHAIN` (rustup then sets `RUSTUP_TOOLCHAIN_SOURCE=cli`), as commands shown to a person
/// spell it: a toolchain chosen by a `rust-toolchain.toml`, an override or the default is chosen
/// again by the same proxy.
pub fn cargo_as_invoked() -> String {
    let var = |name| std::env::var(name).ok();
    cargo_for(
        var("RUSTUP_TOOLCHAIN_SOURCE").as_deref(),
        var("RUSTUP_TOOLCHAIN").as_deref(),
    )
}

fn cargo_for(source: Option<&str>, toolchain: Option<&str>) -> String {
    match (source, toolchain) {
        (Some("cli"), Some(toolchain)) if !toolchain.is_empty() => format!("cargo +{toolchain}"),
        _ => "cargo".to_string(),
    }
}

/// The rustc cargo uses (`$RUSTC`), or the one on `PATH`.
pub fn rustc() -> OsString {
    std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into())
}

/// The sysroot of the toolchain that builds the workspace at `root` (`rustc --print sysroot`
/// run there, so `rust-toolchain.toml` counts); `None` when rustc cannot say. Starts a
/// process: callers remember the answer.
pub fn sysroot(root: &Path) -> Option<PathBuf> {
    let out = std::process::Command::new(rustc())
        .args(["--print", "sysroot"])
        .current_dir(root)
        .output()
        .ok()
        .filter(|out| out.status.success())?;
    Some(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}

/// Where clippy's driver is in `sysroot` (it may not be installed there).
pub fn clippy_driver(sysroot: &Path) -> PathBuf {
    sysroot
        .join("bin")
        .join(format!("clippy-driver{}", std::env::consts::EXE_SUFFIX))
}

/// Whether `cargo-nextest` is installed: on `PATH` or in cargo's own `bin` directory, where
/// `cargo nextest` finds it. A stat per directory, no process.
pub fn nextest_installed() -> bool {
    let exe = format!("cargo-nextest{}", std::env::consts::EXE_SUFFIX);
    let path = std::env::var_os("PATH").unwrap_or_default();
    let cargo_bin = cargo_home().map(|home| home.join("bin").into_std_path_buf());
    std::env::split_paths(&path)
        .chain(cargo_bin)
        .any(|dir| dir.join(&exe).is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toolchain_kept_only_when_given_on_the_command_line() {
        assert_eq!(cargo_for(Some("cli"), Some("nightly")), "cargo +nightly");
        assert_eq!(cargo_for(Some("toolchain-file"), Some("nightly")), "cargo");
        assert_eq!(cargo_for(None, Some("nightly")), "cargo");
    }
}
