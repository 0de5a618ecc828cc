//! Loading the workspace: from the cached snapshot when none of its inputs changed, otherwise
//! from `cargo metadata`, which is then cached.
//!
//! The cache key is the content of every file that can change cargo's answer (the root and
//! member manifests, `Cargo.lock`, cargo config files, toolchain files), the list of directories
//! the workspace's member globs match (a new package adds one), the names of each member's
//! auto-discoverable target files (a new `tests/*.rs` adds a target), the toolchain and the
//! environment variables cargo reads for it. When unsure, the cache misses.
//!
//! `cargo metadata` runs with `--all-features`, so each member's external closure holds every
//! optional dependency that `Cargo.lock` holds, and with `--locked` unless the caller builds
//! anyway ([`LoadOptions::update_lock`]): a query never rewrites the user's `Cargo.lock`.

use std::collections::{BTreeMap, BTreeSet};

use camino::{Utf8Path, Utf8PathBuf};
use serde::{Deserialize, Serialize};

use crate::build::{from_metadata, snapshot_edges, with_edges};
use crate::discover::target_files;
use crate::locate::{WorkspaceRoot, locate};
use crate::{Dep, GraphError, Package, PkgIx, Workspace};

/// Bump when the snapshot's shape or meaning changes, so old snapshots miss.
const SNAPSHOT_FORMAT: u32 = 7;

/// Environment variables that change what `cargo metadata` reports.
/// (`CARGO_HOME` enters through its normalized value, see `ratchet_toolchain::cargo_home`.)
const CARGO_ENV: &[&str] = &["CARGO_TARGET_DIR", "CARGO_BUILD_TARGET_DIR"];

/// How to load a workspace.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// `--manifest-path`; `None` means the workspace around the current directory.
    pub manifest_path: Option<Utf8PathBuf>,
    /// Skip the snapshot and always run `cargo metadata` (the result is still cached).
    pub refresh: bool,
    /// Let cargo bring an out-of-date `Cargo.lock` up to date, as a build would (for `check`
    /// and `watch`, which build with cargo anyway). Otherwise `cargo metadata` runs with
    /// `--locked` and an out-of-date lock is [`GraphError::LockOutOfDate`]; a missing lock is
    /// still created, as by any cargo command (there is nothing of the user's to overwrite).
    pub update_lock: bool,
}

#[derive(Serialize, Deserialize)]
struct Snapshot {
    format: u32,
    key: CacheKey,
    root: Utf8PathBuf,
    target_dir: Utf8PathBuf,
    packages: Vec<Package>,
    edges: Vec<(PkgIx, PkgIx, Dep)>,
    /// blake3 of the key: names this snapshot (and the feature model written with it).
    model_id: String,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct CacheKey {
    /// blake3 of each input file's content, or `None` when it does not exist.
    files: BTreeMap<Utf8PathBuf, Option<String>>,
    member_dirs: Vec<Utf8PathBuf>,
    /// Each member's directory -> its auto-discoverable target files (see `discover`).
    targets: BTreeMap<Utf8PathBuf, Vec<String>>,
    toolchain: String,
    env: BTreeMap<String, String>,
}

/// Loads the workspace at `options.manifest_path` (or around the current directory).
pub fn load(options: &LoadOptions) -> Result<Workspace, GraphError> {
    let root = locate(options.manifest_path.as_deref())?;
    let snapshot_path = root.state_dir().join(ratchet_store::state::GRAPH);
    let toolchain = ratchet_toolchain::version(&root.dir, &root.state_dir());
    let mut previous = match options.refresh {
        true => None,
        false => ratchet_store::read_json::<Snapshot>(snapshot_path.as_std_path()),
    };
    if let Some(snapshot) = previous.take_if(|s| {
        s.format == SNAPSHOT_FORMAT
            && s.root == root.dir
            && current_key(&root, &s.packages, &toolchain) == s.key
    }) {
        let mut workspace = with_edges(
            snapshot.root,
            snapshot.target_dir,
            snapshot.packages,
            snapshot.edges,
        );
        workspace.model_id = snapshot.model_id;
        return Ok(workspace);
    }
    // The key is taken before cargo runs: an edit made while it runs then misses next time.
    let mut key = current_key(&root, &[], &toolchain);
    let targets_before = targets_before(&root, &key, previous.as_ref());
    let (mut workspace, metadata) = run_cargo_metadata(&root, options.update_lock)?;
    // On a fresh workspace cargo writes `Cargo.lock` itself; keying on "absent" would make the
    // very next run miss for nothing.
    let lockfile = root.dir.join("Cargo.lock");
    if key.files.get(&lockfile) == Some(&None) {
        key.files.insert(lockfile.clone(), hash_file(&lockfile));
    }
    add_member_manifests(&mut key, &workspace.packages);
    key.targets = member_targets(&workspace.packages, targets_before);
    // The format is part of the id: a new model format names its models anew.
    let model_id = serde_json::to_vec(&(SNAPSHOT_FORMAT, &key))
        .map(|bytes| blake3::hash(&bytes).to_hex().to_string())
        .unwrap_or_default();
    workspace.model_id = model_id.clone();
    crate::features::store(&workspace, &metadata, &model_id, &toolchain);
    let snapshot = Snapshot {
        model_id,
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

/// The target files of every package directory known before cargo answers (the last
/// snapshot's members, the member globs' matches, the root), so that a target added while
/// cargo runs misses next time.
fn targets_before(
    root: &WorkspaceRoot,
    key: &CacheKey,
    previous: Option<&Snapshot>,
) -> BTreeMap<Utf8PathBuf, Vec<String>> {
    let known_dirs: BTreeSet<&Utf8Path> = previous
        .iter()
        .flat_map(|s| s.packages.iter().map(|p| p.dir.as_path()))
        .chain(key.member_dirs.iter().map(Utf8PathBuf::as_path))
        .chain([root.dir.as_path()])
        .collect();
    known_dirs
        .into_iter()
        .map(|dir| (dir.to_path_buf(), target_files(dir)))
        .collect()
}

/// Each member's target files: as listed before cargo ran, or now for a directory unknown then.
fn member_targets(
    members: &[Package],
    mut before: BTreeMap<Utf8PathBuf, Vec<String>>,
) -> BTreeMap<Utf8PathBuf, Vec<String>> {
    members
        .iter()
        .map(|p| {
            let files = before
                .remove(&p.dir)
                .unwrap_or_else(|| target_files(&p.dir));
            (p.dir.clone(), files)
        })
        .collect()
}

/// `cargo metadata --all-features`: the resolve then holds every optional dependency, as
/// `Cargo.lock` does (a default-feature resolve would leave out what only a feature enables,
/// and a lockfile change to it would affect nothing). `--locked` unless `update_lock` or there
/// is no lock yet.
fn run_cargo_metadata(
    root: &WorkspaceRoot,
    update_lock: bool,
) -> Result<(Workspace, cargo_metadata::Metadata), GraphError> {
    let lockfile = root.dir.join("Cargo.lock");
    let locked = !update_lock && lockfile.exists();
    let mut command = cargo_metadata::MetadataCommand::new();
    command
        .manifest_path(&root.manifest)
        .features(cargo_metadata::CargoOpt::AllFeatures);
    if locked {
        command.other_options(vec!["--locked".to_string()]);
    }
    let metadata = command.exec().map_err(|e| match e {
        cargo_metadata::Error::CargoMetadata { stderr }
            if locked && stderr.contains("--locked was passed") =>
        {
            GraphError::LockOutOfDate { lockfile }
        }
        cargo_metadata::Error::CargoMetadata { stderr } => GraphError::Metadata {
            manifest: root.manifest.clone(),
            stderr: stderr.trim_end().to_string(),
        },
        other => GraphError::Metadata {
            manifest: root.manifest.clone(),
            stderr: other.to_string(),
        },
    })?;
    Ok((from_metadata(&metadata), metadata))
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
        targets: members
            .iter()
            .map(|p| (p.dir.clone(), target_files(&p.dir)))
            .collect(),
        toolchain: toolchain.to_string(),
        env: CARGO_ENV
            .iter()
            .filter_map(|name| Some((name.to_string(), std::env::var(name).ok()?)))
            .chain(
                ratchet_toolchain::cargo_home()
                    .map(|home| ("CARGO_HOME".to_string(), home.to_string())),
            )
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
    if let Some(home) = ratchet_toolchain::cargo_home() {
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
