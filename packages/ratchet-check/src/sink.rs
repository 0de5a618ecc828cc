//! Where the engine tells what happens: typed events (`ratchet_events::check`), the same the
//! JSON stream carries. The engine knows nothing about terminals; the command line renders.

use ratchet_events::check::CheckEvent;
use ratchet_run::{Step, StepReport};

use crate::events;

/// Receives what happens while the plan runs, from several threads at once.
pub trait Sink: Sync {
    /// One event, in the order the engine emits them (the plan first).
    fn event(&self, event: CheckEvent) -> anyhow::Result<()>;

    /// A note for a person (the run waits for another run's lock; a dry run's test runner);
    /// not an event.
    fn note(&self, text: &str);

    /// Whether lint and test come from one build in this run (told before the steps run).
    fn shared_build(&self, shared: bool) {
        let _ = shared;
    }

    /// A step begins on `packages`.
    fn step_started(&self, step: Step, packages: &[String]) -> anyhow::Result<()> {
        self.event(events::step_started(step, packages))
    }

    /// A step ended with `report`: its problems, then its verdicts; `changed` passed but
    /// changed while it ran (not recorded).
    fn step_finished(&self, report: &StepReport, changed: &[String]) -> anyhow::Result<()> {
        events::step_finished(report, changed)
            .into_iter()
            .try_for_each(|event| self.event(event))
    }

    /// A cached pass of `package` for `step` failed when `--verify` ran it again.
    /// `differing`: the inputs on the pass's record that differ now (`None`: no record).
    fn non_hermetic(
        &self,
        step: Step,
        package: &str,
        differing: Option<&[String]>,
    ) -> anyhow::Result<()> {
        self.event(events::non_hermetic(step, package, differing))
    }

    /// A line for a person (nothing in JSON): passes of `packages` for `step` were not
    /// recorded because cargo compiled them with other features than they get alone.
    fn other_features(&self, step: &str, packages: &[String]) {
        let _ = (step, packages);
    }
}
