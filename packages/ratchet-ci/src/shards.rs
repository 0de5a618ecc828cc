//! Affected shards of a real workspace: the predicted time of each selected package from what
//! `check` recorded, the partition, and `plan --shards N` as text or JSON.

use std::collections::{BTreeMap, BTreeSet};

use ratchet_graph::Workspace;
use ratchet_shard::{Estimate, Job, Partition, Shard, Source};

use crate::CiError;

/// Flags of `plan` that this package owns.
#[derive(Debug, Clone, clap::Args)]
pub struct PlanArgs {
    /// How many shards (CI machines) to split the selection into.
    #[arg(long, value_name = "N")]
    pub shards: usize,
    /// Only packages affected by the changes since the merge-base with REF.
    #[arg(long, value_name = "REF")]
    pub since: Option<String>,
}

/// The shards of a selection, with where each prediction came from.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ShardPlan {
    /// Always [`ratchet_events::VERSION`].
    pub version: u32,
    /// The packages split, sorted.
    pub selection: Vec<String>,
    /// Whether predicted times are milliseconds (false: nothing was recorded yet, so they are
    /// source bytes and only their ratios mean something).
    pub predicted_in_ms: bool,
    /// The shards, in order.
    pub shards: Vec<Shard>,
    /// Per package: `recorded` or `size`.
    pub sources: BTreeMap<String, Source>,
    /// A ready GitHub Actions `strategy.matrix` (non-empty shards only).
    pub matrix: serde_json::Value,
}

impl ShardPlan {
    /// One JSON document, or text for a person.
    pub fn render(&self, json: bool) -> String {
        if json {
            return serde_json::to_string(self).unwrap_or_default() + "\n";
        }
        let unit = |v: u64| match self.predicted_in_ms {
            true => format!("{:.1}s", v as f64 / 1000.0),
            false => format!("{v} bytes of source"),
        };
        let mut text = String::new();
        for shard in &self.shards {
            text.push_str(&format!(
                "shard {}/{}: {} package(s), predicted {}: {}\n",
                shard.index,
                self.shards.len(),
                shard.packages.len(),
                unit(shard.predicted_ms),
                shard.packages.join(" ")
            ));
        }
        let sized = self
            .sources
            .values()
            .filter(|s| **s == Source::Size)
            .count();
        if sized > 0 {
            text.push_str(&format!(
                "{sized} package(s) never timed: predicted from their source size\n"
            ));
        }
        text.push_str(&format!("matrix: {}\n", self.matrix));
        text
    }
}

/// The predicted times of `selection`: each package's recorded build CPU (every rustc call
/// `check` timed for it) plus its test binaries' last run times; source bytes where nothing
/// is recorded.
pub fn estimate(ws: &Workspace, selection: &BTreeSet<String>) -> Result<Estimate, CiError> {
    let mut recorded: BTreeMap<String, u64> = BTreeMap::new();
    if let Some(costs) = ratchet_timing::read_costs(ws) {
        for (name, cost) in costs.packages {
            recorded.insert(name, cost.cpu_ms);
        }
    }
    let durations: BTreeMap<String, u64> =
        ratchet_store::read_json(ws.state_dir().join("test-durations.json").as_std_path())
            .unwrap_or_default();
    for (name, ms) in ratchet_shard::test_ms_by_package(&durations) {
        *recorded.entry(name).or_default() += ms;
    }
    // Sizes (a walk that reads every file) only when some package was never timed.
    let mut sizes: BTreeMap<String, u64> = BTreeMap::new();
    if selection.iter().any(|name| !recorded.contains_key(name)) {
        let stats = ratchet_budget::measure_all(ws)?;
        sizes = ws
            .packages
            .iter()
            .zip(stats)
            .map(|(p, s)| (p.name.clone(), s.bytes))
            .collect();
    }
    let names: Vec<String> = selection.iter().cloned().collect();
    Ok(ratchet_shard::estimate(&names, &recorded, &sizes))
}

/// `plan --shards N`: `selection` split into `count` shards.
pub fn shard_plan(
    ws: &Workspace,
    selection: &BTreeSet<String>,
    count: usize,
) -> Result<ShardPlan, CiError> {
    let estimate = estimate(ws, selection)?;
    let shards = ratchet_shard::partition(&estimate.jobs, count)?;
    Ok(ShardPlan {
        version: ratchet_events::VERSION,
        selection: selection.iter().cloned().collect(),
        predicted_in_ms: estimate.in_ms,
        matrix: ratchet_shard::github_matrix(&shards),
        shards,
        sources: estimate.sources,
    })
}

/// `check --partition K/N`: the packages of `selection` in shard K (all of them without a
/// partition).
pub fn partition_selection(
    ws: &Workspace,
    selection: BTreeSet<String>,
    partition: Option<Partition>,
) -> Result<BTreeSet<String>, CiError> {
    let Some(partition) = partition else {
        return Ok(selection);
    };
    let jobs: Vec<Job> = estimate(ws, &selection)?.jobs;
    Ok(ratchet_shard::shard_of(&jobs, partition)?
        .into_iter()
        .collect())
}
