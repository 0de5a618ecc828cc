//! The state behind the progress line: what step runs, how many units (or test binaries) are
//! done of how many expected, and the units each step took last time (kept in a small file,
//! the estimate of the next run's total).

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::ProgressLine;

/// Progress of the current step, and last run's totals.
#[derive(Debug, Default)]
pub struct Meter {
    label: String,
    step: String,
    done: usize,
    total: Option<usize>,
    counting: &'static str,
    expected: BTreeMap<String, usize>,
    file: Option<PathBuf>,
}

impl Meter {
    /// A meter whose expected totals are kept in `file` (read now; a missing or corrupt file
    /// means no estimate).
    pub fn with_history(file: PathBuf) -> Meter {
        let expected = std::fs::read(&file)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        Meter {
            expected,
            file: Some(file),
            ..Meter::default()
        }
    }

    /// `step` begins, shown as `label`.
    pub fn start(&mut self, step: &str, label: String) {
        self.step = step.to_string();
        self.label = label;
        self.done = 0;
        self.total = self.expected.get(step).copied();
        self.counting = "units";
    }

    /// cargo finished `done` units of the step.
    pub fn units(&mut self, done: usize) {
        self.done = done;
    }

    /// `done` of `total` test binaries finished.
    pub fn binaries(&mut self, done: usize, total: usize) {
        (self.done, self.total, self.counting) = (done, Some(total), "test binaries");
    }

    /// `step` ended after `units` units: next run's estimate.
    pub fn finished(&mut self, step: &str, units: usize) {
        if units > 0 {
            self.expected.insert(step.to_string(), units);
        }
    }

    /// Writes the estimates back (best effort: a lost estimate only costs the bar's total).
    pub fn save(&self) {
        if let (Some(file), Ok(text)) = (&self.file, serde_json::to_vec(&self.expected)) {
            let _ = std::fs::write(file, text);
        }
    }

    /// `[2/4] lint (3 packages) [===       ] 37/120 units`.
    pub fn prefix(&self) -> String {
        let line = ProgressLine {
            label: &self.label,
            done: self.done,
            total: self.total,
            counting: self.counting,
            ..ProgressLine::default()
        };
        line.counts()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_runs_units_are_the_next_runs_total() {
        let dir = std::env::temp_dir().join(format!("ratchet-term-meter-{}", std::process::id()));
        let mut meter = Meter::with_history(dir.clone());
        meter.start("lint", "[1/2] lint".into());
        meter.units(3);
        assert_eq!(meter.prefix(), "[1/2] lint 3 units");
        meter.finished("lint", 12);
        meter.save();
        let mut next = Meter::with_history(dir.clone());
        next.start("lint", "[1/2] lint".into());
        next.units(6);
        assert_eq!(next.prefix(), "[1/2] lint [=====     ] 6/12 units");
        let _ = std::fs::remove_file(dir);
    }
}
