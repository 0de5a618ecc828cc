//! What the engine runs, behind one trait: the steps (fmt; lint and test sharing one build;
//! doc). ratchet-run's [`Runner`] is the real one (cargo); the engine's unit tests use a fake.

use std::collections::BTreeSet;

use ratchet_graph::Workspace;
use ratchet_run::{PackageVerdict, RunError, Runner, Step, StepReport};

/// Runs the steps of a plan. Every report holds a verdict per package it was asked about; a
/// package missing from it fails (the engine cannot tell that it passed).
pub trait Steps: Sync {
    /// Test binaries built by [`Steps::lint_and_build_tests`], not yet run.
    type Built: Send;

    /// The enabled steps, in run order.
    fn enabled(&self) -> Vec<Step>;

    /// What identifies `step`'s configuration in verdict keys (see `key.rs`).
    fn config_key(&self, step: Step) -> String;

    /// `packages` split into groups that cargo may build together without giving any of them
    /// more features than alone (one group where features are not modelled).
    fn groups(&self, packages: &[String]) -> Vec<Vec<String>> {
        vec![packages.to_vec()]
    }

    /// Packages of `report` (of `step`) that cargo compiled with other features than they get
    /// alone: their passes are not recorded.
    fn other_features(&self, step: Step, report: &StepReport) -> BTreeSet<String> {
        let _ = (step, report);
        BTreeSet::new()
    }

    /// Whether lint and test can come from one build ([`Steps::lint_and_build_tests`]).
    fn shares_lint_and_test_build(&self) -> bool;

    /// Runs `step` on `packages`.
    fn run(&self, step: Step, packages: &[String]) -> Result<StepReport, RunError>;

    /// The lint step on `lint` and the build of the tests of `test`, in one build.
    fn lint_and_build_tests(
        &self,
        lint: &[String],
        test: &[String],
    ) -> Result<(StepReport, Self::Built), RunError>;

    /// Sets `package`'s test verdict before the tests run; a failing one keeps its tests from
    /// running.
    fn replace_test_verdict(&self, built: &mut Self::Built, package: &str, verdict: PackageVerdict);

    /// Runs the tests of `built`: the test step's report.
    fn run_tests(&self, built: Self::Built) -> Result<StepReport, RunError>;

    /// Whether [`Steps::run_tests`] starts cargo (which takes the build directory's lock and
    /// may compile): then the tests do not run beside other cargo steps.
    fn tests_start_cargo(&self) -> bool {
        false
    }

    /// What the step of `report` taught about the packages' inputs, recorded before its
    /// passes are keyed: compile-time reads of what its cargo run built when `build` (false
    /// for tests run from a build an earlier step learned from: they may run beside another
    /// cargo command, whose files are still being written), run-time reads when `reads` (a
    /// filtered run saw only some tests).
    fn learn(&self, report: &StepReport, build: bool, reads: bool) -> anyhow::Result<()>;

    /// Whether Ctrl-C asked the run to stop.
    fn is_cancelled(&self) -> bool;

    /// The workspace the steps run in.
    fn workspace(&self) -> &Workspace;
}

impl Steps for Runner<'_> {
    type Built = ratchet_run::BuiltTests;

    fn enabled(&self) -> Vec<Step> {
        self.config.enabled()
    }

    fn config_key(&self, step: Step) -> String {
        self.step_fingerprint(step)
    }

    fn groups(&self, packages: &[String]) -> Vec<Vec<String>> {
        match self.features() {
            Some(features) => features.groups(self.workspace, packages),
            None => vec![packages.to_vec()],
        }
    }

    fn other_features(&self, step: Step, report: &StepReport) -> BTreeSet<String> {
        let packages: Vec<String> = report.packages.keys().cloned().collect();
        // Feature flags in `[steps.X] args` are keyed with the step's configuration but not
        // modelled: cargo's features cannot be compared with the plan's there.
        let step_args = self.config.args(step);
        self.features()
            .filter(|_| !ratchet_run::features::BuildFlags::named_in(&step_args))
            .map(|f| f.mismatched(self.workspace, &packages, &report.unit_features))
            .unwrap_or_default()
    }

    fn shares_lint_and_test_build(&self) -> bool {
        Runner::shares_lint_and_test_build(self)
    }

    fn run(&self, step: Step, packages: &[String]) -> Result<StepReport, RunError> {
        Runner::run(self, step, packages)
    }

    fn lint_and_build_tests(
        &self,
        lint: &[String],
        test: &[String],
    ) -> Result<(StepReport, Self::Built), RunError> {
        Runner::lint_and_build_tests(self, lint, test)
    }

    fn replace_test_verdict(
        &self,
        built: &mut Self::Built,
        package: &str,
        verdict: PackageVerdict,
    ) {
        built.replace_verdict(package, verdict);
    }

    fn run_tests(&self, built: Self::Built) -> Result<StepReport, RunError> {
        Runner::run_tests(self, built)
    }

    fn tests_start_cargo(&self) -> bool {
        Runner::tests_start_cargo(self)
    }

    fn learn(&self, report: &StepReport, build: bool, reads: bool) -> anyhow::Result<()> {
        if build && report.step != Step::Fmt {
            // What the units just compiled read beyond their package.
            ratchet_learn::learn_from_build(self.workspace, &self.build_dir())?;
        }
        // What the test processes were seen reading becomes an input of their package: a
        // pass is then keyed by those files too (when they held still during the run).
        if reads {
            let (step, reads) = (report.step.name(), &report.observed_reads);
            ratchet_learn::record_runtime(self.workspace, step, reads)?;
        }
        Ok(())
    }

    fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }

    fn workspace(&self) -> &Workspace {
        self.workspace
    }
}
