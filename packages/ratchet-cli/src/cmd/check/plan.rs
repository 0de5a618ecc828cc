//! The plan of a run: for each enabled step, which selected packages have no cached pass.

use std::collections::{BTreeMap, BTreeSet};

use ratchet_cache::{PackagePasses, VerdictCache, VerdictKey};
use ratchet_events::VERSION;
use ratchet_events::check as ev;
use ratchet_run::{Runner, Step};

use super::record::StepKeys;

/// The tool's identity in verdict keys: a new ratchet never trusts an old one's passes.
pub const TOOL_VERSION: &str = concat!("ratchet ", env!("CARGO_PKG_VERSION"));

/// One step of the plan.
pub struct Planned {
    /// The step.
    pub step: Step,
    /// What identifies the step's configuration in verdict keys.
    pub config_key: String,
    /// Packages to run it on.
    pub run: Vec<String>,
    /// Packages with a cached pass.
    pub cached: Vec<String>,
}

/// Splits `selection` per enabled step into packages to run and packages with a cached pass
/// at their fingerprint for that step in `keys` (every package runs with `all`).
pub fn plan(
    runner: &Runner<'_>,
    cache: &VerdictCache,
    keys: &StepKeys,
    selection: &BTreeSet<String>,
    all: bool,
) -> Vec<Planned> {
    // Each package's passes are read once, whatever the number of steps.
    let passes: BTreeMap<&String, PackagePasses> = if all {
        BTreeMap::new()
    } else {
        selection.iter().map(|p| (p, cache.passes(p))).collect()
    };
    runner
        .config
        .enabled()
        .into_iter()
        .map(|step| {
            let config_key = runner.step_fingerprint(step);
            let fingerprints = keys.for_step(step);
            let (cached, run) = selection.iter().cloned().partition(|package| {
                let fingerprint = fingerprints.get(package);
                let known = passes.get(package);
                fingerprint.zip(known).is_some_and(|(fp, known)| {
                    known.contains(&VerdictKey::new(fp, step.name(), &config_key, TOOL_VERSION))
                })
            });
            Planned {
                step,
                config_key,
                run,
                cached,
            }
        })
        .collect()
}

/// The `plan` event.
pub fn plan_event(selection: &BTreeSet<String>, plan: &[Planned], dry_run: bool) -> ev::Plan {
    ev::Plan {
        version: VERSION,
        selection: selection.iter().cloned().collect(),
        steps: plan
            .iter()
            .map(|p| ev::PlannedStep {
                step: p.step.name().to_string(),
                run: p.run.clone(),
                cached: p.cached.clone(),
            })
            .collect(),
        dry_run,
    }
}
