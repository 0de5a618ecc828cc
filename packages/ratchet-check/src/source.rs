//! Where the engine reads the fingerprints its keys are made of, behind one trait: the
//! workspace's files (`record::Fingerprinter`) in a run, a fake in the engine's unit tests.

use crate::key::StepKeys;

/// The keys of every step's verdicts, computed now (before a run, and again after each step
/// to see whether a package held still).
pub trait KeySource: Sync {
    /// The keys now.
    fn keys(&self) -> anyhow::Result<StepKeys>;
}
