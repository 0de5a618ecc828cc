//! Inputs learned during a run, and whether a pass may be keyed by them.
//!
//! A run's plan is keyed by the fingerprints taken at its start, with the inputs beyond own
//! files known then. Its steps may learn more (rustc's dep-info, build-script output, reads a
//! test was seen making). A pass is keyed by what it was observed with: the fingerprint
//! computed after the step with everything learned so far. That is only true to the step when
//! (a) the inputs known at the start still hash as they did (nothing the plan saw changed),
//! and (b) every newly learned input held still since before the steps started, so that its
//! content now is the content the step read. (b) is told by change times: a file (or, for a
//! missing one, its nearest existing directory, whose change time moves when an entry comes
//! or goes) must have changed last before the run's mark, a file ratchet writes just before
//! the steps start. Both times come from the kernel's file clock; the mark is floored to the
//! granularity the file's own time shows, so that a filesystem with coarse timestamps cannot
//! make a later change look earlier. A package one of whose newly learned inputs (or one of
//! its dependencies') fails (b) is not recordable: the next run checks it again.

use std::collections::BTreeSet;

use camino::{Utf8Path, Utf8PathBuf};
use ratchet_graph::{DepKind, Workspace};
use ratchet_learn::Inputs;

use crate::stat::Stat;
use crate::{FingerprintError, Fingerprints, InputsConfig};

/// The fingerprints a run's plan was made at, with what they were computed from.
#[derive(Debug, Clone)]
pub struct RunStart {
    /// The fingerprints.
    pub fingerprints: Fingerprints,
    beyond: Inputs,
    /// The change time of the mark (ns since the epoch); `None` before [`RunStart::mark`].
    marked_ns: Option<i128>,
}

/// The fingerprints after a step, and which packages' passes may be keyed by them.
#[derive(Debug, Clone)]
pub struct Recordable {
    /// Every package's fingerprints now, with every input learned so far.
    pub fingerprints: Fingerprints,
    /// Packages whose pass may be recorded under `fingerprints`: nothing known at the start
    /// changed, and every input learned since held still.
    pub held: BTreeSet<String>,
}

impl Recordable {
    /// `package`'s inputs beyond its own files now (path or `env:NAME` -> hash).
    pub fn learned(&self, package: &str) -> std::collections::BTreeMap<String, String> {
        let fingerprint = self.fingerprints.packages.get(package);
        fingerprint.map(|f| f.learned.clone()).unwrap_or_default()
    }
}

impl RunStart {
    /// Computes the fingerprints a run is planned at.
    pub fn compute(ws: &Workspace, config: &InputsConfig) -> Result<RunStart, FingerprintError> {
        let beyond = ratchet_learn::inputs(ws)?;
        Ok(RunStart {
            fingerprints: crate::compute_with(ws, config, &beyond)?,
            beyond,
            marked_ns: None,
        })
    }

    /// Marks the moment before any step reads anything: writes `<state>/run-start` and keeps
    /// its change time. Without a mark, no newly learned input is trusted.
    pub fn mark(&mut self, ws: &Workspace) -> Result<(), FingerprintError> {
        let path = ws.state_dir().join(ratchet_store::state::RUN_START);
        let unreadable = |source| FingerprintError::Unreadable {
            path: path.clone(),
            source,
        };
        let stamp = format!("{:?}\n", std::time::SystemTime::now());
        std::fs::create_dir_all(ws.state_dir()).map_err(unreadable)?;
        std::fs::write(&path, stamp).map_err(unreadable)?;
        let meta = std::fs::metadata(&path).map_err(unreadable)?;
        self.marked_ns = Some(Stat::of(&meta).ctime_ns());
        Ok(())
    }

    /// The fingerprints now, and the packages whose pass may be keyed by them.
    pub fn recordable(
        &self,
        ws: &Workspace,
        config: &InputsConfig,
    ) -> Result<Recordable, FingerprintError> {
        let beyond = ratchet_learn::inputs(ws)?;
        let now = crate::compute_with(ws, config, &beyond)?;
        let at_start_inputs = match beyond == self.beyond {
            true => now.clone(),
            false => crate::compute_with(ws, config, &self.beyond)?,
        };
        let unsettled = self.unsettled(ws, &beyond);
        let held = self
            .fingerprints
            .packages
            .iter()
            .filter(|(name, then)| {
                let same = at_start_inputs.packages.get(*name).map(|p| &p.full);
                same == Some(&then.full) && !unsettled.contains(*name)
            })
            .map(|(name, _)| name.clone())
            .collect();
        Ok(Recordable {
            fingerprints: now,
            held,
        })
    }

    /// After a run in which every package passed every step: records the fingerprints now as
    /// the last known-good ones (the baseline of `affected` without `--since`), unless some
    /// package's pass could not be keyed by them. Returns whether it recorded.
    pub fn record_baseline(
        &self,
        ws: &Workspace,
        config: &InputsConfig,
    ) -> Result<bool, FingerprintError> {
        let now = self.recordable(ws, config)?;
        if now.held.len() != self.fingerprints.packages.len() {
            return Ok(false);
        }
        crate::record(ws, &now.fingerprints)?;
        Ok(true)
    }

    /// Packages with a newly learned input that did not hold still since the mark, and every
    /// package whose fingerprint takes theirs in (their dependents).
    fn unsettled(&self, ws: &Workspace, now: &Inputs) -> BTreeSet<String> {
        let kinds = [DepKind::Normal, DepKind::Build, DepKind::Dev];
        let mut out = BTreeSet::new();
        for (ix, package) in ws.packages.iter().enumerate() {
            let known = self.beyond.files.get(&package.name);
            let new = now.files.get(&package.name).into_iter().flatten();
            let mut new = new.filter(|key| known.is_none_or(|k| !k.contains(*key)));
            if new.all(|key| self.held_still(ws, key)) {
                continue;
            }
            out.insert(package.name.clone());
            let dependents = ws.rdep_closure(ix, &kinds).into_iter();
            out.extend(dependents.map(|d| ws.package(d).name.clone()));
        }
        out
    }

    /// Whether the input `key` (a file, a listed `dir/`, a whole `dir/**`) last changed
    /// before the mark.
    fn held_still(&self, ws: &Workspace, key: &str) -> bool {
        let Some(mark) = self.marked_ns else {
            return false;
        };
        let path = ratchet_learn::absolute(&ws.root, key);
        let paths = match key.ends_with("/**") {
            true => tree(&path),
            false => vec![path],
        };
        paths.iter().all(|p| changed_before(&existing(p), mark))
    }
}

/// `path` if it exists, else its nearest existing ancestor: a file that is missing now was
/// not there during the step either only if that directory's entries did not change.
fn existing(path: &Utf8Path) -> Utf8PathBuf {
    let mut at = path;
    while std::fs::symlink_metadata(at).is_err() {
        match at.parent() {
            Some(parent) => at = parent,
            None => break,
        }
    }
    at.to_path_buf()
}

/// `dir` and everything below it (a symbolic link is not followed; its own time counts).
fn tree(dir: &Utf8Path) -> Vec<Utf8PathBuf> {
    let mut out = vec![dir.to_path_buf()];
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = dir.read_dir_utf8() else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.into_path();
            if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
                stack.push(path.clone());
            }
            out.push(path);
        }
    }
    out
}

/// Whether `path` (and, for a symbolic link, what it points to) last changed before `mark`,
/// told apart with the coarsest granularity the path's timestamps allow. Unknown: no.
fn changed_before(path: &Utf8Path, mark: i128) -> bool {
    let own = std::fs::symlink_metadata(path).map(|m| Stat::of(&m));
    let target = std::fs::metadata(path).map(|m| Stat::of(&m));
    let stats: Vec<Stat> = match (own, target) {
        (Ok(own), Ok(target)) => vec![own, target],
        (Ok(own), Err(_)) => vec![own],
        (Err(_), _) => return false,
    };
    stats.iter().all(|stat| {
        let granularity = granularity(stat.ctime_ns());
        stat.last_change() < mark.div_euclid(granularity) * granularity
    })
}

/// The coarsest timestamp granularity (ns) a filesystem could have that recorded `ns`: the
/// largest power of ten dividing its sub-second part, or two seconds (FAT) when that is 0.
fn granularity(ns: i128) -> i128 {
    let sub = ns.rem_euclid(1_000_000_000);
    if sub == 0 {
        return 2_000_000_000;
    }
    let mut granularity = 1;
    while sub % (granularity * 10) == 0 {
        granularity *= 10;
    }
    granularity
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn granularity_is_the_coarsest_the_timestamp_allows() {
        assert_eq!(granularity(1_700_000_000_123_456_789), 1);
        assert_eq!(granularity(1_700_000_000_370_000_000), 10_000_000);
        assert_eq!(granularity(1_700_000_000_000_000_000), 2_000_000_000);
        assert_eq!(granularity(-1_500_000_000), 100_000_000);
    }

    #[test]
    fn a_file_written_after_the_mark_has_not_held_still() {
        let dir = tempfile::tempdir().unwrap();
        let root = Utf8Path::from_path(dir.path()).unwrap();
        let (mark, new) = (root.join("mark"), root.join("new"));
        std::fs::write(&mark, "m").unwrap();
        let mark = Stat::of(&std::fs::metadata(&mark).unwrap()).ctime_ns();
        std::fs::write(&new, "b").unwrap();
        assert!(!changed_before(&new, mark));
        assert!(
            !changed_before(&root.join("gone"), mark),
            "missing: unknown"
        );
        assert_eq!(existing(&root.join("gone/deeper")), root);
    }
}
