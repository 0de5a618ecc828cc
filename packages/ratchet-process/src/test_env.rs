//! The environment `cargo test` gives a test process (cargo's `Compilation::fill_env`), so that
//! a test behaves the same under ratchet's pool as under cargo: proc-macro and dylib test
//! binaries find the toolchain's `libstd-*.so`, tests read `CARGO_MANIFEST_DIR` and relative
//! paths from their package's directory. Checked against cargo 1.95: at run time cargo sets
//! `CARGO`, `CARGO_MANIFEST_DIR`, `CARGO_MANIFEST_PATH`, the `CARGO_PKG_*` variables, for
//! integration tests `CARGO_BIN_EXE_<name>`, and the dynamic library path; not
//! `CARGO_CRATE_NAME` (compile time only), so a test reading it fails under both.

use std::env::consts::EXE_SUFFIX;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What a test process gets from cargo, as plain data.
#[derive(Debug, Clone, Default)]
pub struct TestEnv {
    /// The cargo to name in `CARGO`.
    pub cargo: OsString,
    /// The package's directory: `CARGO_MANIFEST_DIR` and the working directory.
    pub package_dir: PathBuf,
    /// The package's `Cargo.toml`: `CARGO_MANIFEST_PATH`.
    pub manifest_path: PathBuf,
    /// `CARGO_PKG_*` variables (name, version and its parts, authors, ...).
    pub pkg_vars: Vec<(String, String)>,
    /// `CARGO_BIN_EXE_<name>` and the binary's path (integration tests only).
    pub bin_exes: Vec<(String, PathBuf)>,
    /// Directories put first on the dynamic library path, in order: the build directory's
    /// profile directory, its `deps`, the toolchain's library directories.
    pub library_dirs: Vec<PathBuf>,
}

impl TestEnv {
    /// The environment of the test binary at `binary` (in a cargo build directory's
    /// `<profile>/deps/`) of the package in `package_dir`: `bins` are the package's binary
    /// targets, given to integration tests (`integration`) where cargo built them;
    /// `toolchain_libs` come after the build directory's on the library path.
    pub fn for_binary(
        binary: &Path,
        package_dir: &Path,
        integration: bool,
        bins: &[&str],
        toolchain_libs: &[PathBuf],
    ) -> TestEnv {
        let deps = binary.parent().map(Path::to_path_buf);
        let profile = deps
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf);
        let bin_exes = match &profile {
            Some(profile) if integration => bins
                .iter()
                .map(|bin| (bin.to_string(), profile.join(format!("{bin}{EXE_SUFFIX}"))))
                .filter(|(_, path)| path.is_file())
                .collect(),
            _ => Vec::new(),
        };
        let mut library_dirs: Vec<PathBuf> = profile.into_iter().chain(deps).collect();
        library_dirs.extend(toolchain_libs.iter().cloned());
        TestEnv {
            package_dir: package_dir.to_path_buf(),
            manifest_path: package_dir.join("Cargo.toml"),
            bin_exes,
            library_dirs,
            ..TestEnv::default()
        }
    }

    /// The toolchain's library directories in `sysroot`: `lib/rustlib/<host>/lib`, where cargo
    /// looks, then `lib`, where rustup's proxies look. `rustc_vv` is `rustc -vV`'s output.
    pub fn toolchain_libs(sysroot: &Path, rustc_vv: &str) -> Vec<PathBuf> {
        let host = rustc_vv.lines().find_map(|l| l.strip_prefix("host: "));
        let rustlib = host.map(|host| sysroot.join("lib/rustlib").join(host.trim()).join("lib"));
        rustlib.into_iter().chain([sysroot.join("lib")]).collect()
    }

    /// Sets this environment and working directory on `command`.
    pub fn apply(&self, command: &mut Command) {
        command
            .current_dir(&self.package_dir)
            .env("CARGO", &self.cargo)
            .env("CARGO_MANIFEST_DIR", &self.package_dir)
            .env("CARGO_MANIFEST_PATH", &self.manifest_path);
        for (key, value) in &self.pkg_vars {
            command.env(key, value);
        }
        for (name, path) in &self.bin_exes {
            command.env(format!("CARGO_BIN_EXE_{name}"), path);
        }
        let var = dylib_path_var();
        if let Some(joined) = library_path(&self.library_dirs, std::env::var_os(var)) {
            command.env(var, joined);
        }
    }
}

/// The variable the dynamic loader searches, as cargo's `dylib_path_envvar`.
fn dylib_path_var() -> &'static str {
    if cfg!(windows) {
        "PATH"
    } else if cfg!(target_os = "macos") {
        "DYLD_FALLBACK_LIBRARY_PATH"
    } else if cfg!(target_os = "aix") {
        "LIBPATH"
    } else {
        "LD_LIBRARY_PATH"
    }
}

/// `dirs` then the inherited value, as cargo joins them (an inherited value that already
/// starts with `dirs` is kept as it is); `None` when the result cannot be joined.
fn library_path(dirs: &[PathBuf], inherited: Option<OsString>) -> Option<OsString> {
    let inherited: Vec<PathBuf> = inherited
        .map(|value| {
            std::env::split_paths(&value)
                .filter(|dir| !dir.as_os_str().is_empty())
                .collect()
        })
        .unwrap_or_default();
    let mut all = dirs.to_vec();
    if inherited.starts_with(dirs) {
        all = inherited;
    } else {
        all.extend(inherited);
    }
    std::env::join_paths(all).ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn library_dirs_come_before_the_inherited_path() {
        let dirs = [PathBuf::from("/b/debug"), PathBuf::from("/b/debug/deps")];
        let joined = library_path(&dirs, Some("/usr/lib".into())).unwrap();
        assert_eq!(joined, "/b/debug:/b/debug/deps:/usr/lib");
        let kept = library_path(&dirs, Some("/b/debug:/b/debug/deps:/x".into())).unwrap();
        assert_eq!(kept, "/b/debug:/b/debug/deps:/x");
        assert_eq!(library_path(&dirs, None).unwrap(), "/b/debug:/b/debug/deps");
        assert_eq!(
            library_path(&dirs, Some("".into())).unwrap(),
            "/b/debug:/b/debug/deps"
        );
    }
}
