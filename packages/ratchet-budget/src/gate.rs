//! The gate: every measure against its ceiling, time measures re-measured before they fail,
//! the pawl against the base ref, and the run appended to the history.

use std::collections::{BTreeMap, BTreeSet};

use ratchet_events::budget::{
    BudgetFinding, BudgetLoosened, BudgetSkipped, BudgetSnapshot, BudgetSummary, Status,
};
use ratchet_graph::Workspace;

use crate::catalog::Measure;
use crate::config::{self, Budget};
use crate::error::BudgetError;
use crate::evaluate::evaluate;
use crate::take::{self, Measured};
use crate::{history, pawl, remeasure, remedy};

/// What `ratchet gate` (and `check --ci`) asks of the gate.
#[derive(Debug, Clone)]
pub struct GateOptions {
    /// Compare `ratchet.toml` with its version at the merge-base of this ref (the pawl).
    pub since: Option<String>,
    /// Fail for a raised ceiling that carries no new reason comment.
    pub forbid_loosen: bool,
    /// Re-measure a time over its ceiling before failing it (off only to test the first screen).
    pub remeasure: bool,
    /// Append this run to the history file.
    pub record_history: bool,
    /// The command the user runs (`cargo ratchet`), named in remedies.
    pub tool: String,
}

impl Default for GateOptions {
    fn default() -> Self {
        GateOptions {
            since: None,
            forbid_loosen: false,
            remeasure: true,
            record_history: true,
            tool: "cargo ratchet".to_string(),
        }
    }
}

/// The outcome of one gate run.
#[derive(Debug, Clone)]
pub struct GateOutcome {
    /// Measures over (first) or near their ceilings, with remedies.
    pub findings: Vec<BudgetFinding>,
    /// Ceilings raised since the base ref.
    pub loosened: Vec<BudgetLoosened>,
    /// Measures with a ceiling that could not be taken.
    pub skipped: Vec<BudgetSkipped>,
    /// Everything measured.
    pub snapshot: BudgetSnapshot,
    /// Why the run could not be appended to the history (a full disk), if it could not.
    pub unrecorded: Option<String>,
}

impl GateOutcome {
    /// Findings over their ceiling.
    pub fn over(&self) -> impl Iterator<Item = &BudgetFinding> {
        self.findings.iter().filter(|f| f.status == Status::Over)
    }

    /// 3 ([`ratchet_events::exit::BUDGET`]) when a measure is over or a forbidden loosening
    /// was found, else 1 when the history could not be written (not 2: no input is wrong),
    /// else 0.
    pub fn exit_code(&self) -> u8 {
        let failed = self.over().next().is_some() || self.loosened.iter().any(|l| l.forbidden);
        match (failed, &self.unrecorded) {
            (true, _) => ratchet_events::exit::BUDGET,
            (false, Some(_)) => ratchet_events::exit::FAILED,
            (false, None) => ratchet_events::exit::OK,
        }
    }

    /// The run's totals.
    pub fn summary(&self) -> BudgetSummary {
        BudgetSummary {
            version: ratchet_events::VERSION,
            packages: self.snapshot.packages.len(),
            over: self.over().count(),
            near: self.findings.len() - self.over().count(),
            loosened: self.loosened.len(),
            calibration_ms: self.snapshot.calibration_ms,
            exit_code: self.exit_code(),
        }
    }
}

/// Runs the gate on `ws`: this is what `ratchet gate` and `check --ci` call.
pub fn gate(ws: &Workspace, options: &GateOptions) -> Result<GateOutcome, BudgetError> {
    let (file, budget) = config::load(ws)?;
    // First, so that a bad ref fails before any measuring.
    let loosened = match &options.since {
        Some(since) => pawl::loosened(ws, &file, &budget, since, options.forbid_loosen)?,
        None => Vec::new(),
    };
    let calibration = take::calibration_for(&budget).filter(|_| has_time_ceiling(ws, &budget));
    let mut measured = take::take(ws, calibration)?;
    let mut checks = evaluate(ws, &budget, &measured);
    let mut samples = BTreeMap::new();
    let mut notes = BTreeMap::new();
    let suspects = remeasure::suspects(ws, &measured, &checks);
    if options.remeasure && !suspects.is_empty() {
        let outcome = remeasure::run(ws, &budget, &mut measured, &suspects);
        let names = outcome
            .samples
            .keys()
            .map(|ix| ws.package(*ix).name.clone());
        measured.snapshot.remeasured = names.collect();
        samples = outcome.samples;
        notes = outcome.notes;
        checks = evaluate(ws, &budget, &measured);
    }
    let previous = history::last(ws);
    let mut findings: Vec<BudgetFinding> = checks
        .iter()
        .filter(|c| c.is_over() || c.is_near(budget.near))
        .map(|c| {
            // Only build CPU is re-measured; other measures of the same package have no samples.
            let remeasured = c.package.filter(|_| c.measure == Measure::BuildCpu);
            let samples = remeasured
                .and_then(|ix| samples.get(&ix))
                .cloned()
                .unwrap_or_default();
            let note = remeasured.and_then(|ix| notes.get(&ix));
            remedy::finding(ws, &measured, previous.as_ref(), c, samples, note)
        })
        .collect();
    findings.sort_by_key(|f| f.status != Status::Over);
    measured.snapshot.commit = ratchet_git::Repo::discover(&ws.root)
        .and_then(|repo| repo.merge_base("HEAD"))
        .ok();
    let mut outcome = GateOutcome {
        findings,
        loosened,
        skipped: skipped(ws, &budget, &measured, &options.tool),
        snapshot: measured.snapshot,
        unrecorded: None,
    };
    if options.record_history {
        // The findings are known: a failed write costs the history line, not the report.
        let appended = history::append(ws, &outcome.snapshot);
        outcome.unrecorded = appended.err().map(|e| e.to_string());
    }
    Ok(outcome)
}

fn has_time_ceiling(ws: &Workspace, budget: &Budget) -> bool {
    let package = ws
        .packages
        .iter()
        .any(|p| budget.package_ceiling(&p.name, Measure::BuildCpu).is_some());
    package
        || budget.workspace_ceiling(Measure::TotalBuildCpu).is_some()
        || budget.workspace_ceiling(Measure::CriticalPath).is_some()
}

/// Measures that have a ceiling somewhere but no value, once each.
fn skipped(ws: &Workspace, budget: &Budget, measured: &Measured, tool: &str) -> Vec<BudgetSkipped> {
    let mut missing = BTreeSet::new();
    for (ix, pkg) in ws.packages.iter().enumerate() {
        for measure in Measure::PACKAGE {
            if budget.package_ceiling(&pkg.name, measure).is_some()
                && measured.package_value(ws, ix, measure).is_none()
            {
                missing.insert(measure);
            }
        }
    }
    for measure in Measure::WORKSPACE {
        let explicit = budget
            .workspace_ceiling(measure)
            .is_some_and(|c| c.key.is_some());
        if explicit && measured.workspace_value(measure).is_none() {
            missing.insert(measure);
        }
    }
    missing
        .into_iter()
        .map(|m| BudgetSkipped {
            version: ratchet_events::VERSION,
            measure: m.key().to_string(),
            reason: format!(
                "no build costs recorded: run `{tool} check` first (it writes \
                 target/ratchet/build-costs.json), or `{tool} check --ci`, which runs the gate"
            ),
        })
        .collect()
}
