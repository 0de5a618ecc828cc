//! Every measure against its ceiling: the comparison the gate, the re-measurement and the
//! remedies share.

use ratchet_graph::{PkgIx, Workspace};

use crate::catalog::Measure;
use crate::config::{Budget, Ceiling};
use crate::take::Measured;

/// One measure against one ceiling.
#[derive(Debug, Clone)]
pub(crate) struct Check {
    pub package: Option<PkgIx>,
    pub measure: Measure,
    pub ceiling: Ceiling,
    pub tolerance: u64,
    pub value: u64,
}

impl Check {
    pub fn is_over(&self) -> bool {
        self.value > self.ceiling.value.saturating_add(self.tolerance)
    }

    pub fn is_near(&self, near: f64) -> bool {
        self.value as f64 >= self.ceiling.value as f64 * near
    }
}

/// Every measure that has both a ceiling and a value: each package's, then the workspace's.
pub(crate) fn evaluate(ws: &Workspace, budget: &Budget, measured: &Measured) -> Vec<Check> {
    let packages = (0..ws.packages.len()).flat_map(|ix| Measure::PACKAGE.map(|m| (Some(ix), m)));
    let workspace = Measure::WORKSPACE.map(|m| (None, m));
    let found = packages.chain(workspace).filter_map(|(package, measure)| {
        let (ceiling, value) = match package {
            Some(ix) => (
                budget.package_ceiling(&ws.package(ix).name, measure)?,
                measured.package_value(ws, ix, measure)?,
            ),
            None => (
                budget.workspace_ceiling(measure)?,
                measured.workspace_value(measure)?,
            ),
        };
        Some(Check {
            package,
            measure,
            tolerance: budget.tolerance(measure, ceiling.value),
            ceiling: ceiling.clone(),
            value,
        })
    });
    found.collect()
}
