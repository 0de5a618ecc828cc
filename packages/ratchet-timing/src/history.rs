//! The last few CPU times of every rustc call of every package (`build-history.json`), so
//! that a prediction takes their median instead of the one sample the last run left in
//! `build-costs.json`: on a shared machine one call's CPU moves by 10 to 25% from run to run.

use std::collections::BTreeMap;
use std::path::Path;

use ratchet_events::measure::{CrateCost, PackageCost};
use serde::{Deserialize, Serialize};

/// The file's format; a file of another version is read as empty.
const VERSION: u32 = 1;

/// Samples kept per rustc call (the newest).
pub const SAMPLES: usize = 5;

/// Per package, per rustc call (`KIND/CRATE`), its last [`SAMPLES`] CPU times in ms, oldest
/// first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    version: u32,
    packages: BTreeMap<String, BTreeMap<String, Vec<u64>>>,
}

fn key(call: &CrateCost) -> String {
    format!("{}/{}", call.kind, call.crate_name)
}

impl History {
    /// The history in `state_dir`; empty when it is missing, corrupt or of another version
    /// (a miss: the predictions fall back to the last run's record).
    pub fn read(state_dir: &Path) -> History {
        let path = state_dir.join(ratchet_store::state::BUILD_HISTORY);
        ratchet_store::read_json::<History>(&path)
            .filter(|h| h.version == VERSION)
            .unwrap_or_default()
    }

    /// Writes it to `state_dir` (atomically).
    pub fn write(&self, state_dir: &Path) -> Result<(), ratchet_store::StoreError> {
        let mut history = self.clone();
        history.version = VERSION;
        let path = state_dir.join(ratchet_store::state::BUILD_HISTORY);
        ratchet_store::write_json(&path, &history)
    }

    /// Adds one run's `call` of `package`, forgetting its oldest sample beyond [`SAMPLES`].
    pub fn add(&mut self, package: &str, call: &CrateCost) {
        let calls = self.packages.entry(package.to_string()).or_default();
        let samples = calls.entry(key(call)).or_default();
        samples.push(call.cpu_ms);
        let extra = samples.len().saturating_sub(SAMPLES);
        samples.drain(..extra);
    }

    /// Forgets the packages for which `keep` is false (removed from the workspace).
    pub fn retain(&mut self, keep: impl Fn(&str) -> bool) {
        self.packages.retain(|name, _| keep(name));
    }

    /// `cost` (the last record of `package`) with each call's CPU the median of its recorded
    /// samples (its own value when it has none) and the total their sum. The record decides
    /// which calls a package has (a deleted target drops out); the history only smooths them.
    pub fn smoothed(&self, package: &str, cost: &PackageCost) -> PackageCost {
        let calls = self.packages.get(package);
        let mut smoothed = cost.clone();
        for call in &mut smoothed.crates {
            let samples = calls.and_then(|c| c.get(&key(call)));
            if let Some(samples) = samples.filter(|s| !s.is_empty()) {
                call.cpu_ms = crate::median(samples);
            }
        }
        if !smoothed.crates.is_empty() {
            smoothed.cpu_ms = smoothed.crates.iter().map(|c| c.cpu_ms).sum();
        }
        smoothed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(kind: &str, cpu_ms: u64) -> CrateCost {
        CrateCost {
            crate_name: "a".into(),
            kind: kind.into(),
            cpu_ms,
            wall_ms: cpu_ms,
        }
    }

    fn cost(calls: Vec<CrateCost>) -> PackageCost {
        PackageCost {
            cpu_ms: calls.iter().map(|c| c.cpu_ms).sum(),
            crates: calls,
            ..PackageCost::default()
        }
    }

    #[test]
    fn each_call_is_priced_at_the_median_of_its_last_samples() {
        let mut history = History::default();
        for ms in [100, 400, 110, 90, 105, 900, 95] {
            history.add("a", &call("lib", ms));
        }
        // The last five: 110 90 105 900 95; the median ignores the outlier.
        let smoothed = history.smoothed("a", &cost(vec![call("lib", 900), call("test", 50)]));
        assert_eq!(smoothed.crates[0].cpu_ms, 105);
        assert_eq!(
            smoothed.crates[1].cpu_ms, 50,
            "no sample: the record's own value"
        );
        assert_eq!(smoothed.cpu_ms, 155);
    }

    #[test]
    fn a_missing_corrupt_or_foreign_history_is_empty() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(History::read(dir.path()), History::default());
        let path = dir.path().join(ratchet_store::state::BUILD_HISTORY);
        std::fs::write(&path, "{\"version\": 1, \"packages\": {\"a\": [").expect("write");
        assert_eq!(History::read(dir.path()), History::default());
        std::fs::write(&path, "{\"version\": 99, \"packages\": {}}").expect("write");
        assert_eq!(History::read(dir.path()), History::default());
        let mut history = History::default();
        history.add("a", &call("lib", 7));
        history.write(dir.path()).expect("write");
        let read = History::read(dir.path());
        assert_eq!(read.smoothed("a", &cost(vec![call("lib", 1)])).cpu_ms, 7);
    }
}
