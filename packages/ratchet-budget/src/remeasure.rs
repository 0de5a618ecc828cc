//! Re-measuring the build time of packages whose first figure (from `build-costs.json`) is
//! over a ceiling, so that one noisy sample never fails the gate.
//!
//! Each suspect is rebuilt `samples` times in the gate's scratch target directory (its
//! dependencies stay built), each rebuild preceded by a calibration build. The package's new
//! figure is the median rebuild, normalized by the median calibration: the median shrugs off
//! one sample slowed by other work on the machine, and one freak fast one.

use std::collections::{BTreeMap, BTreeSet};

use ratchet_graph::{PkgIx, Workspace};
use ratchet_timing::median;

use crate::catalog::Measure;
use crate::config::Budget;
use crate::evaluate::Check;
use crate::take::{Measured, scratch};

/// What a re-measurement found.
#[derive(Debug, Default)]
pub struct Remeasured {
    /// Normalized samples by package.
    pub samples: BTreeMap<PkgIx, Vec<u64>>,
    /// Packages that could not be re-measured, and why (their first figure stands).
    pub notes: BTreeMap<PkgIx, String>,
}

/// Packages whose build time explains a time measure over its ceiling: the package itself, the
/// critical path, or the heaviest packages of the total.
pub(crate) fn suspects(ws: &Workspace, measured: &Measured, checks: &[Check]) -> BTreeSet<PkgIx> {
    let mut out = BTreeSet::new();
    for check in checks.iter().filter(|c| c.is_over()) {
        match (check.measure, check.package) {
            (Measure::BuildCpu, Some(ix)) => {
                out.insert(ix);
            }
            (Measure::CriticalPath, _) => out.extend(measured.critical_path.iter().copied()),
            (Measure::TotalBuildCpu, _) => out.extend(heaviest(ws, measured)),
            _ => {}
        }
    }
    out
}

/// The heaviest packages that together make half of the total, at most ten.
fn heaviest(ws: &Workspace, measured: &Measured) -> Vec<PkgIx> {
    let total: u64 = measured.cpu_ms.iter().sum();
    let mut by_cost: Vec<PkgIx> = (0..ws.packages.len()).collect();
    by_cost.sort_by_key(|ix| std::cmp::Reverse(measured.cpu_ms[*ix]));
    let mut sum = 0;
    by_cost
        .into_iter()
        .take_while(|ix| {
            let before = sum;
            sum += measured.cpu_ms[*ix];
            before * 2 < total
        })
        .take(10)
        .collect()
}

/// Re-measures `suspects` and writes their new figures into `measured`.
pub(crate) fn run(
    ws: &Workspace,
    budget: &Budget,
    measured: &mut Measured,
    suspects: &BTreeSet<PkgIx>,
) -> Remeasured {
    let mut out = Remeasured::default();
    let scratch = match scratch(ws) {
        Ok(scratch) => scratch,
        Err(e) => {
            for &ix in suspects {
                out.notes
                    .insert(ix, format!("re-measurement failed, first figure kept: {e}"));
            }
            return out;
        }
    };
    for &ix in suspects {
        let name = ws.package(ix).name.clone();
        match scratch.samples(&name, budget.samples, budget.calibration_ms) {
            Ok(samples) => {
                measured.cpu_ms[ix] = median(&samples);
                out.samples.insert(ix, samples);
            }
            Err(e) => {
                out.notes
                    .insert(ix, format!("re-measurement failed, first figure kept: {e}"));
            }
        }
    }
    measured.refresh(ws);
    out
}
