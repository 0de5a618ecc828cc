//! Running the plan: fmt beside the compiling steps (rustfmt needs no target directory, so it
//! does not queue on cargo's lock), then lint, test and doc in that order; lint and test
//! share one build when their configurations allow it. Packages that do not compile are not
//! tested: their test and doc verdicts say so instead of repeating the compiler's errors.

use std::collections::BTreeSet;
use std::sync::Mutex;

use ratchet_cache::VerdictCache;
use ratchet_graph::{DepKind, Workspace};
use ratchet_run::{PackageVerdict, Problem, RunError, Step, StepReport};

use super::key::StepKeys;
use super::plan::Planned;
use super::record;
use super::sink::Sink;
use super::source::KeySource;
use super::steps::Steps;

/// What running a step needs.
pub struct Context<'a, S: Steps> {
    /// Runs the steps.
    pub runner: &'a S,
    /// Re-fingerprints after each step.
    pub fingerprinter: &'a dyn KeySource,
    /// Where passes go.
    pub cache: &'a VerdictCache,
    /// Where output goes.
    pub reporter: &'a dyn Sink,
    /// The keys the plan was made at, and the fingerprints they come from.
    pub before: &'a StepKeys,
    /// `--fail-fast`: no step starts after one failed.
    pub fail_fast: bool,
    /// Test-name filters were given: the test and doc steps record no pass.
    pub filtered: bool,
}

/// The steps that ran and their verdicts.
#[derive(Default)]
pub struct Outcome {
    /// Reports of the steps that finished, in run order.
    pub reports: Vec<StepReport>,
    /// Package-steps that passed.
    pub passed: usize,
    /// Package-steps that failed.
    pub failed: usize,
    /// Packages with at least one failing step.
    pub failed_packages: BTreeSet<String>,
    /// Ctrl-C stopped the run.
    pub interrupted: bool,
}

impl Outcome {
    /// 0 when everything that ran passed, else 1.
    pub fn exit_code(&self) -> u8 {
        if self.failed > 0 || self.interrupted {
            ratchet_events::exit::FAILED
        } else {
            ratchet_events::exit::OK
        }
    }

    /// Whether every planned step ran to its end.
    pub fn complete_run(&self, plan: &[Planned]) -> bool {
        !self.interrupted && self.reports.len() == plan.iter().filter(|p| !p.run.is_empty()).count()
    }

    fn add(&mut self, report: Option<StepReport>) {
        let Some(report) = report else {
            self.interrupted = true;
            return;
        };
        for (package, verdict) in &report.packages {
            if verdict.passed {
                self.passed += 1;
            } else {
                self.failed += 1;
                self.failed_packages.insert(package.clone());
            }
        }
        // A step run as several cargo runs (feature groups) is one step.
        match self.reports.iter_mut().find(|r| r.step == report.step) {
            Some(earlier) => earlier.merge(report),
            None => self.reports.push(report),
        }
    }
}

/// Runs every planned step: the compiling ones once per group of packages that cargo may
/// build together without giving any of them more features than alone.
pub fn run_plan<S: Steps>(context: &Context<'_, S>, plan: &[Planned]) -> anyhow::Result<Outcome> {
    let (fmt, compiling): (Vec<&Planned>, Vec<&Planned>) = plan
        .iter()
        .filter(|p| !p.run.is_empty())
        .partition(|p| p.step == Step::Fmt);
    let runner = context.runner;
    let mut all: Vec<String> = compiling.iter().flat_map(|p| p.run.clone()).collect();
    all.sort();
    all.dedup();
    let groups = runner.groups(&all);
    let compiling: Vec<Planned> = groups
        .iter()
        .flat_map(|group| compiling.iter().map(|p| p.within(group)))
        .filter(|p| !p.run.is_empty())
        .collect();
    // Two steps may finish at once; their read-modify-writes of a package's passes must not.
    let records = Mutex::new(());
    let mut outcome = Outcome::default();
    let no_broken = BTreeSet::new();
    std::thread::scope(|scope| -> anyhow::Result<()> {
        // Announced here, before any other step, so that events keep the plan's order.
        let fmt_thread = match fmt.first() {
            Some(planned) => {
                context.reporter.step_started(planned.step, &planned.run)?;
                Some(scope.spawn(|| run_step(context, planned, &no_broken, &records)))
            }
            None => None,
        };
        let mut broken = BTreeSet::new();
        let mut steps = compiling.iter().peekable();
        // The test binaries of the last shared build, running beside the next cargo step (at
        // most one such run at a time).
        let mut tests_beside = None;
        while let Some(planned) = steps.next() {
            context.reporter.step_started(planned.step, &planned.run)?;
            let shared_with = (planned.step == Step::Lint
                && context.runner.shares_lint_and_test_build())
            .then(|| steps.next_if(|next| next.step == Step::Test))
            .flatten();
            match shared_with {
                Some(test) => {
                    let (lint_report, built) =
                        lint_and_build(context, planned, test, &mut broken, &records)?;
                    outcome.add(lint_report);
                    if let Some(built) = built {
                        join_tests(tests_beside.take(), &mut outcome)?;
                        context.reporter.step_started(test.step, &test.run)?;
                        let records = &records;
                        let run = move || run_tests(context, test, built, records);
                        // `--fail-fast` must see a failing test before the next step starts;
                        // a runner that starts cargo would wait for its lock anyway.
                        match context.fail_fast || runner.tests_start_cargo() {
                            true => outcome.add(run()?),
                            false => tests_beside = Some(scope.spawn(run)),
                        }
                    }
                }
                None => {
                    let report = run_step(context, planned, &broken, &records)?;
                    // A package that did not build in the test step (lint off) has no doc
                    // verdict either: its doc tests cannot pass without a build.
                    let built_it = matches!(planned.step, Step::Lint | Step::Test);
                    if let Some(report) = report.as_ref().filter(|_| built_it) {
                        broken.extend(compile_failures(context.runner.workspace(), report));
                    }
                    outcome.add(report);
                }
            }
            if context.fail_fast && outcome.failed > 0 {
                break;
            }
            if outcome.interrupted || context.runner.is_cancelled() {
                outcome.interrupted = true;
                break;
            }
        }
        join_tests(tests_beside, &mut outcome)?;
        if let Some(thread) = fmt_thread {
            let report = thread
                .join()
                .map_err(|_| anyhow::anyhow!("the fmt step stopped unexpectedly"))??;
            outcome.add(report);
        }
        Ok(())
    })?;
    outcome.reports.sort_by_key(|r| r.step);
    Ok(outcome)
}

/// Runs one (announced) step, records its passes and reports its end; `None` when it was
/// interrupted.
fn run_step<S: Steps>(
    context: &Context<'_, S>,
    planned: &Planned,
    broken: &BTreeSet<String>,
    records: &Mutex<()>,
) -> anyhow::Result<Option<StepReport>> {
    let (skipped, to_run): (Vec<String>, Vec<String>) = planned
        .run
        .iter()
        .cloned()
        .partition(|p| broken.contains(p));
    let mut report = if to_run.is_empty() {
        StepReport::empty(planned.step)
    } else {
        match context.runner.run(planned.step, &to_run) {
            Ok(report) => report,
            Err(RunError::Interrupted) => return Ok(None),
            Err(e) => return Err(e.into()),
        }
    };
    for package in skipped {
        report
            .packages
            .insert(package.clone(), not_compiling(&package));
    }
    finish_step(context, planned, report, records, true).map(Some)
}

/// Makes `report` hold one verdict per package the step ran on: a package it does not name
/// fails (nothing says it passed; a failure that cannot be attributed fails every package of
/// the run), and a verdict for a package the step was not run on is dropped.
fn attribute_all(planned: &Planned, report: &mut StepReport) {
    report
        .packages
        .retain(|package, _| planned.run.contains(package));
    let reproduce = report.commands.first().cloned().unwrap_or_default();
    for package in &planned.run {
        report.packages.entry(package.clone()).or_insert_with(|| {
            let text = format!(
                "no verdict: the {} step ran on `{package}` without saying whether it passed",
                planned.step.name()
            );
            PackageVerdict::fail(reproduce.clone(), vec![Problem::Other { text }])
        });
    }
}

/// The lint step (announced) and the build of the test step, from one build: packages that
/// do not compile are not tested, as when the steps run apart. Returns the lint report
/// (`None` when interrupted) and the tests, ready to run (`None`: interrupted).
#[allow(clippy::type_complexity)]
fn lint_and_build<S: Steps>(
    context: &Context<'_, S>,
    lint: &Planned,
    test: &Planned,
    broken: &mut BTreeSet<String>,
    records: &Mutex<()>,
) -> anyhow::Result<(Option<StepReport>, Option<S::Built>)> {
    let runner = context.runner;
    let (lint_report, mut built) = match runner.lint_and_build_tests(&lint.run, &test.run) {
        Ok(done) => done,
        Err(RunError::Interrupted) => return Ok((None, None)),
        Err(e) => return Err(e.into()),
    };
    broken.extend(compile_failures(runner.workspace(), &lint_report));
    for package in test.run.iter().filter(|p| broken.contains(*p)) {
        runner.replace_test_verdict(&mut built, package, not_compiling(package));
    }
    let lint_report = finish_step(context, lint, lint_report, records, true)?;
    Ok((Some(lint_report), Some(built)))
}

/// Runs the test binaries of a shared build (the test step announced); `None` when
/// interrupted. Test binaries take no lock on the build directory, so this runs beside the
/// next cargo step (the doc step, or the next group's build) on a machine with cores to spare.
fn run_tests<S: Steps>(
    context: &Context<'_, S>,
    test: &Planned,
    built: S::Built,
    records: &Mutex<()>,
) -> anyhow::Result<Option<StepReport>> {
    // Its build was the lint step's, learned from when that step finished; a runner that
    // starts cargo (it runs alone then) may have compiled more.
    let learn_build = context.runner.tests_start_cargo();
    match context.runner.run_tests(built) {
        Ok(report) => finish_step(context, test, report, records, learn_build).map(Some),
        Err(RunError::Interrupted) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Waits for the test binaries running beside the cargo steps, if any, and adds their report.
fn join_tests(
    running: Option<std::thread::ScopedJoinHandle<'_, anyhow::Result<Option<StepReport>>>>,
    outcome: &mut Outcome,
) -> anyhow::Result<()> {
    let Some(running) = running else {
        return Ok(());
    };
    let report = running
        .join()
        .map_err(|_| anyhow::anyhow!("the test step stopped unexpectedly"))??;
    outcome.add(report);
    Ok(())
}

/// Records the passes of a finished step and reports its end; `learn_build`: what its cargo
/// run built is still to be learned from (see [`Steps::learn`]).
fn finish_step<S: Steps>(
    context: &Context<'_, S>,
    planned: &Planned,
    mut report: StepReport,
    records: &Mutex<()>,
    learn_build: bool,
) -> anyhow::Result<StepReport> {
    attribute_all(planned, &mut report);
    let recorded = {
        let _guard = records
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // What the step taught about inputs is recorded before its passes are keyed. A run
        // with test-name filters saw only some tests: it records neither reads nor passes.
        let filtered = context.filtered && matches!(planned.step, Step::Test | Step::Doc);
        context.runner.learn(&report, learn_build, !filtered)?;
        let other_features = context.runner.other_features(planned.step, &report);
        if filtered {
            record::Recorded::default()
        } else {
            record::record_verdicts(
                context.fingerprinter,
                context.cache,
                planned,
                &report,
                context.before,
                &other_features,
            )?
        }
    };
    context.reporter.step_finished(&report, &recorded.changed)?;
    if !recorded.other_features.is_empty() {
        context
            .reporter
            .other_features(planned.step.name(), &recorded.other_features);
    }
    for (package, differing) in &recorded.non_hermetic {
        let reporter = context.reporter;
        reporter.non_hermetic(planned.step, package, differing.as_deref())?;
    }
    Ok(report)
}

/// Packages of `report` with a compile error, and every package that depends on one whose
/// library did not build (an error in a test or example target stops only its own package).
fn compile_failures(workspace: &Workspace, report: &StepReport) -> BTreeSet<String> {
    let mut broken: BTreeSet<String> = report
        .packages
        .iter()
        .filter(|(_, verdict)| verdict.problems.iter().any(Problem::means_not_built))
        .map(|(package, _)| package.clone())
        .collect();
    let kinds = [DepKind::Normal, DepKind::Build, DepKind::Dev];
    for package in &report.unbuilt_libs {
        if let Some(ix) = workspace.find(package) {
            broken.extend(
                workspace
                    .rdep_closure(ix, &kinds)
                    .into_iter()
                    .map(|d| workspace.package(d).name.clone()),
            );
        }
    }
    broken
}

/// The verdict of a step skipped because the package does not compile. Its empty command
/// tells the reporter to list it in one line rather than as a failure of its own.
fn not_compiling(package: &str) -> PackageVerdict {
    let text =
        format!("not run: `{package}` or a dependency does not compile (see the errors above)");
    PackageVerdict::fail(String::new(), vec![Problem::Other { text }])
}
