//! The doc-test step: `cargo test --doc` over the selection's libraries that `cargo test` would
//! doc-test, with failures attributed through cargo's `-p NAME --doc` lines and `Doc-tests
//! <crate>` sections (see ratchet-attribution).

use std::collections::BTreeMap;

use ratchet_process::TreePart;

use crate::cargo::{self, CargoOutput};
use crate::outcome::{PackageVerdict, StepReport};
use crate::runner::{Runner, split_at_dashes};
use crate::tree_reads::TreeObservation;
use crate::{RunError, Step};
use ratchet_graph::Workspace;
use ratchet_scan::may_have_doctests;

/// Runs the doc step. Packages that `cargo test` runs no doc tests of (no library, a library
/// with `doctest = false`, a `cdylib`), or whose sources hold no documentation code block at
/// all, pass without a cargo run; extra arguments configured for the step make every library
/// with doc tests on run.
pub(crate) fn run(runner: &Runner<'_>, packages: &[String]) -> Result<StepReport, RunError> {
    let workspace = runner.workspace;
    let args = runner.config.args(Step::Doc);
    let (to_test, without): (Vec<String>, Vec<String>) = packages
        .iter()
        .cloned()
        .partition(|name| may_run_doc_tests(workspace, name, !args.is_empty()));
    let mut verdicts: BTreeMap<String, PackageVerdict> = without
        .into_iter()
        .map(|name| (name, PackageVerdict::pass(String::new())))
        .collect();
    if to_test.is_empty() {
        let nothing = CargoOutput {
            success: true,
            ..CargoOutput::default()
        };
        let mut report = runner.report(Step::Doc, Vec::new(), verdicts, &nothing);
        report.observation = Some(crate::ObservationStatus::Observed);
        return Ok(report);
    }
    let reproduce = |package: &str| {
        let cargo = ratchet_toolchain::cargo_as_invoked();
        let mut parts = vec![format!(
            "{cargo} test --doc -p {}",
            runner.selector(package)
        )];
        parts.extend(args.iter().cloned());
        parts.join(" ")
    };
    let (cargo_args, test_args) = split_at_dashes(&args);
    let mut command = runner.cargo("test", &to_test);
    command.args(["--doc", "--no-fail-fast", runner.message_format()]);
    command.args(cargo_args);
    if !test_args.is_empty() {
        command.arg("--").args(test_args);
    }
    let shown = cargo::display(&command);
    // rustdoc compiles and runs the doc tests: each rustdoc cargo starts logs on its own.
    let observation = TreeObservation::start(runner, &mut command, None);
    let output = runner.run_cargo(command)?;
    verdicts.extend(crate::verdicts::doc_verdicts(
        workspace, &to_test, &output, &reproduce,
    ));
    let parts: Vec<(TreePart, String)> = to_test
        .iter()
        .map(|p| (TreePart::Doc(p.clone()), p.clone()))
        .collect();
    let (reads, unobserved) = observation.finish(&parts);
    let mut report = runner.report(Step::Doc, vec![shown], verdicts, &output);
    report.observed_reads = reads;
    report.observation = Some(match unobserved {
        Some(why) => crate::ObservationStatus::Unavailable(why),
        None => crate::ObservationStatus::Observed,
    });
    report.tests = ratchet_attribution::libtest::doc_tests(workspace, &output.text);
    report.tests_run = crate::test_binaries::counted(&report.tests);
    Ok(report)
}

/// Whether `cargo test -p name` would run doc tests and some may exist: a library cargo
/// doc-tests whose sources may hold a documentation code block (or any, when `always`).
fn may_run_doc_tests(workspace: &Workspace, name: &str, always: bool) -> bool {
    let Some(ix) = workspace.find(name) else {
        return false;
    };
    let package = workspace.package(ix);
    package
        .targets
        .iter()
        .any(|t| t.runs_doc_tests() && (always || may_have_doctests(&package.dir, &t.src_path)))
}
