//! The lint step: clippy run as the compiler of workspace members.
//!
//! `cargo clippy` is `cargo check` with clippy's driver set as `RUSTC_WORKSPACE_WRAPPER` and its
//! arguments in `CLIPPY_ARGS`. ratchet sets the same two variables itself on every cargo command
//! in its own target directory, so that one `cargo build --all-targets` both lints and builds
//! the test binaries (clippy's driver is rustc with more lints: it generates code too), and so
//! that the test and doc steps reuse the very same compiled units instead of rebuilding them
//! under other settings. `-D warnings` is left out of `CLIPPY_ARGS`: a warning then fails the
//! lint verdict without stopping the build, so a lint never hides a test failure.

use crate::cargo::{self, CargoOutput};
use crate::outcome::StepReport;
use crate::runner::Runner;
use crate::{RunError, Step};
use ratchet_steps::{LintTool, configure_lint as configure};

/// Lint verdicts for `packages` from the output of a cargo command that compiled them.
pub(crate) fn report(
    runner: &Runner<'_>,
    packages: &[String],
    shown: String,
    output: &CargoOutput,
) -> StepReport {
    let tool = runner.lint_tool();
    let args = runner.lint_args();
    let reproduce = |package: &str| args.reproduce(tool, &runner.selector(package));
    let verdicts = crate::verdicts::compile_verdicts(
        runner.workspace,
        packages,
        output,
        args.warnings_fail,
        &reproduce,
    );
    runner.report(Step::Lint, vec![shown], verdicts, output)
}

/// The lint step alone: `cargo check` over the selection, linting as configured.
pub(crate) fn run(runner: &Runner<'_>, packages: &[String]) -> Result<StepReport, RunError> {
    let mut command = runner.cargo("check", packages);
    if let (LintTool::Clippy(driver), None) = (runner.lint_tool(), runner.clippy_everywhere()) {
        // clippy for this command only: its units are metadata-only, which no other step uses.
        configure(&mut command, driver, runner.lint_args());
    }
    command.args(["--keep-going", runner.message_format()]);
    command.args(&runner.lint_args().cargo);
    let shown = cargo::display(&command);
    let output = runner.run_cargo(command)?;
    Ok(report(runner, packages, shown, &output))
}
