//! Affected shards of a real workspace: the predicted time of each selected package from what
//! `check` recorded, the partition, and `plan --shards N` as text or JSON.

use std::collections::{BTreeMap, BTreeSet};

use ratchet_graph::Workspace;
use ratchet_shard::{Costs, Estimate, Partition, Shard, Source};

use ratchet_events::plan::{self as ev, Matrix, PredictionSource};

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

/// The shards of a selection, with where each prediction came from: the `shard_plan` event.
pub use ratchet_events::plan::ShardPlan;

/// `plan --shards N` as one JSON event, or text for a person.
pub fn render(plan: &ShardPlan, json: bool) -> String {
    if json {
        let event = ratchet_events::Event::ShardPlan(plan.clone());
        return serde_json::to_string(&event).unwrap_or_default() + "\n";
    }
    let unit = |v: u64| match plan.predicted_in_ms {
        true => format!("{:.1}s", v as f64 / 1000.0),
        false => format!("{v} bytes of source"),
    };
    let mut text = String::new();
    for shard in &plan.shards {
        text.push_str(&format!(
            "shard {}/{}: {} package(s), predicted {}: {}\n",
            shard.index,
            plan.shards.len(),
            shard.packages.len(),
            unit(shard.predicted_ms),
            shard.packages.join(" ")
        ));
    }
    let sized = plan
        .sources
        .values()
        .filter(|s| **s == PredictionSource::Size)
        .count();
    if sized > 0 {
        text.push_str(&format!(
            "{sized} package(s) never timed: predicted from their source size\n"
        ));
    }
    let matrix = serde_json::to_string(&plan.matrix).unwrap_or_default();
    text.push_str(&format!("matrix: {matrix}\n"));
    text
}

/// What every shard pays whatever its packages, in ms: starting `check`, `cargo metadata`,
/// cargo's build plan, the test runner. With [`SHARD_PER_PACKAGE_MS`] and
/// [`SHARD_PER_DEPENDENCY_MS`], fitted to what 112 shards of the bench's generated workspaces
/// (24 and 60 packages) spent beyond their rustc calls and test binaries (84 ms, 34 ms per
/// package of the shard and 13 ms per package it built for them, give or take 70 ms:
/// docs/benchmarks.md, "Affected shards").
pub const SHARD_FIXED_MS: u64 = 80;

/// What every package adds to its shard beside its recorded rustc calls and test binaries, in
/// ms: rustfmt, rustdoc, cargo's work for its units, starting its test binaries.
pub const SHARD_PER_PACKAGE_MS: u64 = 35;

/// What building a package for another one of its shard costs beside its rustc calls, in ms
/// (cargo's work for the unit, running its build script, rustdoc's metadata build of it for
/// the doc step, which no recorded call holds).
pub const SHARD_PER_DEPENDENCY_MS: u64 = 15;

/// The predicted costs of `selection`: each package's own time (its recorded build CPU, every
/// rustc call `check` timed for it at the median of its last runs, plus its test binaries'
/// last run times; source bytes where nothing is recorded), what it costs a shard that only
/// needs it (its library, binary and build-script calls, at their medians too),
/// the packages of the selection each one needs built, and the fixed cost of a shard.
pub fn estimate(ws: &Workspace, selection: &BTreeSet<String>) -> Result<Prediction, CiError> {
    let mut recorded: BTreeMap<String, u64> = BTreeMap::new();
    let mut as_dependency: BTreeMap<String, u64> = BTreeMap::new();
    if let Some(costs) = ratchet_timing::read_costs(ws) {
        let history = ratchet_timing::History::read(ws.state_dir().as_std_path());
        for (name, cost) in costs.packages {
            // Each rustc call at the median of its last runs, not the last run alone.
            let cost = history.smoothed(&name, &cost);
            let build = ratchet_timing::build_cpu_ms(&cost);
            as_dependency.insert(name.clone(), build + SHARD_PER_DEPENDENCY_MS);
            recorded.insert(name, cost.cpu_ms);
        }
    }
    let durations: BTreeMap<String, u64> = ratchet_store::read_json(
        ws.state_dir()
            .join(ratchet_store::state::TEST_DURATIONS)
            .as_std_path(),
    )
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
    let estimate = ratchet_shard::estimate(&names, &recorded, &sizes);
    // Never timed: its whole predicted time, as a dependency too.
    for job in &estimate.jobs {
        if estimate.sources.get(&job.name) == Some(&Source::Size) {
            as_dependency.insert(job.name.clone(), job.weight);
        }
    }
    let costs = Costs {
        jobs: estimate.jobs.clone(),
        fixed_ms: if estimate.in_ms { SHARD_FIXED_MS } else { 0 },
        per_package_ms: if estimate.in_ms {
            SHARD_PER_PACKAGE_MS
        } else {
            0
        },
        needs: needs(ws, selection),
        as_dependency_ms: as_dependency,
    };
    Ok(Prediction { estimate, costs })
}

/// A selection's predicted costs, and where each package's time came from.
pub struct Prediction {
    /// Each package's own time and its source.
    pub estimate: Estimate,
    /// What the partition balances.
    pub costs: Costs,
}

/// For each selected package, the selected packages its build needs (`--all-targets`: its
/// dependencies of every kind, then theirs except dev-dependencies, optional ones only when a
/// feature turns them on), which a shard without them builds too.
/// They are the members ratchet-features resolves for the package checked alone (an
/// approximation of cargo, which unifies the features of the whole shard): a prediction,
/// never a verdict.
fn needs(ws: &Workspace, selection: &BTreeSet<String>) -> BTreeMap<String, BTreeSet<String>> {
    let packages: Vec<_> = selection.iter().filter_map(|name| ws.find(name)).collect();
    ratchet_features::members_built_alone(ws, &packages)
        .into_iter()
        .map(|(ix, built)| {
            let name = ws.package(ix).name.clone();
            let names: BTreeSet<String> = built
                .into_iter()
                .map(|d| ws.package(d).name.clone())
                .filter(|d| *d != name && selection.contains(d))
                .collect();
            (name, names)
        })
        .collect()
}

/// `plan --shards N`: `selection` split into `count` shards.
pub fn shard_plan(
    ws: &Workspace,
    selection: &BTreeSet<String>,
    count: usize,
) -> Result<ShardPlan, CiError> {
    let Prediction { estimate, costs } = estimate(ws, selection)?;
    let shards = ratchet_shard::split(&costs, count)?;
    let matrix: Matrix = serde_json::from_value(ratchet_shard::github_matrix(&shards))?;
    Ok(ShardPlan {
        version: ratchet_events::VERSION,
        selection: selection.iter().cloned().collect(),
        predicted_in_ms: estimate.in_ms,
        matrix,
        shards: shards.into_iter().map(shard_event).collect(),
        sources: estimate
            .sources
            .into_iter()
            .map(|(name, source)| (name, prediction_source(source)))
            .collect(),
    })
}

fn shard_event(shard: Shard) -> ev::Shard {
    ev::Shard {
        index: shard.index,
        packages: shard.packages,
        predicted_ms: shard.predicted_ms,
    }
}

fn prediction_source(source: Source) -> PredictionSource {
    match source {
        Source::Recorded => PredictionSource::Recorded,
        Source::Size => PredictionSource::Size,
    }
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
    let costs = estimate(ws, &selection)?.costs;
    Ok(ratchet_shard::shard_of_costs(&costs, partition)?
        .into_iter()
        .collect())
}

#[cfg(test)]
#[path = "needs_tests.rs"]
mod needs_tests;
