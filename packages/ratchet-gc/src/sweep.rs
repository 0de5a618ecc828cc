//! `gc --keep-runs N`: removes, in ratchet's build directory, the units none of the last N
//! recorded runs used (their `deps/` and `examples/` files, `.fingerprint/` and `build/`
//! directories, and incremental directories), and keeps everything it cannot prove unused:
//! entries without a unit hash, and everything when the record holds fewer than N runs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::record::Record;
use crate::{GcError, Outcome, disk_usage, layout, remove};

/// What `--keep-runs` did, or why it removed nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sweep {
    /// Sizes and what went.
    pub outcome: Outcome,
    /// Runs the record holds, when fewer than asked or one of the last is opaque (then
    /// nothing was removed).
    pub short_of_runs: Option<usize>,
}

/// Removes (or, for a dry run, lists) the units of `state_dir`'s build directory that none of
/// the last `runs` recorded runs used. Holds the run lock meanwhile.
pub fn keep_runs(state_dir: &Path, runs: usize, dry_run: bool) -> Result<Sweep, GcError> {
    let before = disk_usage(state_dir);
    let mut outcome = Outcome {
        before,
        after: before,
        removed: Vec::new(),
    };
    if !state_dir.is_dir() {
        return Ok(Sweep {
            outcome,
            short_of_runs: None,
        });
    }
    let _lock = ratchet_store::Lock::acquire(&state_dir.join(ratchet_store::state::CHECK_LOCK))?;
    let record = Record::read(state_dir);
    let Some(last) = record.last(runs) else {
        return Ok(Sweep {
            outcome,
            short_of_runs: Some(record.runs.len()),
        });
    };
    let mut used: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (hash, krate) in last.iter().flat_map(|r| &r.units) {
        used.entry(krate).or_default().insert(hash);
    }
    let used_hashes: BTreeSet<&str> = used.values().flatten().copied().collect();
    let build = state_dir.join(ratchet_store::state::BUILD);
    let mut unused = unused_units(&build, &used_hashes);
    unused.extend(unused_incremental(&build, &record, &used, &used_hashes));
    for path in unused {
        let bytes = disk_usage(&path);
        if !dry_run {
            remove(&path)?;
        }
        outcome.after = outcome.after.saturating_sub(bytes);
        outcome.removed.push((path, bytes));
    }
    if !dry_run {
        outcome.after = disk_usage(state_dir);
    }
    Ok(Sweep {
        outcome,
        short_of_runs: None,
    })
}

/// Entries named by a unit hash that no kept run used.
fn unused_units(build: &Path, used: &BTreeSet<&str>) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for profile in layout::profile_dirs(build) {
        for kind in layout::UNIT_DIRS {
            for entry in layout::entries(&profile.join(kind)) {
                let name = entry.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if layout::name_hash(name).is_some_and(|h| !used.contains(h)) {
                    found.push(entry);
                }
            }
        }
    }
    found
}

/// Incremental directories no kept run's unit can own: tied only to units no kept run used,
/// or of a crate no kept run used, while every used unit of the crate is tied to its own.
fn unused_incremental(
    build: &Path,
    record: &Record,
    used: &BTreeMap<&str, BTreeSet<&str>>,
    used_hashes: &BTreeSet<&str>,
) -> Vec<PathBuf> {
    let tied: BTreeSet<&str> = record
        .incremental
        .values()
        .flatten()
        .map(String::as_str)
        .collect();
    let mut found = Vec::new();
    for dir in layout::incremental_dirs(build) {
        let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let key = dir.strip_prefix(build).ok().and_then(|p| p.to_str());
        let owners = key.and_then(|k| record.incremental.get(k));
        let owned = owners.is_some_and(|o| o.iter().any(|h| used_hashes.contains(h.as_str())));
        // A used unit never seen compiling may own any directory of its crate.
        let unknown_owner = (used.get(layout::incremental_crate(name)))
            .is_some_and(|hashes| hashes.iter().any(|h| !tied.contains(h)));
        if !owned && !unknown_owner {
            found.push(dir);
        }
    }
    found
}

#[cfg(test)]
#[path = "sweep_tests.rs"]
mod tests;
