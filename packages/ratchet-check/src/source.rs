//! Where the engine reads the fingerprints its keys are made of, behind one trait: the
//! workspace's files (`record::RunKeys`) in a run, a fake in the engine's unit tests.

use std::collections::{BTreeMap, BTreeSet};

use ratchet_run::Step;

use crate::key::StepKeys;

/// The keys after a step: what its passes are stored under, and which packages may have one.
#[derive(Debug, Clone, Default)]
pub struct Settled {
    /// The keys now, with every input learned so far (the tests' reads included).
    pub keys: StepKeys,
    /// Packages whose pass may be stored under `keys`: nothing known at the plan changed, and
    /// every input learned since held still.
    pub held: BTreeSet<String>,
    /// Each package's inputs beyond its own files now (path or `env:NAME` -> hash): the
    /// record a pass keeps, so that `--verify` can name what differs.
    pub learned: BTreeMap<String, BTreeMap<String, String>>,
}

impl Settled {
    /// `package`'s learned inputs (none when it has no record).
    pub fn learned(&self, package: &str) -> BTreeMap<String, String> {
        self.learned.get(package).cloned().unwrap_or_default()
    }
}

/// The keys of every step's verdicts: at the plan, and again after each step to see which
/// packages held still.
pub trait KeySource: Sync {
    /// The keys now (the plan is made at these).
    fn keys(&self) -> anyhow::Result<StepKeys>;

    /// The keys after a step, and which packages held still since the plan.
    fn settled(&self) -> anyhow::Result<Settled>;

    /// A pass of `package` for `step` (configured as `config`) was stored: the run keys it
    /// again at its end, with what later steps learned.
    fn stored(&self, package: &str, step: Step, config: &str) {
        let _ = (package, step, config);
    }
}
