//! Build costs as `check` recorded them (`<state_dir>/build-costs.json`): a package's build CPU
//! and the critical path they make.

use ratchet_events::measure::{BuildCosts, PackageCost};
use ratchet_graph::{DepKind, PkgIx, Workspace};

/// The file `check` writes and the gate reads.
const FILE_NAME: &str = ratchet_store::state::BUILD_COSTS;

/// Reads the last recorded build costs; `None` when `check` has not recorded any (or the file
/// is corrupt or of another version: a miss, never a pass).
pub fn read(ws: &Workspace) -> Option<BuildCosts> {
    let costs: BuildCosts = ratchet_store::read_json(ws.state_dir().join(FILE_NAME).as_std_path())?;
    (costs.version == ratchet_events::measure::FILE_VERSION).then_some(costs)
}

/// Rustc calls that are part of building a package for its users: not test builds, and not
/// metadata-only calls (`check` marks those `lib-check`, `bin-check`, ...; clippy makes them).
pub fn is_build_kind(kind: &str) -> bool {
    !matches!(kind, "test" | "bench" | "example") && !kind.ends_with("-check")
}

/// A package's build CPU in ms: its lib, bin and build-script calls when `check` broke them
/// down, else its whole recorded CPU.
pub fn build_cpu_ms(cost: &PackageCost) -> u64 {
    if cost.crates.is_empty() {
        return cost.cpu_ms;
    }
    cost.crates
        .iter()
        .filter(|c| is_build_kind(&c.kind))
        .map(|c| c.cpu_ms)
        .sum()
}

/// The longest chain of normal/build dependencies, weighted by `cpu_ms[ix]`: its total and its
/// packages from the bottom (a leaf dependency) to the top.
pub fn critical_path(ws: &Workspace, cpu_ms: &[u64]) -> (u64, Vec<PkgIx>) {
    let n = ws.packages.len();
    let mut best = vec![0u64; n];
    let mut via: Vec<Option<PkgIx>> = vec![None; n];
    for ix in ws.build_order() {
        let heaviest_dep = ws
            .deps(ix)
            .filter(|(_, d)| d.kind != DepKind::Dev)
            .map(|(dep, _)| dep)
            .max_by_key(|dep| (best[*dep], std::cmp::Reverse(*dep)));
        best[ix] = cpu_ms[ix] + heaviest_dep.map_or(0, |d| best[d]);
        via[ix] = heaviest_dep;
    }
    let Some(top) = (0..n).max_by_key(|ix| (best[*ix], std::cmp::Reverse(*ix))) else {
        return (0, Vec::new());
    };
    let mut chain = vec![top];
    while let Some(next) = via[*chain.last().unwrap_or(&top)] {
        chain.push(next);
    }
    chain.reverse();
    (best[top], chain)
}

#[cfg(test)]
mod tests {
    use ratchet_events::measure::{CrateCost, PackageCost};

    use super::build_cpu_ms;

    fn call(kind: &str, cpu_ms: u64) -> CrateCost {
        CrateCost {
            crate_name: "a".into(),
            kind: kind.into(),
            cpu_ms,
            wall_ms: cpu_ms,
        }
    }

    #[test]
    fn build_cpu_counts_code_generating_build_calls_only() {
        let crates = vec![
            call("lib", 100),
            call("build-script", 20),
            call("bin", 30),
            call("test", 1000),
            call("lib-check", 500),
            call("test-check", 500),
        ];
        let cost = PackageCost {
            cpu_ms: 9999,
            crates,
            ..Default::default()
        };
        assert_eq!(build_cpu_ms(&cost), 150);
        let bare = PackageCost {
            cpu_ms: 42,
            ..Default::default()
        };
        assert_eq!(build_cpu_ms(&bare), 42, "no breakdown: the package total");
    }
}
