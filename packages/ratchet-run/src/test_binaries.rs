//! The test step: build every test binary of the selection with one cargo command, then run
//! the binaries in parallel across the cores (each binary also runs its tests on threads).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ratchet_events::check::TestRunUsage;

use crate::cargo::{self, CargoOutput, Executable};
use crate::outcome::{ObservationStatus, PackageVerdict, Problem, StepReport};
use crate::runner::{Progress, Runner, split_at_dashes};
use crate::test_process::TestProcesses;
use crate::{RunError, Step, TestRunner, nextest};
use ratchet_schedule::Durations;
use ratchet_wrapper::children_cpu_ms;

/// A failed test binary (or test), by package.
pub(crate) struct BinaryFailure {
    /// The package.
    pub package: String,
    /// What failed.
    pub problem: Problem,
    /// What selects its target in `cargo test` (`--lib`, `--test it`); `None` from nextest.
    pub target: Option<String>,
}

/// Test binaries built and waiting to run, with the verdicts their build gave.
pub struct BuiltTests {
    shown: String,
    output: CargoOutput,
    verdicts: BTreeMap<String, PackageVerdict>,
}

impl BuiltTests {
    /// Replaces `package`'s verdict before the binaries run; a failing one keeps its binaries
    /// from running (for packages whose compile errors another step already reported).
    pub fn replace_verdict(&mut self, package: &str, verdict: PackageVerdict) {
        if let Some(slot) = self.verdicts.get_mut(package) {
            *slot = verdict;
        }
    }
}

/// Runs the test step.
pub(crate) fn run(runner: &Runner<'_>, packages: &[String]) -> Result<StepReport, RunError> {
    let args = runner.config.args(Step::Test);
    let (cargo_args, _) = split_at_dashes(&args);
    let mut command = runner.cargo("test", packages);
    command.args(["--no-run", "--no-fail-fast", runner.message_format()]);
    command.args(cargo_args);
    let shown = cargo::display(&command);
    let output = runner.run_cargo(command)?;
    run_built(runner, built(runner, packages, shown, output))
}

/// The test verdicts that `output` (of a cargo command that built `packages`' tests) gives.
pub(crate) fn built(
    runner: &Runner<'_>,
    packages: &[String],
    shown: String,
    output: CargoOutput,
) -> BuiltTests {
    let args = runner.config.args(Step::Test);
    let nextest = runner.test_runner() == TestRunner::Nextest;
    let tool = if nextest { "nextest run" } else { "test" };
    let reproduce = |package: &str| {
        let cargo = crate::reproduce::cargo();
        let selector = runner.selector_for(package, nextest);
        let mut parts = vec![format!("{cargo} {tool} -p {selector}")];
        parts.extend(args.iter().cloned());
        parts.join(" ")
    };
    let mut verdicts =
        crate::verdicts::compile_verdicts(runner.workspace, packages, &output, false, &reproduce);
    if !output.success {
        fail_unbuilt(runner, &output, &mut verdicts);
    }
    BuiltTests {
        shown,
        output,
        verdicts,
    }
}

/// Runs the binaries of `built` whose build passed, on one worker per core.
pub(crate) fn run_built(runner: &Runner<'_>, built: BuiltTests) -> Result<StepReport, RunError> {
    let BuiltTests {
        shown,
        output,
        mut verdicts,
    } = built;
    let args = runner.config.args(Step::Test);
    let (_, test_args) = split_at_dashes(&args);
    let mut binaries = binaries_to_run(&output, &verdicts);
    Durations::load(&durations_file(runner)).longest_first(&mut binaries, duration_key);
    // Children's CPU time counts only once they are reaped: cargo is, the binaries will be.
    let cpu_before = children_cpu_ms();
    let started = Instant::now();
    let mut commands = vec![shown];
    let mut pool = Pool::default();
    let failures = match runner.test_runner() {
        TestRunner::Ratchet => {
            pool = run_binaries(runner, &binaries, test_args)?;
            std::mem::take(&mut pool.failures)
        }
        TestRunner::Nextest if binaries.is_empty() => Vec::new(),
        TestRunner::Nextest => {
            let (failures, shown, (reads, unobserved)) = nextest::run(runner, &binaries)?;
            commands.push(shown);
            (pool.reads, pool.unobserved) = (reads, unobserved);
            failures
        }
    };
    let mut targets: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for failure in failures {
        if let Some(verdict) = verdicts.get_mut(&failure.package) {
            verdict.passed = false;
            verdict.problems.push(failure.problem);
            let target = failure.target.unwrap_or_default();
            targets.entry(failure.package).or_default().insert(target);
        }
    }
    for (package, targets) in targets {
        let targets: Vec<&str> = targets.iter().map(String::as_str).collect();
        if let (Some(verdict), false) = (verdicts.get_mut(&package), targets.contains(&"")) {
            crate::reproduce::narrow_test(verdict, &targets, test_args);
        }
    }
    let usage = TestRunUsage {
        wall_ms: started.elapsed().as_millis() as u64,
        cpu_ms: children_cpu_ms().saturating_sub(cpu_before),
        runner_cpu_ms: pool.cpu_ms,
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    if !pool.durations.is_empty() {
        Durations::load(&durations_file(runner)).remember(pool.durations);
    }
    let mut report = runner.report(Step::Test, commands, verdicts, &output);
    report.test_run = (!binaries.is_empty()).then_some(usage);
    report.observation = Some(match pool.unobserved {
        Some(why) => ObservationStatus::Unavailable(why),
        None => ObservationStatus::Observed,
    });
    report.observed_reads = pool.reads;
    report.tests_run = pool.tests;
    Ok(report)
}

/// After a failed build (which `cargo test` does not keep going past), a package with a test
/// target cargo built no test binary of was not verified: it fails rather than pass with
/// some of its tests not run.
fn fail_unbuilt(
    runner: &Runner<'_>,
    output: &CargoOutput,
    verdicts: &mut BTreeMap<String, PackageVerdict>,
) {
    for (package, verdict) in verdicts.iter_mut().filter(|(_, v)| v.passed) {
        let missing = ratchet_attribution::missing_test_binaries(runner.workspace, output, package);
        if !missing.is_empty() {
            verdict.passed = false;
            verdict.problems.push(Problem::Other {
                text: format!(
                    "not built: cargo failed before building its tests ({}):\n{}",
                    missing.join(", "),
                    output.text_tail(20)
                ),
            });
        }
    }
}

/// Test binaries of packages that built, deduplicated (cargo may report one twice).
fn binaries_to_run(
    output: &CargoOutput,
    verdicts: &BTreeMap<String, PackageVerdict>,
) -> Vec<Executable> {
    let mut seen = std::collections::BTreeSet::new();
    output
        .executables
        .iter()
        .filter(|e| verdicts.get(&e.package).is_some_and(|v| v.passed))
        .filter(|e| seen.insert(e.path.clone()))
        .cloned()
        .collect()
}

/// What the pool of test workers did.
#[derive(Default)]
struct Pool {
    /// The binaries that failed.
    failures: Vec<BinaryFailure>,
    /// CPU time the workers themselves spent starting the binaries and reading their output.
    cpu_ms: u64,
    /// Each binary's wall time, in ms, by [`duration_key`].
    durations: Vec<(String, u64)>,
    /// What each package's binaries read at run time, under the workspace root (packages
    /// with a binary not observed are left out).
    reads: BTreeMap<String, BTreeSet<String>>,
    /// Why some binary's reads are not known, if one's are not.
    unobserved: Option<String>,
    /// Tests run, per package.
    tests: BTreeMap<String, usize>,
}

/// Runs `binaries` on a pool of one worker more than the cores, in their order (longest
/// first, by the durations ratchet-schedule keeps).
fn run_binaries(
    runner: &Runner<'_>,
    binaries: &[Executable],
    test_args: &[String],
) -> Result<Pool, RunError> {
    let workers_cpu_us = AtomicU64::new(0);
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let durations = Mutex::new(Vec::new());
    let failures = Mutex::new(Vec::new());
    let reads = Mutex::new(BTreeMap::<String, BTreeSet<String>>::new());
    let unobserved = Mutex::new((BTreeSet::new(), None));
    let first_error = Mutex::new(None);
    let tests = Mutex::new(BTreeMap::<String, usize>::new());
    let processes = TestProcesses::new(runner);
    // One more than the cores: while a worker waits for its binary to start or exit (or for
    // the pages of a binary the page cache lost), another keeps the core busy. Measured at
    // 1000 packages: 93-95% of the cores against 89-91% with one per core.
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get() + 1)
        .min(binaries.len().max(1));
    let running = crate::slow::Running::default();
    let (alive, ended) = std::sync::mpsc::channel::<()>();
    let slow_after = Duration::from_secs(runner.config.test.slow_after.unwrap_or(60));
    std::thread::scope(|scope| {
        scope.spawn(|| running.watch(runner, slow_after, ended));
        for _ in 0..workers {
            let alive = alive.clone();
            scope.spawn(|| {
                let _alive = alive;
                let cpu_at_start = ratchet_process::thread_cpu_us();
                while let Some(binary) = binaries.get(next.fetch_add(1, Ordering::SeqCst)) {
                    if runner.cancel.is_cancelled() {
                        break;
                    }
                    let started = Instant::now();
                    let slot = binary.path.to_string();
                    let name = format!("test binary `{}` of `{}`", binary.target, binary.package);
                    running.start(slot.clone(), name);
                    let ran = processes.run(runner, binary, test_args);
                    running.end(&slot);
                    match ran {
                        Ok((failure, read, count)) => {
                            lock(&failures).extend(failure);
                            *lock(&tests).entry(binary.package.clone()).or_default() += count;
                            match read {
                                Ok(read) => lock(&reads)
                                    .entry(binary.package.clone())
                                    .or_default()
                                    .extend(read),
                                Err(why) => {
                                    let mut unobserved = lock(&unobserved);
                                    unobserved.0.insert(binary.package.clone());
                                    unobserved.1.get_or_insert(why);
                                }
                            }
                        }
                        Err(e) => {
                            lock(&first_error).get_or_insert(e);
                        }
                    }
                    let ms = started.elapsed().as_millis() as u64;
                    lock(&durations).push((duration_key(binary), ms));
                    let finished = done.fetch_add(1, Ordering::SeqCst) + 1;
                    (runner.progress)(Progress::TestBinaryDone {
                        package: &binary.package,
                        done: finished,
                        total: binaries.len(),
                    });
                }
                let spent = ratchet_process::thread_cpu_us().saturating_sub(cpu_at_start);
                workers_cpu_us.fetch_add(spent, Ordering::SeqCst);
            });
        }
        drop(alive);
    });
    if runner.cancel.is_cancelled() {
        return Err(RunError::Interrupted);
    }
    if let Some(error) = lock(&first_error).take() {
        return Err(error);
    }
    // Only a complete run's durations are kept: after Ctrl-C, a binary killed early would
    // look quick.
    let (unobserved_packages, unobserved) = std::mem::take(&mut *lock(&unobserved));
    let mut reads = std::mem::take(&mut *lock(&reads));
    // A package with a binary not observed has no complete answer: none.
    reads.retain(|package, _| !unobserved_packages.contains(package));
    Ok(Pool {
        failures: std::mem::take(&mut *lock(&failures)),
        cpu_ms: workers_cpu_us.load(Ordering::SeqCst) / 1000,
        durations: std::mem::take(&mut *lock(&durations)),
        reads,
        unobserved,
        tests: std::mem::take(&mut *lock(&tests)),
    })
}

/// Where the test binaries' last durations are kept (ratchet-schedule orders them by it).
fn durations_file(runner: &Runner<'_>) -> std::path::PathBuf {
    runner
        .workspace
        .state_dir()
        .join(ratchet_store::state::TEST_DURATIONS)
        .into_std_path_buf()
}

/// What names a test binary from one build to the next (its file name carries a hash that
/// changes with the profile and features).
fn duration_key(binary: &Executable) -> String {
    format!("{}/{}/{}", binary.package, binary.kind, binary.target)
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Names from libtest's `test NAME ... FAILED` lines.
pub(crate) fn failed_tests(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| line.strip_prefix("test ")?.strip_suffix(" ... FAILED"))
        .map(str::to_string)
        .collect()
}

/// Tests that ran, from libtest's `test result: ok. 3 passed; 1 failed; ...` lines.
pub(crate) fn count_tests(text: &str) -> usize {
    let count = |part: &str, what: &str| -> Option<usize> {
        part.trim().strip_suffix(what)?.trim().parse().ok()
    };
    text.lines()
        .filter_map(|line| line.trim().strip_prefix("test result: "))
        .flat_map(|rest| rest.split([';', '.']))
        .filter_map(|part| count(part, "passed").or_else(|| count(part, "failed")))
        .sum()
}

/// Doc tests that ran, per package, from cargo's `Doc-tests NAME` and libtest's lines.
pub(crate) fn count_doc_tests(
    workspace: &ratchet_graph::Workspace,
    lines: &[String],
) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    let mut current = None;
    for line in lines {
        if let Some(lib) = line.trim().strip_prefix("Doc-tests ") {
            current = workspace.packages.iter().find(|p| {
                p.targets
                    .iter()
                    .any(|t| t.name.replace('-', "_") == lib.trim())
            });
        } else if let Some(package) = current {
            *counts.entry(package.name.clone()).or_default() += count_tests(line);
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tests_are_counted_from_libtest_results() {
        let text = "running 3 tests\ntest result: FAILED. 2 passed; 1 failed; 4 ignored; 0 measured; 0 filtered out; finished in 0.01s\n";
        assert_eq!(count_tests(text), 3);
    }

    #[test]
    fn failed_test_names_come_from_libtest_lines() {
        let text = "running 2 tests\ntest a::ok ... ok\ntest a::bad ... FAILED\n\nfailures:\n\n---- a::bad stdout ----\npanicked\n";
        assert_eq!(failed_tests(text), ["a::bad"]);
    }
}
