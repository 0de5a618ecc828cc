//! A JUnit XML report of a `check` run: one test suite per step, one test case per package
//! (per failing test for a test binary that names them), and the packages served from the
//! cache as skipped cases with the message `cached pass`, so a reporter never mistakes an old
//! result for this run's.

use crate::record::{Outcome, Record};

/// The report of `record` as a JUnit XML document.
pub fn junit_xml(record: &Record) -> String {
    let mut suites = String::new();
    let mut totals = Counts::default();
    for step in record.steps() {
        let (cases, counts) = step_cases(record, step);
        let time = seconds(record.wall_ms(step));
        suites.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" time=\"{time}\">\n{cases}  </testsuite>\n",
            attribute(step),
            counts.tests,
            counts.failures,
            counts.skipped
        ));
        totals.add(&counts);
    }
    let time = seconds(record.summary.as_ref().map_or(0, |s| s.wall_ms));
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"ratchet check\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" time=\"{time}\">\n{suites}</testsuites>\n",
        totals.tests, totals.failures, totals.skipped
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

fn case(class: &str, name: &str, body: &str) -> String {
    let open = format!(
        "    <testcase classname=\"{}\" name=\"{}\"",
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
