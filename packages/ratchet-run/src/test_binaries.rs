//! The test step: build every test binary of the selection with one cargo command, then run
//! the binaries in parallel across the cores (each binary also runs its tests on threads).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

use ratchet_events::check::TestRunUsage;

use crate::cargo::{self, CargoOutput, Executable};
use crate::outcome::{PackageVerdict, Problem, StepReport};
use crate::runner::{Progress, Runner, split_at_dashes};
use crate::{RunError, Step, TestRunner, nextest};
use ratchet_schedule::Durations;
use ratchet_wrapper::children_cpu_ms;

/// Lines of a failing binary's output kept for the report.
const OUTPUT_LINES: usize = 200;

/// A failed test binary (or test), by package.
pub(crate) struct BinaryFailure {
    /// The package.
    pub package: String,
    /// What failed.
    pub problem: Problem,
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
    command.args(["--no-run", "--no-fail-fast", "--message-format=json"]);
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
    let tool = match runner.test_runner() {
        TestRunner::Ratchet => "test",
        TestRunner::Nextest => "nextest run",
    };
    let reproduce = |package: &str| {
        let mut parts = vec![format!("cargo {tool} -p {}", runner.selector(package))];
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
        TestRunner::Nextest => {
            let built: BTreeSet<String> = binaries.iter().map(|b| b.package.clone()).collect();
            let built: Vec<String> = built.into_iter().collect();
            if built.is_empty() {
                Vec::new()
            } else {
                let (failures, shown) = nextest::run(runner, &built)?;
                commands.push(shown);
                failures
            }
        }
    };
    for failure in failures {
        if let Some(verdict) = verdicts.get_mut(&failure.package) {
            verdict.passed = false;
            verdict.problems.push(failure.problem);
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
    let first_error = Mutex::new(None);
    // One more than the cores: while a worker waits for its binary to start or exit (or for
    // the pages of a binary the page cache lost), another keeps the core busy. Measured at
    // 1000 packages: 93-95% of the cores against 89-91% with one per core.
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get() + 1)
        .min(binaries.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                let cpu_at_start = thread_cpu_us();
                while let Some(binary) = binaries.get(next.fetch_add(1, Ordering::SeqCst)) {
                    if runner.cancel.is_cancelled() {
                        break;
                    }
                    let started = Instant::now();
                    match run_binary(runner, binary, test_args) {
                        Ok(Some(failure)) => lock(&failures).push(failure),
                        Ok(None) => {}
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
                let spent = thread_cpu_us().saturating_sub(cpu_at_start);
                workers_cpu_us.fetch_add(spent, Ordering::SeqCst);
            });
        }
    });
    if runner.cancel.is_cancelled() {
        return Err(RunError::Interrupted);
    }
    if let Some(error) = lock(&first_error).take() {
        return Err(error);
    }
    // Only a complete run's durations are kept: after Ctrl-C, a binary killed early would
    // look quick.
    Ok(Pool {
        failures: std::mem::take(&mut *lock(&failures)),
        cpu_ms: workers_cpu_us.load(Ordering::SeqCst) / 1000,
        durations: std::mem::take(&mut *lock(&durations)),
    })
}

/// User + system time of the calling thread, in µs (0 where the OS does not say).
fn thread_cpu_us() -> u64 {
    #[cfg(target_os = "linux")]
    {
        use nix::sys::resource::{UsageWho, getrusage};
        let us = |t: nix::sys::time::TimeVal| t.tv_sec() as u64 * 1_000_000 + t.tv_usec() as u64;
        getrusage(UsageWho::RUSAGE_THREAD)
            .map(|usage| us(usage.user_time()) + us(usage.system_time()))
            .unwrap_or(0)
    }
    #[cfg(not(target_os = "linux"))]
    {
        0
    }
}

/// Where the test binaries' last durations are kept (ratchet-schedule orders them by it).
fn durations_file(runner: &Runner<'_>) -> std::path::PathBuf {
    runner
        .workspace
        .state_dir()
        .join("test-durations.json")
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

/// Runs one binary as `cargo test` would (in its package's directory, with cargo's variables).
fn run_binary(
    runner: &Runner<'_>,
    binary: &Executable,
    test_args: &[String],
) -> Result<Option<BinaryFailure>, RunError> {
    let workspace = runner.workspace;
    let package = workspace
        .find(&binary.package)
        .map(|ix| workspace.package(ix));
    let mut command = Command::new(&binary.path);
    command.args(test_args);
    if let Some(package) = package {
        command
            .current_dir(&package.dir)
            .env("CARGO_MANIFEST_DIR", &package.dir)
            .env("CARGO_PKG_NAME", &package.name)
            .env("CARGO_PKG_VERSION", &package.version);
    }
    command.env("CARGO", crate::runner::cargo_program());
    let shown = cargo::display(&command);
    let (mut child, mut reader) = cargo::spawn_merged(&runner.cancel, command, &shown)?;
    let mut text = String::new();
    let read = reader.read_to_string(&mut text);
    let status = child.wait();
    runner.cancel.forget(&child);
    let status = status
        .and_then(|s| read.map(|_| s))
        .map_err(|source| RunError::Io {
            command: shown,
            source,
        })?;
    if status.success() {
        return Ok(None);
    }
    Ok(Some(BinaryFailure {
        package: binary.package.clone(),
        problem: Problem::TestFailure {
            binary: binary.target.clone(),
            tests: failed_tests(&text),
            output: failure_output(&text),
        },
    }))
}

/// Names from libtest's `test NAME ... FAILED` lines.
pub(crate) fn failed_tests(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| line.strip_prefix("test ")?.strip_suffix(" ... FAILED"))
        .map(str::to_string)
        .collect()
}

/// From libtest's `failures:` section on (the useful part), else the tail of the output.
fn failure_output(text: &str) -> String {
    let from = text.find("\nfailures:\n").map_or(0, |at| at + 1);
    let lines: Vec<&str> = text[from..].lines().collect();
    lines[lines.len().saturating_sub(OUTPUT_LINES)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_test_names_come_from_libtest_lines() {
        let text = "running 2 tests\ntest a::ok ... ok\ntest a::bad ... FAILED\n\nfailures:\n\n---- a::bad stdout ----\npanicked\n";
        assert_eq!(failed_tests(text), ["a::bad"]);
        assert!(failure_output(text).starts_with("failures:"));
    }
}
