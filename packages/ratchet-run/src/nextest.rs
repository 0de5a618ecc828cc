//! The test step's other runner (`[steps.test] runner = "nextest"`, or the default where the
//! workspace has `.config/nextest.toml` and nextest is installed): `cargo nextest run` over
//! the packages whose tests just built, in ratchet's target directory with the same compiler
//! settings (so its own build finds everything fresh), reading nextest's libtest-style JSON
//! events to tie every failing test to its package.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead as _, BufReader};

use ratchet_process::TreePart;

use serde::Deserialize;

use crate::cargo;
use crate::cargo::Executable;
use crate::outcome::ObservationStatus;
use crate::outcome::Problem;
use crate::runner::{Runner, split_at_dashes};
use crate::test_binaries::{BinaryFailure, RunsTests, TestsRan};
use crate::tree_reads::{TreeObservation, TreeReads};
use crate::{RunError, Step};

/// `cargo nextest run` as the test step's runner.
pub(crate) struct Nextest;

impl RunsTests for Nextest {
    fn run(
        &self,
        runner: &Runner<'_>,
        binaries: Vec<Executable>,
        _test_args: &[String],
    ) -> Result<TestsRan, RunError> {
        if binaries.is_empty() {
            return Ok(TestsRan {
                failures: Vec::new(),
                commands: Vec::new(),
                runner_cpu_ms: 0,
                reads: BTreeMap::new(),
                tests: BTreeMap::new(),
                observation: ObservationStatus::Observed,
            });
        }
        // nextest finds the binaries itself (fresh from the build): it is given their packages,
        // and the observer ties each binary's reads to its package.
        let (failures, shown, (reads, unobserved)) = run(runner, &binaries)?;
        Ok(TestsRan {
            failures,
            commands: vec![shown],
            runner_cpu_ms: 0,
            reads,
            tests: BTreeMap::new(),
            observation: match unobserved {
                Some(why) => ObservationStatus::Unavailable(why),
                None => ObservationStatus::Observed,
            },
        })
    }
}

/// Lines of nextest's own text kept when it fails without naming a test.
const TAIL_LINES: usize = 40;

/// One event of `--message-format libtest-json-plus` (only what is read here).
#[derive(Deserialize)]
struct Event {
    #[serde(rename = "type")]
    kind: String,
    event: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    stdout: String,
}

/// What a nextest run found: the failures, the command line, and what the tests read.
pub(crate) type NextestRun = (Vec<BinaryFailure>, String, TreeReads);

/// Runs the tests of `binaries` (built test binaries) with nextest, observing what they read.
pub(crate) fn run(runner: &Runner<'_>, binaries: &[Executable]) -> Result<NextestRun, RunError> {
    let packages: BTreeSet<String> = binaries.iter().map(|b| b.package.clone()).collect();
    let packages: Vec<String> = packages.into_iter().collect();
    let args = runner.config.args(Step::Test);
    let (cargo_args, filters) = split_at_dashes(&args);
    let mut command = runner.cargo("nextest run", &packages);
    command
        .args(["--no-fail-fast", "--no-tests=pass", "--cargo-quiet"])
        .args(["--message-format", "libtest-json-plus"])
        .env("NEXTEST_EXPERIMENTAL_LIBTEST_JSON", "1")
        .args(cargo_args);
    if !filters.is_empty() {
        command.arg("--").args(filters);
    }
    let shown = cargo::display(&command);
    let tests_dir = binaries.first().and_then(|b| b.path.parent());
    let tests_dir = tests_dir.map(|dir| dir.as_std_path());
    let observation = TreeObservation::start(runner, &mut command, tests_dir);
    (runner.progress)(crate::Progress::Started(&shown));
    let io_error = |source| RunError::Io {
        command: shown.clone(),
        source,
    };
    let (mut child, reader) = cargo::spawn_merged(&runner.cancel, command, &shown)?;
    let mut failures = Vec::new();
    let mut text = Vec::new();
    for line in BufReader::new(reader).lines() {
        let line = line.map_err(io_error)?;
        match serde_json::from_str::<Event>(&line) {
            Ok(event) => failures.extend(failure(event)),
            Err(_) => text.push(line),
        }
    }
    let status = child.wait().map_err(io_error)?;
    runner.cancel.forget(&child);
    if runner.cancel.is_cancelled() {
        return Err(RunError::Interrupted);
    }
    if !status.success() && failures.is_empty() {
        // nextest failed without naming a test: nothing it ran can count as a pass.
        let tail = text[text.len().saturating_sub(TAIL_LINES)..].join("\n");
        failures = packages
            .iter()
            .map(|package| BinaryFailure {
                package: package.clone(),
                problem: Problem::Other {
                    text: format!("cargo nextest failed:\n{tail}"),
                },
                target: None,
            })
            .collect();
    }
    let parts: Vec<(TreePart, String)> = binaries
        .iter()
        .filter_map(|b| {
            Some((
                TreePart::Binary(b.path.file_name()?.to_string()),
                b.package.clone(),
            ))
        })
        .collect();
    Ok((failures, shown, observation.finish(&parts)))
}

/// A failed test event, tied to its package: nextest names tests `package::binary$test`
/// (`binary` is the crate's name for unit tests, the target's for the others).
fn failure(event: Event) -> Option<BinaryFailure> {
    if event.kind != "test" || !matches!(event.event.as_str(), "failed" | "timeout") {
        return None;
    }
    let (binary_id, test) = event.name.split_once('$')?;
    let (package, binary) = binary_id.split_once("::").unwrap_or((binary_id, binary_id));
    Some(BinaryFailure {
        package: package.to_string(),
        problem: Problem::TestFailure {
            binary: binary.to_string(),
            tests: vec![test.to_string()],
            output: event.stdout,
        },
        target: Some(binary.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(line: &str) -> Option<BinaryFailure> {
        failure(serde_json::from_str(line).unwrap())
    }

    #[test]
    fn failed_tests_are_tied_to_their_package_and_binary() {
        let found =
            event(r#"{"type":"test","event":"failed","name":"base-x::it$it_bad","stdout":"boom"}"#)
                .unwrap();
        assert_eq!(found.package, "base-x");
        assert_eq!(found.target.as_deref(), Some("it"));
        assert_eq!(
            found.problem,
            Problem::TestFailure {
                binary: "it".into(),
                tests: vec!["it_bad".into()],
                output: "boom".into(),
            }
        );
        assert!(event(r#"{"type":"test","event":"ok","name":"a::a$t"}"#).is_none());
        assert!(event(r#"{"type":"suite","event":"failed","passed":0}"#).is_none());
    }
}
