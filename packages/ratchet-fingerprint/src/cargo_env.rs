//! What cargo, rustc, rustfmt and clippy read besides the workspace's files: their environment
//! variables, cargo's configuration files above the workspace root and in `CARGO_HOME`, and
//! rustfmt's and clippy's configuration above the root (both search every parent directory,
//! and rustfmt then the home and config directories), with the names those configuration files
//! have. All of it is a global input.

use std::collections::BTreeMap;

use camino::{Utf8Path, Utf8PathBuf};

use crate::digest::hex;

/// Variables outside the `CARGO_` namespace that change what a build or a lint does.
pub const BUILD_ENV: &[&str] = &[
    "RUSTFLAGS",
    "RUSTDOCFLAGS",
    "RUSTC",
    "RUSTDOC",
    "RUSTC_WRAPPER",
    "RUSTC_WORKSPACE_WRAPPER",
    "RUSTC_BOOTSTRAP",
    "RUSTUP_TOOLCHAIN",
    "CLIPPY_CONF_DIR",
];

/// `CARGO_*` variables left out: cargo sets them for every program it runs (so `cargo xtask`
/// and a direct run would never agree), they only change how cargo talks or prints
/// (`CARGO_TERM_*`, `CARGO_HTTP_*`, `CARGO_NET_*`, `CARGO_LOG`), they hold credentials, or they
/// cannot change a result (`CARGO_INCREMENTAL` keeps the same outputs; `CARGO_MAKEFLAGS` is a
/// jobserver that differs on every run). `CARGO_HOME` enters normalized, below.
const LEFT_OUT_PREFIXES: &[&str] = &[
    "CARGO_PKG_",
    "CARGO_BIN_EXE_",
    "CARGO_CFG_",
    "CARGO_FEATURE_",
    "CARGO_MANIFEST_",
    "CARGO_TERM_",
    "CARGO_HTTP_",
    "CARGO_NET_",
    "CARGO_LOG",
    "CARGO_CACHE_",
    "CARGO_LLVM_COV",
];
const LEFT_OUT_NAMES: &[&str] = &[
    "CARGO",
    "CARGO_HOME",
    "CARGO_CRATE_NAME",
    "CARGO_BIN_NAME",
    "CARGO_PRIMARY_PACKAGE",
    "CARGO_TARGET_TMPDIR",
    "CARGO_RUSTC_CURRENT_DIR",
    "CARGO_SBOM_PATH",
    "CARGO_MAKEFLAGS",
    "CARGO_INCREMENTAL",
];

/// Whether the environment variable `name` is a global input whatever `ratchet.toml` says:
/// every `CARGO_*` variable cargo reads as configuration (`CARGO_BUILD_*`, `CARGO_TARGET_*`,
/// `CARGO_PROFILE_*`, `CARGO_ENCODED_RUSTFLAGS`, `CARGO_UNSTABLE_*`, ... : on the safe side,
/// every one not known to be harmless) and [`BUILD_ENV`].
pub fn is_build_env(name: &str) -> bool {
    if BUILD_ENV.contains(&name) {
        return true;
    }
    let credential = name.starts_with("CARGO_REGISTR") && name.ends_with("TOKEN");
    let left_out = LEFT_OUT_NAMES.contains(&name)
        || LEFT_OUT_PREFIXES.iter().any(|p| name.starts_with(p))
        || credential;
    name.starts_with("CARGO_") && !left_out
}

/// `env:NAME` -> hash of the value, for every set variable that is a build input or listed in
/// `extra`. `RUSTUP_TOOLCHAIN` counts only when a person set it (rustup's proxy sets it under
/// cargo; the toolchain itself is `rustc -vV`), and `CARGO_HOME` by its normalized value.
pub(crate) fn env_inputs(extra: &[String]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (name, value) in std::env::vars_os() {
        let (Some(name), value) = (name.to_str(), value.to_string_lossy()) else {
            continue;
        };
        if is_build_env(name) || extra.iter().any(|e| e == name) {
            out.insert(format!("env:{name}"), hex(value.as_bytes()));
        }
    }
    if ratchet_toolchain::explicit_rustup_toolchain().is_empty() {
        out.remove("env:RUSTUP_TOOLCHAIN");
    }
    if let Some(home) = ratchet_toolchain::cargo_home() {
        out.insert("env:CARGO_HOME".to_string(), hex(home.as_str().as_bytes()));
    }
    out
}

/// Configuration files of rustfmt and clippy, which apply to every file below their directory:
/// at the workspace root and in every directory above a member they are global inputs (one in
/// a member's own directory is already one of its files). Editing one changes fmt and lint
/// verdicts, so it must change fingerprints.
pub const TOOL_CONFIG_FILES: &[&str] = &[
    "rustfmt.toml",
    ".rustfmt.toml",
    "clippy.toml",
    ".clippy.toml",
];

/// Whether `path` (relative to the workspace root) is one of [`TOOL_CONFIG_FILES`], wherever it
/// is: for a changed path, counting every one as global is the safe side.
pub fn is_tool_config(path: &Utf8Path) -> bool {
    path.file_name()
        .is_some_and(|name| TOOL_CONFIG_FILES.contains(&name))
}

/// Configuration files outside the workspace root that cargo, rustfmt or clippy read for it,
/// whether they exist or not: `.cargo/config.toml` and `.cargo/config` in every directory
/// above the root and in `CARGO_HOME`; rustfmt's and clippy's files in every directory above
/// the root; rustfmt's files in the home directory and in `$XDG_CONFIG_HOME/rustfmt`.
pub fn outer_config_files(root: &Utf8Path) -> Vec<Utf8PathBuf> {
    let mut files = Vec::new();
    for dir in root.ancestors().skip(1) {
        files.push(dir.join(".cargo/config.toml"));
        files.push(dir.join(".cargo/config"));
        files.extend(TOOL_CONFIG_FILES.iter().map(|name| dir.join(name)));
    }
    if let Some(home) = ratchet_toolchain::cargo_home() {
        files.push(home.join("config.toml"));
        files.push(home.join("config"));
    }
    let home = std::env::var("HOME").ok().map(Utf8PathBuf::from);
    let config_dir = std::env::var("XDG_CONFIG_HOME")
        .ok()
        .map(Utf8PathBuf::from)
        .or_else(|| home.as_ref().map(|h| h.join(".config")));
    if let Some(home) = &home {
        files.push(home.join("rustfmt.toml"));
        files.push(home.join(".rustfmt.toml"));
    }
    if let Some(dir) = config_dir {
        files.push(dir.join("rustfmt/rustfmt.toml"));
        files.push(dir.join("rustfmt/.rustfmt.toml"));
    }
    files.retain(|f| !f.starts_with(root));
    files.sort();
    files.dedup();
    files
}

/// Whether `path` (absolute, outside the workspace root `root`) is one of
/// [`outer_config_files`]: for `affected --since` on a repository above the workspace.
pub fn is_outer_config(root: &Utf8Path, path: &Utf8Path) -> bool {
    !path.starts_with(root) && outer_config_files(root).iter().any(|f| f == path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_configuration_counts_and_cargo_bookkeeping_does_not() {
        for name in [
            "CARGO_BUILD_RUSTFLAGS",
            "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS",
            "CARGO_PROFILE_DEV_OPT_LEVEL",
            "CARGO_ENCODED_RUSTFLAGS",
            "CARGO_UNSTABLE_BUILD_STD",
            "RUSTFLAGS",
            "RUSTC_WORKSPACE_WRAPPER",
        ] {
            assert!(is_build_env(name), "{name}");
        }
        for name in [
            "CARGO_PKG_NAME",
            "CARGO_MANIFEST_DIR",
            "CARGO",
            "CARGO_MAKEFLAGS",
            "CARGO_TERM_COLOR",
            "CARGO_REGISTRY_TOKEN",
            "CARGO_REGISTRIES_MINE_TOKEN",
            "CARGO_INCREMENTAL",
            "PATH",
        ] {
            assert!(!is_build_env(name), "{name}");
        }
    }

    #[test]
    fn outer_files_are_above_the_root_only() {
        let files = outer_config_files(Utf8Path::new("/a/b/ws"));
        assert!(files.contains(&Utf8PathBuf::from("/a/b/.cargo/config.toml")));
        assert!(files.contains(&Utf8PathBuf::from("/rustfmt.toml")));
        assert!(files.contains(&Utf8PathBuf::from("/a/.clippy.toml")));
        assert!(!files.iter().any(|f| f.starts_with("/a/b/ws")));
        assert!(is_outer_config(
            Utf8Path::new("/a/b/ws"),
            Utf8Path::new("/a/.cargo/config")
        ));
    }
}
