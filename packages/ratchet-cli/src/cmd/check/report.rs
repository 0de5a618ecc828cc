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
    verbosity: ratchet_term::Verbosity,
    /// Steps that will run, for the `[i/n]` prefix of the progress line.
    steps_total: std::sync::atomic::AtomicUsize,
    steps_started: std::sync::atomic::AtomicUsize,
    /// Lint and test share one build: the lint step's progress label says `build`.
    shared_build: std::sync::atomic::AtomicBool,
    /// The test step started and has not finished (its binaries run beside the next step).
    tests_running: std::sync::atomic::AtomicBool,
    /// `package (step)` of steps skipped because the package does not compile.
    not_run: std::sync::Mutex<Vec<String>>,
    /// Why the test step's run-time reads were not observed, when they were not.
    unobserved: std::sync::Mutex<Option<String>>,
    /// Tests run per package, and the steps started and not yet finished.
    tally: std::sync::Mutex<ratchet_term::Tally>,
    bar: Option<ProgressBar>,
    meter: std::sync::Mutex<ratchet_term::Meter>,
    /// JUnit, GitHub annotations and step summary, fed with every event.
    ci: ratchet_ci::Sink,
}

impl Reporter {
    /// Output in `format`; progress bars only for a person at a terminal.
    pub fn new(
        format: MessageFormat,
        verbosity: ratchet_term::Verbosity,
        units_file: std::path::PathBuf,
        ci: ratchet_ci::Sink,
    ) -> Reporter {
        let json = format == MessageFormat::Json;
        let bar = (!json && !verbosity.quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner} {prefix:.bold} {elapsed} {wide_msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Reporter {
            json,
            verbosity,
            steps_total: 0.into(),
            steps_started: 0.into(),
            shared_build: false.into(),
            tests_running: false.into(),
            not_run: std::sync::Mutex::default(),
            unobserved: std::sync::Mutex::default(),
            meter: std::sync::Mutex::new(ratchet_term::Meter::with_history(units_file)),
            tally: std::sync::Mutex::default(),
            bar,
            ci,
        }
    }

    /// Feeds `event` to the CI outputs (which print its annotation), then prints it as JSON.
    fn emit(&self, mut event: CheckEvent) -> anyhow::Result<()> {
        self.ci.observe(&event);
        // The CI reports need the lists; the stream has them only with `-v` (a no-op stays small).
        if let (CheckEvent::Plan(plan), 0) = (&mut event, self.verbosity.verbose) {
            plan.selection = None;
            plan.steps.iter_mut().for_each(|s| s.cached_packages = None);
        }
        // Each test's result too (the CI reports have them all; a run of many tests stays
        // readable).
        let listed = !matches!(event, CheckEvent::TestResult(_)) || self.verbosity.verbose > 0;
        match self.json && listed {
            true => print(&format!("{}\n", serde_json::to_string(&event)?)),
            false => Ok(()),
        }
    }

    /// `text` on stderr (`-v`'s commands), above the progress line.
    fn stderr_text(&self, text: &str) {
        let write = || {
            use std::io::Write;
            let _ = anstream::stderr().write_all(text.as_bytes());
        };
        match &self.bar {
            Some(bar) => bar.suspend(write),
            None => write(),
        }
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
        if !self.json && plan.dry_run {
            let mut text = String::new();
            for step in &plan.steps {
                let name = step.step.as_str();
                text.push_str(&format!(
                    "{name}: run {} [{}], cached {}\n",
                    step.run.len(),
                    step.run.join(", "),
                    step.cached
                ));
            }
            self.text(&text)?;
        }
        self.emit(CheckEvent::Plan(plan))
    }

    /// A step begins.
    fn step_started(&self, started: ev::StepStarted) -> anyhow::Result<()> {
        let (step, packages) = (started.step.as_str(), &started.packages);
        lock(&self.tally).started(step, packages);
        let running = std::sync::atomic::Ordering::Relaxed;
        if step == "test" {
            self.tests_running.store(true, running);
        }
        if let Some(bar) = &self.bar {
            let index = self
                .steps_started
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                + 1;
            let total = self.steps_total.load(std::sync::atomic::Ordering::Relaxed);
            let shared = self.shared_build.load(std::sync::atomic::Ordering::Relaxed);
            let what = if shared && step == "lint" {
                "build + lint"
            } else {
                step
            };
            let beside = self
                .tests_running
                .load(std::sync::atomic::Ordering::Relaxed);
            let what = match (beside, step) {
                (true, "test") | (false, _) => what.to_string(),
                (true, _) => format!("tests + {what}"),
            };
            let label = format!("[{index}/{total}] {what} ({} packages)", packages.len());
            let mut meter = lock(&self.meter);
            meter.start(step, label);
            bar.set_prefix(meter.prefix());
            bar.set_message("");
        }
        self.emit(CheckEvent::StepStarted(started))?;
        Ok(())
    }

    /// Live progress from the runner's threads.
    pub fn progress(&self, progress: Progress<'_>) {
        if let (Progress::Started(command), true) = (progress, self.verbosity.verbose > 0) {
            let line = ratchet_term::Verbosity::started(command);
            self.stderr_text(&line);
        }
        if let (Progress::Slow { name, secs }, false) = (progress, self.json) {
            self.stderr_text(&ratchet_term::Verbosity::slow(name, secs));
        }
        if let Progress::Interrupted(names) = progress {
            lock(&self.tally).interrupted_while(names);
        }
        let Some(bar) = &self.bar else { return };
        match progress {
            Progress::Started(_) | Progress::Slow { .. } | Progress::Interrupted(_) => {}
            Progress::UnitsDone(done) => {
                let mut meter = lock(&self.meter);
                meter.units(done);
                bar.set_prefix(meter.prefix());
            }
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
                let mut meter = lock(&self.meter);
                meter.binaries(done, total);
                bar.set_prefix(meter.prefix());
                bar.set_message(format!("({package})"));
            }
        }
    }

    /// A step ended (its failures came before, as their own events).
    fn step_finished(&self, finished: ev::StepFinished) -> anyhow::Result<()> {
        let step = finished.step.as_str();
        lock(&self.tally).finished(step, &finished.tests_run);
        if step == "test" {
            let running = std::sync::atomic::Ordering::Relaxed;
            self.tests_running.store(false, running);
        }
        let units = finished.units_built + finished.units_fresh;
        lock(&self.meter).finished(step, units);
        // A test or doc step whose run-time reads were not (all) observed says why.
        if let ("test" | "doc", Some(ev::Observation::Unavailable { reason })) =
            (step, &finished.observation)
        {
            *lock(&self.unobserved) = Some(reason.clone());
        }
        self.emit(CheckEvent::StepFinished(finished))
    }

    /// A cached pass that failed when `--verify` ran it again.
    fn non_hermetic(&self, found: ev::NonHermetic) -> anyhow::Result<()> {
        if !self.json {
            let (package, step, message) = (&found.package, &found.step, &found.message);
            self.text(&format!("not hermetic: `{package}` ({step}): {message}\n"))?;
        }
        self.emit(CheckEvent::NonHermetic(found))
    }

    /// A problem of a failing package (a diagnostic or a failed test).
    fn problem(&self, event: CheckEvent) -> anyhow::Result<()> {
        if !self.json {
            match &event {
                // Skipped because it does not compile: one line at the end says so.
                CheckEvent::Diagnostic(d) if d.command.is_empty() => {
                    let entry = format!("{} ({})", d.package, d.step);
                    let mut not_run = lock(&self.not_run);
                    if !not_run.contains(&entry) {
                        not_run.push(entry);
                    }
                }
                CheckEvent::Diagnostic(d) => {
                    let step = d.step.as_str();
                    self.text(&ratchet_term::failure_text(&event, step))?;
                }
                CheckEvent::TestFailure(t) => {
                    let step = t.step.as_str();
                    self.text(&ratchet_term::failure_text(&event, step))?;
                }
                _ => {}
            }
        }
        self.emit(event)
    }

    /// The last word: a summary event, or one line of text.
    pub fn summary(&self, mut summary: ev::Summary, ran_steps: &[&str]) -> anyhow::Result<()> {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        if summary.interrupted {
            summary.still_running = lock(&self.tally).still_running().to_vec();
        }
        lock(&self.meter).save();
        self.emit(CheckEvent::Summary(summary.clone()))?;
        self.ci.finish()?;
        if self.json {
            return Ok(());
        }
        if self.verbosity.quiet && summary.exit_code == ratchet_events::exit::OK {
            return Ok(());
        }
        let not_run = lock(&self.not_run);
        if !not_run.is_empty() {
            let text = format!("not run, as they do not compile: {}\n", not_run.join(", "));
            self.text(&text)?;
        }
        if let Some(why) = lock(&self.unobserved).as_ref() {
            self.text(&format!("run-time reads not observed: {why}\n"))?;
        }
        let tally = lock(&self.tally);
        let running = tally.running();
        let counts = ratchet_term::Counts {
            passed: summary.passed,
            failed: summary.failed,
            cached: summary.cached,
            failed_packages: &summary.failed_packages,
            ran_steps,
            tests: tally.tests(),
            test_packages: tally.test_packages(),
            running: &running,
            interrupted: summary.interrupted,
            wall_ms: summary.wall_ms,
        };
        self.text(&ratchet_term::summary_line(&counts))
    }

    /// A note for the person waiting (never in JSON, which must stay pure events).
    pub fn note(&self, text: &str) {
        if !self.json && lock(&self.tally).first_time(text) {
            eprintln!("{text}");
        }
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
            // Rules and budget events reach the stream from their own gates, not the engine.
            other => self.emit(other),
        }
    }

    fn note(&self, text: &str) {
        Reporter::note(self, text);
    }

    fn shared_build(&self, shared: bool) {
        self.shared_build
            .store(shared, std::sync::atomic::Ordering::Relaxed);
    }

    fn other_features(&self, step: &str, packages: &[String]) {
        let names = packages.join(", ");
        self.note(&format!(
            "note: {names} ({step}): cargo compiled other features than alone; not recorded"
        ));
    }
}
