//! What a run leaves behind: passes (only for packages that held still, keyed by what they were
//! seen reading; keys from `key.rs`), no pass where a step failed.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

use ratchet_cache::{VerdictCache, VerdictKey};
use ratchet_fingerprint::{Fingerprints, InputsConfig, Recordable, RunStart};
use ratchet_graph::Workspace;
use ratchet_run::{Step, StepReport};

use super::key::StepKeys;
use super::plan::Planned;

/// Computes the fingerprints verdicts are keyed by, with the workspace's `[inputs]`.
pub struct Fingerprinter<'a> {
    workspace: &'a Workspace,
    inputs: InputsConfig,
    build: BTreeMap<String, String>,
    /// The passes recorded this run (package, step, step configuration).
    recorded: Mutex<Vec<(String, Step, String)>>,
}

impl<'a> Fingerprinter<'a> {
    /// With `inputs`, the `[inputs]` section of `ratchet.toml`.
    pub fn new(workspace: &'a Workspace, inputs: InputsConfig) -> Fingerprinter<'a> {
        Fingerprinter {
            workspace,
            inputs,
            build: BTreeMap::new(),
            recorded: Mutex::default(),
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

    /// Every package's fingerprints now, which the run is planned at.
    pub fn start(&self) -> anyhow::Result<RunStart> {
        Ok(RunStart::compute(self.workspace, &self.inputs)?)
    }

    /// The keys of every step's verdicts at `fingerprints`.
    pub fn keys_of(&self, fingerprints: &Fingerprints) -> StepKeys {
        StepKeys::of(fingerprints, &self.build)
    }

    /// The keys now (with every input learned so far) and the packages whose passes they
    /// may hold (see `ratchet_fingerprint::RunStart::recordable`).
    fn recordable(&self, start: &RunStart) -> anyhow::Result<(StepKeys, Recordable)> {
        let now = start.recordable(self.workspace, &self.inputs)?;
        Ok((self.keys_of(&now.fingerprints), now))
    }

    /// At the end of a run: the passes it recorded, keyed again by what later steps learned
    /// (the reads the tests were seen making join the key of the lint pass too), so that the
    /// next run finds them.
    pub fn rekey(&self, cache: &VerdictCache, start: &RunStart) -> anyhow::Result<()> {
        let recorded =
            std::mem::take(&mut *self.recorded.lock().unwrap_or_else(PoisonError::into_inner));
        let (after, now) = self.recordable(start)?;
        for (package, step, config) in recorded.iter().filter(|(p, ..)| now.held.contains(p)) {
            if let Some(key) = after
                .key(package, *step, config)
                .filter(|k| !cache.is_pass(package, k))
            {
                self.store(cache, &now, (package, *step, config), &key)?;
            }
        }
        Ok(())
    }

    /// Stores the pass of `package` for `step` (configured as `config`) under `key`, with
    /// the inputs it read, and remembers it for [`Fingerprinter::rekey`].
    fn store(
        &self,
        cache: &VerdictCache,
        now: &Recordable,
        (package, step, config): (&str, Step, &str),
        key: &VerdictKey,
    ) -> anyhow::Result<()> {
        cache.record_pass_with(package, key, step.name(), &now.learned(package))?;
        let mut recorded = self.recorded.lock().unwrap_or_else(PoisonError::into_inner);
        recorded.push((package.to_string(), step, config.to_string()));
        Ok(())
    }
}

/// What recording a step's verdicts found.
#[derive(Debug, Default)]
pub struct Recorded {
    /// Passed packages whose inputs changed while the step ran (not recorded).
    pub changed: Vec<String>,
    /// Packages `--verify` ran again that failed (their cached pass was not hermetic), with
    /// the inputs that differ from the pass's record (`None`: no record).
    pub non_hermetic: Vec<(String, Option<Vec<String>>)>,
    /// Passed packages cargo compiled (or a member they reach) with other features than they
    /// get alone (not recorded).
    pub other_features: Vec<String>,
}

/// Records the step's passes whose package did not change while it ran, under the key of what
/// it was seen reading (inputs it learned included, when they held still), and forgets the
/// stored pass of every package that failed (under the key of the content it failed at, and
/// of the content now, in case an edit during the step restored a passing content).
pub fn record_verdicts(
    fingerprinter: &Fingerprinter<'_>,
    cache: &VerdictCache,
    planned: &Planned,
    report: &StepReport,
    (before, start): (&StepKeys, &RunStart),
    other_features: &std::collections::BTreeSet<String>,
) -> anyhow::Result<Recorded> {
    let (after, now) = fingerprinter.recordable(start)?;
    let key = |keys: &StepKeys, package: &str| keys.key(package, planned.step, &planned.config_key);
    let mut recorded = Recorded::default();
    for (package, verdict) in &report.packages {
        let (then, after) = (key(before, package), key(&after, package));
        if !verdict.passed {
            if planned.verifying.contains(package) {
                let differing = then
                    .as_ref()
                    .and_then(|k| cache.differing_inputs(package, k, &now.learned(package)));
                recorded.non_hermetic.push((package.clone(), differing));
            }
            for key in then.iter().chain(after.iter()) {
                cache.remove_pass(package, key)?;
            }
            continue;
        }
        if other_features.contains(package) {
            recorded.other_features.push(package.clone());
            continue;
        }
        match after.filter(|_| now.held.contains(package)) {
            Some(key) => {
                let pass = (package.as_str(), planned.step, planned.config_key.as_str());
                fingerprinter.store(cache, &now, pass, &key)?;
            }
            None => recorded.changed.push(package.clone()),
        }
    }
    Ok(recorded)
}
