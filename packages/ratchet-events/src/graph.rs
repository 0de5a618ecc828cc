//! The JSON document printed by `graph --format json`, and the kinds of dependency edges that
//! other events name.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The kind of a dependency edge, as the manifest section that declares it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// `[dependencies]`.
    Normal,
    /// `[build-dependencies]`.
    Build,
    /// `[dev-dependencies]`.
    Dev,
}

/// The workspace's package graph (whole, or around one package with `--deps`/`--rdeps`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct Graph {
    /// Always [`crate::VERSION`].
    pub version: u32,
    /// The members shown.
    pub packages: Vec<GraphPackage>,
    /// Dependency edges between the members shown.
    pub edges: Vec<GraphEdge>,
}

/// A workspace member.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct GraphPackage {
    /// Its name.
    pub name: String,
    /// Its own version, from its manifest (not the protocol's).
    pub package_version: String,
    /// Its manifest, absolute.
    pub manifest_path: String,
    /// How many external (non-member) dependencies it declares.
    pub external_deps: usize,
}

/// `from` depends on `to`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct GraphEdge {
    /// The dependent.
    pub from: String,
    /// The dependency.
    pub to: String,
    /// The manifest section.
    pub kind: EdgeKind,
    /// Declared `optional = true`.
    pub optional: bool,
    /// A `[target.'cfg(..)'.dependencies]` platform, when there is one.
    pub target: Option<String>,
    /// The name it is imported under, when renamed (`package = "..."`).
    pub rename: Option<String>,
}
