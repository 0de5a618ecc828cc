//! The test step test by test: every test named in JUnit and the JSON stream, slow tests named
//! while they run, and the per-test timeout, under ratchet's pool and under nextest.

use std::path::Path;

use ratchet_events::check::{CheckEvent, TestResult, TestStatus};

use crate::{check, finished, workspace, write};

const OFF: &str =
    "[steps.fmt]\nenabled = false\n[steps.lint]\nenabled = false\n[steps.doc]\nenabled = false\n";

/// `base` gets an integration test target `slow`: one quick test, one ignored, and one that
/// sleeps three seconds.
fn with_slow_test(root: &Path, test_config: &str) {
    write(
        root,
        "ratchet.toml",
        &format!("{OFF}[steps.test]\n{test_config}"),
    );
    let slow = "#[test]\nfn quick() {}\n\n#[test]\n#[ignore]\nfn later() {}\n\n#[test]\nfn sleeps() {\n    std::thread::sleep(std::time::Duration::from_secs(3));\n}\n";
    write(root, "crates/base/tests/slow.rs", slow);
}

fn results(events: &[CheckEvent]) -> Vec<(String, String, TestStatus)> {
    events
        .iter()
        .filter_map(|e| match e {
            CheckEvent::TestResult(TestResult {
                binary,
                name,
                status,
                ..
            }) => Some((binary.clone(), name.clone(), *status)),
            _ => None,
        })
        .collect()
}

fn has(found: &[(String, String, TestStatus)], binary: &str, name: &str, status: TestStatus) {
    let want = (binary.to_string(), name.to_string(), status);
    assert!(found.contains(&want), "{want:?} in {found:#?}");
}

/// (suite, classname, name, outcome) of every JUnit test case.
fn junit(path: &Path) -> Vec<(String, String, String, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    doc.descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .map(|n| {
            let outcome = match n.children().find(|c| c.is_element()) {
                Some(c) if c.has_tag_name("skipped") => c.attribute("message").unwrap().to_string(),
                Some(c) => c.tag_name().name().to_string(),
                None => "passed".to_string(),
            };
            let suite = n.parent().and_then(|p| p.attribute("name")).unwrap();
            let attribute = |a: &str| n.attribute(a).unwrap().to_string();
            (
                suite.to_string(),
                attribute("classname"),
                attribute("name"),
                outcome,
            )
        })
        .collect()
}

fn case(class: &str, name: &str, outcome: &str) -> (String, String, String, String) {
    let s = |t: &str| t.to_string();
    (s(class), s(class), s(name), s(outcome))
}

#[test]
fn the_pool_names_each_test_slow_ones_while_they_run_and_times_out_a_stalled_binary() {
    let dir = workspace();
    let root = dir.path();
    with_slow_test(root, "slow-after = 1\n");
    let junit_path = root.join("junit.xml");
    let junit_arg = junit_path.to_str().unwrap();
    let run = check(
        root,
        &["-p", "base", "--color", "never", "--junit", junit_arg],
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("s] test binary `slow` of `base`; not finished: sleeps\n"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("3 tests in 1 package"),
        "{}",
        run.stdout
    );
    let cases = junit(&junit_path);
    for (name, outcome) in [
        ("quick", "passed"),
        ("later", "ignored"),
        ("sleeps", "passed"),
    ] {
        assert!(
            cases.contains(&case("base::slow", name, outcome)),
            "{cases:#?}"
        );
    }
    assert!(
        cases.contains(&case("base::base", "tests::inc_works", "passed")),
        "{cases:#?}"
    );

    // A timeout: no test finished for 2 s, so the binary is killed and `sleeps` is named.
    with_slow_test(root, "slow-after = 1\ntimeout = 2\n");
    let run = check(root, &["-p", "base", "--message-format", "json", "-v"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let events = crate::events(&run);
    let found = results(&events);
    has(&found, "slow", "sleeps", TestStatus::NotFinished);
    has(&found, "base", "tests::inc_works", TestStatus::Passed);
    let ran = found.iter().filter(|r| r.2.ran()).count();
    assert_eq!(finished(&events, "test").tests_run["base"], ran);
    let failure = crate::first_test_failure(&events);
    assert_eq!(failure.tests, ["sleeps"]);
    assert!(
        failure.output.starts_with(
            "timed out: no test finished for 2s ([steps.test] timeout), killed; not finished: sleeps\n"
        ),
        "{}",
        failure.output
    );
    assert!(
        failure.command.ends_with("--test slow -- sleeps --exact"),
        "{}",
        failure.command
    );

    // Without -v the stream has no test_result event; its counts say the same.
    let run = check(root, &["-p", "base", "--message-format", "json"]);
    let events = crate::events(&run);
    assert!(results(&events).is_empty(), "{}", run.stdout);
    assert_eq!(finished(&events, "test").tests_run["base"], ran);
}

#[test]
fn nextest_gets_the_slow_period_and_timeout_and_reports_each_test_with_its_time() {
    let dir = workspace();
    let root = dir.path();
    with_slow_test(root, "runner = \"nextest\"\nslow-after = 1\ntimeout = 2\n");
    let junit_path = root.join("junit.xml");
    let junit_arg = junit_path.to_str().unwrap();
    let run = check(
        root,
        &["-p", "base", "--color", "never", "--junit", junit_arg],
    );
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("s] test `sleeps` of `base::slow`\n"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("time limit exceeded"), "{}", run.stdout);
    let cases = junit(&junit_path);
    assert!(
        cases.contains(&case("base::slow", "sleeps", "failure")),
        "{cases:#?}"
    );
    assert!(
        cases.contains(&case("base::slow", "later", "ignored")),
        "{cases:#?}"
    );

    // Without the timeout the test passes, as under plain cargo; each test has its time.
    with_slow_test(root, "runner = \"nextest\"\nslow-after = 1\n");
    let run = check(root, &["-p", "base", "--message-format", "json", "-v"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let events = crate::events(&run);
    let found = results(&events);
    has(&found, "slow", "quick", TestStatus::Passed);
    has(&found, "slow", "later", TestStatus::Ignored);
    has(&found, "slow", "sleeps", TestStatus::Passed);
    has(&found, "base", "tests::inc_works", TestStatus::Passed);
    let timed = events.iter().any(
        |e| matches!(e, CheckEvent::TestResult(t) if t.name == "sleeps" && t.duration_ms.is_some()),
    );
    assert!(timed, "nextest gives each test's time: {}", run.stdout);
    assert_eq!(finished(&events, "test").tests_run["base"], 3);
}
