//! libtest's human output read test by test: `test NAME ... ok|FAILED|ignored` for each test
//! that ended, `NAME: test` for each test of `--list`, and `test NAME has been running for
//! over 60 seconds`. Lines are matched whole: a test's own output is captured by libtest
//! (ratchet never passes `--nocapture`), and a stray line written around the capture (by a
//! child process) matches none of these shapes, at worst hiding one test's line.

use std::collections::BTreeSet;

use ratchet_events::check::{Step, TestResult, TestStatus};

/// The mode libtest prints after some names (`test t - should panic ... ok`): not part of the
/// name `--exact` takes.
const MODES: [&str; 3] = [" - should panic", " - compile fail", " - compile"];

/// One `test NAME ... RESULT` line: the name and the status.
pub fn test_line(line: &str) -> Option<(String, TestStatus)> {
    let (name, result) = line.strip_prefix("test ")?.rsplit_once(" ... ")?;
    let status = match result.trim_end() {
        "ok" => TestStatus::Passed,
        "FAILED" => TestStatus::Failed,
        r if r == "ignored" || r.starts_with("ignored, ") => TestStatus::Ignored,
        _ => return None,
    };
    let name = name.trim_end();
    let name = MODES
        .iter()
        .find_map(|mode| name.strip_suffix(mode))
        .unwrap_or(name);
    Some((name.to_string(), status))
}

/// Every test that ended in `text` (a test binary's output), in order.
pub fn test_results(text: &str) -> Vec<(String, TestStatus)> {
    text.lines().filter_map(test_line).collect()
}

/// The tests of a `--list` output (`NAME: test` lines; benchmarks left out).
pub fn listed_tests(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| line.strip_suffix(": test"))
        .map(str::to_string)
        .collect()
}

/// Tests libtest itself says have run long (`test NAME has been running for over 60 seconds`).
pub fn running_long(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("test ")?;
            let (name, _) = rest.split_once(" has been running for over ")?;
            Some(name.to_string())
        })
        .collect()
}

/// Doc tests that ended, from cargo's `Doc-tests NAME` sections (tied to the package whose
/// library that is) and libtest's lines.
pub fn doc_tests(workspace: &ratchet_graph::Workspace, lines: &[String]) -> Vec<TestResult> {
    let mut results = Vec::new();
    for section in crate::DocSections::split(lines).sections {
        let Some(package) = workspace.packages.iter().find(|p| {
            let krate = |t: &&ratchet_graph::Target| t.name.replace('-', "_") == section.krate;
            p.targets
                .iter()
                .filter(|t| t.is_library())
                .any(|t| krate(&t))
        }) else {
            continue;
        };
        let text = section.lines.join("\n");
        results.extend(
            test_results(&text)
                .into_iter()
                .map(|(name, status)| TestResult {
                    version: ratchet_events::VERSION,
                    step: Step::Doc,
                    package: package.name.clone(),
                    binary: "doc".into(),
                    name,
                    status,
                    duration_ms: None,
                }),
        );
    }
    results
}

/// What a test binary has said so far, read a piece at a time while it runs.
#[derive(Debug, Default)]
pub struct SoFar {
    /// Bytes read so far (complete lines only).
    pub read: u64,
    done: BTreeSet<String>,
    long: Vec<String>,
    /// Its tests (`--list`), once asked for.
    pub listed: Option<Vec<String>>,
}

impl SoFar {
    /// Reads `bytes`, what the binary wrote after [`SoFar::read`]: whether a test finished.
    pub fn feed(&mut self, bytes: &[u8]) -> bool {
        let Some(end) = bytes.iter().rposition(|b| *b == b'\n') else {
            return false;
        };
        self.read += end as u64 + 1;
        let text = String::from_utf8_lossy(&bytes[..=end]);
        let finished = test_results(&text);
        let any = !finished.is_empty();
        self.done.extend(finished.into_iter().map(|(name, _)| name));
        self.long.extend(running_long(&text));
        any
    }

    /// `; running over 60s: ...` (libtest's own word) and `; not finished: ...` (listed, no
    /// result yet: running or not started), as far as known.
    pub fn describe(&self) -> String {
        let open = |names: &[String]| -> Vec<String> {
            names
                .iter()
                .filter(|t| !self.done.contains(*t))
                .cloned()
                .collect()
        };
        let mut text = String::new();
        for (what, names) in [
            ("running over 60s", open(&self.long)),
            (
                "not finished",
                open(self.listed.as_deref().unwrap_or_default()),
            ),
        ] {
            if !names.is_empty() {
                text.push_str(&format!("; {what}: {}", few(&names)));
            }
        }
        text
    }
}

/// Up to three names, then how many more.
pub fn few(names: &[String]) -> String {
    match names.len() {
        n if n > 3 => format!("{}, and {} more", names[..3].join(", "), n - 3),
        _ => names.join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shape_of_result_line_is_read_and_noise_is_not() {
        let text = "\nrunning 6 tests\ntest tests::panics - should panic ... ok\n\
            test tests::quick ... ok\ntest tests::skipped ... ignored\n\
            test tests::why ... ignored, not today\ntest tests::bad ... FAILED\n\
            hello from a child\ntest  ... garbage\ntest result: FAILED. 2 passed; 1 failed;\n\
            test src/lib.rs - f (line 3) - compile fail ... ok\n";
        let found = test_results(text);
        let names: Vec<(&str, TestStatus)> = found.iter().map(|(n, s)| (n.as_str(), *s)).collect();
        assert_eq!(
            names,
            [
                ("tests::panics", TestStatus::Passed),
                ("tests::quick", TestStatus::Passed),
                ("tests::skipped", TestStatus::Ignored),
                ("tests::why", TestStatus::Ignored),
                ("tests::bad", TestStatus::Failed),
                ("src/lib.rs - f (line 3)", TestStatus::Passed),
            ]
        );
    }

    #[test]
    fn listed_and_long_running_tests_are_named() {
        let list = "a::one: test\nb::two: test\nbench_it: benchmark\n\n2 tests, 1 benchmark\n";
        assert_eq!(listed_tests(list), ["a::one", "b::two"]);
        let text = "running 2 tests\ntest a::one has been running for over 60 seconds\n";
        assert_eq!(running_long(text), ["a::one"]);
        let mut so_far = SoFar {
            listed: Some(listed_tests(list)),
            ..SoFar::default()
        };
        assert!(!so_far.feed(text.as_bytes()));
        assert!(so_far.feed(b"test b::two ... ok\ntest a::o"));
        assert_eq!(
            so_far.read as usize,
            text.len() + "test b::two ... ok\n".len()
        );
        assert_eq!(
            so_far.describe(),
            "; running over 60s: a::one; not finished: a::one"
        );
    }
}
