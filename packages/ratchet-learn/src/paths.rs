//! Paths as the state file keeps them, and which paths are never inputs worth recording.

use camino::{Utf8Component, Utf8Path, Utf8PathBuf};
use ratchet_graph::Workspace;

/// `path` with `.` and `..` resolved lexically (rustc records `src/../../x` as it was written).
pub(crate) fn normalize(path: &Utf8Path) -> Utf8PathBuf {
    let mut out = Utf8PathBuf::new();
    for component in path.components() {
        match component {
            Utf8Component::CurDir => {}
            Utf8Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_str()),
        }
    }
    out
}

/// `path` (relative to `base` when not absolute), normalized.
pub(crate) fn resolve(base: &Utf8Path, path: &str) -> Utf8PathBuf {
    normalize(&base.join(path))
}

/// The key of `path` in the state file: relative to the workspace root when under it.
pub(crate) fn key(ws: &Workspace, path: &Utf8Path) -> String {
    path.strip_prefix(&ws.root)
        .map(|p| p.to_string())
        .unwrap_or_else(|_| path.to_string())
}

/// The absolute path a state-file key names (a trailing `/` or `/**` is kept off).
pub fn absolute(root: &Utf8Path, key: &str) -> Utf8PathBuf {
    let bare = key.trim_end_matches("**").trim_end_matches('/');
    root.join(bare)
}

/// Directories whose files are never recorded: build output (generated from other inputs),
/// cargo's registry and git checkouts (named by version in `Cargo.lock`), the toolchains (the
/// toolchain is a global input) and rustc's remapped standard library sources.
pub(crate) struct Skipped {
    dirs: Vec<Utf8PathBuf>,
}

impl Skipped {
    pub(crate) fn new(ws: &Workspace) -> Skipped {
        let mut dirs = vec![ws.target_dir.clone(), Utf8PathBuf::from("/rustc")];
        if let Some(home) = ratchet_toolchain::cargo_home() {
            dirs.push(home.join("registry"));
            dirs.push(home.join("git"));
        }
        let rustup = std::env::var("RUSTUP_HOME")
            .ok()
            .map(Utf8PathBuf::from)
            .or_else(|| {
                let home = std::env::var("HOME").ok()?;
                Some(Utf8PathBuf::from(home).join(".rustup"))
            });
        dirs.extend(rustup.map(|r| r.join("toolchains")));
        Skipped { dirs }
    }

    pub(crate) fn contains(&self, path: &Utf8Path) -> bool {
        self.dirs.iter().any(|d| path.starts_with(d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parent_components_resolve_lexically() {
        assert_eq!(
            resolve(Utf8Path::new("/ws"), "crates/a/src/../../../testdata/x"),
            Utf8PathBuf::from("/ws/testdata/x")
        );
        assert_eq!(
            resolve(Utf8Path::new("/ws"), "/abs/./b/../c"),
            Utf8PathBuf::from("/abs/c")
        );
        assert_eq!(
            absolute(Utf8Path::new("/ws"), "data/**"),
            Utf8PathBuf::from("/ws/data")
        );
    }
}
