//! What a run leaves behind: passes (only for packages that held still), build costs.

use std::collections::BTreeMap;

use ratchet_cache::{VerdictCache, VerdictKey};
use ratchet_fingerprint::{Fingerprints, InputsConfig};
use ratchet_graph::Workspace;
use ratchet_run::{Step, StepReport};

use super::plan::{Planned, TOOL_VERSION};

/// Computes the fingerprints verdicts are keyed by, with the workspace's `[inputs]`.
pub struct Fingerprinter<'a> {
    workspace: &'a Workspace,
    inputs: InputsConfig,
}

impl<'a> Fingerprinter<'a> {
    /// Reads `[inputs]` from `ratchet.toml`.
    pub fn new(workspace: &'a Workspace) -> anyhow::Result<Fingerprinter<'a>> {
        Ok(Fingerprinter {
            workspace,
            inputs: crate::cmd::hash::read_inputs(workspace)?,
        })
    }

    /// The `[inputs]` configuration (for `--since`).
    pub fn inputs(&self) -> &InputsConfig {
        &self.inputs
    }

    /// The keys of every step's verdicts, computed now.
    pub fn keys(&self) -> anyhow::Result<StepKeys> {
        Ok(StepKeys::of(&self.compute()?))
    }

    /// Every package's fingerprints, whole (see [`StepKeys`] and [`rust_files_of`]).
    pub fn compute(&self) -> anyhow::Result<Fingerprints> {
        Ok(ratchet_fingerprint::compute(self.workspace, &self.inputs)?)
    }

    /// After a run in which every package passed every step: records the current fingerprints
    /// as the baseline of `affected` (without `--since`), unless something changed since
    /// `before`. Returns whether it recorded.
    pub fn record_baseline(&self, before: &StepKeys) -> anyhow::Result<bool> {
        let now = ratchet_fingerprint::compute(self.workspace, &self.inputs)?;
        if full_of(&now) != before.full {
            return Ok(false);
        }
        ratchet_fingerprint::record(self.workspace, &now)?;
        Ok(true)
    }
}

/// Per package, the fingerprint a step's verdicts are keyed by: the full one (own files,
/// dependencies, global inputs) for the steps that compile, whose result depends on what the
/// package builds on; the own one (own files, global inputs) for fmt, which reads only the
/// package's files, so that an edit near the root of the graph does not re-format its
/// hundreds of dependents.
pub struct StepKeys {
    full: BTreeMap<String, String>,
    own: BTreeMap<String, String>,
}

impl StepKeys {
    /// The keys of `fingerprints`.
    pub fn of(fingerprints: &Fingerprints) -> StepKeys {
        StepKeys {
            full: full_of(fingerprints),
            own: fingerprints.own(),
        }
    }

    /// The fingerprints `step`'s verdicts are keyed by, by package name.
    pub fn for_step(&self, step: Step) -> &BTreeMap<String, String> {
        match step {
            Step::Fmt => &self.own,
            Step::Lint | Step::Test | Step::Doc => &self.full,
        }
    }
}

/// The content hash of every member's Rust file, by path relative to the workspace root.
pub fn rust_files_of(fingerprints: &Fingerprints) -> BTreeMap<String, String> {
    fingerprints
        .packages
        .values()
        .flat_map(|p| &p.files)
        .filter(|(path, _)| path.ends_with(".rs"))
        .map(|(path, hash)| (path.clone(), hash.clone()))
        .collect()
}

/// Each package's full fingerprint, by name.
fn full_of(fingerprints: &Fingerprints) -> BTreeMap<String, String> {
    fingerprints
        .packages
        .iter()
        .map(|(name, fp)| (name.clone(), fp.full.clone()))
        .collect()
}

/// Records the step's passes whose package did not change while it ran; returns those that did.
pub fn record_passes(
    fingerprinter: &Fingerprinter<'_>,
    cache: &VerdictCache,
    planned: &Planned,
    report: &StepReport,
    before: &StepKeys,
) -> anyhow::Result<Vec<String>> {
    let after = fingerprinter.keys()?;
    let (before, after) = (before.for_step(planned.step), after.for_step(planned.step));
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
                cache.record_pass(package, &key, planned.step.name())?;
            }
            _ => changed.push(package.clone()),
        }
    }
    Ok(changed)
}

/// Folds the wrapper's log and the artifacts of `reports` into `build-costs.json`.
pub fn write_build_costs(workspace: &Workspace, reports: &[StepReport], wall_ms: Option<u64>) {
    let state_dir = workspace.state_dir();
    let calls = ratchet_wrapper::take_calls(&state_dir);
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
    let costs = ratchet_wrapper::build_costs(previous, workspace, &calls, &artifacts, wall_ms);
    // Costs are a measurement, not a verdict: failing to store them must not fail the check.
    let _ = ratchet_store::write_json(path.as_std_path(), &costs);
}
