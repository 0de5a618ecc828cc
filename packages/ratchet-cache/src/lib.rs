//! The verdict store: which steps passed on which package contents.
//!
//! Owns: the verdict key (blake3 over named, length-prefixed parts: the package's fingerprint,
//! the step's name, the step's configuration, the tool's version and any further parts; which
//! values go in is decided in one place, `ratchet-cli`'s `check/key.rs`), one small JSON file
//! per package under
//! `<target>/ratchet/verdicts/` holding its recent passes, and the lock that serializes whole
//! `check` runs.
//!
//! Invariants: only passes are stored; a missing, truncated, foreign or mismatched entry is a
//! miss, never a pass; every write is atomic. This package must not decide *whether* something
//! passed or compute fingerprints: it only remembers what its caller says passed.

mod inputs;
mod key;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use inputs::{differing, non_hermetic_message};
pub use key::{KeyParts, VerdictKey};
use ratchet_store::{Lock, StoreError};
use serde::{Deserialize, Serialize};

/// Bump when the meaning of an entry changes, so that old entries miss.
const ENTRY_FORMAT: u32 = 4;

/// One recorded pass.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PassEntry {
    /// The verdict key.
    pub key: String,
    /// The step that passed (for people reading the store, and for pruning).
    pub step: String,
    /// Seconds since the Unix epoch.
    pub recorded_at: u64,
    /// The id of the inputs it was recorded with, in its file's `inputs`.
    pub inputs: String,
}

/// The file of one package: its recorded passes, newest last.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
struct PackageFile {
    format: u32,
    package: String,
    passes: Vec<PassEntry>,
    /// The inputs passes were recorded with, by id; a pass whose record is missing is a miss.
    inputs: BTreeMap<String, inputs::Record>,
}

/// Passes kept per package and step: enough for switching between a few branches without
/// losing their passes, few enough that the file stays small.
const KEPT_PER_STEP: usize = 8;

/// The passes recorded for one package, as read once.
#[derive(Debug, Clone, Default)]
pub struct PackagePasses {
    keys: std::collections::BTreeSet<String>,
}

impl PackagePasses {
    /// Whether a pass is recorded under `key`.
    pub fn contains(&self, key: &VerdictKey) -> bool {
        self.keys.contains(&key.0)
    }
}

/// The verdict store of one workspace: one small JSON file per package under
/// `<target>/ratchet/verdicts/`, so that a no-op run reads one file per package.
#[derive(Debug, Clone)]
pub struct VerdictCache {
    dir: PathBuf,
    lock_path: PathBuf,
    /// With [`VerdictCache::keep_going`]: the first pass that could not be written.
    failed_write: Option<std::sync::Arc<std::sync::Mutex<Option<String>>>>,
}

impl VerdictCache {
    /// The store under `state_dir` (`<target>/ratchet`). Nothing is created until a write.
    pub fn open(state_dir: &Path) -> VerdictCache {
        VerdictCache {
            dir: state_dir.join(ratchet_store::state::VERDICTS),
            lock_path: state_dir.join(ratchet_store::state::CHECK_LOCK),
            failed_write: None,
        }
    }

    /// A pass that cannot be written (a full disk) is then not an error of `record_pass`: it
    /// is only not recorded (a miss next time), and [`VerdictCache::failed_write`] says why, so
    /// that a run can still report the verdicts it has.
    pub fn keep_going(mut self) -> VerdictCache {
        self.failed_write = Some(Default::default());
        self
    }

    /// The first write that failed since [`VerdictCache::keep_going`], as one line.
    pub fn failed_write(&self) -> Option<String> {
        let slot = self.failed_write.as_ref()?;
        slot.lock().unwrap_or_else(|p| p.into_inner()).clone()
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

    /// The passes recorded for `package`. A missing, unreadable, truncated or foreign file
    /// (another format, another package's name inside) has none.
    pub fn passes(&self, package: &str) -> PackagePasses {
        PackagePasses {
            keys: self
                .read(package)
                .passes
                .into_iter()
                .map(|p| p.key)
                .collect(),
        }
    }

    /// Whether a pass of `package` is recorded under `key`.
    pub fn is_pass(&self, package: &str, key: &VerdictKey) -> bool {
        self.passes(package).contains(key)
    }

    /// Records that `step` passed on `package` at the content `key` describes, with no
    /// inputs beyond those the key names (see [`VerdictCache::record_pass_with`]).
    pub fn record_pass(
        &self,
        package: &str,
        key: &VerdictKey,
        step: &str,
    ) -> Result<(), StoreError> {
        self.record_pass_with(package, key, step, &BTreeMap::new())
    }

    /// Records that `step` passed on `package` at the content `key` describes, reading
    /// `inputs` (input -> hash; kept so that [`VerdictCache::differing_inputs`] can name what
    /// changed). Callers hold the run lock, which makes this read-modify-write safe; the write
    /// itself is atomic.
    pub fn record_pass_with(
        &self,
        package: &str,
        key: &VerdictKey,
        step: &str,
        inputs: &BTreeMap<String, String>,
    ) -> Result<(), StoreError> {
        let mut file = self.read(package);
        let (id, record) = inputs::record(inputs);
        file.inputs.insert(id.clone(), record);
        file.format = ENTRY_FORMAT;
        file.package = package.to_string();
        file.passes.retain(|p| p.key != key.0);
        file.passes.push(PassEntry {
            key: key.0.clone(),
            step: step.to_string(),
            recorded_at: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
            inputs: id,
        });
        let same_step = file.passes.iter().filter(|p| p.step == step).count();
        let mut excess = same_step.saturating_sub(KEPT_PER_STEP);
        file.passes.retain(|p| {
            let drop = excess > 0 && p.step == step;
            excess -= usize::from(drop);
            !drop
        });
        file.inputs
            .retain(|id, _| file.passes.iter().any(|p| &p.inputs == id));
        match (
            ratchet_store::write_json(&self.entry_path(package), &file),
            &self.failed_write,
        ) {
            (Err(e), Some(slot)) => {
                let mut slot = slot.lock().unwrap_or_else(|p| p.into_inner());
                slot.get_or_insert(e.to_string());
                Ok(())
            }
            (result, _) => result,
        }
    }

    /// Forgets every pass of `package` recorded under `key` (the step failed there now, so
    /// the pass was stale). Nothing to forget is not an error.
    pub fn remove_pass(&self, package: &str, key: &VerdictKey) -> Result<(), StoreError> {
        let mut file = self.read(package);
        let before = file.passes.len();
        file.passes.retain(|p| p.key != key.0);
        if file.passes.len() == before {
            return Ok(());
        }
        ratchet_store::write_json(&self.entry_path(package), &file)
    }

    /// For the pass of `package` under `key`: the inputs it was recorded with that differ
    /// from `now` (see [`differing`]); `None` when there is no such pass.
    pub fn differing_inputs(
        &self,
        package: &str,
        key: &VerdictKey,
        now: &BTreeMap<String, String>,
    ) -> Option<Vec<String>> {
        let file = self.read(package);
        let pass = file.passes.iter().find(|p| p.key == key.0)?;
        Some(differing(file.inputs.get(&pass.inputs)?, now))
    }

    /// The file holding `package`'s passes.
    pub fn entry_path(&self, package: &str) -> PathBuf {
        self.dir.join(format!("{package}.json"))
    }

    /// The file of `package`, without passes whose input record is missing.
    fn read(&self, package: &str) -> PackageFile {
        let mut file = ratchet_store::read_json::<PackageFile>(&self.entry_path(package))
            .filter(|f| f.format == ENTRY_FORMAT && f.package == package)
            .unwrap_or_default();
        let records = &file.inputs;
        file.passes.retain(|p| records.contains_key(&p.inputs));
        file
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mk(fingerprint: &str, step: &str, step_config: &str, tool_version: &str) -> VerdictKey {
        VerdictKey::of(&KeyParts {
            fingerprint,
            step,
            step_config,
            tool_version,
            extra: &[],
        })
    }

    fn store() -> (tempfile::TempDir, VerdictCache) {
        let dir = tempfile::tempdir().unwrap();
        let cache = VerdictCache::open(dir.path());
        (dir, cache)
    }

    #[test]
    fn recorded_pass_is_found_and_only_under_its_key_and_package() {
        let (_dir, cache) = store();
        let key = mk("fp1", "lint", "args=[]", "0.1.0");
        assert!(!cache.is_pass("a", &key));
        cache.record_pass("a", &key, "lint").unwrap();
        assert!(cache.is_pass("a", &key));
        assert!(!cache.is_pass("b", &key));
        for other in [
            mk("fp2", "lint", "args=[]", "0.1.0"),
            mk("fp1", "test", "args=[]", "0.1.0"),
            mk("fp1", "lint", "args=[-D]", "0.1.0"),
            mk("fp1", "lint", "args=[]", "0.2.0"),
        ] {
            assert!(!cache.is_pass("a", &other), "{other:?}");
        }
    }

    #[test]
    fn key_parts_cannot_run_into_each_other() {
        assert_ne!(mk("ab", "c", "", ""), mk("a", "bc", "", ""));
        assert_ne!(mk("a", "", "", ""), mk("", "a", "", ""));
    }

    #[test]
    fn every_part_counts_and_order_of_parts_matters() {
        let base = mk("fp", "lint", "cfg", "v1");
        let variants = [
            mk("fp2", "lint", "cfg", "v1"),
            mk("fp", "test", "cfg", "v1"),
            mk("fp", "lint", "cfg2", "v1"),
            mk("fp", "lint", "cfg", "v2"),
            // The same values in other parts.
            mk("lint", "fp", "cfg", "v1"),
            mk("fp", "cfg", "lint", "v1"),
            mk("v1", "lint", "cfg", "fp"),
        ];
        let mut all: std::collections::BTreeSet<VerdictKey> = variants.iter().cloned().collect();
        all.insert(base.clone());
        assert_eq!(all.len(), variants.len() + 1, "{all:?}");
        assert_eq!(base, mk("fp", "lint", "cfg", "v1"), "deterministic");
    }

    #[test]
    fn a_pass_keeps_its_inputs_and_one_without_its_record_is_a_miss() {
        let (_dir, cache) = store();
        let key = mk("fp1", "test", "", "v");
        let then = BTreeMap::from([("data.txt".to_string(), "h1".to_string())]);
        cache.record_pass_with("a", &key, "test", &then).unwrap();
        let now = BTreeMap::from([("data.txt".to_string(), "h2".to_string())]);
        let differing = cache.differing_inputs("a", &key, &now).unwrap();
        assert_eq!(differing, ["data.txt (changed since the pass)"]);
        assert_eq!(cache.differing_inputs("a", &key, &then).unwrap().len(), 0);
        let path = cache.entry_path("a");
        let text = std::fs::read_to_string(&path).unwrap();
        let id = text.split("\"inputs\":\"").nth(1).unwrap()[..16].to_string();
        let reference = format!("\"inputs\":\"{id}\"");
        let other = "\"inputs\":\"0000000000000000\"";
        std::fs::write(&path, text.replace(&reference, other)).unwrap();
        assert!(
            !cache.is_pass("a", &key),
            "a pass without its record is a miss"
        );
        assert_eq!(cache.differing_inputs("a", &key, &now), None);
    }

    #[test]
    fn extra_parts_are_named_and_ordered() {
        let parts = |extra| KeyParts {
            fingerprint: "fp",
            step: "test",
            step_config: "",
            tool_version: "v",
            extra,
        };
        let plain = VerdictKey::of(&parts(&[]));
        let a = VerdictKey::of(&parts(&[("features", "x"), ("learned", "y")]));
        let b = VerdictKey::of(&parts(&[("learned", "y"), ("features", "x")]));
        let c = VerdictKey::of(&parts(&[("features", "y"), ("learned", "x")]));
        let d = VerdictKey::of(&parts(&[("features", "xl"), ("earned", "y")]));
        let all: std::collections::BTreeSet<_> = [&plain, &a, &b, &c, &d].into_iter().collect();
        assert_eq!(all.len(), 5);
    }

    #[test]
    fn a_removed_pass_is_gone_and_others_stay() {
        let (_dir, cache) = store();
        let (one, two) = (mk("fp1", "test", "", "v"), mk("fp2", "test", "", "v"));
        cache.record_pass("a", &one, "test").unwrap();
        cache.record_pass("a", &two, "test").unwrap();
        cache.remove_pass("a", &one).unwrap();
        assert!(!cache.is_pass("a", &one) && cache.is_pass("a", &two));
        cache.remove_pass("b", &one).unwrap();
    }

    #[test]
    fn corrupt_truncated_and_foreign_files_are_misses() {
        let (_dir, cache) = store();
        let key = mk("fp", "test", "", "v");
        cache.record_pass("a", &key, "test").unwrap();
        let path = cache.entry_path("a");
        let good = std::fs::read(&path).unwrap();

        std::fs::write(&path, &good[..good.len() / 2]).unwrap();
        assert!(!cache.is_pass("a", &key), "truncated");
        std::fs::write(&path, b"\0\0garbage").unwrap();
        assert!(!cache.is_pass("a", &key), "garbage");
        cache.record_pass("b", &key, "test").unwrap();
        std::fs::copy(cache.entry_path("b"), &path).unwrap();
        assert!(!cache.is_pass("a", &key), "another package's file");
    }

    #[test]
    fn old_passes_of_a_step_are_pruned_but_other_steps_kept() {
        let (_dir, cache) = store();
        let lint = mk("fp", "lint", "", "v");
        cache.record_pass("a", &lint, "lint").unwrap();
        let tests: Vec<VerdictKey> = (0..KEPT_PER_STEP + 2)
            .map(|i| mk(&format!("fp{i}"), "test", "", "v"))
            .collect();
        for key in &tests {
            cache.record_pass("a", key, "test").unwrap();
        }
        assert!(cache.is_pass("a", &lint));
        assert!(!cache.is_pass("a", &tests[0]) && !cache.is_pass("a", &tests[1]));
        assert!(tests[2..].iter().all(|k| cache.is_pass("a", k)));
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
