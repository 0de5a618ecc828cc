//! The order independent jobs start in, so that a pool of workers finishes as early as it can.
//!
//! Owns: the durations of named jobs remembered from their last run (one small JSON file) and
//! the longest-first order they give: a slow job started last would leave the other workers
//! idle while it finishes alone. Jobs never timed (new, or renamed) go first, since one of
//! them may be the slow one.
//!
//! Must not: run anything, or matter to a result. The durations are a hint: a missing or
//! corrupt file only means the caller's own order.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Last durations of named jobs, in ms.
#[derive(Debug, Default)]
pub struct Durations {
    path: PathBuf,
    ms: BTreeMap<String, u64>,
}

impl Durations {
    /// The durations remembered in `path` (none when it is missing or unreadable).
    pub fn load(path: &Path) -> Durations {
        Durations {
            path: path.to_path_buf(),
            ms: ratchet_store::read_json(path).unwrap_or_default(),
        }
    }

    /// The last duration of job `name`, in ms.
    pub fn get(&self, name: &str) -> Option<u64> {
        self.ms.get(name).copied()
    }

    /// Sorts `jobs` longest first by `name`, jobs never timed before all others; ties keep
    /// their order.
    pub fn longest_first<T>(&self, jobs: &mut [T], name: impl Fn(&T) -> String) {
        jobs.sort_by_key(|job| std::cmp::Reverse(self.get(&name(job)).unwrap_or(u64::MAX)));
    }

    /// Remembers how long the jobs of a run took (jobs that did not run keep theirs) and
    /// writes the file atomically. A failed write is ignored: the next run starts in its
    /// caller's order.
    pub fn remember(mut self, ran: impl IntoIterator<Item = (String, u64)>) {
        let mut changed = false;
        for (name, ms) in ran {
            changed |= self.ms.insert(name, ms) != Some(ms);
        }
        if changed {
            let _ = ratchet_store::write_json(&self.path, &self.ms);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ran(jobs: &[(&str, u64)]) -> Vec<(String, u64)> {
        jobs.iter().map(|(n, ms)| (n.to_string(), *ms)).collect()
    }

    #[test]
    fn slowest_first_and_never_timed_before_all() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("durations.json");
        Durations::load(&path).remember(ran(&[("quick", 5), ("slow", 9_000), ("medium", 300)]));
        let mut jobs = vec!["quick", "slow", "new", "medium"];
        Durations::load(&path).longest_first(&mut jobs, |j| j.to_string());
        assert_eq!(jobs, ["new", "slow", "medium", "quick"]);
    }

    #[test]
    fn a_run_updates_only_its_jobs_and_a_corrupt_file_is_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("durations.json");
        Durations::load(&path).remember(ran(&[("slow", 800), ("quick", 3)]));
        Durations::load(&path).remember(ran(&[("quick", 4)]));
        let durations = Durations::load(&path);
        assert_eq!(
            (durations.get("slow"), durations.get("quick")),
            (Some(800), Some(4))
        );

        std::fs::write(&path, "{ not json").unwrap();
        let mut jobs = vec!["quick", "slow"];
        Durations::load(&path).longest_first(&mut jobs, |j| j.to_string());
        assert_eq!(jobs, ["quick", "slow"], "the caller's order");
    }
}
