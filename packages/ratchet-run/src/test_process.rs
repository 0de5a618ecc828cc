//! One test binary run as `cargo test` runs it (ratchet-process's `TestEnv`), to the exit of
//! the process rather than the end of its output, with what it reads at run time observed.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use ratchet_process::{ObservedRunner, Reads, TestEnv};

use crate::RunError;
use crate::cargo::{self, Executable};
use crate::outcome::Problem;
use crate::runner::Runner;
use crate::test_binaries::{BinaryFailure, failed_tests};
use ratchet_attribution::libtest;
use ratchet_events::check::{TestResult, TestStatus};
use ratchet_steps::LintTool;

/// Lines of a failing binary's output kept for the report.
const OUTPUT_LINES: usize = 200;

/// What one test binary did: its failure, what it read under the workspace root (or why
/// that is not known), and each test that ended.
pub(crate) type BinaryRun = (
    Option<BinaryFailure>,
    Result<BTreeSet<String>, String>,
    Vec<TestResult>,
);

/// What the test processes of a step share: the observer, the toolchain's library directories.
pub(crate) struct TestProcesses {
    observed: ObservedRunner,
    toolchain_libs: Vec<PathBuf>,
}

impl TestProcesses {
    /// Ready to run the test binaries of `runner`'s workspace (compiles the observer once).
    pub(crate) fn new(runner: &Runner<'_>) -> TestProcesses {
        let workspace = runner.workspace;
        let root = workspace.root.as_std_path();
        let reads = Reads::new(root, &[workspace.target_dir.as_std_path()]);
        let state_dir = workspace.state_dir();
        // The sysroot from the lint tool's remembered lookup (`<sysroot>/bin/<driver>`), the
        // host from the cached `rustc -vV`: no process when both are cached.
        let tool = match runner.lint_tool() {
            LintTool::Clippy(driver) => Some(driver),
            LintTool::Check { expected } => expected.as_ref(),
        };
        let toolchain_libs = tool
            .and_then(|t| t.parent()?.parent())
            .map(|sysroot| {
                let rustc_vv = ratchet_toolchain::version(&workspace.root, &state_dir);
                TestEnv::toolchain_libs(sysroot, &rustc_vv)
            })
            .unwrap_or_default();
        TestProcesses {
            observed: ObservedRunner::new(state_dir.as_std_path(), reads),
            toolchain_libs,
        }
    }

    /// Runs `binary` with `test_args`, handing `watch` the process as it starts.
    pub(crate) fn run(
        &self,
        runner: &Runner<'_>,
        binary: &Executable,
        test_args: &[String],
        watch: &dyn Fn(ratchet_process::Running),
    ) -> Result<BinaryRun, RunError> {
        let mut command = Command::new(&binary.path);
        command.args(test_args);
        self.env(runner, binary).apply(&mut command);
        let shown = cargo::display(&command);
        (runner.progress)(crate::Progress::Started(&shown));
        let name = format!("test binary `{}` of `{}`", binary.target, binary.package);
        let (finished, reads) = self
            .observed
            .run(&runner.cancel, command, &name, watch)
            .map_err(|error| RunError::from_process(error, &shown))?;
        let result = |(test, status)| crate::test_binaries::result(binary, test, status);
        let mut results: Vec<TestResult> = libtest::test_results(&finished.output)
            .into_iter()
            .map(result)
            .collect();
        let mut output = failure_output(&finished.output);
        let mut tests = failed_tests(&finished.output);
        if let (true, Some(limit)) = (finished.timed_out, runner.config.test.timeout) {
            let done: BTreeSet<&String> = results.iter().map(|r| &r.name).collect();
            let open: Vec<String> = self.list(runner, binary, test_args);
            let open: Vec<String> = open.into_iter().filter(|t| !done.contains(t)).collect();
            output = format!(
                "timed out: no test finished for {limit}s ([steps.test] timeout), killed; \
                 not finished: {}\n{output}",
                libtest::few(&open)
            );
            results.extend(
                open.iter()
                    .map(|t| result((t.clone(), TestStatus::NotFinished))),
            );
            tests.extend(open);
        }
        let failure = (!finished.status.success()).then(|| BinaryFailure {
            package: binary.package.clone(),
            problem: Problem::TestFailure {
                binary: binary.target.clone(),
                tests,
                output,
            },
            target: Some(crate::reproduce::target_selector(
                &binary.kind,
                &binary.target,
            )),
        });
        Ok((failure, reads, results))
    }

    /// The tests `binary` holds with `test_args` (`--list`); none when that fails.
    pub(crate) fn list(
        &self,
        runner: &Runner<'_>,
        binary: &Executable,
        test_args: &[String],
    ) -> Vec<String> {
        let mut command = Command::new(&binary.path);
        command.args(test_args).arg("--list");
        self.env(runner, binary).apply(&mut command);
        ratchet_process::run_to_exit(&runner.cancel, command)
            .map(|listed| libtest::listed_tests(&listed.output))
            .unwrap_or_default()
    }

    /// What `cargo test` gives `binary`'s process.
    fn env(&self, runner: &Runner<'_>, binary: &Executable) -> TestEnv {
        let workspace = runner.workspace;
        let package = workspace
            .find(&binary.package)
            .map(|ix| workspace.package(ix));
        let bins: Vec<&str> = package
            .iter()
            .flat_map(|p| &p.targets)
            .filter(|t| t.kinds.iter().any(|k| k == "bin"))
            .map(|t| t.name.as_str())
            .collect();
        let dir = package.map_or(workspace.root.as_std_path(), |p| p.dir.as_std_path());
        let integration = matches!(binary.kind.as_str(), "test" | "bench");
        let path = binary.path.as_std_path();
        let mut env = TestEnv::for_binary(path, dir, integration, &bins, &self.toolchain_libs);
        env.cargo = crate::runner::cargo_program();
        if let Some(package) = package {
            env.manifest_path = package.manifest_path.clone().into_std_path_buf();
            env.pkg_vars = package.cargo_pkg_env.clone().into_iter().collect();
        }
        env
    }
}

/// From libtest's `failures:` section on (the useful part), else the tail of the output.
fn failure_output(text: &str) -> String {
    let from = text.find("\nfailures:\n").map_or(0, |at| at + 1);
    let lines: Vec<&str> = text[from..].lines().collect();
    lines[lines.len().saturating_sub(OUTPUT_LINES)..].join("\n")
}
