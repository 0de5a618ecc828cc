//! Lint and test from one build: `cargo build --all-targets` with clippy's driver as the
//! compiler of workspace members lints every target and generates the test binaries in the
//! same rustc calls, where separate steps would compile each package twice (once for clippy's
//! metadata, once for the tests) and start cargo twice.

use std::collections::BTreeSet;

use crate::cargo;
use crate::outcome::{PackageVerdict, Problem, StepReport};
use crate::runner::{Runner, split_at_dashes};
use crate::test_binaries::{self, BuiltTests};
use crate::{RunError, Step, lint};
use ratchet_steps::LintTool;

/// Whether the two steps can share one build: both are on, the lint step covers all targets,
/// and apart from that both pass cargo the same arguments (features, profile, ...).
pub(crate) fn can_share_build(runner: &Runner<'_>) -> bool {
    let config = runner.config;
    if !config.get(Step::Lint).enabled || !config.get(Step::Test).enabled {
        return false;
    }
    // Under clippy, the shared build is clippy's: only where it compiles every command.
    if matches!(runner.lint_tool(), LintTool::Clippy(_)) && runner.clippy_everywhere().is_none() {
        return false;
    }
    let lint_cargo = &runner.lint_args().cargo;
    let test_args = config.args(Step::Test);
    let (test_cargo, _) = split_at_dashes(&test_args);
    let all_targets = "--all-targets";
    lint_cargo.iter().any(|a| a == all_targets)
        && lint_cargo
            .iter()
            .filter(|a| *a != all_targets)
            .eq(test_cargo.iter())
}

/// Builds `lint` and `test` (names of workspace members) in one cargo command; returns the
/// lint step's report and the test binaries, ready to run.
pub(crate) fn build(
    runner: &Runner<'_>,
    lint: &[String],
    test: &[String],
) -> Result<(StepReport, BuiltTests), RunError> {
    let started = std::time::Instant::now();
    let both: BTreeSet<&String> = lint.iter().chain(test).collect();
    let both: Vec<String> = both.into_iter().cloned().collect();
    let mut command = runner.cargo("build", &both);
    command.args(["--keep-going", runner.message_format()]);
    command.args(&runner.lint_args().cargo);
    let shown = cargo::display(&command);
    let mut output = runner.run_cargo(command)?;
    // `cargo test` runs benches only when asked; `--all-targets` built them for the lints.
    output.executables.retain(|e| !e.bench);
    let mut lint_report = lint::report(runner, lint, shown.clone(), &output);
    lint_report.wall_ms = started.elapsed().as_millis() as u64;
    // The build's artifacts and units are reported once, with the lint step.
    output.artifacts.clear();
    output.units_built = 0;
    output.units_fresh = 0;
    output.units.clear();
    let mut built = test_binaries::built(runner, test, shown, output);
    // A target whose build stopped at an error has no test binary. The lint step shows the
    // error; the test verdict must not repeat it with a `cargo test` reproduce, which passes
    // when the error is a clippy lint at level deny (plain rustc builds the target).
    for (package, verdict) in &lint_report.packages {
        if verdict.problems.iter().any(Problem::means_not_built) {
            let text = format!("not tested: `{package}` does not build (see the lint step)");
            built.replace_verdict(
                package,
                PackageVerdict::fail(String::new(), vec![Problem::Other { text }]),
            );
        }
    }
    Ok((lint_report, built))
}
