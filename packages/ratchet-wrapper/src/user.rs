//! The user's own rustc wrapper (sccache, ...), which the timing wrapper chains to: from
//! `RUSTC_WRAPPER` or `CARGO_BUILD_RUSTC_WRAPPER`, else `build.rustc-wrapper` in cargo's
//! configuration files, as cargo itself would pick it. ratchet sets `RUSTC_WRAPPER` on its own
//! commands, which hides the configured one from cargo: without this, sccache set in
//! `~/.cargo/config.toml` would silently stop serving ratchet's builds.

use std::ffi::OsString;

use camino::{Utf8Path, Utf8PathBuf};

/// The wrapper cargo would use in `root` without ratchet, if any. An empty value (in the
/// environment or in a file) means none, as it does for cargo.
pub(crate) fn find(root: &Utf8Path, cargo_home: Option<&Utf8Path>) -> Option<OsString> {
    for var in ["RUSTC_WRAPPER", "CARGO_BUILD_RUSTC_WRAPPER"] {
        if let Some(value) = std::env::var_os(var) {
            return (!value.is_empty()).then_some(value);
        }
    }
    // Deeper directories override their parents; `CARGO_HOME` comes last.
    let mut files: Vec<Utf8PathBuf> = root
        .ancestors()
        .flat_map(|dir| [dir.join(".cargo/config.toml"), dir.join(".cargo/config")])
        .collect();
    if let Some(home) = cargo_home {
        files.extend([home.join("config.toml"), home.join("config")]);
    }
    files.iter().find_map(|file| configured(file))?
}

/// `build.rustc-wrapper` of one config file: `None` when the file does not set it, `Some(None)`
/// when it sets it empty. A value with a slash is relative to the directory holding `.cargo`.
fn configured(file: &Utf8Path) -> Option<Option<OsString>> {
    let text = std::fs::read_to_string(file).ok()?;
    let table: toml::Table = text.parse().ok()?;
    let value = table.get("build")?.get("rustc-wrapper")?.as_str()?;
    if value.is_empty() {
        return Some(None);
    }
    let program = Utf8Path::new(value);
    if program.is_relative() && value.contains('/') {
        // `<dir>/.cargo/config.toml` or `$CARGO_HOME/config.toml`: relative to `<dir>`, or to
        // the home's parent, as cargo resolves config-relative paths.
        let base = file.parent().and_then(Utf8Path::parent)?;
        return Some(Some(base.join(program).into_os_string()));
    }
    Some(Some(value.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> (tempfile::TempDir, Utf8PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let path = Utf8PathBuf::from_path_buf(tmp.path().to_path_buf()).unwrap();
        (tmp, path)
    }

    fn write(path: &Utf8Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn the_closest_config_file_wins_and_relative_paths_are_resolved() {
        let (_tmp, root) = dir();
        let ws = root.join("repo/ws");
        write(
            &root.join("repo/.cargo/config.toml"),
            "[build]\nrustc-wrapper = \"sccache\"\n",
        );
        assert_eq!(
            configured(&root.join("repo/.cargo/config.toml")),
            Some(Some("sccache".into()))
        );
        write(
            &ws.join(".cargo/config.toml"),
            "[build]\nrustc-wrapper = \"tools/wrap.sh\"\n",
        );
        let found = configured(&ws.join(".cargo/config.toml"));
        assert_eq!(found, Some(Some(ws.join("tools/wrap.sh").into_os_string())));
        write(
            &ws.join(".cargo/config.toml"),
            "[build]\nrustc-wrapper = \"\"\n",
        );
        assert_eq!(configured(&ws.join(".cargo/config.toml")), Some(None));
        write(&ws.join(".cargo/config.toml"), "[build]\njobs = 2\n");
        assert_eq!(configured(&ws.join(".cargo/config.toml")), None);
        write(&ws.join(".cargo/config.toml"), "not toml [");
        assert_eq!(configured(&ws.join(".cargo/config.toml")), None);
    }
}
