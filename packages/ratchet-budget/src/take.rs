//! Taking today's measurements of a workspace: files counted here, build costs from `check`,
//! times normalized by a calibration compile run now.

use std::collections::BTreeMap;

use ratchet_events::budget::{BudgetSnapshot, PackageMeasures};
use ratchet_events::measure::BuildCosts;
use ratchet_graph::{PkgIx, Workspace};
use ratchet_timing::{Scratch, TimingError, build_cpu_ms, critical_path, normalize};

use crate::catalog::Measure;
use crate::config::Budget;
use crate::error::BudgetError;
use crate::source::{SourceStats, measure_all};

/// Everything measured in one run, with what the remedies need to explain it.
#[derive(Debug, Clone)]
pub struct Measured {
    /// The measures, as appended to the history.
    pub snapshot: BudgetSnapshot,
    /// File statistics, by package index.
    pub sources: Vec<SourceStats>,
    /// The build costs `check` recorded, if any.
    pub costs: Option<BuildCosts>,
    /// Build CPU normalized to the reference machine, by package index (0 when unknown).
    pub cpu_ms: Vec<u64>,
    /// Reference calibration over this run's calibration (1 without either).
    pub ratio: f64,
    /// The critical path, by package index.
    pub critical_path: Vec<PkgIx>,
}

/// How to calibrate: against `reference` ms (from `ratchet.toml`) with `samples` compiles.
#[derive(Debug, Clone, Copy)]
pub struct Calibration {
    /// The reference, or `None` to measure without normalizing (as `init` does).
    pub reference: Option<u64>,
    /// Builds to take the median of.
    pub samples: u32,
}

/// Measures every package of `ws`. Calibrates only when build costs exist and `calibration`
/// is given, since without costs there is no time to normalize.
pub fn take(ws: &Workspace, calibration: Option<Calibration>) -> Result<Measured, BudgetError> {
    let sources = measure_all(ws)?;
    let costs = ratchet_timing::read_costs(ws);
    let (calibration_ms, ratio) = match (&costs, calibration) {
        (Some(_), Some(c)) => {
            let (now, _) = scratch(ws)?.calibrate(c.samples)?;
            (Some(now), ratchet_timing::ratio(c.reference, now))
        }
        _ => (None, 1.0),
    };
    let cpu_ms = (0..ws.packages.len())
        .map(|ix| {
            let cost = costs
                .as_ref()
                .and_then(|c| c.packages.get(&ws.package(ix).name));
            cost.map_or(0, |c| normalize(build_cpu_ms(c), ratio))
        })
        .collect();
    let mut measured = Measured {
        snapshot: BudgetSnapshot {
            version: ratchet_events::measure::FILE_VERSION,
            recorded_at: now_secs(),
            calibration_ms,
            inner_loop_ms: costs.as_ref().and_then(|c| c.inner_loop_wall_ms),
            costs_recorded_at: costs.as_ref().map(|c| c.recorded_at),
            ..BudgetSnapshot::default()
        },
        sources,
        costs,
        cpu_ms,
        ratio,
        critical_path: Vec::new(),
    };
    measured.refresh(ws);
    Ok(measured)
}

impl Measured {
    /// Rebuilds the snapshot's per-package and workspace figures from the fields above (after
    /// a re-measurement changed `cpu_ms`).
    pub fn refresh(&mut self, ws: &Workspace) {
        let mut packages = BTreeMap::new();
        for (ix, pkg) in ws.packages.iter().enumerate() {
            let cost = self.costs.as_ref().and_then(|c| c.packages.get(&pkg.name));
            let src = &self.sources[ix];
            packages.insert(
                pkg.name.clone(),
                PackageMeasures {
                    lines: src.lines,
                    longest_file: src.longest_file(),
                    source_bytes: src.bytes,
                    artifact_bytes: cost.map(|c| c.artifact_bytes),
                    build_cpu_ms: cost.map(|_| self.cpu_ms[ix]),
                },
            );
        }
        self.snapshot.packages = packages;
        if self.costs.is_some() {
            let (path_ms, path) = critical_path(ws, &self.cpu_ms);
            self.snapshot.total_build_cpu_ms = Some(self.cpu_ms.iter().sum());
            self.snapshot.critical_path_ms = Some(path_ms);
            self.snapshot.critical_path =
                path.iter().map(|ix| ws.package(*ix).name.clone()).collect();
            self.critical_path = path;
        }
    }

    /// The value of a package measure, or `None` when it was not measured.
    pub fn package_value(&self, ws: &Workspace, ix: PkgIx, measure: Measure) -> Option<u64> {
        measure.package_value(self.snapshot.packages.get(&ws.package(ix).name)?)
    }

    /// The value of a workspace measure, or `None` when it was not measured.
    pub fn workspace_value(&self, measure: Measure) -> Option<u64> {
        measure.workspace_value(&self.snapshot)
    }
}

/// Calibrate only against a recorded reference: without one there is nothing to normalize to.
pub fn calibration_for(budget: &Budget) -> Option<Calibration> {
    budget.calibration_ms.map(|reference| Calibration {
        reference: Some(reference),
        samples: budget.samples,
    })
}

/// The gate's scratch area in the state directory of `ws`, locked for this run.
pub fn scratch(ws: &Workspace) -> Result<Scratch, TimingError> {
    Scratch::open(
        &ws.state_dir().join(ratchet_store::state::BUDGET_SCRATCH),
        &ws.root.join("Cargo.toml"),
    )
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
