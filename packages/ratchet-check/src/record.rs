//! What a run leaves behind: passes (only for packages that held still; keys from `key.rs`),
//! no pass where a step failed, build costs.

use std::collections::BTreeMap;

use ratchet_cache::VerdictCache;
use ratchet_fingerprint::{Fingerprints, InputsConfig};
use ratchet_graph::Workspace;
use ratchet_run::StepReport;

use super::key::StepKeys;
use super::plan::Planned;

/// Computes the fingerprints verdicts are keyed by, with the workspace's `[inputs]`.
pub struct Fingerprinter<'a> {
    workspace: &'a Workspace,
    inputs: InputsConfig,
    build: BTreeMap<String, String>,
}

impl<'a> Fingerprinter<'a> {
    /// With `inputs`, the `[inputs]` section of `ratchet.toml`.
    pub fn new(workspace: &'a Workspace, inputs: InputsConfig) -> Fingerprinter<'a> {
        Fingerprinter {
            workspace,
            inputs,
            build: BTreeMap::new(),
        }
    }

    /// Keys verdicts by each package's build configuration too (`ratchet_run::features::Plan::key`).
    pub fn with_build(mut self, plan: &ratchet_run::features::Plan, packages: &[String]) -> Self {
        self.build = packages.iter().map(|p| (p.clone(), plan.key(p))).collect();
        self
    }

    /// The `[inputs]` configuration (for `--since`).
    pub fn inputs(&self) -> &InputsConfig {
        &self.inputs
    }

    /// The keys of every step's verdicts, computed now.
    pub fn keys(&self) -> anyhow::Result<StepKeys> {
        Ok(self.keys_of(&self.compute()?))
    }

    /// The keys of every step's verdicts at `fingerprints`.
    pub fn keys_of(&self, fingerprints: &Fingerprints) -> StepKeys {
        StepKeys::of(fingerprints, &self.build)
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
        if !self.keys_of(&now).same_full(before) {
            return Ok(false);
        }
        ratchet_fingerprint::record(self.workspace, &now)?;
        Ok(true)
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

/// What recording a step's verdicts found.
#[derive(Debug, Default)]
pub struct Recorded {
    /// Passed packages whose inputs changed while the step ran (not recorded).
    pub changed: Vec<String>,
    /// Packages `--verify` ran again that failed: their cached pass was not hermetic.
    pub non_hermetic: Vec<String>,
    /// Passed packages cargo compiled (or a member they reach) with other features than they
    /// get alone (not recorded).
    pub other_features: Vec<String>,
}

/// Records the step's passes whose package did not change while it ran, and forgets the
/// stored pass of every package that failed (under the key of the content it failed at, and
/// of the content now, in case an edit during the step restored a passing content).
pub fn record_verdicts(
    fingerprinter: &Fingerprinter<'_>,
    cache: &VerdictCache,
    planned: &Planned,
    report: &StepReport,
    before: &StepKeys,
    other_features: &std::collections::BTreeSet<String>,
) -> anyhow::Result<Recorded> {
    let after = fingerprinter.keys()?;
    let key = |keys: &StepKeys, package: &str| keys.key(package, planned.step, &planned.config_key);
    let mut recorded = Recorded::default();
    for (package, verdict) in &report.packages {
        let (then, now) = (key(before, package), key(&after, package));
        if !verdict.passed {
            for key in then.iter().chain(now.iter()) {
                cache.remove_pass(package, key)?;
            }
            if planned.verifying.contains(package) {
                recorded.non_hermetic.push(package.clone());
            }
            continue;
        }
        if other_features.contains(package) {
            recorded.other_features.push(package.clone());
            continue;
        }
        match then.filter(|then| now.as_ref() == Some(then)) {
            Some(key) => cache.record_pass(package, &key, planned.step.name())?,
            None => recorded.changed.push(package.clone()),
        }
    }
    Ok(recorded)
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
