//! What each shard of the shard rows really did, for the log: from the state `check` records
//! (`build-costs.json`, `test-durations.json`), the rustc CPU of the packages it rebuilt (its
//! own and, separately, the ones that are not its own), the run time of its test binaries and
//! the rest of its CPU, beside its predicted time split the same way (the fixed cost, its own
//! packages as `plan` priced them, and the remainder: the packages of other shards it needs).

use std::collections::BTreeMap;
use std::path::Path;

use ratchet_events::measure::{BuildCosts, PackageCost};
use ratchet_timing::History;

/// The recorded state before or after one shard's run.
pub struct Snapshot {
    costs: BTreeMap<String, PackageCost>,
    tests: BTreeMap<String, u64>,
}

impl Snapshot {
    /// Reads the fixture's recorded costs and test durations (empty when missing).
    pub fn read(dir: &Path) -> Snapshot {
        let state = dir.join("target").join(ratchet_store::state::DIR);
        let costs: Option<BuildCosts> =
            ratchet_store::read_json(&state.join(ratchet_store::state::BUILD_COSTS));
        Snapshot {
            costs: costs.map(|c| c.packages).unwrap_or_default(),
            tests: ratchet_store::read_json(&state.join(ratchet_store::state::TEST_DURATIONS))
                .unwrap_or_default(),
        }
    }
}

/// What `plan` priced the packages from: the record and the build history when it split.
pub struct Planned {
    snapshot: Snapshot,
    history: History,
}

impl Planned {
    /// Reads them from the fixture (right after `plan`).
    pub fn read(dir: &Path) -> Planned {
        let state = dir.join("target").join(ratchet_store::state::DIR);
        Planned {
            snapshot: Snapshot::read(dir),
            history: History::read(&state),
        }
    }

    /// The own time `plan` gave `package`: its smoothed build CPU and its tests' durations.
    fn own_ms(&self, package: &str) -> u64 {
        let build = self.snapshot.costs.get(package);
        let build = build.map_or(0, |c| self.history.smoothed(package, c).cpu_ms);
        let prefix = format!("{package}/");
        let tests: u64 = self
            .snapshot
            .tests
            .iter()
            .filter(|(key, _)| key.starts_with(&prefix))
            .map(|(_, ms)| ms)
            .sum();
        build + tests
    }
}

/// One shard's figures.
pub struct Shard<'a> {
    /// 1-based.
    pub index: usize,
    /// What `plan` predicted for it.
    pub predicted_ms: u64,
    /// Its packages.
    pub own: &'a [String],
    /// The CPU time its run took (its whole process tree), in ms.
    pub cpu_ms: u64,
}

/// One line: shard's prediction (fixed, own, dependencies) and what its run rebuilt and
/// tested, from `before` and `after` its run (a package's figure is the rustc calls this run
/// made for it; for its own packages beside their recorded total before the run), and the
/// rest of its CPU time.
pub fn line(shard: &Shard<'_>, planned: &Planned, before: &Snapshot, after: &Snapshot) -> String {
    let (index, predicted_ms, own) = (shard.index, shard.predicted_ms, shard.own);
    // The fixed cost and each own package's share of what no rustc call or test times.
    let fixed = ratchet_ci::SHARD_FIXED_MS + ratchet_ci::SHARD_PER_PACKAGE_MS * own.len() as u64;
    let own_predicted: u64 = own.iter().map(|p| planned.own_ms(p)).sum();
    let deps_predicted = predicted_ms.saturating_sub(fixed + own_predicted);
    let (mut own_ms, mut foreign_ms, mut foreign) = (0, 0, Vec::new());
    let mut mine = Vec::new();
    for (name, cost) in &after.costs {
        let was = before.costs.get(name);
        // Only the calls of this run: a package built as a dependency keeps its earlier calls.
        let ms: u64 = cost
            .crates
            .iter()
            .filter(|c| !was.is_some_and(|w| w.crates.contains(c)))
            .map(|c| c.cpu_ms)
            .sum();
        if ms == 0 {
            continue;
        }
        if own.contains(name) {
            own_ms += ms;
            let was = was.map_or(0, |c| c.cpu_ms);
            mine.push(format!("{name} {was}->{ms}"));
        } else {
            foreign_ms += ms;
            foreign.push(format!("{name} {ms}"));
        }
    }
    let test_ms: u64 = after
        .tests
        .iter()
        .filter(|(key, ms)| before.tests.get(*key) != Some(*ms))
        .map(|(_, ms)| ms)
        .sum();
    let rest = shard.cpu_ms as i64 - (own_ms + foreign_ms + test_ms) as i64;
    format!(
        "bench:   shard {index}: predicted {predicted_ms} ms = untimed work {fixed} + own \
         {own_predicted} + others {deps_predicted}; CPU {} ms = rustc of its own {} packages \
         {own_ms} [{}] + of {} others {foreign_ms} [{}] + test binaries {test_ms} + untimed {rest}",
        shard.cpu_ms,
        own.len(),
        mine.join(", "),
        foreign.len(),
        foreign.join(", ")
    )
}
