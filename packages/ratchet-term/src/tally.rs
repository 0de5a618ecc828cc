//! What a run has done so far, for the summary: tests run per package, steps still running.

use std::collections::BTreeMap;

/// Tests counted and steps running, as steps start and finish.
#[derive(Debug, Default)]
pub struct Tally {
    tests: BTreeMap<String, usize>,
    running: Vec<(String, String)>,
    noted: std::collections::BTreeSet<String>,
    still_running: Vec<String>,
}

impl Tally {
    /// `step` began on `packages`.
    pub fn started(&mut self, step: &str, packages: &[String]) {
        let what = match packages.len() {
            1..=3 => packages.join(", "),
            n => format!("{n} packages"),
        };
        self.running
            .push((step.to_string(), format!("{step} of {what}")));
    }

    /// `step` ended, having run `tests` (per package).
    pub fn finished(&mut self, step: &str, tests: &BTreeMap<String, usize>) {
        for (package, count) in tests {
            *self.tests.entry(package.clone()).or_default() += count;
        }
        self.running.retain(|(s, _)| s != step);
    }

    /// Whether `note` is news in this run (a warning is said once, however often it is found).
    pub fn first_time(&mut self, note: &str) -> bool {
        self.noted.insert(note.to_string())
    }

    /// Tests run in all.
    pub fn tests(&self) -> usize {
        self.tests.values().sum()
    }

    /// Packages with at least one test run.
    pub fn test_packages(&self) -> usize {
        self.tests.values().filter(|n| **n > 0).count()
    }

    /// An interrupt stopped the test step while `names` ran (test binaries or tests).
    pub fn interrupted_while(&mut self, names: &[String]) {
        self.still_running.extend(names.iter().cloned());
    }

    /// The test binaries or tests running when an interrupt stopped the run.
    pub fn still_running(&self) -> &[String] {
        &self.still_running
    }

    /// `step of packages` for every step started and not finished, the test step with what
    /// of it still ran (`test of 3 packages (test binary `it` of `mid`)`).
    pub fn running(&self) -> Vec<String> {
        let open = match self.still_running.as_slice() {
            [] => String::new(),
            names => format!(" ({})", names.join(", ")),
        };
        self.running
            .iter()
            .map(|(step, what)| match step.as_str() {
                "test" => format!("{what}{open}"),
                _ => what.clone(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interrupt_names_the_test_binaries_still_running_in_the_test_step() {
        let mut tally = Tally::default();
        tally.started("lint", &["a".to_string()]);
        tally.started("test", &["a".to_string(), "b".to_string()]);
        tally.interrupted_while(&["test binary `it` of `b`; not finished: slow".to_string()]);
        assert_eq!(
            tally.running(),
            [
                "lint of a",
                "test of a, b (test binary `it` of `b`; not finished: slow)"
            ]
        );
        assert_eq!(tally.still_running().len(), 1);
    }
}
