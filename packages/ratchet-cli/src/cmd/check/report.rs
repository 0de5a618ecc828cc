//! What `check` prints: NDJSON events, or text for a person (progress in a terminal, and only
//! failures plus one summary line otherwise).

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use ratchet_events::VERSION;
use ratchet_events::check::{self as ev, CheckEvent};
use ratchet_run::{ObservationStatus, Problem, Progress, Step, StepReport};

use crate::common::{MessageFormat, print};

/// The output of one run.
pub struct Reporter {
    json: bool,
    /// Steps that will run, for the `[i/n]` prefix of the progress line.
    steps_total: std::sync::atomic::AtomicUsize,
    steps_started: std::sync::atomic::AtomicUsize,
    /// `package (step)` of steps skipped because the package does not compile.
    not_run: std::sync::Mutex<Vec<String>>,
    /// Why the test step's run-time reads were not observed, when they were not.
    unobserved: std::sync::Mutex<Option<String>>,
    bar: Option<ProgressBar>,
}

impl Reporter {
    /// Output in `format`; progress bars only for a person at a terminal.
    pub fn new(format: MessageFormat) -> Reporter {
        let json = format == MessageFormat::Json;
        let bar = (!json && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner} {prefix:.bold} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Reporter {
            json,
            steps_total: 0.into(),
            steps_started: 0.into(),
            not_run: std::sync::Mutex::default(),
            unobserved: std::sync::Mutex::default(),
            bar,
        }
    }

    fn emit(&self, event: CheckEvent) -> anyhow::Result<()> {
        print(&format!("{}\n", serde_json::to_string(&event)?))
    }

    fn text(&self, text: &str) -> anyhow::Result<()> {
        match &self.bar {
            Some(bar) => bar.suspend(|| print(text)),
            None => print(text),
        }
    }

    /// The plan; for a dry run in human format, the plan as text.
    pub fn plan(&self, plan: ev::Plan) -> anyhow::Result<()> {
        let running = plan.steps.iter().filter(|s| !s.run.is_empty()).count();
        self.steps_total
            .store(running, std::sync::atomic::Ordering::Relaxed);
        if self.json {
            return self.emit(CheckEvent::Plan(plan));
        }
        if plan.dry_run {
            let mut text = String::new();
            for step in &plan.steps {
                // Only the enabled steps are planned: name each by its own kind.
                let kind = Step::ALL.into_iter().find(|s| step.step == (*s).into());
                let name = kind.map_or("?", Step::name);
                text.push_str(&format!(
                    "{name}: run {} [{}], cached {}\n",
                    step.run.len(),
                    step.run.join(", "),
                    step.cached
                ));
            }
            self.text(&text)?;
        }
        Ok(())
    }

    /// A step begins.
    pub fn step_started(&self, step: Step, packages: &[String]) -> anyhow::Result<()> {
        if let Some(bar) = &self.bar {
            let index = self
                .steps_started
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                + 1;
            let total = self.steps_total.load(std::sync::atomic::Ordering::Relaxed);
            bar.set_prefix(format!(
                "[{index}/{total}] {} ({} packages)",
                step.name(),
                packages.len()
            ));
            bar.set_message("");
        }
        if self.json {
            self.emit(CheckEvent::StepStarted(ev::StepStarted {
                version: VERSION,
                step: step.into(),
                packages: packages.to_vec(),
            }))?;
        }
        Ok(())
    }

    /// Live progress from the runner's threads.
    pub fn progress(&self, progress: Progress<'_>) {
        let Some(bar) = &self.bar else { return };
        match progress {
            Progress::CargoLine(line) => {
                let line = line.trim();
                if line.starts_with("Compiling")
                    || line.starts_with("Checking")
                    || line.starts_with("Doc-tests")
                {
                    bar.set_message(line.to_string());
                }
            }
            Progress::TestBinaryDone {
                package,
                done,
                total,
            } => {
                bar.set_message(format!("{done}/{total} test binaries ({package})"));
            }
        }
    }

    /// A step ended: its failures, then (JSON) its verdicts.
    pub fn step_finished(&self, report: &StepReport, changed: &[String]) -> anyhow::Result<()> {
        let step = report.step;
        for (package, verdict) in report.packages.iter().filter(|(_, v)| !v.passed) {
            if !self.json && verdict.reproduce.is_empty() {
                // Skipped because it does not compile: one line at the end says so.
                lock(&self.not_run).push(format!("{package} ({})", step.name()));
                continue;
            }
            for problem in &verdict.problems {
                self.problem(step, package, &verdict.reproduce, problem)?;
            }
        }
        if self.json {
            let (passed, failed): (Vec<_>, Vec<_>) =
                report.packages.iter().partition(|(_, v)| v.passed);
            self.emit(CheckEvent::StepFinished(ev::StepFinished {
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
            }))?;
        }
        // Doc tests are never observed (docs/check.md); only the test step's gap is news.
        if let (Step::Test, Some(ObservationStatus::Unavailable(why))) =
            (report.step, &report.observation)
        {
            *lock(&self.unobserved) = Some(why.clone());
        }
        Ok(())
    }

    /// A cached pass of `package` for `step` that failed when `--verify` ran it again.
    pub fn non_hermetic(&self, step: Step, package: &str) -> anyhow::Result<()> {
        let message = "it passed before at the same fingerprint and fails now, so it depends on \
                       something ratchet does not fingerprint (declare it in [inputs] of \
                       ratchet.toml); its pass is dropped";
        if self.json {
            return self.emit(CheckEvent::NonHermetic(ev::NonHermetic {
                version: VERSION,
                step: step.into(),
                package: package.to_string(),
                differing_inputs: Vec::new(),
                message: message.to_string(),
            }));
        }
        let step = step.name();
        self.text(&format!("not hermetic: `{package}` ({step}): {message}\n"))
    }

    fn problem(
        &self,
        step: Step,
        package: &str,
        command: &str,
        problem: &Problem,
    ) -> anyhow::Result<()> {
        let event = problem.to_event(step.into(), package, command);
        if self.json {
            self.emit(event)
        } else {
            self.text(&human_problem(&event, step.name()))
        }
    }

    /// The last word: a summary event, or one line of text.
    pub fn summary(&self, summary: ev::Summary, ran_steps: &[&str]) -> anyhow::Result<()> {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        if self.json {
            return self.emit(CheckEvent::Summary(summary));
        }
        let not_run = lock(&self.not_run);
        if !not_run.is_empty() {
            let text = format!("not run, as they do not compile: {}\n", not_run.join(", "));
            self.text(&text)?;
        }
        if let Some(why) = lock(&self.unobserved).as_ref() {
            self.text(&format!("run-time reads not observed: {why}\n"))?;
        }
        let seconds = summary.wall_ms as f64 / 1000.0;
        let line = if summary.interrupted {
            format!("check: interrupted after {seconds:.2}s; passes so far are kept\n")
        } else if summary.failed > 0 {
            format!(
                "check: FAILED {} ({} failed, {} passed, {} cached) in {seconds:.2}s\n",
                summary.failed_packages.join(", "),
                summary.failed,
                summary.passed,
                summary.cached
            )
        } else if ran_steps.is_empty() {
            format!(
                "check: ok, all {} cached, in {seconds:.2}s\n",
                summary.cached
            )
        } else {
            format!(
                "check: ok, {} passed ({}), {} cached, in {seconds:.2}s\n",
                summary.passed,
                ran_steps.join(", "),
                summary.cached
            )
        };
        self.text(&line)
    }

    /// A note for the person waiting (never in JSON, which must stay pure events).
    pub fn note(&self, text: &str) {
        if !self.json {
            eprintln!("{text}");
        }
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

/// A failure as text: what and where, the tool's own rendering, and how to reproduce it.
fn human_problem(event: &CheckEvent, step: &str) -> String {
    match event {
        CheckEvent::Diagnostic(d) => {
            let place = match (&d.file, d.line) {
                (Some(file), Some(line)) => format!(" at {file}:{line}"),
                (Some(file), None) => format!(" at {file}"),
                _ => String::new(),
            };
            format!(
                "{step} failed in `{}`{place}\n{}\n{}\n",
                d.package,
                d.rendered.trim_end(),
                reproduce_line(&d.command)
            )
        }
        CheckEvent::TestFailure(t) => format!(
            "{step} failed in `{}` ({}): {}\n{}\n{}\n",
            t.package,
            t.binary,
            t.tests.join(", "),
            t.output.trim_end(),
            reproduce_line(&t.command)
        ),
        _ => String::new(),
    }
}

fn reproduce_line(command: &str) -> String {
    if command.is_empty() {
        String::new()
    } else {
        format!("  reproduce: {command}\n")
    }
}

fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl ratchet_check::sink::Sink for Reporter {
    fn step_started(&self, step: Step, packages: &[String]) -> anyhow::Result<()> {
        Reporter::step_started(self, step, packages)
    }

    fn step_finished(&self, report: &StepReport, changed: &[String]) -> anyhow::Result<()> {
        Reporter::step_finished(self, report, changed)
    }

    fn non_hermetic(&self, step: Step, package: &str) -> anyhow::Result<()> {
        Reporter::non_hermetic(self, step, package)
    }
}
