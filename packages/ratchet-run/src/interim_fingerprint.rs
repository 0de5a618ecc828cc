//! Package fingerprints for `check` until `ratchet-fingerprint` lands in this branch.
//!
//! Deliberately simple and conservative: a package's fingerprint is blake3 over its own files
//! (paths and contents, gitignored files and the target directory excluded, files of nested
//! packages excluded), the own-file hashes of everything it reaches through normal, build and
//! dev dependencies, and the global inputs (root manifest, lockfile, cargo and toolchain
//! configuration, `rustc -vV`, flag variables). No stat cache: every file is read every time.

use std::collections::BTreeMap;

use camino::Utf8Path;
use ratchet_graph::{DepKind, Workspace};

const GLOBAL_FILES: &[&str] = &[
    "Cargo.toml",
    "Cargo.lock",
    "ratchet.toml",
    "rust-toolchain",
    "rust-toolchain.toml",
    ".cargo/config",
    ".cargo/config.toml",
];
const GLOBAL_ENV: &[&str] = &[
    "RUSTFLAGS",
    "CARGO_ENCODED_RUSTFLAGS",
    "RUSTDOCFLAGS",
    "CARGO_BUILD_RUSTFLAGS",
];

/// The full fingerprint of every workspace package, by name.
pub fn compute(workspace: &Workspace) -> BTreeMap<String, String> {
    let globals = globals(workspace);
    let own: Vec<blake3::Hash> = (0..workspace.packages.len())
        .map(|ix| own_files(workspace, ix))
        .collect();
    let kinds = [DepKind::Normal, DepKind::Build, DepKind::Dev];
    (0..workspace.packages.len())
        .map(|ix| {
            let mut hasher = blake3::Hasher::new();
            hasher.update(globals.as_bytes());
            hasher.update(own[ix].as_bytes());
            for dep in workspace.dep_closure(ix, &kinds) {
                hasher.update(workspace.package(dep).name.as_bytes());
                hasher.update(own[dep].as_bytes());
            }
            (
                workspace.package(ix).name.clone(),
                hasher.finalize().to_hex().to_string(),
            )
        })
        .collect()
}

fn globals(workspace: &Workspace) -> blake3::Hash {
    let mut hasher = blake3::Hasher::new();
    for name in GLOBAL_FILES {
        hasher.update(name.as_bytes());
        match std::fs::read(workspace.root.join(name)) {
            Ok(bytes) => hasher
                .update(&(bytes.len() as u64).to_le_bytes())
                .update(&bytes),
            Err(_) => hasher.update(b"-"),
        };
    }
    let toolchain = ratchet_graph::toolchain::version(&workspace.root, &workspace.state_dir());
    hasher.update(toolchain.as_bytes());
    for name in GLOBAL_ENV {
        let value = std::env::var(name).unwrap_or_default();
        hasher.update(format!("{name}={value}\0").as_bytes());
    }
    hasher.finalize()
}

fn own_files(workspace: &Workspace, ix: usize) -> blake3::Hash {
    let dir = &workspace.package(ix).dir;
    let mut files: Vec<(String, blake3::Hash)> = Vec::new();
    let walk = ignore::WalkBuilder::new(dir)
        .hidden(false)
        .filter_entry({
            let target = workspace.target_dir.clone();
            move |entry| entry.path() != target.as_std_path() && entry.file_name() != ".git"
        })
        .build();
    for entry in walk.flatten() {
        let Some(path) = Utf8Path::from_path(entry.path()) else {
            continue;
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) || workspace.owner_of(path) != Some(ix) {
            continue;
        }
        let content = std::fs::read(path)
            .map(|b| blake3::hash(&b))
            .unwrap_or(blake3::hash(b"unreadable"));
        files.push((path.strip_prefix(dir).unwrap_or(path).to_string(), content));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut hasher = blake3::Hasher::new();
    for (path, content) in files {
        hasher
            .update(path.as_bytes())
            .update(b"\0")
            .update(content.as_bytes());
    }
    hasher.finalize()
}
