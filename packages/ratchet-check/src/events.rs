//! What the engine tells its sink, as typed events (`ratchet_events::check`): the same events
//! the JSON stream carries, from which the command line also renders its text.

use ratchet_events::VERSION;
use ratchet_events::check::{self as ev, CheckEvent};
use ratchet_run::{ObservationStatus, Problem, StepReport};

/// A step begins on `packages`.
pub fn step_started(step: &str, packages: &[String]) -> CheckEvent {
    CheckEvent::StepStarted(ev::StepStarted {
        version: VERSION,
        step: step.to_string(),
        packages: packages.to_vec(),
    })
}

/// A step ended: one event per problem of each failing package, then its verdicts.
/// `changed` passed but changed while the step ran (not recorded).
pub fn step_finished(report: &StepReport, changed: &[String]) -> Vec<CheckEvent> {
    let step = report.step.name();
    let mut events: Vec<CheckEvent> = report
        .packages
        .iter()
        .filter(|(_, verdict)| !verdict.passed)
        .flat_map(|(package, verdict)| {
            let reproduce = &verdict.reproduce;
            let problems = verdict.problems.iter();
            problems.map(move |problem| problem_event(step, package, reproduce, problem))
        })
        .collect();
    let (passed, failed): (Vec<_>, Vec<_>) = report.packages.iter().partition(|(_, v)| v.passed);
    events.push(CheckEvent::StepFinished(ev::StepFinished {
        version: VERSION,
        step: step.to_string(),
        verdict: if failed.is_empty() { "pass" } else { "fail" }.to_string(),
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
pub fn non_hermetic(step: &str, package: &str, differing: Option<&[String]>) -> CheckEvent {
    CheckEvent::NonHermetic(ev::NonHermetic {
        version: VERSION,
        step: step.to_string(),
        package: package.to_string(),
        differing_inputs: differing.unwrap_or_default().to_vec(),
        message: ratchet_cache::non_hermetic_message(differing),
    })
}

/// One problem of a failing package; `command` reproduces it (empty: the package was not run
/// because it or a dependency does not compile).
fn problem_event(step: &str, package: &str, command: &str, problem: &Problem) -> CheckEvent {
    let (step, package, command) = (step.to_string(), package.to_string(), command.to_string());
    match problem.clone() {
        Problem::Diagnostic {
            level,
            file,
            line,
            message,
            rendered,
            code: _,
        } => CheckEvent::Diagnostic(ev::Diagnostic {
            version: VERSION,
            step,
            package,
            level,
            file,
            line,
            message,
            rendered,
            command,
        }),
        Problem::TestFailure {
            binary,
            tests,
            output,
        } => CheckEvent::TestFailure(ev::TestFailure {
            version: VERSION,
            step,
            package,
            binary,
            tests,
            output,
            command,
        }),
        Problem::Other { text } => CheckEvent::Diagnostic(ev::Diagnostic {
            version: VERSION,
            step,
            package,
            level: "error".into(),
            file: None,
            line: None,
            message: text.lines().next().unwrap_or_default().to_string(),
            rendered: text,
            command,
        }),
    }
}

fn observation_event(status: &ObservationStatus) -> ev::Observation {
    match status {
        ObservationStatus::Observed => ev::Observation::Observed,
        ObservationStatus::Unavailable(reason) => ev::Observation::Unavailable {
            reason: reason.clone(),
        },
    }
}
