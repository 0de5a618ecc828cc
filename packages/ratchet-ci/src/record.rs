//! What a `check` run said, gathered from its events for the JUnit file and the step summary.

use std::collections::BTreeMap;

use ratchet_events::check::{self as ev, CheckEvent, Step};

/// A step's name as events and reports spell it.
pub fn name(step: Step) -> &'static str {
    match step {
        Step::Fmt => "fmt",
        Step::Lint => "lint",
        Step::Test => "test",
        Step::Doc => "doc",
    }
}

/// The events of one run that the reports need, in the order they came.
#[derive(Debug, Clone, Default)]
pub struct Record {
    /// The plan: selection, and per step what runs and what is served from the cache.
    pub plan: Option<ev::Plan>,
    /// Steps that ended, in order.
    pub finished: Vec<ev::StepFinished>,
    /// Compiler, clippy and rustfmt failures.
    pub diagnostics: Vec<ev::Diagnostic>,
    /// Failing test binaries.
    pub test_failures: Vec<ev::TestFailure>,
    /// Each test that ran, by name.
    pub tests: Vec<ev::TestResult>,
    /// The end of the run.
    pub summary: Option<ev::Summary>,
}

impl Record {
    /// Keeps what the reports need from `event`.
    pub fn observe(&mut self, event: &CheckEvent) {
        match event {
            CheckEvent::Plan(plan) => self.plan = Some(plan.clone()),
            CheckEvent::StepFinished(step) => self.finished.push(step.clone()),
            CheckEvent::Diagnostic(d) => self.diagnostics.push(d.clone()),
            CheckEvent::TestFailure(t) => self.test_failures.push(t.clone()),
            CheckEvent::TestResult(t) => self.tests.push(t.clone()),
            CheckEvent::Summary(summary) => self.summary = Some(summary.clone()),
            _ => {}
        }
    }

    /// What each package of `step` came to: passed, failed, or (planned but never finished)
    /// not run, in the plan's order; cached packages are listed by [`Record::cached`].
    pub fn outcomes(&self, step: &str) -> BTreeMap<String, Outcome> {
        let mut outcomes = BTreeMap::new();
        if let Some(planned) = self.planned(step) {
            for package in &planned.run {
                outcomes.insert(package.clone(), Outcome::NotRun);
            }
        }
        for finished in self.finished.iter().filter(|f| name(f.step) == step) {
            for package in &finished.passed {
                outcomes.insert(package.clone(), Outcome::Passed);
            }
            for package in &finished.failed {
                outcomes.insert(package.clone(), Outcome::Failed);
            }
        }
        outcomes
    }

    /// Packages whose pass of `step` was served from the cache.
    pub fn cached(&self, step: &str) -> &[String] {
        self.planned(step)
            .map_or(&[], |p| p.cached_packages.as_deref().unwrap_or(&[]))
    }

    /// The steps of the plan, in run order.
    pub fn steps(&self) -> Vec<&str> {
        self.plan
            .iter()
            .flat_map(|p| p.steps.iter().map(|s| name(s.step)))
            .collect()
    }

    /// The wall time of `step`, when it ran.
    pub fn wall_ms(&self, step: &str) -> u64 {
        self.finished
            .iter()
            .filter(|f| name(f.step) == step)
            .map(|f| f.wall_ms)
            .sum()
    }

    /// The failures of `package` in `step`, as text, each with its reproduce command.
    pub fn failure_text(&self, step: &str, package: &str) -> String {
        let mut text = String::new();
        for d in self
            .diagnostics
            .iter()
            .filter(|d| name(d.step) == step && d.package == package)
        {
            text.push_str(d.rendered.trim_end());
            text.push('\n');
            push_reproduce(&mut text, &d.command);
        }
        for t in self
            .test_failures
            .iter()
            .filter(|t| name(t.step) == step && t.package == package)
        {
            text.push_str(t.output.trim_end());
            text.push('\n');
            push_reproduce(&mut text, &t.command);
        }
        if text.is_empty() {
            text.push_str("not run: the package or a dependency does not compile\n");
        }
        text
    }

    fn planned(&self, step: &str) -> Option<&ev::PlannedStep> {
        self.plan
            .as_ref()?
            .steps
            .iter()
            .find(|s| name(s.step) == step)
    }
}

fn push_reproduce(text: &mut String, command: &str) {
    if !command.is_empty() {
        text.push_str(&format!("reproduce: {command}\n"));
    }
}

/// What one package-step came to in this run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It ran and passed.
    Passed,
    /// It ran and failed, or could not run because it does not compile.
    Failed,
    /// It was to run but the run ended first (interrupted).
    NotRun,
}
