//! The NDJSON events of `check --message-format json` (and of `watch`, one run at a time).
//!
//! One JSON object per line, each with an `event` tag and [`crate::VERSION`] as `version`.
//! A run prints one `plan`; `step_started` for each step that runs, in plan order; each
//! step's `diagnostic`, `test_failure` and (`-v` only) `test_result` events, then its
//! `step_finished` (`fmt` runs beside
//! the compiling steps, so its events may interleave with theirs: every event names its step);
//! finally one `summary`. See `docs/check.md`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `check`'s stream is the one protocol: rules and budget events come in it too.
pub use crate::Event as CheckEvent;

/// A step of `check`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// `cargo fmt --check`.
    Fmt,
    /// `cargo clippy` (or `cargo check`), built once with the test step.
    Lint,
    /// The test binaries.
    Test,
    /// `cargo test --doc`.
    Doc,
}

impl Step {
    /// The step's name, as in the JSON (`fmt`, `lint`, `test`, `doc`).
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Fmt => "fmt",
            Step::Lint => "lint",
            Step::Test => "test",
            Step::Doc => "doc",
        }
    }
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a step ended over its packages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every package passed.
    Pass,
    /// At least one package failed.
    Fail,
}

/// The level of a diagnostic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// An error (rustc's internal compiler errors too).
    Error,
    /// A warning (reported only when it fails the step, as under `-D warnings`).
    Warning,
}

/// A cached pass that failed when `check --verify` ran its step again; the pass is dropped.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct NonHermetic {
    /// Always [`crate::VERSION`].
    pub version: u32,
    /// The step.
    pub step: Step,
    /// The package.
    pub package: String,
    /// Inputs on record that differ from when the pass was recorded (empty when ratchet
    /// cannot tell: the key matched, so everything it fingerprints is the same).
    pub differing_inputs: Vec<String>,
    /// What to do about it.
    pub message: String,
}

/// The plan of a run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct Plan {
    /// Always [`crate::VERSION`].
    pub version: u32,
    /// How many packages are selected (by flags, `--since`, or all members).
    pub selected: usize,
    /// With `-v`: the packages selected, sorted (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selection: Option<Vec<String>>,
    /// Enabled steps in run order.
    pub steps: Vec<PlannedStep>,
    /// `--dry-run`: nothing will run.
    pub dry_run: bool,
}

/// One step of the plan.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct PlannedStep {
    /// The step.
    pub step: Step,
    /// Packages it will run on (no cached pass at their current fingerprint, or `--force`).
    pub run: Vec<String>,
    /// How many packages are skipped because a pass is cached.
    pub cached: usize,
    /// With `-v`: the packages skipped because a pass is cached (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cached_packages: Option<Vec<String>>,
    /// Packages of `run` that have a cached pass and run again because of `check --verify`
    /// (absent when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub verifying: Vec<String>,
}

/// A step begins.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct StepStarted {
    /// Always [`crate::VERSION`].
    pub version: u32,
    /// The step.
    pub step: Step,
    /// Packages it runs on.
    pub packages: Vec<String>,
}

/// A step ended.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct StepFinished {
    /// Always [`crate::VERSION`].
    pub version: u32,
    /// The step.
    pub step: Step,
    /// `pass` when every package passed, else `fail`.
    pub verdict: Verdict,
    /// Packages that passed.
    pub passed: Vec<String>,
    /// Packages that failed.
    pub failed: Vec<String>,
    /// Packages that passed but whose files changed while the step ran: not cached.
    pub changed_during_run: Vec<String>,
    /// The commands that ran (cargo's, in ratchet's target directory).
    pub commands: Vec<String>,
    /// Wall time in ms.
    pub wall_ms: u64,
    /// Compilation units cargo built in this step.
    pub units_built: usize,
    /// Compilation units cargo found up to date.
    pub units_fresh: usize,
    /// The test step only: how busy the cores were while the test binaries ran (after cargo
    /// built them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_run: Option<TestRunUsage>,
    /// The test and doc steps: whether the files their tests read at run time were observed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observation: Option<Observation>,
    /// The test step, when observed: per package whose tests ran, the files and directories
    /// (ending with `/`; the root is `./`) under the workspace root, outside the target
    /// directory and `.git`, that its test processes opened, listed or looked up at run time,
    /// relative to the root.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub observed_reads: BTreeMap<String, Vec<String>>,
    /// The test and doc steps: how many tests ran (passed, failed or timed out), per package:
    /// the `test_result` events of the step that ran, counted.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tests_run: BTreeMap<String, usize>,
}

/// Whether a step's run-time reads were observed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Observation {
    /// Every test process of the step was observed.
    Observed,
    /// Not observed, for this reason (no C compiler, not Linux, nextest ran the tests, doc
    /// tests, a test binary that did not load the observer, ...).
    Unavailable {
        /// Why.
        reason: String,
    },
}

/// CPU use while a test step ran its binaries.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct TestRunUsage {
    /// Wall time from the first binary started to the last one finished, in ms.
    pub wall_ms: u64,
    /// User + system CPU time of the test processes, in ms.
    pub cpu_ms: u64,
    /// User + system CPU time of ratchet's own threads that started the test processes and
    /// read their output, in ms (work of the test phase too: a pool of short binaries spends
    /// a share of the cores starting them). 0 when nextest ran the tests (its time is in
    /// `cpu_ms`) or where the OS does not report a thread's time.
    #[serde(default)]
    pub runner_cpu_ms: u64,
    /// Cores available (the pool's size is at most this).
    pub cores: usize,
}

/// A message that failed a package.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct Diagnostic {
    /// Always [`crate::VERSION`].
    pub version: u32,
    /// The step.
    pub step: Step,
    /// The package it is attributed to.
    pub package: String,
    /// `error` or `warning` (warnings appear only when they fail the step).
    pub level: Level,
    /// File relative to the workspace root, when the message has one.
    pub file: Option<String>,
    /// 1-based line, when the message has one.
    pub line: Option<usize>,
    /// 1-based column (in characters), when the message has one.
    #[serde(default)]
    pub column: Option<usize>,
    /// rustc's error code (`E0308`) or the lint's name (`clippy::needless_return`), if any.
    #[serde(default)]
    pub code: Option<String>,
    /// One-line message.
    pub message: String,
    /// Full text as the tool rendered it.
    pub rendered: String,
    /// rustc's machine-applicable suggestions: applying every edit of one suggestion fixes
    /// the message without running cargo again. Empty when there is none.
    #[serde(default)]
    pub suggestions: Vec<Suggestion>,
    /// The command that reproduces the step on this package alone.
    pub command: String,
}

/// A failing test binary.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct TestFailure {
    /// Always [`crate::VERSION`].
    pub version: u32,
    /// `test` or `doc`.
    pub step: Step,
    /// The package.
    pub package: String,
    /// Test target name (`doc` for doc tests).
    pub binary: String,
    /// Names of the failing tests, when known.
    pub tests: Vec<String>,
    /// The failing part of the output.
    pub output: String,
    /// The command that reproduces the step on this package alone.
    pub command: String,
}

/// One test that ran.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct TestResult {
    /// Always [`crate::VERSION`].
    pub version: u32,
    /// `test` or `doc`.
    pub step: Step,
    /// The package.
    pub package: String,
    /// Test target name (`doc` for doc tests).
    pub binary: String,
    /// The test's name, as libtest and `--exact` spell it (`tests::works`).
    pub name: String,
    /// How it ended.
    pub status: TestStatus,
    /// Its own run time in ms, where the runner reports it (nextest; not libtest on stable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
}

/// How one test ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TestStatus {
    /// It passed.
    Passed,
    /// It failed.
    Failed,
    /// It was ignored (`#[ignore]`).
    Ignored,
    /// It ran past `[steps.test] timeout` and was killed (nextest).
    TimedOut,
    /// Its binary was killed ([`TestStatus::TimedOut`] under ratchet's pool: no test of it
    /// finished within the timeout) before it reported a result: it may not have started.
    NotFinished,
}

impl TestStatus {
    /// Whether it counts as a test that ran (`tests_run`): passed, failed or timed out.
    pub fn ran(self) -> bool {
        matches!(self, Self::Passed | Self::Failed | Self::TimedOut)
    }
}

/// The end of a run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct Summary {
    /// Always [`crate::VERSION`].
    pub version: u32,
    /// Package-steps that ran and passed.
    pub passed: usize,
    /// Package-steps that ran and failed.
    pub failed: usize,
    /// Package-steps skipped thanks to a cached pass.
    pub cached: usize,
    /// Packages with at least one failing step, sorted.
    pub failed_packages: Vec<String>,
    /// The run was interrupted (Ctrl-C).
    pub interrupted: bool,
    /// When interrupted: the test binaries (with their tests not finished) or tests still
    /// running at that moment.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub still_running: Vec<String>,
    /// Wall time of the whole run in ms.
    pub wall_ms: u64,
    /// The process's exit code.
    pub exit_code: u8,
}

/// A fix rustc is sure of (`MachineApplicable`): edits to apply together.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct Suggestion {
    /// What the fix does, as rustc says it (`remove this semicolon`, ...).
    pub message: String,
    /// The replacements, none overlapping.
    pub edits: Vec<Edit>,
}

/// Replace one span of a file with new text.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct Edit {
    /// File relative to the workspace root (absolute when outside it).
    pub file: String,
    /// Byte offset of the span's start in the file.
    pub byte_start: usize,
    /// Byte offset just past the span's end.
    pub byte_end: usize,
    /// 1-based line of the start.
    pub line_start: usize,
    /// 1-based line of the end.
    pub line_end: usize,
    /// 1-based column (characters) of the start.
    pub column_start: usize,
    /// 1-based column just past the end.
    pub column_end: usize,
    /// The text to put in place of the span (empty: delete it).
    pub replacement: String,
}
