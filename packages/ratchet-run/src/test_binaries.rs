//! The test step: build every test binary of the selection with one cargo command, then hand
//! the binaries that built to the test runner ([`RunsTests`]: ratchet's pool or nextest).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use ratchet_events::check::{TestResult, TestRunUsage, TestStatus};

use crate::cargo::{self, CargoOutput, Executable};
use crate::outcome::{ObservationStatus, PackageVerdict, Problem, StepReport};
use crate::runner::{Runner, split_at_dashes};
use crate::{RunError, Step, TestRunner};
use ratchet_wrapper::children_cpu_ms;

/// A failed test binary (or test), by package.
pub(crate) struct BinaryFailure {
    /// The package.
    pub package: String,
    /// What failed.
    pub problem: Problem,
    /// What selects its target: in `cargo test` (`--lib`, `--test it`), or nextest's binary
    /// name (`pkg`, `it`) under nextest; `None` when unknown.
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

/// What runs the test binaries that built: ratchet's own pool (`pool.rs`) or `cargo nextest
/// run` (`nextest.rs`), as the runner's tools say. The step around it builds the binaries
/// and turns what failed into verdicts; a runner only runs them.
pub(crate) trait RunsTests: Sync {
    /// Runs `binaries` (of packages whose build passed) with `test_args`.
    fn run(
        &self,
        runner: &Runner<'_>,
        binaries: Vec<Executable>,
        test_args: &[String],
    ) -> Result<TestsRan, RunError>;
}

/// What a test runner found.
pub(crate) struct TestsRan {
    /// The binaries or tests that failed, by package.
    pub failures: Vec<BinaryFailure>,
    /// Commands it ran beyond the build (nextest's), as shown to a person.
    pub commands: Vec<String>,
    /// CPU time the runner itself spent starting binaries and reading their output.
    pub runner_cpu_ms: u64,
    /// What each package's binaries read at run time (see `StepReport::observed_reads`).
    pub reads: BTreeMap<String, BTreeSet<String>>,
    /// Whether `reads` is complete.
    pub observation: ObservationStatus,
    /// Each test that ended (or, killed with its binary, did not), in the order they did.
    pub results: Vec<TestResult>,
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
        let cargo = ratchet_toolchain::cargo_as_invoked();
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

/// Runs the binaries of `built` whose build passed, with the runner's tools' test runner.
pub(crate) fn run_built(runner: &Runner<'_>, built: BuiltTests) -> Result<StepReport, RunError> {
    let BuiltTests {
        shown,
        output,
        mut verdicts,
    } = built;
    let args = runner.config.args(Step::Test);
    let (_, test_args) = split_at_dashes(&args);
    let binaries = binaries_to_run(&output, &verdicts);
    let any = !binaries.is_empty();
    // Children's CPU time counts only once they are reaped: cargo is, the binaries will be.
    let cpu_before = children_cpu_ms();
    let started = Instant::now();
    let ran = runner.tests().run(runner, binaries, test_args)?;
    let mut targets: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for failure in ran.failures {
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
            if runner.test_runner() == TestRunner::Nextest {
                crate::reproduce::narrow_nextest(verdict, &targets);
            } else {
                crate::reproduce::narrow_test(verdict, &targets, test_args);
            }
        }
    }
    let usage = TestRunUsage {
        wall_ms: started.elapsed().as_millis() as u64,
        cpu_ms: children_cpu_ms().saturating_sub(cpu_before),
        runner_cpu_ms: ran.runner_cpu_ms,
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let commands = std::iter::once(shown).chain(ran.commands).collect();
    let mut report = runner.report(Step::Test, commands, verdicts, &output);
    report.test_run = any.then_some(usage);
    report.observation = Some(ran.observation);
    report.observed_reads = ran.reads;
    report.tests_run = counted(&ran.results);
    report.tests = ran.results;
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

pub(crate) use ratchet_attribution::failed_tests;

/// A test of `binary` that ended with `status`, as the test step reports it.
pub(crate) fn result(binary: &Executable, name: String, status: TestStatus) -> TestResult {
    TestResult {
        version: ratchet_events::VERSION,
        step: ratchet_events::check::Step::Test,
        package: binary.package.clone(),
        binary: binary.target.clone(),
        name,
        status,
        duration_ms: None,
    }
}

/// Tests that ran (passed, failed or timed out), per package.
pub(crate) fn counted(results: &[TestResult]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for r in results.iter().filter(|r| r.status.ran()) {
        *counts.entry(r.package.clone()).or_default() += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_test_names_come_from_libtest_lines() {
        let text = "running 2 tests\ntest a::ok ... ok\ntest a::bad ... FAILED\n\nfailures:\n\n---- a::bad stdout ----\npanicked\n";
        assert_eq!(failed_tests(text), ["a::bad"]);
    }
}
