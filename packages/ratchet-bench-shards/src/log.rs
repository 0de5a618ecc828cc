//! What each shard of the shard rows really did, for the log: from the state `check` records
//! (`build-costs.json`, `test-durations.json`), the rustc CPU of the packages it rebuilt (its
//! own and, separately, the ones that are not its own) and the run time of its test binaries,
//! beside its predicted time.

use std::collections::BTreeMap;
use std::path::Path;

use ratchet_events::measure::{BuildCosts, PackageCost};

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

/// One line: shard `index`'s prediction and what its run rebuilt and tested, from `before`
/// and `after` its run (a package's figure is the rustc calls this run made for it; for its
/// own packages beside their recorded total before the run).
pub fn line(
    index: usize,
    predicted_ms: u64,
    own: &[String],
    before: &Snapshot,
    after: &Snapshot,
) -> String {
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
    format!(
        "bench:   shard {index}: predicted {predicted_ms} ms; rustc CPU of its own {} packages \
         {own_ms} ms [{}], of {} others {foreign_ms} ms [{}]; test binaries {test_ms} ms",
        own.len(),
        mine.join(", "),
        foreign.len(),
        foreign.join(", ")
    )
}
