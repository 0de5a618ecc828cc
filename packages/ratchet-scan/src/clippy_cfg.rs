//! Whether the workspace's code changes with `cfg(clippy)`: clippy's driver sets that cfg, so
//! when it also compiles the test binaries (the shared build), code under `cfg(not(clippy))`
//! would never be tested. Such a workspace gets clippy on the lint step only, as `cargo clippy`
//! would, and plain rustc for the test and doc builds.
//!
//! The scan errs on the side of "changes": any attribute line with a `cfg(...)` naming clippy,
//! any `cfg!(...)` naming it, or a `cfg_attr` naming it that does more than set lint levels.
//! Comment lines are skipped; an attribute split over several lines is not seen. Unreadable
//! files count as "changes".

use std::collections::BTreeMap;

use ratchet_graph::Workspace;

/// Whether any Rust file of a workspace member may compile differently under clippy. With
/// `hashes` (every member's Rust file and its content hash, from the fingerprints), answers
/// are remembered per content hash in `<target>/ratchet/cfg-clippy.json`, so a run reads only
/// files it has not seen at that content; without, every file is read.
pub fn workspace_uses_cfg_clippy(
    workspace: &Workspace,
    hashes: Option<&BTreeMap<String, String>>,
) -> bool {
    match hashes {
        Some(hashes) => by_content_hash(workspace, hashes),
        None => by_reading_everything(workspace),
    }
}

fn by_content_hash(workspace: &Workspace, hashes: &BTreeMap<String, String>) -> bool {
    let path = workspace.state_dir().join(ratchet_store::state::CFG_CLIPPY);
    // A missing or corrupt file is only a cache miss: the files are read again.
    let known: BTreeMap<String, bool> =
        ratchet_store::read_json(path.as_std_path()).unwrap_or_default();
    let mut now = BTreeMap::new();
    let mut uses_any = false;
    for (file, hash) in hashes {
        let uses = match known.get(hash) {
            Some(uses) => *uses,
            None => match std::fs::read(workspace.root.join(file)) {
                Ok(bytes) => {
                    let uses = text_uses_cfg_clippy(&String::from_utf8_lossy(&bytes));
                    // Remembered only under the hash of what was read: a file edited since it
                    // was fingerprinted must not lend its answer to its older content.
                    if blake3::hash(&bytes).to_hex().as_str() == hash {
                        now.insert(hash.clone(), uses);
                    }
                    uses
                }
                Err(_) => true,
            },
        };
        if known.contains_key(hash) {
            now.insert(hash.clone(), uses);
        }
        uses_any |= uses;
    }
    if now != known {
        // Remembering is an optimisation: failing to write only costs a read next time.
        let _ = ratchet_store::write_json(path.as_std_path(), &now);
    }
    uses_any
}

fn by_reading_everything(workspace: &Workspace) -> bool {
    workspace.packages.iter().any(|package| {
        ignore::WalkBuilder::new(&package.dir)
            .hidden(false)
            .build()
            .any(|entry| {
                let Ok(entry) = entry else { return true };
                let path = entry.path();
                path.extension().is_some_and(|e| e == "rs")
                    && std::fs::read_to_string(path)
                        .map_or(true, |text| text_uses_cfg_clippy(&text))
            })
    })
}

fn text_uses_cfg_clippy(text: &str) -> bool {
    const LINT_LEVELS: &[&str] = &["allow(", "expect(", "warn(", "deny(", "forbid("];
    text.lines()
        .map(str::trim_start)
        .filter(|line| line.contains("clippy") && !line.starts_with("//"))
        .any(|line| {
            let attribute = line.starts_with("#[") || line.starts_with("#![");
            let mentions_cfg = (attribute && line.contains("cfg(")) || line.contains("cfg!(");
            let code_cfg_attr = attribute
                && line.contains("cfg_attr(")
                && !LINT_LEVELS.iter().any(|l| line.contains(l));
            (mentions_cfg || code_cfg_attr) && names_clippy_as_cfg(line)
        })
}

/// `clippy` as a cfg name (followed by `)` or `,`), not as a lint path (`clippy::...`).
fn names_clippy_as_cfg(line: &str) -> bool {
    line.match_indices("clippy").any(|(at, _)| {
        line[at + "clippy".len()..]
            .trim_start()
            .starts_with([')', ','])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One member, `a`, whose `lib.rs` is `text`; loaded through `cargo metadata`.
    fn workspace(text: &str) -> (tempfile::TempDir, Workspace) {
        let dir = tempfile::tempdir().unwrap();
        let write = |path: &str, text: &str| {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(
            "Cargo.toml",
            "[workspace]\nmembers = [\"a\"]\nresolver = \"2\"\n",
        );
        write(
            "a/Cargo.toml",
            "[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        );
        write("a/src/lib.rs", text);
        let manifest = dir.path().join("Cargo.toml");
        let options = ratchet_graph::LoadOptions {
            manifest_path: Some(camino::Utf8PathBuf::from_path_buf(manifest).unwrap()),
            refresh: true,
            update_lock: false,
        };
        let workspace = ratchet_graph::load(&options).unwrap();
        (dir, workspace)
    }

    fn hashes(text: &str) -> BTreeMap<String, String> {
        let hash = blake3::hash(text.as_bytes()).to_hex().to_string();
        [("a/src/lib.rs".to_string(), hash)].into()
    }

    #[test]
    fn answers_are_remembered_per_content_hash_and_a_corrupt_cache_is_a_miss() {
        let marked = "#[cfg(not(clippy))]\npub fn f() {}\n";
        let plain = "pub fn f() {}\n";
        let (dir, ws) = workspace(marked);
        assert!(workspace_uses_cfg_clippy(&ws, Some(&hashes(marked))));
        // Same hash: answered from the cache, not from the file (which now says otherwise).
        std::fs::write(dir.path().join("a/src/lib.rs"), plain).unwrap();
        assert!(workspace_uses_cfg_clippy(&ws, Some(&hashes(marked))));
        assert!(!workspace_uses_cfg_clippy(&ws, Some(&hashes(plain))));
        std::fs::write(ws.state_dir().join("cfg-clippy.json"), "{ torn").unwrap();
        assert!(!workspace_uses_cfg_clippy(&ws, Some(&hashes(plain))));
        // A file that no longer has the hash it was fingerprinted with is read, not remembered.
        let stale = hashes(marked);
        assert!(!workspace_uses_cfg_clippy(&ws, Some(&stale)));
        std::fs::write(dir.path().join("a/src/lib.rs"), marked).unwrap();
        assert!(workspace_uses_cfg_clippy(&ws, Some(&stale)));
        assert!(workspace_uses_cfg_clippy(&ws, None));
    }

    #[test]
    fn code_under_cfg_clippy_is_found_and_lint_settings_are_not() {
        assert!(text_uses_cfg_clippy("#[cfg(not(clippy))]\nfn f() {}\n"));
        // Built, so that this file does not hold the macro call it looks for.
        let macro_call = format!("    if cfg!({}) {{ return; }}", "clippy");
        assert!(text_uses_cfg_clippy(&macro_call));
        assert!(!text_uses_cfg_clippy(
            "/// Code under `cfg(clippy)` is not tested."
        ));
        assert!(text_uses_cfg_clippy("#[cfg(any(clippy, test))]"));
        assert!(text_uses_cfg_clippy("#[cfg_attr(clippy, path = \"x.rs\")]"));
        assert!(!text_uses_cfg_clippy(
            "#[cfg_attr(clippy, allow(clippy::pedantic))]"
        ));
        assert!(!text_uses_cfg_clippy(
            "#[allow(clippy::unwrap_used)]\n#[cfg(test)]"
        ));
        assert!(!text_uses_cfg_clippy(
            "// run cargo clippy, then cargo test"
        ));
        assert!(!text_uses_cfg_clippy(
            "#![cfg_attr(test, allow(clippy::unwrap_used))]"
        ));
    }
}
