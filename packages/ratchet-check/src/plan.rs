//! The plan of a run: for each enabled step, which selected packages have no cached pass
//! (their keys come from `key.rs`), and which cached ones `--verify` runs again.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};

use ratchet_cache::{PackagePasses, VerdictCache};
use ratchet_events::VERSION;
use ratchet_events::check as ev;
use ratchet_run::Step;

use super::clock::Clock;
use super::key::StepKeys;
use super::steps::Steps;

/// One step of the plan.
#[derive(Clone)]
pub struct Planned {
    /// The step.
    pub step: Step,
    /// What identifies the step's configuration in verdict keys.
    pub config_key: String,
    /// Packages to run it on (including those in `verifying`).
    pub run: Vec<String>,
    /// Packages with a cached pass.
    pub cached: Vec<String>,
    /// Packages of `run` that have a cached pass, run again by `--verify`: a failure there
    /// means the pass was not hermetic.
    pub verifying: Vec<String>,
}

impl Planned {
    /// This step over the packages of `group` only (one cargo run of it).
    pub fn within(&self, group: &[String]) -> Planned {
        let keep =
            |list: &Vec<String>| list.iter().filter(|p| group.contains(p)).cloned().collect();
        Planned {
            run: keep(&self.run),
            verifying: keep(&self.verifying),
            ..self.clone()
        }
    }
}

/// What the plan does with cached passes.
#[derive(Debug, Clone, Copy)]
pub enum Reuse {
    /// Serve them, except a share `verify` (0 to 1) drawn from `seed`, run again.
    Cached {
        /// The share of cached package-steps to run again (1 with `--verify`).
        verify: f64,
        /// Fixes the draw of one run.
        seed: u64,
    },
    /// `--force`: run every package.
    Ignore,
}

impl Reuse {
    /// `--force`, or the cache with the share `verify` drawn from the clock.
    pub fn new(all: bool, verify: f64, clock: &dyn Clock) -> Reuse {
        let seed = clock.now().as_nanos() as u64;
        match all {
            true => Reuse::Ignore,
            false => Reuse::Cached { verify, seed },
        }
    }
}

/// Splits `selection` per enabled step into packages to run and packages with a cached pass
/// at their key in `keys`.
pub fn plan(
    runner: &impl Steps,
    cache: &VerdictCache,
    keys: &StepKeys,
    selection: &BTreeSet<String>,
    reuse: Reuse,
) -> Vec<Planned> {
    // Each package's passes are read once, whatever the number of steps.
    let passes: BTreeMap<&String, PackagePasses> = match reuse {
        Reuse::Ignore => BTreeMap::new(),
        Reuse::Cached { .. } => selection.iter().map(|p| (p, cache.passes(p))).collect(),
    };
    runner
        .enabled()
        .into_iter()
        .map(|step| {
            let config_key = runner.config_key(step);
            let (cached, mut run): (Vec<String>, Vec<String>) =
                selection.iter().cloned().partition(|package| {
                    let key = keys.key(package, step, &config_key);
                    let known = passes.get(package);
                    key.zip(known)
                        .is_some_and(|(key, known)| known.contains(&key))
                });
            let (verifying, cached): (Vec<String>, Vec<String>) = match reuse {
                Reuse::Cached { verify, seed } => {
                    let pick = verify_sample(verify, seed);
                    cached.into_iter().partition(|p| pick(p, step))
                }
                Reuse::Ignore => (Vec::new(), cached),
            };
            run.extend(verifying.iter().cloned());
            run.sort();
            Planned {
                step,
                config_key,
                run,
                cached,
                verifying,
            }
        })
        .collect()
}

/// The `[check]` section of `ratchet.toml`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CheckConfig {
    /// The share (0 to 1) of cached package-steps every run runs again, as `--verify` does
    /// for all of them: a backstop for passes that depend on unfingerprinted inputs.
    #[serde(default)]
    pub verify_sample: Option<f64>,
    /// Whose features are judged exactly: `"all"` (the default: members and external crates,
    /// as `cargo test -p X` alone resolves them) or `"members"` (external crates get the
    /// features every package of a cargo run asks of them together, as `cargo test
    /// --workspace` gives them; fewer cargo runs and builds, docs/check.md).
    #[serde(default)]
    pub features: Option<FeatureScope>,
    /// Where every `check` writes its JUnit XML report, relative to the workspace root
    /// (`--junit` wins; rendered by ratchet-ci).
    #[serde(default)]
    pub junit: Option<std::path::PathBuf>,
}

/// `[check] features`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FeatureScope {
    /// Members and external crates.
    All,
    /// Members only.
    Members,
}

impl CheckConfig {
    /// Whether external crates' features are judged as each package gets them alone.
    pub fn exact_external_features(&self) -> bool {
        self.features != Some(FeatureScope::Members)
    }
}

impl CheckConfig {
    /// The share of cached package-steps to verify: all with `--verify`, else the sample.
    pub fn verify_fraction(&self, verify_all: bool) -> anyhow::Result<f64> {
        match self.verify_sample {
            Some(share) if !(0.0..=1.0).contains(&share) => anyhow::bail!(
                "ratchet.toml: [check] verify-sample = {share}: must be between 0 and 1 (0.05 \
                 runs 5% of the cached package-steps again)"
            ),
            _ if verify_all => Ok(1.0),
            share => Ok(share.unwrap_or(0.0)),
        }
    }
}

/// Which cached package-steps `--verify` runs again: all, or each with probability
/// `fraction` (`[check] verify-sample`), drawn from `seed` so that one run's draw is fixed.
pub fn verify_sample(fraction: f64, seed: u64) -> impl Fn(&str, Step) -> bool {
    move |package: &str, step: Step| {
        if fraction >= 1.0 || fraction <= 0.0 {
            return fraction >= 1.0;
        }
        // SipHash with fixed keys: the same seed draws the same sample.
        let mut hasher = std::hash::DefaultHasher::new();
        (seed, package, step.name()).hash(&mut hasher);
        (hasher.finish() as f64) < fraction * (u64::MAX as f64)
    }
}

/// The `plan` event: counts, and with `verbose` the lists of selected and cached packages.
pub fn plan_event(selection: &BTreeSet<String>, plan: &[Planned], flags: (bool, bool)) -> ev::Plan {
    let (dry_run, verbose) = flags;
    ev::Plan {
        version: VERSION,
        selected: selection.len(),
        selection: verbose.then(|| selection.iter().cloned().collect()),
        steps: plan
            .iter()
            .map(|p| ev::PlannedStep {
                step: p.step.into(),
                run: p.run.clone(),
                cached: p.cached.len(),
                cached_packages: verbose.then(|| p.cached.clone()),
                verifying: p.verifying.clone(),
            })
            .collect(),
        dry_run,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_sample_takes_all_none_or_a_fixed_share_per_seed() {
        let names: Vec<String> = (0..400).map(|i| format!("p{i}")).collect();
        let count = |fraction, seed| {
            let pick = verify_sample(fraction, seed);
            names.iter().filter(|n| pick(n, Step::Test)).count()
        };
        assert_eq!(count(1.0, 7), 400);
        assert_eq!(count(0.0, 7), 0);
        let share = count(0.25, 7);
        assert!((50..150).contains(&share), "{share}");
        assert_eq!(share, count(0.25, 7), "one seed, one draw");
    }
}
