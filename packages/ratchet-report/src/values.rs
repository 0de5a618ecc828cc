//! The values the page draws: the history with comparable build times, and every measure of the
//! last run against its ceiling. Imports no other file of this package.
//!
//! Why build times are re-scaled: `check` records each package's build CPU once, when it builds
//! it (`build-costs.json`); every gate run then divides those same figures by the calibration
//! compile it ran itself, minutes or days later. That calibration says how busy the machine is
//! at gate time, not when `check` built, so on a shared machine it only adds its own noise:
//! four gate runs of one commit drew `total-build-cpu` falling 20% while no package was
//! rebuilt. The page scales every figure `check` recorded by one calibration instead, the median
//! of the whole history's calibrations (the machine's typical speed); figures the gate
//! re-measured itself (each with its own calibration compiles) stay as they are.

use ratchet_budget::{Budget, Measure};
use ratchet_events::budget::BudgetSnapshot;

/// The history with build times made comparable run to run (see the module doc): build CPU
/// of each package as `check` recorded it, normalized by the median calibration of the
/// history; the total and critical path summed again from those.
pub fn comparable(history: &[BudgetSnapshot]) -> Vec<BudgetSnapshot> {
    let calibrations: Vec<u64> = history.iter().filter_map(|s| s.calibration_ms).collect();
    let typical = ratchet_timing::median(&calibrations);
    history.iter().map(|s| rescale(s, typical)).collect()
}

fn rescale(run: &BudgetSnapshot, typical: u64) -> BudgetSnapshot {
    let mut out = run.clone();
    let Some(own) = run.calibration_ms.filter(|c| *c > 0 && typical > 0) else {
        return out;
    };
    // Normalized here as recorded × reference / own; comparable: recorded × reference / typical.
    let factor = own as f64 / typical as f64;
    for (name, figures) in &mut out.packages {
        if let Some(ms) = figures.build_cpu_ms.as_mut()
            && !run.remeasured.contains(name)
        {
            *ms = (*ms as f64 * factor).round() as u64;
        }
    }
    let cpu = |name: &String| out.packages.get(name).and_then(|p| p.build_cpu_ms);
    let total = out.packages.keys().filter_map(cpu).sum();
    let path = run.critical_path.iter().filter_map(cpu).sum();
    out.total_build_cpu_ms = run.total_build_cpu_ms.map(|_| total);
    out.critical_path_ms = run.critical_path_ms.map(|_| path);
    out
}

/// Where a measure stands against its ceiling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Standing {
    /// Past ceiling plus tolerance: the gate fails.
    Over,
    /// At or above `near` of the ceiling.
    Near,
    /// Below.
    Ok,
    /// No ceiling applies.
    Unbounded,
}

impl Standing {
    /// How the table names it.
    pub fn label(self) -> &'static str {
        match self {
            Standing::Over => "over",
            Standing::Near => "near",
            Standing::Ok => "ok",
            Standing::Unbounded => "no ceiling",
        }
    }
}

/// One measure of one package (or of the workspace) at the last run.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The package, `None` for the workspace.
    pub package: Option<String>,
    /// The measure.
    pub measure: Measure,
    /// Its value.
    pub value: u64,
    /// Its ceiling, when one applies.
    pub ceiling: Option<u64>,
    /// The ceiling plus tolerance: past this the gate fails.
    pub limit: Option<u64>,
    /// Where it stands.
    pub standing: Standing,
}

impl Row {
    /// Value over ceiling (`None` without a ceiling); a zero ceiling is infinitely far for
    /// any value above it.
    pub fn ratio(&self) -> Option<f64> {
        let ceiling = self.ceiling?;
        Some(match ceiling {
            0 if self.value == 0 => 0.0,
            0 => f64::INFINITY,
            c => self.value as f64 / c as f64,
        })
    }
}

/// The ceiling of a measure of `package` (`None`: the workspace's).
pub fn ceiling(budget: Option<&Budget>, package: Option<&str>, measure: Measure) -> Option<u64> {
    let budget = budget?;
    let found = match package {
        Some(name) => budget.package_ceiling(name, measure),
        None => budget.workspace_ceiling(measure),
    };
    found.map(|c| c.value)
}

/// Every measured value of `last` with its ceiling, closest to its ceiling first (highest
/// value over ceiling), those without a ceiling last; ties by package then measure.
pub fn rows(last: &BudgetSnapshot, budget: Option<&Budget>) -> Vec<Row> {
    let workspace = Measure::WORKSPACE
        .into_iter()
        .filter_map(|m| Some((None, m, m.workspace_value(last)?)));
    let packages = last.packages.iter().flat_map(|(name, figures)| {
        Measure::PACKAGE
            .into_iter()
            .filter_map(move |m| Some((Some(name.clone()), m, m.package_value(figures)?)))
    });
    let mut rows: Vec<Row> = workspace
        .chain(packages)
        .map(|(package, measure, value)| row(budget, package, measure, value))
        .collect();
    rows.sort_by(|a, b| {
        let by_ratio = b
            .ratio()
            .unwrap_or(-1.0)
            .total_cmp(&a.ratio().unwrap_or(-1.0));
        by_ratio
            .then_with(|| a.package.cmp(&b.package))
            .then_with(|| a.measure.cmp(&b.measure))
    });
    rows
}

fn row(budget: Option<&Budget>, package: Option<String>, measure: Measure, value: u64) -> Row {
    let ceiling = ceiling(budget, package.as_deref(), measure);
    let limit = budget.zip(ceiling).map(|(b, c)| b.limit(measure, c));
    let near = budget.map_or(0.95, |b| b.near);
    let standing = match (ceiling, limit) {
        (Some(_), Some(limit)) if value > limit => Standing::Over,
        (Some(c), _) if value as f64 >= c as f64 * near => Standing::Near,
        (Some(_), _) => Standing::Ok,
        (None, _) => Standing::Unbounded,
    };
    Row {
        package,
        measure,
        value,
        ceiling,
        limit,
        standing,
    }
}
