//! Affected shards: splitting a selection of packages into N shards for N CI machines.
//!
//! Owns: the cost of a shard (a fixed cost, its packages' own times, and the builds of the
//! packages it needs from other shards: [`Costs`]), the partition (longest processing time
//! first, each package where its shard grows least, then moves and swaps out of the slowest
//! shard while they lower it; ties by name and by shard number, so the same input gives the
//! same shards on every machine), the estimate of each package's time (recorded build and
//! test times; source size, scaled by the recorded packages' time per byte, where nothing is
//! recorded), the `K/N` spelling of a shard, and the GitHub Actions `strategy.matrix` of a
//! partition.
//!
//! Must not: read files, run anything, or decide what is selected. Every package of the input
//! is in exactly one shard; a shard may be empty when there are fewer packages than shards.

mod estimate;
mod model;
mod search;

use std::collections::BTreeMap;

pub use estimate::{Estimate, Source, estimate, test_ms_by_package};
pub use model::Costs;

/// A package to place, with its predicted time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The package's name.
    pub name: String,
    /// Predicted time, in ms (or an arbitrary unit when nothing was ever recorded).
    pub weight: u64,
}

/// One shard of a partition.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Shard {
    /// 1-based shard number, as `--partition K/N` spells it.
    pub index: usize,
    /// Its packages, sorted by name.
    pub packages: Vec<String>,
    /// The sum of its packages' predicted times.
    pub predicted_ms: u64,
}

/// Shard `index` of `count`, as `--partition K/N` spells it (both 1-based, `K <= N`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partition {
    /// K, from 1.
    pub index: usize,
    /// N, at least 1.
    pub count: usize,
}

/// A `K/N` that is not one.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ShardError {
    /// Not two numbers around a slash, or out of range.
    #[error(
        "--partition {0}: expected K/N with 1 <= K <= N (e.g. 2/4 is the second of four shards)"
    )]
    BadPartition(String),
    /// Zero shards asked for.
    #[error("--shards 0: the number of shards must be at least 1")]
    NoShards,
}

impl std::str::FromStr for Partition {
    type Err = ShardError;

    fn from_str(text: &str) -> Result<Partition, ShardError> {
        let bad = || ShardError::BadPartition(text.to_string());
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let index: usize = k.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Partition { index, count })
    }
}

impl std::fmt::Display for Partition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// Splits `jobs` into `count` shards by their own times alone (see [`split`]).
pub fn partition(jobs: &[Job], count: usize) -> Result<Vec<Shard>, ShardError> {
    split(&Costs::of_jobs(jobs), count)
}

/// Splits the packages of `costs` into `count` shards: longest processing time first, then
/// moves and swaps out of the slowest shard while they lower it. A shard's predicted time is
/// the fixed cost, its packages' own times, and the packages it needs from other shards.
/// Deterministic: the order of the jobs does not matter (ties go by name, then to the lowest
/// shard number).
pub fn split(costs: &Costs, count: usize) -> Result<Vec<Shard>, ShardError> {
    if count == 0 {
        return Err(ShardError::NoShards);
    }
    let indexed = model::Indexed::new(costs);
    let mut loads = search::place(&indexed, count);
    search::improve(&indexed, &mut loads);
    Ok(loads
        .iter()
        .enumerate()
        .map(|(ix, load)| Shard {
            index: ix + 1,
            // Package numbers follow the sorted names: the members come out sorted.
            packages: load
                .members()
                .into_iter()
                .map(|p| indexed.names[p].to_string())
                .collect(),
            predicted_ms: load.cost(&indexed),
        })
        .collect())
}

/// The packages of shard `which` of `jobs`, split by their own times alone.
pub fn shard_of(jobs: &[Job], which: Partition) -> Result<Vec<String>, ShardError> {
    shard_of_costs(&Costs::of_jobs(jobs), which)
}

/// The packages of shard `which` of the split of `costs`.
pub fn shard_of_costs(costs: &Costs, which: Partition) -> Result<Vec<String>, ShardError> {
    let mut shards = split(costs, which.count)?;
    Ok(std::mem::take(&mut shards[which.index - 1].packages))
}

/// A GitHub Actions `strategy.matrix`: one `include` entry per non-empty shard, with its
/// `partition` (`K/N`), its packages (space-separated, and as `-p` flags) and its predicted time.
pub fn github_matrix(shards: &[Shard]) -> serde_json::Value {
    let count = shards.len();
    let include: Vec<serde_json::Value> = shards
        .iter()
        .filter(|s| !s.packages.is_empty())
        .map(|s| {
            let flags: Vec<String> = s.packages.iter().map(|p| format!("-p {p}")).collect();
            serde_json::json!({
                "shard": s.index,
                "partition": format!("{}/{count}", s.index),
                "packages": s.packages.join(" "),
                "package-args": flags.join(" "),
                "predicted-ms": s.predicted_ms,
            })
        })
        .collect();
    serde_json::json!({ "include": include })
}

/// How far the slowest shard is above the mean: `max / mean` (1.0 is perfect; 1.0 when every
/// shard is empty).
pub fn imbalance(times_ms: &[u64]) -> f64 {
    let total: u64 = times_ms.iter().sum();
    let max = times_ms.iter().copied().max().unwrap_or(0);
    if total == 0 {
        return 1.0;
    }
    max as f64 / (total as f64 / times_ms.len() as f64)
}

/// Every package's shard number, for checking a partition.
pub fn assignment(shards: &[Shard]) -> BTreeMap<&str, usize> {
    shards
        .iter()
        .flat_map(|s| s.packages.iter().map(move |p| (p.as_str(), s.index)))
        .collect()
}

#[cfg(test)]
mod tests;
