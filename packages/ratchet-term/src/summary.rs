//! The last line of `check` for a person.

use crate::color::{paint, style};

/// What the summary line tells.
#[derive(Debug, Clone, Default)]
pub struct Counts<'a> {
    /// Package-steps that ran and passed.
    pub passed: usize,
    /// Package-steps that ran and failed.
    pub failed: usize,
    /// Package-steps served from the cache.
    pub cached: usize,
    /// Packages with a failing step.
    pub failed_packages: &'a [String],
    /// Steps that ran, in run order.
    pub ran_steps: &'a [&'a str],
    /// Tests that ran (unit, integration and doc tests), and in how many packages.
    pub tests: usize,
    /// Packages whose tests ran.
    pub test_packages: usize,
    /// `package (step)` still running when an interrupt stopped the run.
    pub running: &'a [String],
    /// Whether an interrupt stopped the run.
    pub interrupted: bool,
    /// Wall time of the run.
    pub wall_ms: u64,
}

/// `check: ok, ...` or `check: FAILED ...`, coloured, with a newline.
pub fn summary_line(c: &Counts<'_>) -> String {
    let seconds = c.wall_ms as f64 / 1000.0;
    let tests = match c.tests {
        0 => String::new(),
        n => format!(
            "{n} test{} in {} package{}, ",
            plural(n),
            c.test_packages,
            plural(c.test_packages)
        ),
    };
    if c.interrupted {
        let running = match c.running {
            [] => String::new(),
            names => format!(" while running {}", names.join(", ")),
        };
        let head = paint(style::ERROR, "interrupted");
        return format!("check: {head} after {seconds:.2}s{running}; passes so far are kept\n");
    }
    if c.failed > 0 {
        let head = paint(style::ERROR, "FAILED");
        return format!(
            "check: {head} {} ({tests}{} failed, {} passed, {} cached) in {seconds:.2}s\n",
            paint(style::BOLD, &c.failed_packages.join(", ")),
            c.failed,
            c.passed,
            c.cached
        );
    }
    let ok = paint(style::OK, "ok");
    if c.ran_steps.is_empty() && c.cached == 0 {
        return format!("check: {ok}, nothing to run, in {seconds:.2}s\n");
    }
    if c.ran_steps.is_empty() {
        return format!("check: {ok}, all {} cached, in {seconds:.2}s\n", c.cached);
    }
    format!(
        "check: {ok}, {tests}{} passed ({}), {} cached, in {seconds:.2}s\n",
        c.passed,
        c.ran_steps.join(", "),
        c.cached
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(c: &Counts<'_>) -> String {
        anstream::adapter::strip_str(&summary_line(c)).to_string()
    }

    #[test]
    fn counts_tests_as_well_as_packages() {
        let ran = ["lint", "test"];
        let ok = Counts {
            passed: 6,
            cached: 2,
            ran_steps: &ran,
            tests: 412,
            test_packages: 37,
            wall_ms: 1500,
            ..Counts::default()
        };
        insta::assert_snapshot!(plain(&ok), @"check: ok, 412 tests in 37 packages, 6 passed (lint, test), 2 cached, in 1.50s");
        let failed = ["b".to_string()];
        let bad = Counts {
            failed: 1,
            failed_packages: &failed,
            tests: 1,
            test_packages: 1,
            ..ok.clone()
        };
        insta::assert_snapshot!(plain(&bad), @"check: FAILED b (1 test in 1 package, 1 failed, 6 passed, 2 cached) in 1.50s");
        let running = ["a (test)".to_string()];
        let stopped = Counts {
            interrupted: true,
            running: &running,
            ..ok
        };
        insta::assert_snapshot!(plain(&stopped), @"check: interrupted after 1.50s while running a (test); passes so far are kept");
    }

    #[test]
    fn colour_is_anstyle_codes() {
        let line = summary_line(&Counts::default());
        assert!(line.contains('\u{1b}'), "{line:?}");
    }
}
