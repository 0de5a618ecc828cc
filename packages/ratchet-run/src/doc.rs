//! The doc-test step: `cargo test --doc` over the selection's libraries, with failures
//! attributed through cargo's `Doc-tests <crate>` headers.

use std::collections::BTreeMap;

use crate::cargo::{self, CargoOutput};
use crate::outcome::{Problem, StepReport};
use crate::runner::{Runner, split_at_dashes};
use crate::test_binaries::failed_tests;
use crate::{RunError, Step};
use ratchet_scan::may_have_doctests;

/// Runs the doc step. Packages without a library, or whose sources hold no documentation code
/// block at all (see `doctest_scan`), have no doc tests and pass without a cargo run; extra
/// arguments configured for the step make it always run.
pub(crate) fn run(runner: &Runner<'_>, packages: &[String]) -> Result<StepReport, RunError> {
    let workspace = runner.workspace;
    let args = runner.config.args(Step::Doc);
    let lib_of: BTreeMap<String, String> = packages
        .iter()
        .filter_map(|name| {
            let package = workspace.package(workspace.find(name)?);
            let lib = package
                .targets
                .iter()
                .find(|t| t.kinds.iter().any(|k| k.ends_with("lib")))?;
            let testable = !args.is_empty() || may_have_doctests(&package.dir);
            testable.then(|| (lib.name.replace('-', "_"), name.clone()))
        })
        .collect();
    let reproduce = |package: &str| {
        let mut parts = vec![format!("cargo test --doc -p {package}")];
        parts.extend(args.iter().cloned());
        parts.join(" ")
    };
    let libs: Vec<String> = lib_of.values().cloned().collect();
    let (output, shown) = if libs.is_empty() {
        (
            CargoOutput {
                success: true,
                ..CargoOutput::default()
            },
            Vec::new(),
        )
    } else {
        let (cargo_args, test_args) = split_at_dashes(&args);
        let mut command = runner.cargo("test", &libs);
        command.args(["--doc", "--no-fail-fast", "--message-format=json"]);
        command.args(cargo_args);
        if !test_args.is_empty() {
            command.arg("--").args(test_args);
        }
        let shown = cargo::display(&command);
        (runner.run_cargo(command)?, vec![shown])
    };
    let mut verdicts =
        crate::verdicts::compile_verdicts(workspace, packages, &output, false, &reproduce);
    let failures = doc_failures(&output.text, &lib_of);
    let anything_failed = !failures.is_empty() || verdicts.values().any(|v| !v.passed);
    for (package, problem) in failures {
        if let Some(verdict) = verdicts.get_mut(&package) {
            verdict.passed = false;
            verdict.problems.push(problem);
        }
    }
    if !output.success && !anything_failed {
        // cargo failed and nothing says where: no package may pass.
        for verdict in verdicts.values_mut() {
            verdict.passed = false;
            verdict.problems.push(Problem::Other {
                text: format!("cargo test --doc failed:\n{}", output.text_tail(40)),
            });
        }
    }
    Ok(runner.report(Step::Doc, shown, verdicts, &output))
}

/// Sections of output that follow `Doc-tests <crate>` and report a failure.
fn doc_failures(text: &[String], lib_of: &BTreeMap<String, String>) -> Vec<(String, Problem)> {
    let mut sections: Vec<(String, Vec<&str>)> = Vec::new();
    for line in text {
        if let Some(krate) = line.trim_start().strip_prefix("Doc-tests ") {
            sections.push((krate.trim().to_string(), Vec::new()));
        } else if let Some((_, lines)) = sections.last_mut() {
            lines.push(line);
        }
    }
    sections
        .into_iter()
        .filter(|(_, lines)| lines.iter().any(|l| l.starts_with("test result: FAILED")))
        .filter_map(|(krate, lines)| {
            let package = lib_of.get(&krate)?.clone();
            let output = lines.join("\n");
            let problem = Problem::TestFailure {
                binary: "doc".into(),
                tests: failed_tests(&output),
                output,
            };
            Some((package, problem))
        })
        .collect()
}
