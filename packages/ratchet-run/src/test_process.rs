//! One test binary run as `cargo test` runs it (ratchet-process's [`TestEnv`]: the package's
//! directory, cargo's variables, the dynamic library path), to the exit of the process rather
//! than the end of its output, with the files it reads at run time observed.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use ratchet_process::{ObservedLog, Observer, ProcessError, Reads, TestEnv};

use crate::RunError;
use crate::cargo::{self, Executable};
use crate::lint::LintTool;
use crate::outcome::Problem;
use crate::runner::Runner;
use crate::test_binaries::{BinaryFailure, failed_tests};

/// Lines of a failing binary's output kept for the report.
const OUTPUT_LINES: usize = 200;

/// What one test binary did.
pub(crate) struct BinaryRun {
    /// Its failure, if it failed.
    pub failure: Option<BinaryFailure>,
    /// What it read at run time under the workspace root, or why that is not known.
    pub reads: Result<BTreeSet<String>, String>,
}

/// What every test process of a step shares: the observer, the toolchain's library
/// directories, which reads count.
pub(crate) struct TestProcesses {
    observer: Result<Observer, String>,
    reads: Reads,
    toolchain_libs: Vec<PathBuf>,
}

impl TestProcesses {
    /// Ready to run the test binaries of `runner`'s workspace (compiles the observer once).
    pub(crate) fn new(runner: &Runner<'_>) -> TestProcesses {
        let workspace = runner.workspace;
        TestProcesses {
            observer: Observer::prepare(workspace.state_dir().as_std_path()),
            reads: Reads::new(
                workspace.root.as_std_path(),
                &[workspace.target_dir.as_std_path()],
            ),
            toolchain_libs: toolchain_libs(runner),
        }
    }

    /// Runs `binary` with `test_args`.
    pub(crate) fn run(
        &self,
        runner: &Runner<'_>,
        binary: &Executable,
        test_args: &[String],
    ) -> Result<BinaryRun, RunError> {
        let mut command = Command::new(&binary.path);
        command.args(test_args);
        self.env(runner, binary).apply(&mut command);
        let shown = cargo::display(&command);
        let log = self
            .observer
            .as_ref()
            .map_err(Clone::clone)
            .map(|observer| {
                let log = observer.new_log();
                observer.apply(&mut command, &log);
                log
            });
        let finished =
            ratchet_process::run_to_exit(&runner.cancel, command).map_err(|error| match error {
                ProcessError::Spawn(source) => RunError::Spawn {
                    command: shown.clone(),
                    source,
                },
                ProcessError::Wait(source) => RunError::Io {
                    command: shown.clone(),
                    source,
                },
            })?;
        let reads = log.and_then(|log| self.relevant_reads(binary, &log));
        let failure = (!finished.status.success()).then(|| BinaryFailure {
            package: binary.package.clone(),
            problem: Problem::TestFailure {
                binary: binary.target.clone(),
                tests: failed_tests(&finished.output),
                output: failure_output(&finished.output),
            },
        });
        Ok(BinaryRun { failure, reads })
    }

    fn relevant_reads(
        &self,
        binary: &Executable,
        log: &std::path::Path,
    ) -> Result<BTreeSet<String>, String> {
        let name = format!("test binary `{}` of `{}`", binary.target, binary.package);
        match ObservedLog::read(log) {
            Some(observed) if observed.complete() => Ok(self.reads.relevant(&observed)),
            Some(observed) if observed.processes > 0 => {
                Err(format!("{name} read a path too long to log"))
            }
            _ => Err(format!(
                "{name} did not load the observer (a statically linked binary?)"
            )),
        }
    }

    /// What `cargo test` gives `binary`'s process.
    fn env(&self, runner: &Runner<'_>, binary: &Executable) -> TestEnv {
        let deps = binary.path.parent().map(|d| d.as_std_path().to_path_buf());
        let profile = deps.as_ref().and_then(|d| d.parent()).map(PathBuf::from);
        let mut env = TestEnv {
            cargo: crate::runner::cargo_program(),
            ..TestEnv::default()
        };
        env.library_dirs.extend(profile.clone());
        env.library_dirs.extend(deps);
        env.library_dirs.extend(self.toolchain_libs.iter().cloned());
        let workspace = runner.workspace;
        let Some(package) = workspace
            .find(&binary.package)
            .map(|ix| workspace.package(ix))
        else {
            return env;
        };
        env.package_dir = package.dir.clone().into_std_path_buf();
        env.manifest_path = package.manifest_path.clone().into_std_path_buf();
        env.pkg_vars = package
            .cargo_pkg_env
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if env.pkg_vars.is_empty() {
            env.pkg_vars = vec![
                ("CARGO_PKG_NAME".into(), package.name.clone()),
                ("CARGO_PKG_VERSION".into(), package.version.clone()),
            ];
        }
        // Integration tests (and benches) get the package's binaries, as cargo built them.
        if let Some(profile) = profile.filter(|_| binary.kind == "test" || binary.kind == "bench") {
            let bins = package
                .targets
                .iter()
                .filter(|t| t.kinds.iter().any(|k| k == "bin"));
            for bin in bins {
                let path = profile.join(format!("{}{}", bin.name, std::env::consts::EXE_SUFFIX));
                if path.is_file() {
                    env.bin_exes.push((bin.name.clone(), path));
                }
            }
        }
        env
    }
}

/// The toolchain's library directories (`<sysroot>/lib/rustlib/<host>/lib`, where cargo looks,
/// and `<sysroot>/lib`, where rustup's proxies look), from the sysroot the lint tool's lookup
/// remembered and the cached `rustc -vV`: no process when both are cached.
fn toolchain_libs(runner: &Runner<'_>) -> Vec<PathBuf> {
    let tool = match runner.lint_tool() {
        LintTool::Clippy(driver) => Some(driver),
        LintTool::Check { expected } => expected.as_ref(),
    };
    // The tool is `<sysroot>/bin/<driver>`.
    let Some(sysroot) = tool.and_then(|t| t.parent()?.parent()) else {
        return Vec::new();
    };
    let workspace = runner.workspace;
    let version = ratchet_graph::toolchain::version(&workspace.root, &workspace.state_dir());
    let host = version.lines().find_map(|l| l.strip_prefix("host: "));
    let mut dirs: Vec<PathBuf> = host
        .map(|host| sysroot.join("lib/rustlib").join(host.trim()).join("lib"))
        .into_iter()
        .collect();
    dirs.push(sysroot.join("lib"));
    dirs
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
    fn failure_output_starts_at_libtest_failures() {
        let text = "running 2 tests\ntest a::ok ... ok\ntest a::bad ... FAILED\n\nfailures:\n\n---- a::bad stdout ----\npanicked\n";
        assert!(failure_output(text).starts_with("failures:"));
    }
}
