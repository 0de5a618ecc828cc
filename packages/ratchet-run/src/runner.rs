//! The runner: one cargo command per step over the whole selection, in ratchet's target
//! directory, with the timing wrapper always set there.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use std::time::Instant;

use camino::Utf8PathBuf;
use ratchet_graph::Workspace;

use crate::cargo::{self, CargoOutput};
use crate::outcome::StepReport;
use crate::{Cancel, RunError, Step, StepsConfig, doc, fmt, test_binaries, wrapper};

/// Something worth showing while a step runs.
#[derive(Debug, Clone, Copy)]
pub enum Progress<'a> {
    /// A line of cargo's status output (`Compiling foo v0.1.0`, ...).
    CargoLine(&'a str),
    /// A test binary of this package finished.
    TestBinaryDone {
        /// Its package.
        package: &'a str,
        /// Binaries finished so far and in all.
        done: usize,
        /// All binaries of the step.
        total: usize,
    },
}

/// Runs steps on one workspace.
pub struct Runner<'a> {
    /// The workspace.
    pub workspace: &'a Workspace,
    /// `[steps]` from `ratchet.toml`.
    pub config: &'a StepsConfig,
    /// Ctrl-C handling.
    pub cancel: Cancel,
    /// The ratchet binary to use as `RUSTC_WRAPPER`; `None` runs without timing.
    pub wrapper_exe: Option<PathBuf>,
    /// Called from the runner's threads as work progresses.
    pub progress: &'a (dyn Fn(Progress<'_>) + Sync),
    lint_tool: OnceLock<&'static str>,
}

impl<'a> Runner<'a> {
    /// A runner for `workspace`.
    pub fn new(
        workspace: &'a Workspace,
        config: &'a StepsConfig,
        cancel: Cancel,
        wrapper_exe: Option<PathBuf>,
        progress: &'a (dyn Fn(Progress<'_>) + Sync),
    ) -> Runner<'a> {
        Runner {
            workspace,
            config,
            cancel,
            wrapper_exe,
            progress,
            lint_tool: OnceLock::new(),
        }
    }

    /// ratchet's own target directory: `<target>/ratchet/build`.
    pub fn build_dir(&self) -> Utf8PathBuf {
        self.workspace.state_dir().join("build")
    }

    /// `clippy`, or `check` when clippy is not installed. Part of the lint step's key, so it is
    /// remembered per toolchain (in `<target>/ratchet/lint-tool.json`): a no-op run must not
    /// spawn cargo to ask.
    pub fn lint_tool(&self) -> &'static str {
        self.lint_tool.get_or_init(|| {
            let state_dir = self.workspace.state_dir();
            let path = state_dir.join("lint-tool.json");
            let toolchain = ratchet_graph::toolchain::version(&self.workspace.root, &state_dir);
            let remembered = ratchet_store::read_json::<(String, String)>(path.as_std_path());
            let has_clippy = match remembered {
                Some((seen, tool)) if seen == toolchain => tool == "clippy",
                _ => {
                    let found = Command::new(cargo_program())
                        .args(["clippy", "--version"])
                        .output()
                        .is_ok_and(|out| out.status.success());
                    let tool = if found { "clippy" } else { "check" };
                    let _ = ratchet_store::write_json(path.as_std_path(), &(toolchain, tool));
                    found
                }
            };
            if has_clippy { "clippy" } else { "check" }
        })
    }

    /// What identifies `step`'s configuration in verdict keys. Only the lint step asks cargo
    /// which tool it has, so a run without linting never spawns a process for this.
    pub fn step_fingerprint(&self, step: Step) -> String {
        let tool = if step == Step::Lint {
            self.lint_tool()
        } else {
            "cargo"
        };
        self.config.fingerprint(step, tool)
    }

    /// Runs `step` on `packages` (names of workspace members).
    pub fn run(&self, step: Step, packages: &[String]) -> Result<StepReport, RunError> {
        let started = Instant::now();
        let mut report = match step {
            Step::Fmt => fmt::run(self, packages)?,
            Step::Lint => self.lint(packages)?,
            Step::Test => test_binaries::run(self, packages)?,
            Step::Doc => doc::run(self, packages)?,
        };
        report.wall_ms = started.elapsed().as_millis() as u64;
        Ok(report)
    }

    fn lint(&self, packages: &[String]) -> Result<StepReport, RunError> {
        let tool = self.lint_tool();
        let args = self.config.args(Step::Lint);
        let (cargo_args, tool_args) = split_at_dashes(&args);
        let mut command = self.cargo(tool, packages);
        command.args(["--keep-going", "--message-format=json"]);
        command.args(cargo_args);
        // `cargo check` takes no tool arguments: warnings then fail the step as `-D warnings`
        // would, which is what the default configuration asks of clippy.
        if tool == "clippy" && !tool_args.is_empty() {
            command.arg("--").args(tool_args);
        }
        let shown = cargo::display(&command);
        let output = self.run_cargo(command)?;
        let reproduce = |package: &str| {
            let mut parts = vec![format!("cargo {tool} -p {package}")];
            parts.extend(cargo_args.iter().cloned());
            if tool == "clippy" && !tool_args.is_empty() {
                parts.push("--".into());
                parts.extend(tool_args.iter().cloned());
            }
            parts.join(" ")
        };
        let verdicts = cargo::compile_verdicts(
            self.workspace,
            packages,
            &output,
            tool == "check",
            &reproduce,
        );
        Ok(self.report(Step::Lint, vec![shown], verdicts, output))
    }

    /// `cargo <subcommand> -p a -p b ...` in ratchet's target directory, with the wrapper.
    pub(crate) fn cargo(&self, subcommand: &str, packages: &[String]) -> Command {
        let mut command = Command::new(cargo_program());
        command.arg(subcommand);
        for package in packages {
            command.args(["-p", package]);
        }
        command
            .arg("--manifest-path")
            .arg(self.workspace.root.join("Cargo.toml"))
            .arg("--target-dir")
            .arg(self.build_dir())
            .current_dir(&self.workspace.root);
        if let Some(exe) = &self.wrapper_exe {
            wrapper::configure(&mut command, exe, &self.workspace.state_dir());
        }
        command
    }

    pub(crate) fn run_cargo(&self, command: Command) -> Result<CargoOutput, RunError> {
        let on_text = |line: &str| (self.progress)(Progress::CargoLine(line));
        cargo::run(self.workspace, command, &self.cancel, &on_text)
    }

    pub(crate) fn report(
        &self,
        step: Step,
        commands: Vec<String>,
        packages: std::collections::BTreeMap<String, crate::PackageVerdict>,
        output: CargoOutput,
    ) -> StepReport {
        StepReport {
            step,
            commands,
            packages,
            wall_ms: 0,
            artifacts: output.artifacts,
            units_built: output.units_built,
            units_fresh: output.units_fresh,
            test_run: None,
        }
    }
}

/// Arguments before `--` (for cargo) and after it (for the tool).
pub(crate) fn split_at_dashes(args: &[String]) -> (&[String], &[String]) {
    match args.iter().position(|a| a == "--") {
        Some(at) => (&args[..at], &args[at + 1..]),
        None => (args, &[]),
    }
}

/// The cargo that launched us (`$CARGO`), or the one on `PATH`.
pub(crate) fn cargo_program() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}
