//! Events of `rules --message-format json` (and of the rules gate of `check`): one
//! `rule_violation` per finding, then one `rules_summary`, each a JSON object on its own line.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::graph::EdgeKind;

/// A rule of `[rules]` in `ratchet.toml`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// A dependency on a higher layer (`[rules.layers]`).
    Layer,
    /// A package in no layer.
    Unlayered,
    /// An edge a `[[rules.forbidden]]` entry names.
    Forbidden,
    /// A dependency on a private package (`[rules.private]`).
    Private,
    /// More direct workspace dependencies than `[rules.fan-out]` allows.
    FanOut,
    /// A library package nothing depends on (`[rules.unused]`).
    Unused,
    /// A dev-dependency that closes a cycle (`[rules.dev-cycles]`).
    DevCycle,
}

/// A violated architecture rule.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct RuleViolation {
    /// Always [`crate::VERSION`].
    pub version: u32,
    /// The rule violated.
    pub rule: Rule,
    /// The package whose manifest declares the offending dependency (or the package itself).
    pub package: String,
    /// The dependency, for edge rules (`package -> dependency`).
    pub dependency: Option<String>,
    /// Edge kinds involved.
    pub kinds: Vec<EdgeKind>,
    /// The manifest to edit, relative to the workspace root.
    pub manifest: String,
    /// The line in it, when found.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// The reason the configuration gives for the rule.
    pub reason: Option<String>,
    /// How to fix it.
    pub fix: String,
    /// For fan-out: the number of direct dependencies.
    pub count: Option<usize>,
    /// Accepted by the baseline: reported, but does not fail the gate.
    pub baselined: bool,
}

/// The end of a rules run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct RulesSummary {
    /// Always [`crate::VERSION`].
    pub version: u32,
    /// Violations not in the baseline (they fail the gate).
    pub new: usize,
    /// Violations the baseline accepts.
    pub baselined: usize,
    /// Baseline entries whose violation is gone.
    pub fixed: usize,
    /// Whether this run rewrote the baseline without the fixed entries.
    pub baseline_shrunk: bool,
    /// The baseline file, relative to the workspace root.
    pub baseline: String,
    /// `new == 0`.
    pub passed: bool,
}
