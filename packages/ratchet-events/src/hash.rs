//! The JSON documents printed by `hash --message-format json` (and with `--explain PKG`).
//!
//! These are views of the fingerprints for people and tools; the record ratchet keeps in
//! `target/ratchet/fingerprints.json` is a state file with its own format version.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::graph::EdgeKind;

/// Every member's fingerprints and the global inputs that went into them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct Hashes {
    /// Always [`crate::VERSION`].
    pub version: u32,
    /// Global inputs: `file:PATH`, `env:NAME`, `rustc -vV` -> blake3 hex of the value.
    pub globals: BTreeMap<String, String>,
    /// Per package, by name.
    pub packages: BTreeMap<String, PackageHashes>,
    /// Every external dependency of any member (`name version (source)`) -> the hash of its
    /// files for a path package outside the workspace, `-` otherwise.
    pub externals: BTreeMap<String, String>,
}

/// One package's fingerprints.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct PackageHashes {
    /// Own files, manifest, external deps, globals and the `build` of normal and build deps.
    pub build: String,
    /// `build` plus the `build` of dev-deps: what its tests see.
    pub full: String,
    /// Own files: path relative to the workspace root -> blake3 hex of the content.
    pub files: BTreeMap<String, String>,
    /// blake3 of its resolved external dependencies.
    pub externals: String,
    /// Inputs beyond its own files (learned, observed, declared): path (a listed directory
    /// ends with `/`) or `env:NAME` -> blake3 hex.
    pub learned: BTreeMap<String, String>,
}

/// What went into one package's fingerprints.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct Explanation {
    /// Always [`crate::VERSION`].
    pub version: u32,
    /// The package.
    pub package: String,
    /// Its `build` fingerprint.
    pub build: String,
    /// Its `full` fingerprint.
    pub full: String,
    /// Every global input and its hash.
    pub globals: BTreeMap<String, String>,
    /// Own files (relative to the workspace root) and their content hashes.
    pub files: BTreeMap<String, String>,
    /// Inputs beyond its own files (learned, observed, declared) and their hashes.
    pub learned: BTreeMap<String, String>,
    /// Resolved external dependencies as `name version (source)`.
    pub externals: Vec<String>,
    /// Hash of `externals`.
    pub externals_hash: String,
    /// Workspace dependencies: name, edge kind, and that dependency's `build` fingerprint.
    pub deps: Vec<ExplainedDep>,
}

/// One workspace dependency in an [`Explanation`].
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct ExplainedDep {
    /// Dependency name.
    pub name: String,
    /// The edge's kind (`dev` feeds only `full`).
    pub kind: EdgeKind,
    /// Its `build` fingerprint.
    pub build: String,
}
