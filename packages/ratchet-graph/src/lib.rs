//! The package graph of a Cargo workspace.
//!
//! Owns: finding the workspace root, running `cargo metadata` (and caching its result keyed by a
//! hash of every input that can change it), and turning it into a graph of workspace members
//! with normal, build and dev edges plus each member's resolved external dependencies.
//!
//! Must not: read package sources, hash files, or talk to git. Those belong to `ratchet-fingerprint`
//! and `ratchet-affected`, which take a [`Workspace`] as input. Must not let a query rewrite
//! `Cargo.lock` (only a caller that builds anyway sets [`LoadOptions::update_lock`]).

mod build;
mod discover;
mod features;
mod load;
mod locate;
mod query;
mod reduce;
mod render;
mod select;

use std::collections::HashMap;

use camino::{Utf8Path, Utf8PathBuf};
use petgraph::graph::DiGraph;
use serde::{Deserialize, Serialize};

pub use features::{FeatureEdge, FeatureModel, FeatureNode};
pub use load::{LoadOptions, load};
pub use locate::{WorkspaceRoot, locate};
pub use reduce::implied_edges;
pub use render::{DotStyle, Format, render};

/// Index of a package in [`Workspace::packages`]; also its node index in the graph.
pub type PkgIx = usize;

/// A Cargo workspace: its members and the dependency edges between them.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The directory holding the workspace's root `Cargo.toml`.
    pub root: Utf8PathBuf,
    /// Cargo's target directory for this workspace.
    pub target_dir: Utf8PathBuf,
    /// Members, sorted by name. A package's position is its [`PkgIx`].
    pub packages: Vec<Package>,
    /// Names the snapshot this workspace was loaded from (empty when built otherwise): the
    /// [`Workspace::feature_model`] kept beside it is valid only for the same id.
    pub model_id: String,
    graph: DiGraph<(), Dep>,
    by_dir: HashMap<Utf8PathBuf, PkgIx>,
}

/// One workspace member.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Package {
    /// Package name as in its manifest.
    pub name: String,
    /// Package version.
    pub version: String,
    /// The Rust edition it is written in (`2021`, `2024`, ...).
    #[serde(default)]
    pub edition: String,
    /// Absolute path of its `Cargo.toml`.
    pub manifest_path: Utf8PathBuf,
    /// The directory holding its manifest.
    pub dir: Utf8PathBuf,
    /// Its targets (lib, bins, tests, benches, examples, build script).
    pub targets: Vec<Target>,
    /// External (non-member) packages it reaches through external packages only,
    /// as resolved in `Cargo.lock`, sorted. Member-to-member reach is in the graph.
    pub external_deps: Vec<ExternalDep>,
    /// The manifest's `[package.metadata]` table (JSON `null` when absent).
    pub metadata: serde_json::Value,
    /// The `CARGO_PKG_*` variables cargo gives the package's test processes (version parts,
    /// authors, description, license, ...), as `cargo metadata` reports the manifest.
    #[serde(default)]
    pub cargo_pkg_env: std::collections::BTreeMap<String, String>,
    /// The manifest's `[features]` table, plus cargo's implicit feature of each optional
    /// dependency not named with `dep:` (as `cargo metadata` reports it). No serde default: a
    /// snapshot written before the field existed does not read, and is a miss.
    pub features: std::collections::BTreeMap<String, Vec<String>>,
}

/// One build target of a package.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Target {
    /// Target name.
    pub name: String,
    /// Kinds as cargo spells them: `lib`, `bin`, `test`, `bench`, `example`, `custom-build`, ...
    pub kinds: Vec<String>,
    /// Path of its root source file.
    pub src_path: Utf8PathBuf,
    /// `doctest` as the manifest sets it (`[lib] doctest = false` turns doc tests off for
    /// `cargo test`). No serde default: a snapshot written before the field existed does not
    /// read, and is a miss.
    pub doctest: bool,
    /// `test` as the manifest sets it (`test = false`: `cargo test` builds no test harness of
    /// this target).
    pub test: bool,
}

/// Every crate type of a library target, as cargo spells target kinds.
const LIBRARY_KINDS: &[&str] = &["lib", "rlib", "dylib", "cdylib", "staticlib", "proc-macro"];

/// Whether a target kind (as in `cargo metadata` and cargo's JSON messages) is a library: any
/// crate type, `proc-macro` included. The one answer to "is this a library" in ratchet.
pub fn is_library_kind(kind: &str) -> bool {
    LIBRARY_KINDS.contains(&kind)
}

impl Target {
    /// Whether this is the package's library (any crate type, `proc-macro` included).
    pub fn is_library(&self) -> bool {
        self.kinds.iter().any(|k| is_library_kind(k))
    }

    /// Whether `cargo test` runs this target's doc tests: a library that Rust code can link
    /// (`lib`, `rlib` or `proc-macro`; rustdoc cannot test a `cdylib`, `staticlib` or `dylib`
    /// alone) and whose manifest does not set `doctest = false`.
    pub fn runs_doc_tests(&self) -> bool {
        self.doctest
            && self
                .kinds
                .iter()
                .any(|k| matches!(k.as_str(), "lib" | "rlib" | "proc-macro"))
    }
}

/// A resolved external dependency, as `Cargo.lock` names it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ExternalDep {
    /// Crate name.
    pub name: String,
    /// Exact resolved version.
    pub version: String,
    /// Source (`registry+...`, `git+...`); `None` for path packages outside the workspace.
    pub source: Option<String>,
    /// For a path package outside the workspace (no `source`), its directory: its files are
    /// inputs of every member that uses it, and its manifest is part of the snapshot key.
    #[serde(default)]
    pub path: Option<Utf8PathBuf>,
}

/// The kind of a dependency edge, as in the manifest section that declares it.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum DepKind {
    /// `[dependencies]`
    Normal,
    /// `[build-dependencies]`
    Build,
    /// `[dev-dependencies]`
    Dev,
}

impl DepKind {
    /// The manifest spelling: `normal`, `build` or `dev`.
    pub fn as_str(self) -> &'static str {
        match self {
            DepKind::Normal => "normal",
            DepKind::Build => "build",
            DepKind::Dev => "dev",
        }
    }
}

impl From<DepKind> for ratchet_events::graph::EdgeKind {
    fn from(kind: DepKind) -> Self {
        match kind {
            DepKind::Normal => Self::Normal,
            DepKind::Build => Self::Build,
            DepKind::Dev => Self::Dev,
        }
    }
}

/// An edge from a dependent to a dependency, both workspace members.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Dep {
    /// Which manifest section declares it.
    pub kind: DepKind,
    /// Declared `optional = true`.
    pub optional: bool,
    /// A `[target.'cfg(..)'.dependencies]` platform, when there is one.
    pub target: Option<String>,
    /// The name it is imported under when renamed (`foo = { package = "bar" }`).
    pub rename: Option<String>,
    /// The features the edge turns on (`features = [...]`).
    pub features: Vec<String>,
    /// Whether the edge turns on the dependency's default features (`default-features`).
    pub default_features: bool,
}

/// Errors while locating or loading a workspace.
#[derive(Debug, thiserror::Error)]
pub enum GraphError {
    /// No `Cargo.toml` where one was expected.
    #[error("no Cargo.toml at {0}: pass --manifest-path, or run inside a Cargo workspace")]
    NoManifest(Utf8PathBuf),
    /// A path that is not UTF-8.
    #[error("path is not valid UTF-8: {0}")]
    NonUtf8Path(String),
    /// Reading a file failed.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file concerned.
        path: Utf8PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A manifest that is not valid TOML.
    #[error("{path} is not valid TOML: {message}")]
    BadManifest {
        /// The manifest concerned.
        path: Utf8PathBuf,
        /// The parser's message.
        message: String,
    },
    /// `cargo metadata` could not run or failed; its stderr is kept.
    #[error("cargo metadata failed for {manifest}:\n{stderr}")]
    Metadata {
        /// The manifest cargo was pointed at.
        manifest: Utf8PathBuf,
        /// Cargo's own message.
        stderr: String,
    },
    /// `Cargo.lock` does not match the manifests, and the caller must not rewrite it.
    #[error(
        "{lockfile} is out of date with the manifests, and this command only reads it: run \
         `cargo update --workspace` (which adds what the manifests need and upgrades nothing) \
         or any cargo build, then run it again"
    )]
    LockOutOfDate {
        /// The lockfile.
        lockfile: Utf8PathBuf,
    },
    /// A package name that is not a member of the workspace.
    #[error("no package named `{name}` in this workspace{}", did_you_mean(.suggestion))]
    UnknownPackage {
        /// The name asked for.
        name: String,
        /// The closest member name, if any is close.
        suggestion: Option<String>,
    },
    /// A package spec (`-p`, `--exclude`) that is not a name, `name@version` or a glob.
    #[error("package spec `{spec}`: {message}")]
    BadSpec {
        /// The spec as given.
        spec: String,
        /// What is wrong with it.
        message: String,
    },
}

fn did_you_mean(suggestion: &Option<String>) -> String {
    match suggestion {
        Some(s) => format!(" (did you mean `{s}`?)"),
        None => String::new(),
    }
}

impl Workspace {
    /// A workspace from its parts: `packages` sorted by name, `edges` as `(dependent,
    /// dependency, edge)` by index. For callers that build one without cargo (unit tests).
    pub fn from_parts(
        root: Utf8PathBuf,
        target_dir: Utf8PathBuf,
        packages: Vec<Package>,
        edges: Vec<(PkgIx, PkgIx, Dep)>,
    ) -> Workspace {
        build::with_edges(root, target_dir, packages, edges)
    }

    /// The directory ratchet keeps its state in: `<target>/ratchet`.
    pub fn state_dir(&self) -> Utf8PathBuf {
        self.target_dir.join(ratchet_store::state::DIR)
    }

    /// The package with this exact name.
    pub fn find(&self, name: &str) -> Option<PkgIx> {
        self.packages
            .binary_search_by(|p| p.name.as_str().cmp(name))
            .ok()
    }

    /// Like [`Workspace::find`], but an unknown name is an error that suggests the closest name.
    pub fn require(&self, name: &str) -> Result<PkgIx, GraphError> {
        self.find(name).ok_or_else(|| GraphError::UnknownPackage {
            name: name.to_string(),
            suggestion: self.closest_name(name),
        })
    }

    fn closest_name(&self, name: &str) -> Option<String> {
        self.packages
            .iter()
            .map(|p| (strsim::jaro_winkler(name, &p.name), &p.name))
            .filter(|(score, _)| *score > 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, n)| n.clone())
    }

    /// The package at `ix`.
    pub fn package(&self, ix: PkgIx) -> &Package {
        &self.packages[ix]
    }

    /// The workspace member that owns `path`: the one whose directory is the longest prefix.
    /// `path` may be absolute or relative to the workspace root.
    pub fn owner_of(&self, path: &Utf8Path) -> Option<PkgIx> {
        let absolute;
        let path = if path.is_absolute() {
            path
        } else {
            absolute = self.root.join(path);
            &absolute
        };
        path.ancestors()
            .find_map(|dir| self.by_dir.get(dir).copied())
    }
}
