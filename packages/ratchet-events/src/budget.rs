//! Events of the budget gate (`budget gate --message-format json`, one object per line, and
//! `check --ci`) and the lines of the budget history file.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The unit of a measure, a ceiling or a tolerance.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Lines of Rust.
    Lines,
    /// Bytes.
    Bytes,
    /// Milliseconds.
    Ms,
}

/// How a measure stands against its ceiling.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Over the ceiling beyond tolerance: fails the gate.
    Over,
    /// Above the `near` share of the ceiling: a warning.
    Near,
}

/// A measure over or near its ceiling.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct BudgetFinding {
    /// Always [`crate::VERSION`].
    pub version: u32,
    /// `over` (fails the gate) or `near` (above the `near` share of the ceiling).
    pub status: Status,
    /// The package, or `None` for a workspace measure.
    pub package: Option<String>,
    /// The package's manifest (or `ratchet.toml`), relative to the workspace root.
    pub file: String,
    /// The measure, as its key is spelt in `ratchet.toml`: `lines`, `longest-file`, `source-bytes`, `artifact-bytes`,
    /// `build-cpu`, `total-build-cpu`, `critical-path`, `inner-loop`.
    pub measure: String,
    /// The unit of the numbers.
    pub unit: Unit,
    /// The ceiling.
    pub ceiling: u64,
    /// How far past the ceiling the measure may go before failing.
    pub tolerance: u64,
    /// The value measured (times: normalized to the reference machine).
    pub value: u64,
    /// For a re-measured time, every sample taken (normalized).
    pub samples: Vec<u64>,
    /// The `ratchet.toml` key that sets the ceiling (`None` for a built-in default).
    pub key: Option<String>,
    /// The step to take.
    pub remedy: String,
    /// Supporting facts: largest files, heaviest crates, the critical path, what grew.
    pub details: Vec<String>,
}

/// A ceiling raised since the base ref.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct BudgetLoosened {
    /// Always [`crate::VERSION`].
    pub version: u32,
    /// The key as written now (or as it was, when it was removed).
    pub key: String,
    /// The measure's key.
    pub measure: String,
    /// The package, for a package measure.
    pub package: Option<String>,
    /// The unit of the numbers.
    pub unit: Unit,
    /// The effective ceiling at the base ref (`None`: there was none); for a
    /// `budget.tolerance.*` key, the tolerance in the measure's unit.
    pub old: Option<u64>,
    /// The effective ceiling now (`None`: removed, so unlimited); for a `budget.tolerance.*`
    /// key, the tolerance.
    pub new: Option<u64>,
    /// Line of the key in `ratchet.toml`, when it exists.
    pub line: Option<usize>,
    /// The comment that explains it, when one was added with it.
    pub reason: Option<String>,
    /// Whether this fails the gate (`--forbid-loosen` and no reason).
    pub forbidden: bool,
}

/// A measure the gate could not take.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct BudgetSkipped {
    /// Always [`crate::VERSION`].
    pub version: u32,
    /// The measure's key.
    pub measure: String,
    /// Why, and how to make it measurable.
    pub reason: String,
}

/// A ceiling lowered by `tighten`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct BudgetTightened {
    /// Always [`crate::VERSION`].
    pub version: u32,
    /// The dotted key in `ratchet.toml`.
    pub key: String,
    /// The unit of the numbers.
    pub unit: Unit,
    /// The ceiling before.
    pub old: u64,
    /// The ceiling written.
    pub new: u64,
    /// The measure that allowed it (the largest one it governs).
    pub measured: u64,
}

/// Totals of a gate run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct BudgetSummary {
    /// Always [`crate::VERSION`].
    pub version: u32,
    /// Packages measured.
    pub packages: usize,
    /// Findings over their ceiling.
    pub over: usize,
    /// Findings near their ceiling.
    pub near: usize,
    /// Ceilings raised since the base ref.
    pub loosened: usize,
    /// Calibration compile CPU time in this run, when one ran.
    pub calibration_ms: Option<u64>,
    /// The exit code of the run: 0 or 3.
    pub exit_code: u8,
}

/// One line of `budget-history.jsonl`: every measure of one gate run.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct BudgetSnapshot {
    /// Always [`crate::measure::FILE_VERSION`] (a file format, not the event protocol).
    pub version: u32,
    /// Seconds since the Unix epoch.
    pub recorded_at: u64,
    /// `HEAD` when the gate ran in a git work tree.
    pub commit: Option<String>,
    /// Calibration compile CPU time in this run, when one ran.
    pub calibration_ms: Option<u64>,
    /// Per package, by name.
    pub packages: BTreeMap<String, PackageMeasures>,
    /// Sum of build CPU (normalized), when costs were recorded.
    pub total_build_cpu_ms: Option<u64>,
    /// Critical path (normalized), when costs were recorded.
    pub critical_path_ms: Option<u64>,
    /// The packages on the critical path, from a leaf dependency up.
    pub critical_path: Vec<String>,
    /// Wall time of the last full check.
    pub inner_loop_ms: Option<u64>,
    /// `recorded_at` of the build costs (`build-costs.json`) this run read, when it read any:
    /// runs that read the same costs saw the same builds, whatever their calibration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub costs_recorded_at: Option<u64>,
    /// Packages whose build CPU this run re-measured (their figure is not `check`'s).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remeasured: Vec<String>,
}

/// The measures of one package.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct PackageMeasures {
    /// Lines of Rust.
    pub lines: u64,
    /// Lines of the longest `.rs` file.
    pub longest_file: u64,
    /// Bytes of every file it owns.
    pub source_bytes: u64,
    /// Bytes of its artifacts, when costs were recorded.
    pub artifact_bytes: Option<u64>,
    /// Build CPU (normalized), when costs were recorded.
    pub build_cpu_ms: Option<u64>,
}
