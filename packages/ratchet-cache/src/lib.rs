//! The verdict store: which steps passed on which package contents.
//!
//! Owns: the verdict key (blake3 over the package's fingerprint, the step's name, the step's
//! configuration and the tool's version), one small JSON file per recorded pass under
//! `<target>/ratchet/verdicts/`, and the lock that serializes whole `check` runs.
//!
//! Invariants: only passes are stored; a missing, truncated, foreign or mismatched entry is a
//! miss, never a pass; every write is atomic. This package must not decide *whether* something
//! passed or compute fingerprints: it only remembers what its caller says passed.

use std::path::{Path, PathBuf};

use ratchet_store::{Lock, StoreError};
use serde::{Deserialize, Serialize};

/// Bump when the meaning of an entry changes, so that old entries miss.
const ENTRY_FORMAT: u32 = 1;

/// The identity of one verdict: a step on one package at one content.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VerdictKey(String);

impl VerdictKey {
    /// The key of `step` (run with `step_config`, by `tool_version`) on a package whose full
    /// fingerprint is `fingerprint`. Every part is length-prefixed so that no two different
    /// inputs can concatenate to the same bytes.
    pub fn new(fingerprint: &str, step: &str, step_config: &str, tool_version: &str) -> VerdictKey {
        let mut hasher = blake3::Hasher::new();
        for part in [fingerprint, step, step_config, tool_version] {
            hasher.update(&(part.len() as u64).to_le_bytes());
            hasher.update(part.as_bytes());
        }
        VerdictKey(hasher.finalize().to_hex().to_string())
    }

    /// The key as lowercase hex.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a recorded pass says about itself (for people reading the store; checked on read).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PassEntry {
    /// [`ENTRY_FORMAT`] when written.
    pub format: u32,
    /// The key this entry is stored under; an entry under another name is foreign.
    pub key: String,
    /// The package that passed.
    pub package: String,
    /// The step that passed.
    pub step: String,
    /// Seconds since the Unix epoch.
    pub recorded_at: u64,
}

/// The verdict store of one workspace.
#[derive(Debug, Clone)]
pub struct VerdictCache {
    dir: PathBuf,
    lock_path: PathBuf,
}

impl VerdictCache {
    /// The store under `state_dir` (`<target>/ratchet`). Nothing is created until a write.
    pub fn open(state_dir: &Path) -> VerdictCache {
        VerdictCache {
            dir: state_dir.join("verdicts"),
            lock_path: state_dir.join("check.lock"),
        }
    }

    /// Where the entries live.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Takes the run lock if it is free (`None` while another `check` holds it).
    pub fn try_lock(&self) -> Result<Option<Lock>, StoreError> {
        Lock::try_acquire(&self.lock_path)
    }

    /// Waits for the run lock. A second `check` blocks here, then finds the first one's passes.
    pub fn lock(&self) -> Result<Lock, StoreError> {
        Lock::acquire(&self.lock_path)
    }

    /// Whether a pass is recorded under `key`. Anything unreadable or inconsistent is a miss.
    pub fn is_pass(&self, key: &VerdictKey) -> bool {
        ratchet_store::read_json::<PassEntry>(&self.entry_path(key))
            .is_some_and(|entry| entry.format == ENTRY_FORMAT && entry.key == key.0)
    }

    /// Records that `step` passed on `package` at the content `key` describes.
    pub fn record_pass(
        &self,
        key: &VerdictKey,
        package: &str,
        step: &str,
    ) -> Result<(), StoreError> {
        let entry = PassEntry {
            format: ENTRY_FORMAT,
            key: key.0.clone(),
            package: package.to_string(),
            step: step.to_string(),
            recorded_at: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
        };
        ratchet_store::write_json(&self.entry_path(key), &entry)
    }

    /// The file an entry with this key lives in.
    pub fn entry_path(&self, key: &VerdictKey) -> PathBuf {
        self.dir.join(format!("{}.json", key.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, VerdictCache) {
        let dir = tempfile::tempdir().unwrap();
        let cache = VerdictCache::open(dir.path());
        (dir, cache)
    }

    #[test]
    fn recorded_pass_is_found_and_only_under_its_key() {
        let (_dir, cache) = store();
        let key = VerdictKey::new("fp1", "lint", "args=[]", "0.1.0");
        assert!(!cache.is_pass(&key));
        cache.record_pass(&key, "a", "lint").unwrap();
        assert!(cache.is_pass(&key));
        for other in [
            VerdictKey::new("fp2", "lint", "args=[]", "0.1.0"),
            VerdictKey::new("fp1", "test", "args=[]", "0.1.0"),
            VerdictKey::new("fp1", "lint", "args=[-D]", "0.1.0"),
            VerdictKey::new("fp1", "lint", "args=[]", "0.2.0"),
        ] {
            assert!(!cache.is_pass(&other), "{other:?}");
        }
    }

    #[test]
    fn key_parts_cannot_run_into_each_other() {
        assert_ne!(
            VerdictKey::new("ab", "c", "", ""),
            VerdictKey::new("a", "bc", "", "")
        );
    }

    #[test]
    fn corrupt_truncated_and_foreign_entries_are_misses() {
        let (_dir, cache) = store();
        let key = VerdictKey::new("fp", "test", "", "v");
        cache.record_pass(&key, "a", "test").unwrap();
        let path = cache.entry_path(&key);
        let good = std::fs::read(&path).unwrap();

        std::fs::write(&path, &good[..good.len() / 2]).unwrap();
        assert!(!cache.is_pass(&key), "truncated");
        std::fs::write(&path, b"\0\0garbage").unwrap();
        assert!(!cache.is_pass(&key), "garbage");
        let other = VerdictKey::new("other", "test", "", "v");
        cache.record_pass(&other, "a", "test").unwrap();
        std::fs::copy(cache.entry_path(&other), &path).unwrap();
        assert!(!cache.is_pass(&key), "an entry copied from another key");
    }

    #[test]
    fn lock_is_exclusive() {
        let (_dir, cache) = store();
        let held = cache.try_lock().unwrap();
        assert!(held.is_some());
        assert!(cache.try_lock().unwrap().is_none());
        drop(held);
        assert!(cache.lock().is_ok());
    }
}
