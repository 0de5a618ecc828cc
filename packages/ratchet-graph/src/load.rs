//! Loading the workspace: from the cached snapshot when none of its inputs changed, otherwise
//! from `cargo metadata`, which is then cached.
//!
//! The cache key is the content of every file that can change cargo's answer (the root and
//! member manifests, `Cargo.lock`, cargo config files, toolchain files), the list of directories
//! the workspace's member globs match (a new package adds one), the toolchain and the
//! environment variables cargo reads for it. When unsure, the cache misses.

use std::collections::BTreeMap;

use camino::{Utf8Path, Utf8PathBuf};
use serde::{Deserialize, Serialize};

use crate::build::{from_metadata, snapshot_edges, with_edges};
use crate::locate::{WorkspaceRoot, locate};
use crate::{Dep, GraphError, Package, PkgIx, Workspace, toolchain};

/// Bump when the snapshot's shape or meaning changes, so old snapshots miss.
const SNAPSHOT_FORMAT: u32 = 4;

/// Environment variables that change what `cargo metadata` reports.
/// (`CARGO_HOME` enters through its normalized value, see `toolchain::cargo_home`.)
const CARGO_ENV: &[&str] = &["CARGO_TARGET_DIR", "CARGO_BUILD_TARGET_DIR"];

/// How to load a workspace.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// `--manifest-path`; `None` means the workspace around the current directory.
    pub manifest_path: Option<Utf8PathBuf>,
    /// Skip the snapshot and always run `cargo metadata` (the result is still cached).
    pub refresh: bool,
}

#[derive(Serialize, Deserialize)]
struct Snapshot {
    format: u32,
    key: CacheKey,
    root: Utf8PathBuf,
    target_dir: Utf8PathBuf,
    packages: Vec<Package>,
    edges: Vec<(PkgIx, PkgIx, Dep)>,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct CacheKey {
    /// blake3 of each input file's content, or `None` when it does not exist.
    files: BTreeMap<Utf8PathBuf, Option<String>>,
    member_dirs: Vec<Utf8PathBuf>,
    toolchain: String,
    env: BTreeMap<String, String>,
}

/// Loads the workspace at `options.manifest_path` (or around the current directory).
pub fn load(options: &LoadOptions) -> Result<Workspace, GraphError> {
    let root = locate(options.manifest_path.as_deref())?;
    let snapshot_path = root.state_dir().join("graph.json");
    let toolchain = toolchain::version(&root.dir, &root.state_dir());
    if !options.refresh
        && let Some(snapshot) = ratchet_store::read_json::<Snapshot>(snapshot_path.as_std_path())
        && snapshot.format == SNAPSHOT_FORMAT
        && snapshot.root == root.dir
        && current_key(&root, &snapshot.packages, &toolchain) == snapshot.key
    {
        return Ok(with_edges(
            snapshot.root,
            snapshot.target_dir,
            snapshot.packages,
            snapshot.edges,
        ));
    }
    // The key is taken before cargo runs: an edit made while it runs then misses next time.
    let key_before = current_key(&root, &[], &toolchain);
    let workspace = run_cargo_metadata(&root.manifest)?;
    let mut key = key_before;
    // On a fresh workspace cargo writes `Cargo.lock` itself; keying on "absent" would make the
    // very next run miss for nothing.
    let lockfile = root.dir.join("Cargo.lock");
    if key.files.get(&lockfile) == Some(&None) {
        key.files.insert(lockfile.clone(), hash_file(&lockfile));
    }
    add_member_manifests(&mut key, &workspace.packages);
    let snapshot = Snapshot {
        format: SNAPSHOT_FORMAT,
        key,
        root: workspace.root.clone(),
        target_dir: workspace.target_dir.clone(),
        packages: workspace.packages.clone(),
        edges: snapshot_edges(&workspace),
    };
    // A snapshot that cannot be written only costs speed next time.
    let _ = ratchet_store::write_json(snapshot_path.as_std_path(), &snapshot);
    Ok(workspace)
}

fn run_cargo_metadata(manifest: &Utf8Path) -> Result<Workspace, GraphError> {
    let metadata = cargo_metadata::MetadataCommand::new()
        .manifest_path(manifest)
        .exec()
        .map_err(|e| GraphError::Metadata {
            manifest: manifest.to_path_buf(),
            stderr: match e {
                cargo_metadata::Error::CargoMetadata { stderr } => stderr.trim_end().to_string(),
                other => other.to_string(),
            },
        })?;
    Ok(from_metadata(&metadata))
}

fn current_key(root: &WorkspaceRoot, members: &[Package], toolchain: &str) -> CacheKey {
    let mut files = BTreeMap::new();
    for path in fixed_inputs(root) {
        let hash = hash_file(&path);
        files.insert(path, hash);
    }
    let mut key = CacheKey {
        files,
        member_dirs: member_dirs(&root.manifest),
        toolchain: toolchain.to_string(),
        env: CARGO_ENV
            .iter()
            .filter_map(|name| Some((name.to_string(), std::env::var(name).ok()?)))
            .chain(toolchain::cargo_home().map(|home| ("CARGO_HOME".to_string(), home.to_string())))
            .collect(),
    };
    add_member_manifests(&mut key, members);
    key
}

/// Member manifests, and those of path packages outside the workspace (bumping such a
/// package's version changes the resolve although no workspace file changed).
fn add_member_manifests(key: &mut CacheKey, members: &[Package]) {
    for package in members {
        let hash = hash_file(&package.manifest_path);
        key.files.insert(package.manifest_path.clone(), hash);
        for dir in package.external_deps.iter().filter_map(|d| d.path.as_ref()) {
            let manifest = dir.join("Cargo.toml");
            let hash = hash_file(&manifest);
            key.files.insert(manifest, hash);
        }
    }
}

/// Files whose content or existence changes cargo's view of the workspace, wherever the
/// members are.
fn fixed_inputs(root: &WorkspaceRoot) -> Vec<Utf8PathBuf> {
    let mut inputs = vec![
        root.manifest.clone(),
        root.dir.join("Cargo.lock"),
        root.dir.join("rust-toolchain"),
        root.dir.join("rust-toolchain.toml"),
    ];
    for dir in root.dir.ancestors() {
        inputs.push(dir.join(".cargo/config.toml"));
        inputs.push(dir.join(".cargo/config"));
    }
    if let Some(home) = toolchain::cargo_home() {
        inputs.push(home.join("config.toml"));
        inputs.push(home.join("config"));
    }
    inputs
}

fn hash_file(path: &Utf8Path) -> Option<String> {
    std::fs::read(path)
        .ok()
        .map(|bytes| blake3::hash(&bytes).to_hex().to_string())
}

/// Directories holding a `Cargo.toml` that the root manifest's `workspace.members` globs match.
/// A package added under a glob changes this list even though no known manifest changed.
fn member_dirs(root_manifest: &Utf8Path) -> Vec<Utf8PathBuf> {
    let Some(root_dir) = root_manifest.parent() else {
        return Vec::new();
    };
    let Some(patterns) = std::fs::read_to_string(root_manifest)
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok())
        .and_then(|doc| doc.get("workspace")?.get("members")?.as_array().cloned())
    else {
        return Vec::new();
    };
    let mut dirs: Vec<Utf8PathBuf> = patterns
        .iter()
        .filter_map(|p| p.as_str())
        .filter_map(|p| glob::glob(root_dir.join(p).as_str()).ok())
        .flatten()
        .filter_map(Result::ok)
        .filter(|dir| dir.join("Cargo.toml").is_file())
        .filter_map(|dir| Utf8PathBuf::from_path_buf(dir).ok())
        .collect();
    dirs.sort();
    dirs
}
