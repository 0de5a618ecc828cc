//! What a run leaves behind: passes (only for packages that held still), build costs.

use std::collections::BTreeMap;

use ratchet_cache::{VerdictCache, VerdictKey};
use ratchet_run::{Runner, StepReport};

use super::plan::{Planned, TOOL_VERSION};

/// The fingerprint verdicts are keyed by: each package's full fingerprint, by name.
pub fn fingerprints(
    workspace: &ratchet_graph::Workspace,
) -> anyhow::Result<BTreeMap<String, String>> {
    Ok(ratchet_run::interim_fingerprint::compute(workspace))
}

/// Records the step's passes whose package did not change while it ran; returns those that did.
pub fn record_passes(
    runner: &Runner<'_>,
    cache: &VerdictCache,
    planned: &Planned,
    report: &StepReport,
    before: &BTreeMap<String, String>,
) -> anyhow::Result<Vec<String>> {
    let after = fingerprints(runner.workspace)?;
    let mut changed = Vec::new();
    for package in report
        .packages
        .iter()
        .filter(|(_, v)| v.passed)
        .map(|(p, _)| p)
    {
        match (before.get(package), after.get(package)) {
            (Some(fp), Some(now)) if fp == now => {
                let key =
                    VerdictKey::new(fp, planned.step.name(), &planned.config_key, TOOL_VERSION);
                cache.record_pass(&key, package, planned.step.name())?;
            }
            _ => changed.push(package.clone()),
        }
    }
    Ok(changed)
}

/// Folds the wrapper's log and the artifacts of `reports` into `build-costs.json`.
pub fn write_build_costs(
    workspace: &ratchet_graph::Workspace,
    reports: &[StepReport],
    wall_ms: Option<u64>,
) {
    let state_dir = workspace.state_dir();
    let calls = ratchet_run::wrapper::take_calls(&state_dir);
    let mut artifacts = BTreeMap::new();
    for report in reports {
        for (package, files) in &report.artifacts {
            artifacts
                .entry(package.clone())
                .or_insert_with(BTreeMap::new)
                .extend(files.iter().map(|(p, s)| (p.clone(), *s)));
        }
    }
    if calls.is_empty() && artifacts.is_empty() {
        return;
    }
    let path = state_dir.join("build-costs.json");
    let previous = ratchet_store::read_json(path.as_std_path());
    let costs = ratchet_run::wrapper::build_costs(previous, workspace, &calls, &artifacts, wall_ms);
    // Costs are a measurement, not a verdict: failing to store them must not fail the check.
    let _ = ratchet_store::write_json(path.as_std_path(), &costs);
}
