//! What ratchet gives a CI system, beside the verdicts themselves.
//!
//! Owns: the `check` flags `--partition K/N` and `--junit PATH` (the `[check] junit` key is
//! read with the rest of `[check]` by ratchet-check); the affected shards of `plan --shards N` (predicted times from what `check`
//! recorded, through `ratchet-shard`, re-exported here as [`shard`]) and their GitHub Actions
//! matrix; and, from `check`'s own events ([`Sink`]), a JUnit XML file, a GitHub `::error`
//! annotation for every compile error, lint, format difference and failing test (paths
//! relative to the git repository's top, which may sit above the workspace), and a Markdown
//! summary appended to `$GITHUB_STEP_SUMMARY`; and where the rules and budget gates'
//! annotations point (the repository's top, not the workspace's).
//!
//! Must not: run cargo, decide a verdict, or print the events themselves: it only renders what
//! `check` already decided. A file it cannot write is an error for the caller, never a silent
//! gap (a stale JUnit file would show an old result).

mod config;
mod gates;
mod github;
mod junit;
mod record;
mod shards;
mod sink;
mod summary;

pub use config::CheckArgs;
pub use gates::{append_step_summary, budget_github, repo_root};
pub use github::{Annotation, escape_data, escape_property, repo_prefix};
pub use junit::junit_xml;
pub use ratchet_shard as shard;
pub use record::{Outcome, Record};
pub use shards::{
    PlanArgs, Prediction, SHARD_FIXED_MS, SHARD_PER_DEPENDENCY_MS, SHARD_PER_PACKAGE_MS, ShardPlan,
    estimate, partition_selection, render, shard_plan,
};
pub use sink::Sink;
pub use summary::step_summary;

/// What can go wrong in this package.
#[derive(Debug, thiserror::Error)]
pub enum CiError {
    /// A bad `--partition` or `--shards`.
    #[error(transparent)]
    Shard(#[from] ratchet_shard::ShardError),
    /// The JUnit file or the step summary could not be written.
    #[error("could not write {path}: {source}")]
    Write {
        /// The file.
        path: camino::Utf8PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Source sizes could not be measured.
    #[error(transparent)]
    Budget(#[from] ratchet_budget::BudgetError),
    /// The shards' matrix did not have the protocol's shape (a bug: the message says where).
    #[error("the shards' matrix does not fit the shard_plan event: {0}")]
    Matrix(#[from] serde_json::Error),
}
