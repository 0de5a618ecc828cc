//! Content fingerprints of workspace packages.
//!
//! Owns: walking each member's own files (gitignore-aware; `target/`, `.git` and nested
//! members' directories excluded; symlinks followed) behind a listing cache, hashing them with
//! blake3 behind a stat cache, the global inputs (root manifest, cargo config at the root,
//! above it and in `CARGO_HOME`, toolchain files, rustfmt and clippy configuration,
//! `rustc -vV`, cargo's environment, configured files and environment variables), the hashes
//! of what each package reads beyond its own files (learned, observed and declared, as
//! `ratchet-learn` lists them), the Merkle combination of all of that into a `build` and a
//! `full` fingerprint per package, the record of the last fingerprints, and whether inputs
//! learned during a run held still, so that a pass may be keyed by them ([`RunStart`]).
//!
//! Must not: run cargo or git, decide what is affected (that is `ratchet-affected`), or know
//! about steps (a step's own configuration is added to the key by whoever caches verdicts).

mod cargo_env;
mod digest;
mod inputs;
mod learned;
mod listing;
mod merkle;
mod settled;
mod stat;
mod stat_cache;
mod walk;

use std::collections::BTreeMap;

use camino::{Utf8Path, Utf8PathBuf};
use ratchet_graph::{PkgIx, Workspace};
use serde::{Deserialize, Serialize};

pub use cargo_env::{
    BUILD_ENV, TOOL_CONFIG_FILES, is_build_env, is_outer_config, is_tool_config, outer_config_files,
};
pub use inputs::{
    CONFIG_FILE, CONFIG_SECTIONS_OUTSIDE_VERDICTS, DEFAULT_ENV, FIXED_FILES, InputsConfig,
    config_verdict_part,
};
pub use merkle::external_key;
/// `hash --explain`: what went into one package's fingerprints (an event of the protocol).
pub use ratchet_events::hash::{ExplainedDep, Explanation};
/// Which packages read a path beyond their own files (for `affected --since` and `watch`).
pub use ratchet_learn::{LearnError, Readers};
pub use settled::{Recordable, RunStart};

/// Bump when the meaning of a fingerprint changes, so old records are ignored.
pub const FORMAT_VERSION: u32 = 1;

/// Fingerprints of every workspace member, and the global inputs that went into them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Fingerprints {
    /// Always [`FORMAT_VERSION`]; a record with another version is ignored.
    pub version: u32,
    /// Global inputs: `file:PATH`, `env:NAME`, `rustc -vV` -> blake3 hex of the value.
    pub globals: BTreeMap<String, String>,
    /// Per package, keyed by package name.
    pub packages: BTreeMap<String, PackageFingerprint>,
    /// Every external dependency of any member ([`external_key`]: `name version (source)`)
    /// -> the hash of its files for a path package outside the workspace, `-` otherwise. Lets
    /// a comparison name the external dependencies that changed.
    #[serde(default)]
    pub externals: BTreeMap<String, String>,
    /// ratchet's own configuration (`file:ratchet.toml` -> its hash): an input of every
    /// verdict that reaches the verdict keys by other parts (each step's configuration, the
    /// build configuration), so it is folded into no package's hash; `affected` compares it
    /// (an edit of it affects every package, as in `watch`). Empty in older records, which
    /// then count as changed.
    #[serde(default)]
    pub config: BTreeMap<String, String>,
}

impl Fingerprints {
    /// The view `hash --message-format json` prints: the same content, as an event of the
    /// protocol (whose version is not this record's format version).
    pub fn to_event(&self) -> ratchet_events::hash::Hashes {
        let packages = self.packages.iter().map(|(name, fp)| {
            let hashes = ratchet_events::hash::PackageHashes {
                build: fp.build.clone(),
                full: fp.full.clone(),
                files: fp.files.clone(),
                externals: fp.externals.clone(),
                learned: fp.learned.clone(),
            };
            (name.clone(), hashes)
        });
        ratchet_events::hash::Hashes {
            version: ratchet_events::VERSION,
            globals: self.globals.clone(),
            packages: packages.collect(),
            externals: self.externals.clone(),
        }
    }

    /// The content hash of every member's Rust file, by path relative to the workspace root.
    pub fn rust_files(&self) -> BTreeMap<String, String> {
        let files = self.packages.values().flat_map(|p| &p.files);
        let rust = files.filter(|(path, _)| path.ends_with(".rs"));
        rust.map(|(path, hash)| (path.clone(), hash.clone()))
            .collect()
    }

    /// Each package's own fingerprint, by name: its own files and the global inputs, none of
    /// its dependencies (for steps that read only the package's files, such as formatting).
    pub fn own(&self) -> BTreeMap<String, String> {
        self.packages
            .iter()
            .map(|(name, fp)| (name.clone(), merkle::own_hash(&self.globals, fp)))
            .collect()
    }
}

/// One package's fingerprints and what they were computed from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PackageFingerprint {
    /// Own files, manifest, external deps, globals and the `build` of normal and build deps.
    pub build: String,
    /// `build` plus the `build` of dev-deps: what its tests see.
    pub full: String,
    /// Own files: path relative to the workspace root -> blake3 hex of the content.
    pub files: BTreeMap<String, String>,
    /// blake3 of its resolved external dependencies.
    pub externals: String,
    /// Inputs beyond its own files (learned from rustc and build scripts, observed at run time,
    /// declared in its manifest): path (a listed directory ends with `/`) or `env:NAME` ->
    /// blake3 hex of the content or value. A missing file or unset variable is absent.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub learned: BTreeMap<String, String>,
}

/// Why fingerprints could not be computed or recorded. Each names the path concerned.
#[derive(Debug, thiserror::Error)]
pub enum FingerprintError {
    /// A chain of symlinks that leads back to itself.
    #[error("symlink loop at {path}: remove or fix the link")]
    SymlinkLoop {
        /// The link where the loop was detected.
        path: Utf8PathBuf,
    },
    /// A file listed by the walk disappeared before it could be hashed.
    #[error("{path} vanished while it was being hashed: run again once edits settle")]
    Vanished {
        /// The file.
        path: Utf8PathBuf,
    },
    /// A file that exists but cannot be read.
    #[error("cannot read {path}: {source} (fix its permissions, or gitignore it)")]
    Unreadable {
        /// The file.
        path: Utf8PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Any other failure of the directory walk.
    #[error("cannot walk {path}: {message}")]
    Walk {
        /// Where the walk failed.
        path: Utf8PathBuf,
        /// The walker's message.
        message: String,
    },
    /// A path that is not UTF-8.
    #[error("path is not valid UTF-8: {0} (rename it)")]
    NonUtf8Path(String),
    /// A pattern in `[inputs] files` that is not a valid glob.
    #[error("ratchet.toml: [inputs] files: invalid pattern `{pattern}`: {message}")]
    BadInput {
        /// The pattern.
        pattern: String,
        /// What is wrong with it.
        message: String,
    },
    /// A package's declared inputs are wrong.
    #[error(transparent)]
    Learn(#[from] ratchet_learn::LearnError),
    /// The record could not be written.
    #[error(transparent)]
    Store(#[from] ratchet_store::StoreError),
}

/// Computes every member's fingerprints. Files whose stat is unchanged since the last run are
/// not read again (see the stat cache); the rest are hashed in parallel.
pub fn compute(ws: &Workspace, inputs: &InputsConfig) -> Result<Fingerprints, FingerprintError> {
    compute_with(ws, inputs, &ratchet_learn::inputs(ws)?)
}

/// [`compute`], with `beyond` as every package's inputs beyond its own files.
pub(crate) fn compute_with(
    ws: &Workspace,
    inputs: &InputsConfig,
    beyond: &ratchet_learn::Inputs,
) -> Result<Fingerprints, FingerprintError> {
    let mut globals = inputs::globals(ws, inputs)?;
    globals.extend(learned::global_env(beyond));
    let external_dirs = walk::external_dirs(ws);
    let mut found = listing::own_files(
        ws,
        &external_dirs,
        &ws.state_dir().join(ratchet_store::state::LISTING),
    )?;
    let own_count = found.len();
    let mut pending = learned::gather(ws, beyond);
    found.append(&mut pending.found);
    let mut hashes = stat_cache::hash_files(&stat_cache_path(ws), &found)?;
    let learned = pending.finish(&hashes.split_off(own_count));
    found.truncate(own_count);
    let mut files: merkle::FilesByPackage = vec![BTreeMap::new(); ws.packages.len()];
    let mut external_files: Vec<BTreeMap<String, String>> =
        vec![BTreeMap::new(); external_dirs.len()];
    for (file, hash) in found.iter().zip(hashes) {
        let key = merkle::display_path(&ws.root, &file.path);
        if let Some(external) = file.external {
            external_files[external].insert(key.clone(), hash.clone());
        }
        if let Some(owner) = file.owner {
            files[owner].insert(key, hash);
        }
    }
    let external_content = external_dirs
        .into_iter()
        .zip(external_files)
        .map(|(dir, files)| (dir, merkle::files_hash(&files)))
        .collect();
    Ok(Fingerprints {
        version: FORMAT_VERSION,
        packages: merkle::fingerprints(ws, &globals, files, learned, &external_content),
        externals: merkle::external_table(ws, &external_content),
        config: inputs::config(ws)?,
        globals,
    })
}

/// The fingerprints recorded last (by `affected --record` or a passing `check`), or `None`
/// when there is no record or it is unreadable or from another format version.
pub fn load_recorded(ws: &Workspace) -> Option<Fingerprints> {
    ratchet_store::read_json::<Fingerprints>(record_path(ws).as_std_path())
        .filter(|f| f.version == FORMAT_VERSION)
}

/// Records `fps` as the last known-good fingerprints, atomically.
pub fn record(ws: &Workspace, fps: &Fingerprints) -> Result<(), FingerprintError> {
    ratchet_store::write_json(record_path(ws).as_std_path(), fps)?;
    Ok(())
}

/// What went into the fingerprint of package `ix`, from fingerprints computed for `ws`.
pub fn explain(ws: &Workspace, fps: &Fingerprints, ix: PkgIx) -> Explanation {
    let package = ws.package(ix);
    let empty = PackageFingerprint {
        build: String::new(),
        full: String::new(),
        files: BTreeMap::new(),
        externals: String::new(),
        learned: BTreeMap::new(),
    };
    let own = fps.packages.get(&package.name).unwrap_or(&empty);
    let build_of = |ix: PkgIx| {
        fps.packages
            .get(&ws.package(ix).name)
            .map(|f| f.build.clone())
            .unwrap_or_default()
    };
    let mut deps: Vec<ExplainedDep> = ws
        .deps(ix)
        .map(|(to, dep)| ExplainedDep {
            name: ws.package(to).name.clone(),
            kind: dep.kind.into(),
            build: build_of(to),
        })
        .collect();
    deps.sort_by(|a, b| (&a.name, &a.kind).cmp(&(&b.name, &b.kind)));
    deps.dedup_by(|a, b| a.name == b.name && a.kind == b.kind);
    Explanation {
        version: ratchet_events::VERSION,
        package: package.name.clone(),
        build: own.build.clone(),
        full: own.full.clone(),
        globals: fps.globals.clone(),
        files: own.files.clone(),
        learned: own.learned.clone(),
        externals: package.external_deps.iter().map(external_key).collect(),
        externals_hash: own.externals.clone(),
        deps,
    }
}

/// Where the last recorded fingerprints live.
pub fn record_path(ws: &Workspace) -> Utf8PathBuf {
    ws.state_dir().join(ratchet_store::state::FINGERPRINTS)
}

fn stat_cache_path(ws: &Workspace) -> Utf8PathBuf {
    ws.state_dir().join(ratchet_store::state::STAT_CACHE)
}

/// The path of `path` as fingerprints record it: relative to the workspace root when under it.
pub fn record_key(ws: &Workspace, path: &Utf8Path) -> String {
    merkle::display_path(&ws.root, path)
}
