//! Which code runs each step: the runner's public entry points, one per step, and the test
//! runner its tools chose. The steps' own files import the runner, never this one.

use std::time::Instant;

use crate::outcome::StepReport;
use crate::runner::Runner;
use crate::test_binaries::{BuiltTests, RunsTests};
use crate::{
    RunError, Step, TestRunner, doc, fmt, lint, lint_and_test, nextest, pool, test_binaries,
};

impl Runner<'_> {
    /// Runs `step` on `packages` (names of workspace members).
    pub fn run(&self, step: Step, packages: &[String]) -> Result<StepReport, RunError> {
        let started = Instant::now();
        let mut report = match step {
            Step::Fmt => fmt::run(self, packages)?,
            Step::Lint => lint::run(self, packages)?,
            Step::Test => test_binaries::run(self, packages)?,
            Step::Doc => doc::run(self, packages)?,
        };
        report.wall_ms = started.elapsed().as_millis() as u64;
        Ok(report)
    }

    /// Whether [`Runner::lint_and_build_tests`] can serve the lint and test steps together.
    pub fn shares_lint_and_test_build(&self) -> bool {
        lint_and_test::can_share_build(self)
    }

    /// The lint step on `lint` and the build of the test step on `test`, from one cargo
    /// command: the lint report, and the tests ready for [`Runner::run_tests`].
    pub fn lint_and_build_tests(
        &self,
        lint: &[String],
        test: &[String],
    ) -> Result<(StepReport, BuiltTests), RunError> {
        lint_and_test::build(self, lint, test)
    }

    /// Runs tests built by [`Runner::lint_and_build_tests`]: the test step's report.
    pub fn run_tests(&self, built: BuiltTests) -> Result<StepReport, RunError> {
        let started = Instant::now();
        let mut report = test_binaries::run_built(self, built)?;
        report.wall_ms = started.elapsed().as_millis() as u64;
        Ok(report)
    }

    /// What runs the test binaries, as the tools say.
    pub(crate) fn tests(&self) -> &'static dyn RunsTests {
        match self.test_runner() {
            TestRunner::Ratchet => &pool::OwnPool,
            TestRunner::Nextest => &nextest::Nextest,
        }
    }
}
