//! The JUnit report and the step summary of one recorded run.

use ratchet_events::VERSION;
use ratchet_events::check::{self as ev, CheckEvent};

use super::*;

fn strings(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| n.to_string()).collect()
}

fn step_of(name: &str) -> ev::Step {
    serde_json::from_value(serde_json::Value::from(name)).unwrap()
}

fn planned(step: &str, run: &[&str], cached: &[&str]) -> ev::PlannedStep {
    ev::PlannedStep {
        step: step_of(step),
        run: strings(run),
        cached: cached.len(),
        cached_packages: Some(strings(cached)),
        verifying: Vec::new(),
    }
}

fn finished(step: &str, passed: &[&str], failed: &[&str]) -> CheckEvent {
    CheckEvent::StepFinished(ev::StepFinished {
        version: VERSION,
        step: step_of(step),
        verdict: if failed.is_empty() {
            ev::Verdict::Pass
        } else {
            ev::Verdict::Fail
        },
        passed: strings(passed),
        failed: strings(failed),
        changed_during_run: Vec::new(),
        commands: Vec::new(),
        wall_ms: 1_500,
        units_built: 0,
        units_fresh: 0,
        test_run: None,
        observation: None,
        observed_reads: Default::default(),
        tests_run: Default::default(),
    })
}

fn test(package: &str, name: &str, status: ev::TestStatus, ms: Option<u64>) -> CheckEvent {
    CheckEvent::TestResult(ev::TestResult {
        version: VERSION,
        step: ev::Step::Test,
        package: package.into(),
        binary: "lib".into(),
        name: name.into(),
        status,
        duration_ms: ms,
    })
}

/// A run where `a` is cached, `b` passes, `c` fails fmt and a test, `d` was interrupted.
pub(crate) fn record() -> Record {
    let mut record = Record::default();
    let events = [
        CheckEvent::Plan(ev::Plan {
            version: VERSION,
            selected: 4,
            selection: Some(strings(&["a", "b", "c", "d"])),
            steps: vec![
                planned("fmt", &["b", "c"], &["a", "d"]),
                planned("test", &["b", "c", "d"], &["a"]),
            ],
            dry_run: false,
        }),
        CheckEvent::Diagnostic(ev::Diagnostic {
            version: VERSION,
            step: ev::Step::Fmt,
            package: "c".into(),
            level: ev::Level::Error,
            column: None,
            code: None,
            suggestions: Vec::new(),
            file: Some("c/src/lib.rs".into()),
            line: Some(2),
            message: "not formatted as rustfmt would".into(),
            rendered: "Diff in c/src/lib.rs:2:\n-fn f()->Vec<u8>{ \"&'\u{1b}[0m\" }".into(),
            command: "cargo fmt --check -p c".into(),
        }),
        finished("fmt", &["b"], &["c"]),
        CheckEvent::TestFailure(ev::TestFailure {
            version: VERSION,
            step: ev::Step::Test,
            package: "c".into(),
            binary: "lib".into(),
            tests: strings(&["tests::one", "tests::two"]),
            output: "thread 'tests::one' panicked at c/src/lib.rs:9:5".into(),
            command: "cargo test -p c --lib".into(),
        }),
        test("b", "tests::works", ev::TestStatus::Passed, Some(12)),
        test("b", "tests::later", ev::TestStatus::Ignored, None),
        test("c", "tests::one", ev::TestStatus::Failed, None),
        test("c", "tests::two", ev::TestStatus::Failed, None),
        finished("test", &["b"], &["c"]),
    ];
    for event in &events {
        record.observe(event);
    }
    record
}

#[test]
fn the_report_parses_and_holds_what_ran_and_what_was_cached() {
    let xml = junit_xml(&record());
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    // fmt: b, c, a (cached), d (cached); test: d (not run), a (cached), then b's two tests
    // (one ignored) and c's two failing tests, each binary in its own suite.
    assert_eq!(root.attribute("tests"), Some("10"));
    assert_eq!(root.attribute("failures"), Some("3"));
    assert_eq!(root.attribute("skipped"), Some("5"));
    let suites: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testsuite"))
        .filter_map(|n| n.attribute("name"))
        .collect();
    assert_eq!(suites, ["fmt", "test", "b::lib", "c::lib"]);
    let timed = doc
        .descendants()
        .find(|n| n.attribute("name") == Some("tests::works"));
    assert_eq!(timed.and_then(|n| n.attribute("time")), Some("0.012"));
    let cases: Vec<(String, String, String)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .map(|n| {
            let child = n.children().find(|c| c.is_element());
            let status = match child {
                Some(c) if c.has_tag_name("skipped") => {
                    c.attribute("message").unwrap_or("").to_string()
                }
                Some(c) => c.tag_name().name().to_string(),
                None => "passed".to_string(),
            };
            (
                n.attribute("classname").unwrap().to_string(),
                n.attribute("name").unwrap().to_string(),
                status,
            )
        })
        .collect();
    let expect = |class: &str, name: &str, status: &str| {
        let case = (class.to_string(), name.to_string(), status.to_string());
        assert!(cases.contains(&case), "{case:?} in {cases:#?}");
    };
    expect("fmt", "a", "cached pass");
    expect("fmt", "b", "passed");
    expect("fmt", "c", "failure");
    expect("test", "d", "not run: the run was interrupted");
    expect("b::lib", "tests::works", "passed");
    expect("b::lib", "tests::later", "ignored");
    expect("c::lib", "tests::one", "failure");
    expect("c::lib", "tests::two", "failure");
    let failure = doc
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    let text = failure.text().unwrap();
    assert!(text.contains("Vec<u8>{ \"&'[0m\" }"), "{text}");
    assert!(text.contains("reproduce: cargo fmt --check -p c"), "{text}");
}

#[test]
fn the_step_summary_lists_each_step_and_each_failure_with_its_reproduce_command() {
    let mut record = record();
    record.observe(&CheckEvent::Summary(ev::Summary {
        version: VERSION,
        passed: 2,
        failed: 2,
        cached: 3,
        failed_packages: strings(&["c"]),
        interrupted: false,
        still_running: Vec::new(),
        wall_ms: 3_000,
        exit_code: 1,
    }));
    let text = crate::summary::step_summary(&record);
    assert!(
        text.starts_with("### ratchet check: FAILED (exit 1)\n"),
        "{text}"
    );
    assert!(text.contains("| fmt | 2 | 1 | 1 | 2 |\n"), "{text}");
    assert!(text.contains("| test | 2 | 1 | 1 | 1 |\n"), "{text}");
    assert!(text.contains("<code>c</code> (test)"), "{text}");
    assert!(
        text.contains("reproduce: cargo test -p c --lib\n"),
        "{text}"
    );
}
