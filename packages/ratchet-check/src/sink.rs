//! Where the engine tells what happens while a plan runs; the command line renders it.

use ratchet_events::check as ev;
use ratchet_run::StepReport;

/// Receives what happens while the plan runs, from several threads at once.
pub trait Sink: Sync {
    /// The plan, before anything runs (also of a dry run).
    fn plan(&self, plan: ev::Plan) -> anyhow::Result<()>;

    /// A note for a person waiting (the run waits for another run's lock); not an event.
    fn note(&self, text: &str);

    /// A step begins on `packages`.
    fn step_started(&self, step: &str, packages: &[String]) -> anyhow::Result<()>;

    /// A step ended with `report`; `changed` passed but changed while it ran (not recorded).
    fn step_finished(&self, report: &StepReport, changed: &[String]) -> anyhow::Result<()>;

    /// A cached pass of `package` for `step` failed when `--verify` ran it again.
    fn non_hermetic(&self, step: &str, package: &str) -> anyhow::Result<()>;
}
