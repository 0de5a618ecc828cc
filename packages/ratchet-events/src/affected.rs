//! The JSON documents printed by `affected --message-format json` (and with `--why PKG`).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::graph::EdgeKind;

/// What `affected` compares the workspace with.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// A git diff against the merge-base with a ref (`--since`).
    Since,
    /// The fingerprints recorded by the last green `check` (or `affected --record`).
    Fingerprint,
}

/// `affected --why PKG`: whether one package is affected, and the chain that explains it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct Why {
    /// Always [`crate::VERSION`].
    pub version: u32,
    /// The package asked about.
    pub package: String,
    /// What the change was measured against.
    pub mode: Mode,
    /// The merge-base commit, in `since` mode.
    pub base: Option<String>,
    /// The shortest chain from a change to this package; `null` when it is not affected.
    pub reason: Option<Reason>,
    /// The explanation as one sentence, as the human output prints it.
    pub message: String,
}

/// Which packages a change affects, and why.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct AffectedReport {
    /// Always [`crate::VERSION`].
    pub version: u32,
    /// What the change was measured against.
    pub mode: Mode,
    /// The merge-base commit the diff was taken from, in `since` mode.
    pub base: Option<String>,
    /// Changed files, relative to the workspace root, sorted.
    pub changed_files: Vec<String>,
    /// Packages whose build output may differ: owners of changed files and their reverse
    /// normal/build closure. Sorted by name.
    pub build_affected: Vec<String>,
    /// Packages to re-check and re-test: `build_affected` plus packages with a dev-dependency
    /// on one of them. Sorted by name.
    pub affected: Vec<String>,
    /// For every affected package, the shortest chain that explains it.
    pub reasons: BTreeMap<String, Reason>,
    /// Things the user should know (a shallow clone, a file no package owns, ...).
    pub warnings: Vec<String>,
    /// Changed files that no package owns and no `[inputs]` entry names: they affect nothing.
    #[serde(default)]
    pub unowned_files: Vec<String>,
}

/// Why one package is affected: a cause, then the dependency path from the package that the
/// cause touched to this one.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct Reason {
    /// What changed.
    pub cause: Cause,
    /// Package names from the directly changed package to this one (length 1 when this package
    /// itself changed). Each step is a dependency edge of kind `edge_kinds[i]`.
    pub path: Vec<String>,
    /// The kind of each edge along `path`; one shorter than `path`.
    pub edge_kinds: Vec<EdgeKind>,
}

/// The change at the start of a reason chain.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Cause {
    /// A file owned by the first package of the path changed.
    File {
        /// Path relative to the workspace root.
        path: String,
    },
    /// A global input changed (root manifest, `.cargo/`, toolchain, a configured file or
    /// environment variable), which affects every package.
    Global {
        /// What changed, such as `Cargo.toml`, `rustc -vV` or `env:RUSTFLAGS`.
        input: String,
    },
    /// `Cargo.lock` changed the resolved version of external packages this one uses.
    Lockfile {
        /// The external packages whose resolution changed, as `name version`.
        packages: Vec<String>,
    },
    /// The package is new since the last record, or its fingerprint changed for a reason
    /// no finer cause explains.
    Fingerprint {
        /// Human-readable detail.
        detail: String,
    },
}
