//! Global inputs: what every package's fingerprint depends on, whatever its own files are.

use std::collections::{BTreeMap, BTreeSet};

use camino::{Utf8Path, Utf8PathBuf};
use ratchet_graph::Workspace;
use serde::Deserialize;

use crate::FingerprintError;
use crate::cargo_env::TOOL_CONFIG_FILES;
use crate::digest::hex;

/// Environment variables `[inputs] env` names when it is not set. Whatever it says, cargo's
/// own variables are global inputs too (see [`crate::is_build_env`]).
pub const DEFAULT_ENV: &[&str] = &["RUSTFLAGS", "RUSTDOCFLAGS", "CARGO_ENCODED_RUSTFLAGS"];

/// Files at the workspace root that are global inputs whether configured or not.
pub const FIXED_FILES: &[&str] = &[
    "Cargo.toml",
    ".cargo/config.toml",
    ".cargo/config",
    "rust-toolchain",
    "rust-toolchain.toml",
    // nextest's configuration (test groups, timeouts, retries) changes test verdicts.
    ".config/nextest.toml",
];

/// ratchet's own configuration file, relative to the workspace root: an edit of it may change
/// any verdict (`[steps]`, `[check]`, `[inputs]`), so `affected` and `watch` count such an edit
/// as a global input ([`config_verdict_part`] says which edits). It is kept out of the packages'
/// hashes: the verdict keys hold what of it matters (each step's configuration, the build).
pub const CONFIG_FILE: &str = "ratchet.toml";

/// Sections of `ratchet.toml` that no verdict of `check` depends on: the budget gate, the
/// architecture rules (both run as gates of their own, on every `check`) and the cap of the
/// build directory. Every other section, including one ratchet does not know, counts.
pub const CONFIG_SECTIONS_OUTSIDE_VERDICTS: &[&str] = &["budget", "rules", "gc"];

/// What of `ratchet.toml` (its text, `None` when there is none) a verdict may depend on: the
/// file parsed, without [`CONFIG_SECTIONS_OUTSIDE_VERDICTS`], written back in one canonical
/// form, so that comments, layout and the budget's ceilings (which `budget tighten` rewrites)
/// change nothing. A text that does not parse is kept whole: any edit of it counts.
pub fn config_verdict_part(text: Option<&str>) -> Option<String> {
    let text = text?;
    let Ok(mut table) = text.parse::<toml::Table>() else {
        return Some(format!("unparsed:{text}"));
    };
    for section in CONFIG_SECTIONS_OUTSIDE_VERDICTS {
        table.remove(*section);
    }
    Some(table.to_string())
}

/// [`Fingerprints::config`](crate::Fingerprints::config): `file:ratchet.toml` and the hash of
/// [`config_verdict_part`], when the file exists.
pub(crate) fn config(ws: &Workspace) -> Result<BTreeMap<String, String>, FingerprintError> {
    let path = ws.root.join(CONFIG_FILE);
    let text = match std::fs::read(&path) {
        Ok(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(source) => return Err(FingerprintError::Unreadable { path, source }),
    };
    Ok(config_verdict_part(text.as_deref())
        .map(|part| (format!("file:{CONFIG_FILE}"), hex(part.as_bytes())))
        .into_iter()
        .collect())
}

/// The `[inputs]` section of `ratchet.toml`: extra global inputs, which affect every package.
///
/// ```toml
/// [inputs]
/// files = ["deny.toml", "proto/**/*.proto"]   # relative to the workspace root; globs welcome
/// env = ["MY_FEATURE_FLAG"]                   # on top of cargo's own variables
/// ```
#[derive(Debug, Clone, Deserialize, Default, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct InputsConfig {
    /// Files (or glob patterns) relative to the workspace root.
    #[serde(default)]
    pub files: Vec<String>,
    /// Environment variables added to cargo's own; `None` means [`DEFAULT_ENV`].
    #[serde(default)]
    pub env: Option<Vec<String>>,
}

impl InputsConfig {
    /// The environment variables `[inputs] env` adds to cargo's own (see
    /// [`crate::is_build_env`]), which are global inputs whatever it says.
    pub fn env_vars(&self) -> Vec<String> {
        match &self.env {
            Some(list) => list.clone(),
            None => DEFAULT_ENV.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// Configured files that exist now, relative to `root` (with `..` when outside it, absolute
    /// for an absolute pattern), sorted. Patterns are globs; a pattern that matches a directory
    /// (`testdata`, or `testdata/**`, which the glob crate expands to directories only) stands
    /// for every file below it, hidden ones included.
    pub fn matched_files(&self, root: &Utf8Path) -> Result<Vec<Utf8PathBuf>, FingerprintError> {
        /// Every file below `dir`, without following symlinked directories (no loops).
        fn files_below(dir: &Utf8Path, out: &mut Vec<Utf8PathBuf>) {
            let Ok(entries) = dir.read_dir_utf8() else {
                return;
            };
            for entry in entries.flatten() {
                match entry.file_type() {
                    Ok(t) if t.is_dir() => files_below(entry.path(), out),
                    _ if entry.path().is_file() => out.push(entry.path().to_path_buf()),
                    _ => {}
                }
            }
        }
        let mut found = Vec::new();
        let mut walked: Vec<Utf8PathBuf> = Vec::new();
        for pattern in &self.files {
            let full = root.join(pattern);
            let paths = glob::glob(full.as_str()).map_err(|e| FingerprintError::BadInput {
                pattern: pattern.clone(),
                message: e.msg.to_string(),
            })?;
            for path in paths.filter_map(Result::ok) {
                let Ok(path) = Utf8PathBuf::from_path_buf(path) else {
                    continue;
                };
                if path.is_file() {
                    found.push(path);
                } else if path.is_dir() && !walked.iter().any(|w| path.starts_with(w)) {
                    files_below(&path, &mut found);
                    walked.push(path);
                }
            }
        }
        let mut out: Vec<Utf8PathBuf> = found
            .into_iter()
            .map(|path| match path.strip_prefix(root) {
                Ok(rel) => rel.to_path_buf(),
                Err(_) => path,
            })
            .collect();
        out.sort();
        out.dedup();
        Ok(out)
    }
}

/// The workspace root and every directory between it and a member's directory.
fn dirs_above_members(ws: &Workspace) -> BTreeSet<Utf8PathBuf> {
    let mut dirs = BTreeSet::from([ws.root.clone()]);
    for package in &ws.packages {
        let mut dir = package.dir.parent();
        while let Some(d) = dir.filter(|d| d.starts_with(&ws.root)) {
            // Its ancestors were added with it.
            if !dirs.insert(d.to_path_buf()) {
                break;
            }
            dir = d.parent();
        }
    }
    dirs
}

/// Every global input with a hash of its value: `file:PATH`, `env:NAME` and `rustc -vV`.
/// A missing file or unset variable is recorded as such, so appearing later is a change.
pub(crate) fn globals(
    ws: &Workspace,
    inputs: &InputsConfig,
) -> Result<BTreeMap<String, String>, FingerprintError> {
    let mut out = BTreeMap::new();
    for rel in FIXED_FILES {
        let path = ws.root.join(rel);
        if let Some(hash) = hash_optional_file(&path)? {
            out.insert(format!("file:{rel}"), hash);
        }
    }
    for dir in dirs_above_members(ws) {
        for name in TOOL_CONFIG_FILES {
            let path = dir.join(name);
            if let (Some(hash), Ok(rel)) = (hash_optional_file(&path)?, path.strip_prefix(&ws.root))
            {
                out.insert(format!("file:{rel}"), hash);
            }
        }
    }
    for rel in inputs.matched_files(&ws.root)? {
        if let Some(hash) = hash_optional_file(&ws.root.join(&rel))? {
            out.insert(format!("file:{rel}"), hash);
        }
    }
    for path in crate::cargo_env::outer_config_files(&ws.root) {
        if let Some(hash) = hash_optional_file(&path)? {
            out.insert(format!("file:{path}"), hash);
        }
    }
    out.extend(crate::cargo_env::env_inputs(&inputs.env_vars()));
    let toolchain = ratchet_toolchain::version(&ws.root, &ws.state_dir());
    out.insert("rustc -vV".to_string(), hex(toolchain.as_bytes()));
    Ok(out)
}

fn hash_optional_file(path: &Utf8Path) -> Result<Option<String>, FingerprintError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(hex(&bytes))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(FingerprintError::Unreadable {
            path: path.to_path_buf(),
            source,
        }),
    }
}
