//! What `check` prints: the engine's events (ratchet-check) as NDJSON, or as text for a person
//! (progress in a terminal, and only failures plus one summary line otherwise).

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use ratchet_check::Progress;
use ratchet_check::sink::Sink;
use ratchet_events::check::{self as ev, CheckEvent};

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
    fn plan(&self, plan: ev::Plan) -> anyhow::Result<()> {
        let running = plan.steps.iter().filter(|s| !s.run.is_empty()).count();
        self.steps_total
            .store(running, std::sync::atomic::Ordering::Relaxed);
        if self.json {
            return self.emit(CheckEvent::Plan(plan));
        }
        if plan.dry_run {
            let mut text = String::new();
            for step in &plan.steps {
                text.push_str(&format!(
                    "{}: run {} [{}], cached {}\n",
                    step.step,
                    step.run.len(),
                    step.run.join(", "),
                    step.cached.len()
                ));
            }
            self.text(&text)?;
        }
        Ok(())
    }

    /// A step begins.
    fn step_started(&self, started: ev::StepStarted) -> anyhow::Result<()> {
        let (step, packages) = (&started.step, &started.packages);
        if let Some(bar) = &self.bar {
            let index = self
                .steps_started
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                + 1;
            let total = self.steps_total.load(std::sync::atomic::Ordering::Relaxed);
            bar.set_prefix(format!(
                "[{index}/{total}] {step} ({} packages)",
                packages.len()
            ));
            bar.set_message("");
        }
        if self.json {
            self.emit(CheckEvent::StepStarted(started))?;
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

    /// A step ended (its failures came before, as their own events).
    fn step_finished(&self, finished: ev::StepFinished) -> anyhow::Result<()> {
        // Doc tests are never observed (docs/check.md); only the test step's gap is news.
        if let ("test", Some(ev::Observation::Unavailable { reason })) =
            (finished.step.as_str(), &finished.observation)
        {
            *lock(&self.unobserved) = Some(reason.clone());
        }
        if self.json {
            return self.emit(CheckEvent::StepFinished(finished));
        }
        Ok(())
    }

    /// A cached pass that failed when `--verify` ran it again.
    fn non_hermetic(&self, found: ev::NonHermetic) -> anyhow::Result<()> {
        if self.json {
            return self.emit(CheckEvent::NonHermetic(found));
        }
        let (package, step, message) = (&found.package, &found.step, &found.message);
        self.text(&format!("not hermetic: `{package}` ({step}): {message}\n"))
    }

    /// A problem of a failing package (a diagnostic or a failed test).
    fn problem(&self, event: CheckEvent) -> anyhow::Result<()> {
        if self.json {
            return self.emit(event);
        }
        if let CheckEvent::Diagnostic(d) = &event
            && d.command.is_empty()
        {
            // Skipped because it does not compile: one line at the end says so.
            let entry = format!("{} ({})", d.package, d.step);
            let mut not_run = lock(&self.not_run);
            if !not_run.contains(&entry) {
                not_run.push(entry);
            }
            return Ok(());
        }
        self.text(&human_problem(&event))
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

/// A failure as text: what and where, the tool's own rendering, and how to reproduce it.
fn human_problem(event: &CheckEvent) -> String {
    match event {
        CheckEvent::Diagnostic(d) => {
            let place = match (&d.file, d.line) {
                (Some(file), Some(line)) => format!(" at {file}:{line}"),
                (Some(file), None) => format!(" at {file}"),
                _ => String::new(),
            };
            format!(
                "{} failed in `{}`{place}\n{}\n{}\n",
                d.step,
                d.package,
                d.rendered.trim_end(),
                reproduce_line(&d.command)
            )
        }
        CheckEvent::TestFailure(t) => format!(
            "{} failed in `{}` ({}): {}\n{}\n{}\n",
            t.step,
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

impl Sink for Reporter {
    fn event(&self, event: CheckEvent) -> anyhow::Result<()> {
        match event {
            CheckEvent::Plan(plan) => self.plan(plan),
            CheckEvent::StepStarted(started) => self.step_started(started),
            CheckEvent::Diagnostic(_) | CheckEvent::TestFailure(_) => self.problem(event),
            CheckEvent::StepFinished(finished) => self.step_finished(finished),
            CheckEvent::NonHermetic(found) => self.non_hermetic(found),
            CheckEvent::Summary(summary) => self.summary(summary, &[]),
        }
    }

    fn note(&self, text: &str) {
        Reporter::note(self, text);
    }
}
