//! The `shard_plan` event of `plan --shards N`: the selection split into N shards for N CI
//! machines, their predicted times, and a ready GitHub Actions `strategy.matrix`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The shards of a selection, with where each prediction came from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct ShardPlan {
    /// Always [`crate::VERSION`].
    pub version: u32,
    /// The packages split, sorted.
    pub selection: Vec<String>,
    /// Whether predicted times are milliseconds (false: nothing was recorded yet, so they are
    /// source bytes and only their ratios mean something).
    pub predicted_in_ms: bool,
    /// The shards, in order.
    pub shards: Vec<Shard>,
    /// Per package: where its prediction comes from.
    pub sources: BTreeMap<String, PredictionSource>,
    /// A ready GitHub Actions `strategy.matrix` (non-empty shards only).
    pub matrix: Matrix,
}

/// One shard.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct Shard {
    /// 1-based shard number, as `--partition K/N` spells it.
    pub index: usize,
    /// Its packages, sorted by name.
    pub packages: Vec<String>,
    /// The sum of its packages' predicted times.
    pub predicted_ms: u64,
}

/// Where a package's predicted time comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PredictionSource {
    /// Build and test times an earlier `check` recorded.
    Recorded,
    /// Its source size, scaled by the recorded packages' time per byte.
    Size,
}

/// GitHub Actions' `strategy.matrix`: one `include` entry per non-empty shard. Its keys are
/// the workflow's matrix variables (`matrix.package-args`), spelled as GitHub workflows do.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct Matrix {
    /// The shards' entries.
    pub include: Vec<MatrixEntry>,
}

/// One shard as a matrix entry.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct MatrixEntry {
    /// The shard number (from 1).
    pub shard: usize,
    /// `K/N`, for `check --partition`.
    pub partition: String,
    /// Its packages, space-separated.
    pub packages: String,
    /// `-p A -p B`, for `check`.
    #[serde(rename = "package-args")]
    pub package_args: String,
    /// The shard's predicted time.
    #[serde(rename = "predicted-ms")]
    pub predicted_ms: u64,
}
