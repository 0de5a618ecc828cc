//! A JUnit XML report of a `check` run: one test suite per step with one test case per package,
//! and for the test and doc steps one suite per package and test binary with one case per test
//! that ran (passed, failed, ignored, with its time where the runner gave it) in place of the
//! package's own case; the packages served from the cache are skipped cases with the message
//! `cached pass`, so a reporter never mistakes an old result for this run's.

use std::collections::BTreeMap;

use ratchet_events::check::{TestResult, TestStatus};

use crate::record::{Outcome, Record};

/// The report of `record` as a JUnit XML document.
pub fn junit_xml(record: &Record) -> String {
    let mut suites = String::new();
    let mut totals = Counts::default();
    for step in record.steps() {
        let (cases, counts) = step_cases(record, step);
        let groups = by_binary(record, step);
        // A test step whose every package has its tests' own suites has no case left.
        if counts.tests > 0 || groups.is_empty() {
            suites.push_str(&suite(step, &counts, record.wall_ms(step), &cases));
        }
        totals.add(&counts);
        for ((package, binary), tests) in groups {
            let (cases, counts, ms) = test_cases(record, step, &package, &binary, &tests);
            suites.push_str(&suite(&format!("{package}::{binary}"), &counts, ms, &cases));
            totals.add(&counts);
        }
    }
    let time = seconds(record.summary.as_ref().map_or(0, |s| s.wall_ms));
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"ratchet check\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" time=\"{time}\">\n{suites}</testsuites>\n",
        totals.tests, totals.failures, totals.skipped
    )
}

fn suite(name: &str, counts: &Counts, ms: u64, cases: &str) -> String {
    format!(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" time=\"{}\">\n{cases}  </testsuite>\n",
        attribute(name),
        counts.tests,
        counts.failures,
        counts.skipped,
        seconds(ms)
    )
}

#[derive(Debug, Default)]
struct Counts {
    tests: usize,
    failures: usize,
    skipped: usize,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        self.tests += other.tests;
        self.failures += other.failures;
        self.skipped += other.skipped;
    }
}

fn step_cases(record: &Record, step: &str) -> (String, Counts) {
    let mut cases = String::new();
    let mut counts = Counts::default();
    for (package, outcome) in record.outcomes(step) {
        // Its tests have their own cases, which hold every failure when one of them failed.
        let listed: Vec<&TestResult> = tests_of(record, step, &package).collect();
        let failing_test = listed
            .iter()
            .any(|t| !matches!(t.status, TestStatus::Passed | TestStatus::Ignored));
        if !listed.is_empty() && (outcome == Outcome::Passed || failing_test) {
            continue;
        }
        let mut failing: Vec<(String, String)> = Vec::new();
        for t in record
            .test_failures
            .iter()
            .filter(|t| crate::record::name(t.step) == step && t.package == package)
        {
            let class = format!("{package}::{}", t.binary);
            failing.extend(t.tests.iter().map(|name| (class.clone(), name.clone())));
        }
        match outcome {
            Outcome::Failed if !failing.is_empty() => {
                let text = record.failure_text(step, &package);
                for (class, name) in failing {
                    cases.push_str(&case(&class, &name, &failure(step, &text)));
                    counts.tests += 1;
                    counts.failures += 1;
                }
                continue;
            }
            Outcome::Failed => {
                let text = record.failure_text(step, &package);
                cases.push_str(&case(step, &package, &failure(step, &text)));
                counts.failures += 1;
            }
            Outcome::Passed => cases.push_str(&case(step, &package, "")),
            Outcome::NotRun => {
                cases.push_str(&case(
                    step,
                    &package,
                    "<skipped message=\"not run: the run was interrupted\"/>",
                ));
                counts.skipped += 1;
            }
        }
        counts.tests += 1;
    }
    for package in record.cached(step) {
        cases.push_str(&case(step, package, "<skipped message=\"cached pass\"/>"));
        counts.tests += 1;
        counts.skipped += 1;
    }
    (cases, counts)
}

/// The tests of `step` that `package` ran.
fn tests_of<'a>(
    record: &'a Record,
    step: &'a str,
    package: &'a str,
) -> impl Iterator<Item = &'a TestResult> {
    let of = move |t: &&TestResult| crate::record::name(t.step) == step && t.package == package;
    record.tests.iter().filter(of)
}

/// The tests of `step`, by package and binary.
fn by_binary<'a>(
    record: &'a Record,
    step: &str,
) -> BTreeMap<(String, String), Vec<&'a TestResult>> {
    let mut groups: BTreeMap<(String, String), Vec<&TestResult>> = BTreeMap::new();
    for t in record
        .tests
        .iter()
        .filter(|t| crate::record::name(t.step) == step)
    {
        groups
            .entry((t.package.clone(), t.binary.clone()))
            .or_default()
            .push(t);
    }
    groups
}

/// One case per test of one binary: its cases, counts and known time in ms.
fn test_cases(
    record: &Record,
    step: &str,
    package: &str,
    binary: &str,
    tests: &[&TestResult],
) -> (String, Counts, u64) {
    let (mut cases, mut counts, mut ms) = (String::new(), Counts::default(), 0);
    let class = format!("{package}::{binary}");
    for t in tests {
        let body = match t.status {
            TestStatus::Passed => String::new(),
            TestStatus::Ignored => "<skipped message=\"ignored\"/>".to_string(),
            TestStatus::Failed | TestStatus::TimedOut | TestStatus::NotFinished => {
                counts.failures += 1;
                let text = test_failure_text(record, step, t);
                let what = match t.status {
                    TestStatus::TimedOut => "timed out",
                    TestStatus::NotFinished => "not finished: its binary was killed for time",
                    _ => "failed",
                };
                format!(
                    "<failure type=\"{}\" message=\"{}\">{}</failure>",
                    attribute(step),
                    attribute(what),
                    escape(&text)
                )
            }
        };
        counts.tests += 1;
        counts.skipped += usize::from(t.status == TestStatus::Ignored);
        ms += t.duration_ms.unwrap_or(0);
        let time = t
            .duration_ms
            .map(|ms| format!(" time=\"{}\"", seconds(ms)))
            .unwrap_or_default();
        cases.push_str(&timed_case(&class, &t.name, &time, &body));
    }
    (cases, counts, ms)
}

/// The output of the failure that names `t` (else of its binary), with its reproduce command.
fn test_failure_text(record: &Record, step: &str, t: &TestResult) -> String {
    let of_binary = |f: &&ratchet_events::check::TestFailure| {
        crate::record::name(f.step) == step && f.package == t.package && f.binary == t.binary
    };
    let failures: Vec<_> = record.test_failures.iter().filter(of_binary).collect();
    let found = failures
        .iter()
        .find(|f| f.tests.contains(&t.name))
        .or(failures.first());
    match found {
        Some(f) if f.command.is_empty() => f.output.clone(),
        Some(f) => format!("{}\nreproduce: {}\n", f.output.trim_end(), f.command),
        None => record.failure_text(step, &t.package),
    }
}

fn case(class: &str, name: &str, body: &str) -> String {
    timed_case(class, name, "", body)
}

/// A case; `time`: its ` time="..."` attribute, or empty.
fn timed_case(class: &str, name: &str, time: &str, body: &str) -> String {
    let open = format!(
        "    <testcase classname=\"{}\" name=\"{}\"{time}",
        attribute(class),
        attribute(name)
    );
    match body.is_empty() {
        true => format!("{open}/>\n"),
        false => format!("{open}>{body}</testcase>\n"),
    }
}

fn failure(step: &str, text: &str) -> String {
    let first = text.lines().next().unwrap_or_default();
    format!(
        "<failure type=\"{}\" message=\"{}\">{}</failure>",
        attribute(step),
        attribute(first),
        escape(text)
    )
}

fn seconds(ms: u64) -> String {
    format!("{:.3}", ms as f64 / 1000.0)
}

/// Text content: `&`, `<`, `>` escaped, and characters XML 1.0 cannot hold at all (control
/// characters such as a terminal's escape codes) left out.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// An attribute value: [`escape`] plus quotes, and line breaks kept as character references.
fn attribute(text: &str) -> String {
    escape(text)
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
        .replace('\n', "&#10;")
        .replace('\r', "&#13;")
        .replace('\t', "&#9;")
}

#[cfg(test)]
mod tests;
