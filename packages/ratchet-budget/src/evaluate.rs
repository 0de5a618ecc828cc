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

/// Every measure that has both a ceiling and a value.
pub(crate) fn evaluate(ws: &Workspace, budget: &Budget, measured: &Measured) -> Vec<Check> {
    let mut checks = Vec::new();
    for (ix, pkg) in ws.packages.iter().enumerate() {
        for measure in Measure::PACKAGE {
            let (Some(ceiling), Some(value)) = (
                budget.package_ceiling(&pkg.name, measure),
                measured.package_value(ws, ix, measure),
            ) else {
                continue;
            };
            let tolerance = budget.tolerance(measure, ceiling.value);
            let ceiling = ceiling.clone();
            checks.push(Check {
                package: Some(ix),
                measure,
                ceiling,
                tolerance,
                value,
            });
        }
    }
    for measure in Measure::WORKSPACE {
        let (Some(ceiling), Some(value)) = (
            budget.workspace_ceiling(measure),
            measured.workspace_value(measure),
        ) else {
            continue;
        };
        let tolerance = budget.tolerance(measure, ceiling.value);
        let ceiling = ceiling.clone();
        checks.push(Check {
            package: None,
            measure,
            ceiling,
            tolerance,
            value,
        });
    }
    checks
}
