//! What recent `check` runs used of ratchet's build directory (`gc-runs.json`): per run, the
//! units cargo reported (by the `-HASH` cargo puts in their names) and the files it reported
//! without such a hash; and which incremental directory each compiled unit wrote.
//!
//! An incremental directory is named by rustc (`CRATE-ID`, the id derived from the crate's
//! `-C metadata`), not by cargo's unit hash, so it is tied to the units of its crate that
//! compiled while it changed: a directory modified since a run started belongs to one of the
//! units of that crate the run compiled. Several may be tied to one directory (a library and
//! its test harness compile at once); that keeps more, never less.
//!
//! A missing or corrupt record holds no run: `gc --keep-runs` then removes nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::{Duration, SystemTime};

use camino::Utf8PathBuf;
use serde::{Deserialize, Serialize};

use crate::GcError;
use crate::layout;

/// The format of `gc-runs.json`; another version reads as no record.
const VERSION: u32 = 1;
/// Runs kept in the record: the most `--keep-runs` can ask for.
pub const MAX_RUNS: usize = 16;

/// One unit a run used, as cargo reported it.
#[derive(Debug, Clone)]
pub struct UnitFiles<'a> {
    /// Its crate's name (`-` made `_`).
    pub crate_name: &'a str,
    /// Whether this run compiled it.
    pub built: bool,
    /// Its files, or a build script run's `out` directory.
    pub files: &'a [Utf8PathBuf],
}

/// The record.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Record {
    version: u32,
    /// Oldest first.
    pub(crate) runs: Vec<RunUse>,
    /// Incremental directory (relative to the build directory) to the hashes of the units
    /// that compiled while it changed.
    pub(crate) incremental: BTreeMap<String, BTreeSet<String>>,
}

/// What one run used.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct RunUse {
    /// Unit hash to its crate's name.
    pub(crate) units: BTreeMap<String, String>,
    /// Files without a unit hash, relative to the build directory.
    pub(crate) files: BTreeSet<String>,
    /// cargo reported a file outside the build directory: what the run used is not known.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) opaque: bool,
}

impl Default for Record {
    fn default() -> Record {
        Record {
            version: VERSION,
            runs: Vec::new(),
            incremental: BTreeMap::new(),
        }
    }
}

impl Record {
    /// The record in `state_dir`; a missing, corrupt or other-version one is empty.
    pub(crate) fn read(state_dir: &Path) -> Record {
        let path = state_dir.join(ratchet_store::state::GC_RUNS);
        ratchet_store::read_json::<Record>(&path)
            .filter(|r| r.version == VERSION)
            .unwrap_or_default()
    }

    /// Writes the record (atomically) to `state_dir`.
    pub(crate) fn write(&self, state_dir: &Path) -> Result<(), GcError> {
        let path = state_dir.join(ratchet_store::state::GC_RUNS);
        ratchet_store::write_json(&path, self)?;
        Ok(())
    }

    /// The last `n` runs, if the record holds that many and knows what each used.
    pub(crate) fn last(&self, n: usize) -> Option<&[RunUse]> {
        let start = self.runs.len().checked_sub(n)?;
        let last = &self.runs[start..];
        (!last.iter().any(|r| r.opaque)).then_some(last)
    }
}

/// How far apart an incremental directory's last change and the fingerprint cargo writes
/// when the unit that changed it finished may be, to be tied by time.
const TIE_WINDOW: Duration = Duration::from_secs(5);

/// Ties each incremental directory changed since `started` to the units of its crate this
/// run compiled: those whose fingerprint cargo wrote near the directory's last change, or,
/// when none did, all of them. Only the fingerprints of those units are looked at (a leaf
/// edit changes one or two directories among hundreds).
fn tie_incremental(
    record: &mut Record,
    build_dir: &Path,
    built: &BTreeMap<&str, BTreeSet<String>>,
    started: SystemTime,
) {
    let changed: Vec<(std::path::PathBuf, SystemTime, &BTreeSet<String>)> =
        layout::incremental_dirs(build_dir)
            .into_iter()
            .filter_map(|dir| {
                let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                let hashes = built.get(layout::incremental_crate(name))?;
                let changed = std::fs::metadata(&dir).and_then(|m| m.modified()).ok();
                let changed = changed.filter(|t| *t >= started)?;
                Some((dir, changed, hashes))
            })
            .collect();
    if changed.is_empty() {
        return;
    }
    let wanted: BTreeSet<&str> = (changed.iter())
        .flat_map(|(_, _, hashes)| hashes.iter().map(String::as_str))
        .collect();
    let finished = layout::fingerprint_times(build_dir, &wanted);
    for (dir, changed, hashes) in changed {
        let near = |hash: &&String| {
            finished.get(hash.as_str()).is_some_and(|t| {
                let apart = t.duration_since(changed).or(changed.duration_since(*t));
                apart.is_ok_and(|d| d <= TIE_WINDOW)
            })
        };
        let mut owners: BTreeSet<String> = hashes.iter().filter(near).cloned().collect();
        if owners.is_empty() {
            owners = hashes.clone();
        }
        if let Some(key) = dir.strip_prefix(build_dir).ok().and_then(|p| p.to_str()) {
            record.incremental.insert(key.to_string(), owners);
        }
    }
}

/// Adds one run to the record in `state_dir`: the units it used, in the build directory
/// `build_dir`, and the incremental directories changed since `started` (when it began). A
/// run that reported no unit is not recorded; one that reported a file outside `build_dir`
/// is recorded as opaque, which makes `gc` keep everything while it is among the kept runs.
pub fn record_run(
    state_dir: &Path,
    build_dir: &Path,
    units: &[UnitFiles<'_>],
    started: SystemTime,
) -> Result<(), GcError> {
    if units.is_empty() {
        return Ok(());
    }
    let mut record = Record::read(state_dir);
    let roots: Vec<std::path::PathBuf> = std::iter::once(build_dir.to_path_buf())
        .chain(build_dir.canonicalize().ok())
        .collect();
    let mut run = RunUse::default();
    let mut built: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for unit in units {
        for file in unit.files {
            let relative = (roots.iter())
                .find_map(|root| Path::new(file.as_str()).strip_prefix(root).ok())
                .and_then(|p| p.to_str());
            let Some(relative) = relative else {
                run.opaque = true; // Cannot say what of the build directory it is.
                continue;
            };
            match layout::unit_hash(relative) {
                Some(hash) => {
                    if unit.built {
                        built
                            .entry(unit.crate_name)
                            .or_default()
                            .insert(hash.clone());
                    }
                    run.units.insert(hash, unit.crate_name.to_string());
                }
                None => {
                    run.files.insert(relative.to_string());
                }
            }
        }
    }
    tie_incremental(&mut record, build_dir, &built, started);
    record
        .incremental
        .retain(|dir, _| build_dir.join(dir).is_dir());
    record.runs.push(run);
    let excess = record.runs.len().saturating_sub(MAX_RUNS);
    record.runs.drain(..excess);
    record.write(state_dir)
}
