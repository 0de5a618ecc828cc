//! The runner: one cargo command per step over the whole selection, in ratchet's target
//! directory, with the timing wrapper always set there.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use camino::Utf8PathBuf;
use ratchet_graph::Workspace;

use crate::cargo::{self, CargoOutput};
use crate::outcome::StepReport;
use crate::tools::{NEXTEST_CONFIG, Tools};
use crate::{Cancel, RunError, Step, StepsConfig, TestRunner};
use ratchet_steps::{LintArgs, LintTool};

/// Arguments before `--` (for cargo) and after it (for the tool), as every step splits them.
pub(crate) use ratchet_steps::split_at_dashes;

/// Something worth showing while a step runs.
#[derive(Debug, Clone, Copy)]
pub enum Progress<'a> {
    /// A command (cargo, rustfmt, a test binary) is starting, as a person would type it.
    Started(&'a str),
    /// A test binary of ratchet's pool finished no test for `[steps.test] slow-after`, or a
    /// test under nextest has run that long.
    Slow {
        /// `test binary `it` of `mid`; not finished: tests::a`, or nextest's test name.
        name: &'a str,
        /// How long it has run, in seconds.
        secs: u64,
    },
    /// The run was interrupted while these (test binaries with their tests not finished, or
    /// nextest's tests) ran.
    Interrupted(&'a [String]),
    /// Compilation units (built or fresh) cargo finished so far in this command.
    UnitsDone(usize),
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

/// Runs steps on one workspace, with the tools found once when it is made ([`Tools`]): asking
/// it for a step's key has no side effect.
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
    tools: Tools,
    /// clippy's driver when it compiles workspace members for every command (see
    /// [`Runner::with_rust_file_hashes`]); `None`: only the lint step runs clippy.
    clippy_everywhere: Option<PathBuf>,
    /// A memo of a pure computation from the workspace.
    shared_names: OnceLock<std::collections::BTreeSet<String>>,
    features: Option<ratchet_features::Plan>,
    colored_diagnostics: bool,
}

impl<'a> Runner<'a> {
    /// A runner for `workspace`, its tools discovered now ([`Tools::discover`]).
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
            tools: Tools::discover(workspace, config),
            clippy_everywhere: None,
            shared_names: OnceLock::new(),
            features: None,
            colored_diagnostics: false,
        }
    }

    /// Ready to build: decides, from the content hash of every member's Rust file (path
    /// relative to the workspace root), whether clippy's driver compiles workspace members for
    /// every command (lint on, clippy installed, and no code of the workspace under
    /// `cfg(clippy)`, a scan that reads only files it has not seen at that content). Without
    /// this call only the lint step runs clippy, as `cargo clippy` would: correct, and slower.
    pub fn with_rust_file_hashes(mut self, files: BTreeMap<String, String>) -> Runner<'a> {
        self.clippy_everywhere = match &self.tools.lint_tool {
            LintTool::Clippy(driver)
                if self.config.get(Step::Lint).enabled
                    && !ratchet_scan::workspace_uses_cfg_clippy(self.workspace, Some(&files)) =>
            {
                Some(driver.clone())
            }
            _ => None,
        };
        self
    }

    /// The build flags and the features each package is asked for: every cargo command and
    /// reproduce command carries them (a cargo run's packages get `--features NAME/f`).
    pub fn with_features(mut self, plan: ratchet_features::Plan) -> Runner<'a> {
        self.features = Some(plan);
        self
    }

    /// The build flags and feature requests (`None`: cargo's defaults).
    pub fn features(&self) -> Option<&ratchet_features::Plan> {
        self.features.as_ref()
    }

    /// The build flags of a command over `packages` (`nextest` spells `--profile`
    /// `--cargo-profile`).
    fn build_args(&self, packages: &[String], nextest: bool) -> Vec<String> {
        let profile_flag = if nextest {
            "--cargo-profile"
        } else {
            "--profile"
        };
        self.features
            .as_ref()
            .map(|plan| plan.cargo_args(self.workspace, packages, profile_flag))
            .unwrap_or_default()
    }

    /// Diagnostics rendered with rustc's colours (for a person at a colour terminal; never
    /// for JSON output, whose `rendered` text stays plain).
    pub fn with_colored_diagnostics(mut self, colored: bool) -> Runner<'a> {
        self.colored_diagnostics = colored;
        self
    }

    /// cargo's `--message-format`: JSON, with rendered diagnostics in colour when asked.
    pub(crate) fn message_format(&self) -> &'static str {
        match self.colored_diagnostics {
            true => "--message-format=json-diagnostic-rendered-ansi",
            false => "--message-format=json",
        }
    }

    /// ratchet's own target directory: `<target>/ratchet/build`.
    pub fn build_dir(&self) -> Utf8PathBuf {
        self.workspace.state_dir().join(ratchet_store::state::BUILD)
    }

    /// clippy's driver, or `check` when clippy is not installed.
    pub(crate) fn lint_tool(&self) -> &LintTool {
        &self.tools.lint_tool
    }

    /// clippy's driver when it compiles workspace members for every command here, else
    /// `None`: then only the lint step runs clippy, as `cargo clippy` would.
    pub(crate) fn clippy_everywhere(&self) -> Option<&Path> {
        self.clippy_everywhere.as_deref()
    }

    /// What runs the test binaries.
    pub(crate) fn test_runner(&self) -> TestRunner {
        self.tools.test_runner
    }

    /// Whether running the tests starts cargo again (`cargo nextest run` checks its build
    /// and could compile), where ratchet's pool only starts the binaries built.
    pub fn tests_start_cargo(&self) -> bool {
        self.test_runner() == TestRunner::Nextest
    }

    /// What runs the test binaries, as a sentence that says why (for `check --dry-run`).
    pub fn test_runner_choice(&self) -> String {
        let configured = self.workspace.root.join(NEXTEST_CONFIG).is_file();
        let why = match (self.config.configured_test_runner(), self.test_runner()) {
            (Some(_), _) => "set by [steps.test] runner in ratchet.toml",
            (None, TestRunner::Nextest) => {
                "the workspace has .config/nextest.toml and cargo-nextest is installed"
            }
            (None, _) if configured => {
                "the workspace has .config/nextest.toml, but cargo-nextest is not installed"
            }
            (None, _) => "the workspace has no .config/nextest.toml",
        };
        let name = match self.test_runner() {
            TestRunner::Ratchet => "ratchet's own pool",
            TestRunner::Nextest => "cargo nextest",
        };
        format!("tests run by {name}: {why}")
    }

    /// The lint step's arguments, taken apart for the lint tool.
    pub(crate) fn lint_args(&self) -> &LintArgs {
        &self.tools.lint_args
    }

    /// What identifies `step`'s configuration in verdict keys (no side effect: the tools
    /// were found when the runner was made).
    pub fn step_fingerprint(&self, step: Step) -> String {
        let tool = if step == Step::Lint {
            self.lint_tool().name()
        } else {
            "cargo"
        };
        let test_runner = if step == Step::Test {
            self.test_runner()
        } else {
            TestRunner::default()
        };
        let config = self.config.fingerprint(step, tool, test_runner);
        match step {
            Step::Fmt => config,
            Step::Lint | Step::Test | Step::Doc => format!("{config};{}", crate::profile::KEY),
        }
    }

    /// What follows `-p` in a command shown to a person for `package`: its name, or its
    /// package ID spec where a package outside the workspace shares the name; then the build
    /// flags and the features it is asked for, as `cargo` spells them.
    pub(crate) fn selector(&self, package: &str) -> String {
        self.selector_for(package, false)
    }

    /// [`Runner::selector`] for a `cargo nextest` command when `nextest`.
    pub(crate) fn selector_for(&self, package: &str, nextest: bool) -> String {
        let shared = self
            .shared_names
            .get_or_init(|| ratchet_attribution::shared_names(self.workspace));
        let mut shown = ratchet_attribution::shown_selector(self.workspace, shared, package);
        for arg in self.build_args(&[package.to_string()], nextest) {
            shown.push(' ');
            shown.push_str(&arg);
        }
        shown
    }

    /// `cargo <subcommand> -p SPEC ...` in ratchet's target directory, with the wrapper
    /// (`subcommand` may be two words, as in `nextest run`). Each member is selected by its
    /// package ID spec: a bare name is ambiguous to cargo when a package outside the workspace
    /// shares it, and cargo then rejects the whole command.
    pub(crate) fn cargo(&self, subcommand: &str, packages: &[String]) -> Command {
        let mut command = Command::new(cargo_program());
        command.args(subcommand.split(' '));
        for name in packages {
            let spec = self
                .workspace
                .find(name)
                .map(|ix| ratchet_attribution::package_spec(self.workspace.package(ix)));
            command.args(["-p", spec.as_deref().unwrap_or(name)]);
        }
        command.args(self.build_args(packages, subcommand.starts_with("nextest")));
        command
            .arg("--manifest-path")
            .arg(self.workspace.root.join("Cargo.toml"))
            .arg("--target-dir")
            .arg(self.build_dir())
            .current_dir(&self.workspace.root);
        crate::profile::configure(&mut command);
        if let Some(exe) = &self.wrapper_exe {
            let state_dir = self.workspace.state_dir();
            ratchet_wrapper::configure(&mut command, exe, &self.workspace.root, &state_dir);
        }
        // Every command here compiles workspace members the same way, so no step rebuilds
        // what another built (cargo's fingerprints include the workspace wrapper).
        if let Some(driver) = self.clippy_everywhere() {
            ratchet_steps::configure_lint(&mut command, driver, self.lint_args());
        }
        command
    }

    pub(crate) fn run_cargo(&self, command: Command) -> Result<CargoOutput, RunError> {
        (self.progress)(Progress::Started(&cargo::display(&command)));
        let on_text = |line: &str| (self.progress)(Progress::CargoLine(line));
        let on_unit = |done| (self.progress)(Progress::UnitsDone(done));
        cargo::run(self.workspace, command, &self.cancel, &on_text, &on_unit)
    }

    pub(crate) fn report(
        &self,
        step: Step,
        commands: Vec<String>,
        packages: std::collections::BTreeMap<String, crate::PackageVerdict>,
        output: &CargoOutput,
    ) -> StepReport {
        StepReport {
            step,
            commands,
            packages,
            wall_ms: 0,
            artifacts: output.artifacts.clone(),
            units_built: output.units_built,
            units_fresh: output.units_fresh,
            test_run: None,
            unbuilt_libs: crate::verdicts::unbuilt(self.workspace, output).1,
            observed_reads: BTreeMap::new(),
            tests_run: BTreeMap::new(),
            tests: Vec::new(),
            observation: None,
            unit_features: output.unit_features.clone(),
            units: output.units.clone(),
        }
    }
}

/// The cargo that launched us (see `ratchet_toolchain::cargo`).
pub(crate) fn cargo_program() -> std::ffi::OsString {
    ratchet_toolchain::cargo()
}
