//! The test step's other runner (`[steps.test] runner = "nextest"`, or the default where the
//! workspace has `.config/nextest.toml` and nextest is installed): `cargo nextest run` over
//! the packages whose tests just built, in ratchet's target directory with the same compiler
//! settings (so its own build finds everything fresh), reading nextest's libtest-style JSON
//! events to tie every failing test to its package.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead as _, BufReader};

use ratchet_process::TreePart;

use ratchet_attribution::nextest::Event;

use crate::cargo;
use crate::cargo::Executable;
use crate::outcome::ObservationStatus;
use crate::outcome::Problem;
use crate::runner::{Progress, Runner, split_at_dashes};
use crate::test_binaries::{BinaryFailure, RunsTests, TestsRan};
use crate::tree_reads::{TreeObservation, TreeReads};
use crate::{RunError, Step};
use ratchet_events::check::{TestResult, TestStatus};

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
                results: Vec::new(),
                observation: ObservationStatus::Observed,
            });
        }
        // nextest finds the binaries itself (fresh from the build): it is given their packages,
        // and the observer ties each binary's reads to its package.
        let (failures, shown, (reads, unobserved), results) = run(runner, &binaries)?;
        Ok(TestsRan {
            failures,
            commands: vec![shown],
            runner_cpu_ms: 0,
            reads,
            results,
            observation: match unobserved {
                Some(why) => ObservationStatus::Unavailable(why),
                None => ObservationStatus::Observed,
            },
        })
    }
}

/// Lines of nextest's own text kept when it fails without naming a test.
const TAIL_LINES: usize = 40;

/// What a nextest run found: the failures, the command line, what the tests read, and each
/// test's result.
pub(crate) type NextestRun = (Vec<BinaryFailure>, String, TreeReads, Vec<TestResult>);

/// Runs the tests of `binaries` (built test binaries) with nextest, observing what they read.
pub(crate) fn run(runner: &Runner<'_>, binaries: &[Executable]) -> Result<NextestRun, RunError> {
    let packages: BTreeSet<String> = binaries.iter().map(|b| b.package.clone()).collect();
    let packages: Vec<String> = packages.into_iter().collect();
    let args = runner.config.args(Step::Test);
    let (cargo_args, filters) = split_at_dashes(&args);
    let mut command = runner.cargo("nextest run", &packages);
    command
        .args(["--no-fail-fast", "--no-tests=pass", "--cargo-quiet"])
        .args([
            "--message-format",
            "libtest-json-plus",
            "--status-level",
            "slow",
        ])
        .env("NEXTEST_EXPERIMENTAL_LIBTEST_JSON", "1")
        .args(cargo_args);
    if let Some(path) = tool_config(runner) {
        command
            .arg("--tool-config-file")
            .arg(format!("ratchet:{path}"));
    }
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
    let mut results = Vec::new();
    let running = crate::slow::Running::default();
    for line in BufReader::new(reader).lines() {
        let line = line.map_err(io_error)?;
        match serde_json::from_str::<Event>(&line) {
            Ok(event) => {
                results.extend(track(&running, &event));
                failures.extend(failure(event));
            }
            // nextest's own notice, by the period ratchet gave it.
            Err(_) => match ratchet_attribution::nextest::slow_line(&line) {
                Some((name, secs)) => (runner.progress)(Progress::Slow { name: &name, secs }),
                None => text.push(line),
            },
        }
    }
    let status = child.wait().map_err(io_error)?;
    runner.cancel.forget(&child);
    if runner.cancel.is_cancelled() {
        (runner.progress)(Progress::Interrupted(&running.names()));
        return Err(RunError::Interrupted);
    }
    // nextest's libtest events give an ignored test a start and no result.
    for name in running.slots() {
        results.extend(ratchet_attribution::nextest::test_result(
            &name,
            TestStatus::Ignored,
            None,
        ));
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
    Ok((failures, shown, observation.finish(&parts), results))
}

/// Follows one test from its `started` event to its result (what runs is named on an interrupt).
fn track(running: &crate::slow::Running, event: &Event) -> Option<TestResult> {
    if let Some((binary, test)) = event.started() {
        let name = format!("test `{test}` of `{binary}`");
        running.start(event.name.clone(), name, None);
        return None;
    }
    let result = event.result()?;
    running.end(&event.name);
    Some(result)
}

/// `[steps.test]`'s slow period and timeout as a nextest tool configuration (below the
/// workspace's `.config/nextest.toml`, above nextest's defaults), written to the state
/// directory; `None` when neither is set or the file cannot be written.
fn tool_config(runner: &Runner<'_>) -> Option<camino::Utf8PathBuf> {
    let text = runner.config.test.nextest_config()?;
    let path = runner.workspace.state_dir();
    let path = path.join(ratchet_store::state::NEXTEST_TOOL_CONFIG);
    ratchet_store::write_atomic(path.as_std_path(), text.as_bytes()).ok()?;
    Some(path)
}

/// A failed test event, tied to its package: nextest names tests `package::binary$test`
/// (`binary` is the crate's name for unit tests, the target's for the others).
fn failure(event: Event) -> Option<BinaryFailure> {
    let result = event.result()?;
    if matches!(result.status, TestStatus::Passed | TestStatus::Ignored) {
        return None;
    }
    let target = Some(result.binary.clone());
    Some(BinaryFailure {
        package: result.package,
        problem: Problem::TestFailure {
            binary: result.binary,
            tests: vec![result.name],
            output: match event.reason {
                Some(reason) => format!("{reason}\n{}", event.stdout),
                None => event.stdout,
            },
        },
        target,
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
