//! Where the engine tells what happens while a plan runs; the command line renders it.

/// What to say about a pass that failed when run again (see `ratchet_cache`).
pub use ratchet_cache::non_hermetic_message;
use ratchet_run::{Step, StepReport};

/// Receives what happens while the plan runs, from several threads at once.
pub trait Sink: Sync {
    /// A step begins on `packages`.
    fn step_started(&self, step: Step, packages: &[String]) -> anyhow::Result<()>;

    /// A step ended with `report`; `changed` passed but changed while it ran (not recorded).
    fn step_finished(&self, report: &StepReport, changed: &[String]) -> anyhow::Result<()>;

    /// A cached pass of `package` for `step` failed when `--verify` ran it again; `differing`:
    /// the inputs on the pass's record that differ now (`None`: no record).
    fn non_hermetic(
        &self,
        step: Step,
        package: &str,
        differing: Option<&[String]>,
    ) -> anyhow::Result<()>;

    /// A line for a person (nothing in JSON): passes of `packages` for `step` were not
    /// recorded because cargo compiled them with other features than they get alone.
    fn other_features(&self, step: &str, packages: &[String]) {
        let _ = (step, packages);
    }
}
