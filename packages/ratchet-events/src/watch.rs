//! Events of `watch` in NDJSON mode (`--message-format json`, or stdout not a terminal): one
//! `watch_run` line after each run, following the events of the `check` run itself.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One run of `check` that `watch` started, and how it ended.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct WatchRun {
    /// Always [`crate::VERSION`].
    pub version: u32,
    /// Runs since `watch` started, counting from 1 (the run at start).
    pub run: u64,
    /// The changed paths that triggered it, relative to the workspace root (`/`-separated);
    /// empty for the run at start. A cancelled run's paths are carried into the next run.
    pub trigger: Vec<String>,
    /// The packages owning those paths.
    pub packages: Vec<String>,
    /// A global input changed (or events were lost): every package was possibly affected.
    pub global: bool,
    /// The packages given to `check` with `-p` (owners and their dependents); `null` when
    /// `check` ran on the whole workspace and its cache chose what to run.
    pub checked: Option<Vec<String>>,
    /// How the run ended.
    pub verdict: WatchVerdict,
    /// The exit code of `check`; `null` when it was cancelled or killed by a signal.
    pub exit_code: Option<i32>,
    /// Wall time from the start of the run to its end, in milliseconds.
    pub duration_ms: u64,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WatchVerdict {
    /// `check` exited 0.
    Passed,
    /// `check` exited 1: a step failed.
    Failed,
    /// `check` exited 3: a budget was exceeded.
    Budget,
    /// `check` could not run, exited 2 (usage or input error) or was killed by a signal.
    Error,
    /// A newer change arrived and the run was stopped.
    Cancelled,
}
