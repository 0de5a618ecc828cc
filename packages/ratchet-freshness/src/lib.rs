//! Makes cargo see, in ratchet's own build directory, content changes that its mtime check
//! cannot see.
//!
//! cargo decides that a unit is fresh by comparing file modification times; ratchet decides
//! what to re-check by content. An edit that keeps size and mtime (`cp -p`, `touch -r`,
//! `rsync -t`, archive extraction), or a new file cargo never listed as an input (a root
//! `clippy.toml`), makes ratchet re-run a step that cargo then answers from its stale build.
//! Before the compiling steps run, [`sync`] compares each package's [`build_inputs`] hash
//! with the one recorded when its units were last built there (`<state>/build-inputs.json`)
//! and removes the cargo fingerprint directories (`<build>/<profile>/.fingerprint/NAME-HASH/`,
//! and the same under a target triple) of every package whose hash differs, so that cargo
//! rebuilds it (and, through its changed output, its dependents).
//!
//! Owns: that state file and which inputs count. Must not touch the user's files, their
//! mtimes or the user's target directory; it removes only fingerprint directories inside the
//! build directory it is given. Invariant: a missing or corrupt state file, or a package
//! absent from it, means "changed" (a rebuild, never a stale build).

use std::collections::BTreeMap;

use camino::{Utf8Path, Utf8PathBuf};
use ratchet_fingerprint::Fingerprints;
use serde::{Deserialize, Serialize};

/// Bump when the meaning of the state file changes.
const FORMAT: u32 = 1;

/// Global inputs that cargo (or the tool it runs) reads by content on every run, so that a
/// change cargo cannot see by mtime does not exist for them: manifests and cargo or toolchain
/// configuration, the compiler's version, the flags cargo puts into its own fingerprints,
/// and configuration of tools that do not build (rustfmt, nextest). Every other global input
/// (clippy's configuration, `[inputs]` files and variables, anything new) counts.
const READ_BY_CARGO: &[&str] = &[
    "file:Cargo.toml",
    "file:.cargo/config.toml",
    "file:.cargo/config",
    "file:rust-toolchain",
    "file:rust-toolchain.toml",
    "file:.config/nextest.toml",
    "rustc -vV",
    "env:RUSTFLAGS",
    "env:RUSTDOCFLAGS",
    "env:CARGO_ENCODED_RUSTFLAGS",
];

/// Why the build directory could not be brought in line.
#[derive(Debug, thiserror::Error)]
pub enum FreshnessError {
    /// A fingerprint directory that could not be removed.
    #[error("cannot remove cargo's fingerprint directory {path}: {source}")]
    Remove {
        /// The directory.
        path: Utf8PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The state file could not be written.
    #[error(transparent)]
    Store(#[from] ratchet_store::StoreError),
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct State {
    format: u32,
    /// Package name -> [`build_inputs`] hash when its units were last built.
    packages: BTreeMap<String, String>,
}

/// Per package name, a hash of what its build reads that cargo may not see by mtime: for
/// each member its own files, its external dependencies (with the content of path packages
/// outside the workspace) and the global inputs not in [`READ_BY_CARGO`]; for each path
/// package outside the workspace, its content.
pub fn build_inputs(fingerprints: &Fingerprints) -> BTreeMap<String, String> {
    let globals: Vec<(&String, &String)> = fingerprints
        .globals
        .iter()
        .filter(|(key, _)| !READ_BY_CARGO.contains(&key.as_str()) && !key.ends_with("rustfmt.toml"))
        .collect();
    let mut out = BTreeMap::new();
    for (name, package) in &fingerprints.packages {
        let mut hasher = blake3::Hasher::new();
        let files = package.files.iter().map(|(k, v)| ("file", k, v));
        let globals = globals.iter().map(|(k, v)| ("global", *k, *v));
        for (kind, key, value) in files.chain(globals) {
            hasher.update(format!("{kind}\t{key}\t{value}\n").as_bytes());
        }
        hasher.update(format!("externals\t{}\n", package.externals).as_bytes());
        out.insert(name.clone(), hasher.finalize().to_hex().to_string());
    }
    for (key, hash) in fingerprints.externals.iter().filter(|(_, h)| *h != "-") {
        let name = key.split_whitespace().next().unwrap_or(key);
        let entry: &mut String = out.entry(name.to_string()).or_default();
        entry.push_str(hash);
    }
    out
}

/// Removes the cargo fingerprint directories under `build_dir` of every package of `now`
/// whose hash differs from the one recorded in `state_file` (or is not recorded), then
/// records `now`. Returns the packages whose directories were removed, sorted.
pub fn sync(
    build_dir: &Utf8Path,
    state_file: &Utf8Path,
    now: &BTreeMap<String, String>,
) -> Result<Vec<String>, FreshnessError> {
    let recorded = ratchet_store::read_json::<State>(state_file.as_std_path())
        .filter(|s| s.format == FORMAT)
        .unwrap_or_default();
    let changed: Vec<String> = now
        .iter()
        .filter(|(name, hash)| recorded.packages.get(*name) != Some(*hash))
        .map(|(name, _)| name.clone())
        .collect();
    if !changed.is_empty() {
        for dir in fingerprint_dirs(build_dir) {
            remove_package_dirs(&dir, &changed)?;
        }
    }
    if !changed.is_empty() || recorded.packages.len() != now.len() {
        let state = State {
            format: FORMAT,
            packages: now.clone(),
        };
        ratchet_store::write_json(state_file.as_std_path(), &state)?;
    }
    Ok(changed)
}

/// Every `.fingerprint` directory of a profile: `<build>/<profile>/.fingerprint` and
/// `<build>/<triple>/<profile>/.fingerprint`.
fn fingerprint_dirs(build_dir: &Utf8Path) -> Vec<Utf8PathBuf> {
    let mut out = Vec::new();
    for first in subdirs(build_dir) {
        let direct = first.join(".fingerprint");
        if direct.is_dir() {
            out.push(direct);
            continue;
        }
        out.extend(
            subdirs(&first)
                .into_iter()
                .map(|second| second.join(".fingerprint"))
                .filter(|d| d.is_dir()),
        );
    }
    out
}

fn subdirs(dir: &Utf8Path) -> Vec<Utf8PathBuf> {
    let Ok(entries) = dir.read_dir_utf8() else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.into_path())
        .collect()
}

/// Removes the entries `NAME-HASH` of `dir` whose NAME is one of `names` exactly.
fn remove_package_dirs(dir: &Utf8Path, names: &[String]) -> Result<(), FreshnessError> {
    for path in subdirs(dir) {
        let owner = path.file_name().and_then(package_of);
        if owner.is_some_and(|owner| names.iter().any(|n| n == owner)) {
            std::fs::remove_dir_all(&path).map_err(|source| FreshnessError::Remove {
                path: path.clone(),
                source,
            })?;
        }
    }
    Ok(())
}

/// The package name of a fingerprint directory `NAME-HASH` (HASH: hex digits).
fn package_of(dir_name: &str) -> Option<&str> {
    let (name, hash) = dir_name.rsplit_once('-')?;
    (!hash.is_empty() && hash.chars().all(|c| c.is_ascii_hexdigit())).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout() -> (tempfile::TempDir, Utf8PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = Utf8PathBuf::from_path_buf(dir.path().to_path_buf()).unwrap();
        for d in [
            "build/debug/.fingerprint/foo-0123456789abcdef",
            "build/debug/.fingerprint/foo-fedcba9876543210",
            "build/debug/.fingerprint/foo-bar-0123456789abcdef",
            "build/debug/.fingerprint/bar-0123456789abcdef",
            "build/x86_64-unknown-linux-gnu/debug/.fingerprint/foo-0123456789abcdef",
        ] {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        (dir, root)
    }

    fn exists(root: &Utf8Path, d: &str) -> bool {
        root.join(d).exists()
    }

    fn hashes(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_changed_package_loses_exactly_its_own_fingerprints() {
        let (_dir, root) = layout();
        let (build, state) = (root.join("build"), root.join("state.json"));
        let first = hashes(&[("foo", "1"), ("bar", "1"), ("foo-bar", "1")]);
        std::fs::write(
            &state,
            r#"{"format":1,"packages":{"foo":"1","bar":"1","foo-bar":"1"}}"#,
        )
        .unwrap();
        assert!(sync(&build, &state, &first).unwrap().is_empty());
        let second = hashes(&[("foo", "2"), ("bar", "1"), ("foo-bar", "1")]);
        assert_eq!(sync(&build, &state, &second).unwrap(), ["foo"]);
        assert!(!exists(&build, "debug/.fingerprint/foo-0123456789abcdef"));
        assert!(!exists(&build, "debug/.fingerprint/foo-fedcba9876543210"));
        assert!(!exists(
            &build,
            "x86_64-unknown-linux-gnu/debug/.fingerprint/foo-0123456789abcdef"
        ));
        assert!(exists(
            &build,
            "debug/.fingerprint/foo-bar-0123456789abcdef"
        ));
        assert!(exists(&build, "debug/.fingerprint/bar-0123456789abcdef"));
        assert!(
            sync(&build, &state, &second).unwrap().is_empty(),
            "recorded"
        );
    }

    #[test]
    fn a_missing_or_corrupt_state_means_everything_changed() {
        let (_dir, root) = layout();
        let (build, state) = (root.join("build"), root.join("state.json"));
        let now = hashes(&[("foo", "1"), ("bar", "1")]);
        std::fs::write(&state, b"{\"format\":1,\"pack").unwrap();
        assert_eq!(sync(&build, &state, &now).unwrap(), ["bar", "foo"]);
        assert!(exists(
            &build,
            "debug/.fingerprint/foo-bar-0123456789abcdef"
        ));
        std::fs::remove_file(&state).unwrap();
        assert_eq!(sync(&build, &state, &now).unwrap(), ["bar", "foo"]);
    }

    #[test]
    fn package_names_are_split_from_the_hash_only() {
        assert_eq!(package_of("foo-bar-0123456789abcdef"), Some("foo-bar"));
        assert_eq!(package_of("foo-0123"), Some("foo"));
        assert_eq!(package_of("foo-bar"), None);
        assert_eq!(package_of("foo"), None);
    }
}
