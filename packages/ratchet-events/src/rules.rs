//! Events of `rules --message-format json` (and of the rules step of `check`): one
//! `rule_violation` per finding, then one `rules_summary`, each a JSON object on its own line.

use serde::{Deserialize, Serialize};

/// One line of the rules event stream, tagged by its `event` field.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum RulesEvent {
    /// `"event": "rule_violation"`
    RuleViolation(RuleViolation),
    /// `"event": "rules_summary"`
    RulesSummary(RulesSummary),
}

/// A violated architecture rule.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RuleViolation {
    /// Always [`crate::VERSION`].
    pub version: u32,
    /// `layer`, `unlayered`, `forbidden`, `private`, `fan-out`, `unused` or `dev-cycle`.
    pub rule: String,
    /// The package whose manifest declares the offending dependency (or the package itself).
    pub package: String,
    /// The dependency, for edge rules (`package -> dependency`).
    pub dependency: Option<String>,
    /// Edge kinds involved (`normal`, `build`, `dev`).
    pub kinds: Vec<String>,
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
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
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
