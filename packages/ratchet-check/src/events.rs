//! What the engine tells its sink, as typed events (`ratchet_events::check`): the same events
//! the JSON stream carries, from which the command line also renders its text.

use ratchet_events::VERSION;
use ratchet_events::check::{self as ev, CheckEvent};
use ratchet_run::{ObservationStatus, Step, StepReport};

/// A step begins on `packages`.
pub fn step_started(step: Step, packages: &[String]) -> CheckEvent {
    CheckEvent::StepStarted(ev::StepStarted {
        version: VERSION,
        step: step.into(),
        packages: packages.to_vec(),
    })
}

/// A step ended: one event per problem of each failing package, then its verdicts.
/// `changed` passed but changed while the step ran (not recorded).
pub fn step_finished(report: &StepReport, changed: &[String]) -> Vec<CheckEvent> {
    let step = report.step;
    let mut events: Vec<CheckEvent> = report
        .packages
        .iter()
        .filter(|(_, verdict)| !verdict.passed)
        .flat_map(|(package, verdict)| {
            let reproduce = &verdict.reproduce;
            let problems = verdict.problems.iter();
            problems.map(move |problem| problem.to_event(step.into(), package, reproduce))
        })
        .collect();
    events.extend(report.tests.iter().cloned().map(CheckEvent::TestResult));
    let (passed, failed): (Vec<_>, Vec<_>) = report.packages.iter().partition(|(_, v)| v.passed);
    events.push(CheckEvent::StepFinished(ev::StepFinished {
        version: VERSION,
        step: step.into(),
        verdict: if failed.is_empty() {
            ev::Verdict::Pass
        } else {
            ev::Verdict::Fail
        },
        passed: passed.into_iter().map(|(p, _)| p.clone()).collect(),
        failed: failed.into_iter().map(|(p, _)| p.clone()).collect(),
        changed_during_run: changed.to_vec(),
        commands: report.commands.clone(),
        wall_ms: report.wall_ms,
        units_built: report.units_built,
        units_fresh: report.units_fresh,
        test_run: report.test_run,
        observation: report.observation.as_ref().map(observation_event),
        observed_reads: report
            .observed_reads
            .iter()
            .map(|(package, reads)| (package.clone(), reads.iter().cloned().collect()))
            .collect(),
        tests_run: report.tests_run.clone(),
    }));
    events
}

/// A cached pass of `package` for `step` failed when `--verify` ran it again; `differing`: the
/// inputs on the pass's record that differ now (`None`: no record).
pub fn non_hermetic(step: Step, package: &str, differing: Option<&[String]>) -> CheckEvent {
    CheckEvent::NonHermetic(ev::NonHermetic {
        version: VERSION,
        step: step.into(),
        package: package.to_string(),
        differing_inputs: differing.unwrap_or_default().to_vec(),
        message: ratchet_cache::non_hermetic_message(differing),
    })
}

fn observation_event(status: &ObservationStatus) -> ev::Observation {
    match status {
        ObservationStatus::Observed => ev::Observation::Observed,
        ObservationStatus::Unavailable(reason) => ev::Observation::Unavailable {
            reason: reason.clone(),
        },
    }
}
