//! Build-time and size budgets that only tighten: the `[budget]` section of `ratchet.toml`.
//!
//! Owns: the section's schema and units, the measures (source lines, longest file, source
//! bytes counted here; artifact bytes and build CPU from `build-costs.json` written by `check`,
//! read through `ratchet-timing`), the gate (ceilings, tolerances, which time measures to
//! re-measure before they fail), the pawl (no silent raise since a base ref), `init` and
//! `tighten` (which rewrite `ratchet.toml` keeping every other byte), and the history file the
//! gate appends to.
//!
//! Must not: time builds itself (`ratchet-timing` does, in the scratch area named here), draw
//! the history (`ratchet-report` does), run `check` or decide what is affected, print anything
//! (the CLI renders the values built here), or write any file but `ratchet.toml` and the
//! history.

//!
//! Files, each using only those listed before it (`tidy.rs` forbids import cycles): `units`
//! (quantities), `catalog` (every measure: key, unit, where its value is read), `error`, `config` (`[budget]`), `source` (the file walk), `take` (today's measures),
//! `evaluate` (measure against ceiling), `history`, `remeasure`, `remedy`, `pawl`, `gate`,
//! `init`, `tighten`.

mod catalog;
mod config;
mod error;
mod evaluate;
mod gate;
mod history;
mod init;
mod pawl;
mod remeasure;
mod remedy;
mod source;
mod take;
mod tighten;
pub mod units;

use ratchet_events::budget::BudgetTightened;
use ratchet_graph::Workspace;

pub use catalog::{Measure, SPECS, Source, Spec};
pub use config::{Budget, BudgetSection, Ceiling, KeyPath, load as load_budget};
pub use error::BudgetError;
pub use gate::{GateOptions, GateOutcome, gate};
pub use history::{path as history_path, read as read_history};
pub use pawl::compare as compare_budgets;
pub use source::{SourceStats, count_lines, measure_all};
pub use take::{Calibration, Measured, take as measure};

/// `ratchet init`: writes a first `[budget]` into `ratchet.toml` (creating the file, or
/// appending to one without a budget) and returns the section written.
pub fn init(ws: &Workspace, tool: &str) -> Result<String, BudgetError> {
    let (file, budget) = load_budget(ws)?;
    let has_budget = file
        .text
        .parse::<toml_edit::DocumentMut>()
        .is_ok_and(|d| d.contains_key("budget"));
    if has_budget {
        return Err(BudgetError::AlreadyInitialized {
            path: file.path,
            tool: tool.to_string(),
        });
    }
    let measured = take::take(
        ws,
        Some(Calibration {
            reference: None,
            samples: budget.samples,
        }),
    )?;
    let section = init::section(ws, &budget, &measured, tool);
    let mut text = file.text.clone();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str(&section);
    write_config(&file.path, &text)?;
    Ok(section)
}

/// `ratchet tighten`: lowers what can come down and rewrites `ratchet.toml` atomically (unless
/// `dry_run`). Returns what was (or would be) lowered.
pub fn tighten(ws: &Workspace, dry_run: bool) -> Result<Vec<BudgetTightened>, BudgetError> {
    let (file, budget) = load_budget(ws)?;
    let measured = take::take(ws, take::calibration_for(&budget))?;
    let lowerings = tighten::plan(ws, &budget, &measured);
    if !lowerings.is_empty() && !dry_run {
        let text = tighten::rewrite(&file.path, &file.text, &lowerings)?;
        write_config(&file.path, &text)?;
    }
    Ok(lowerings.into_iter().map(|l| l.event).collect())
}

/// Replaces `ratchet.toml` atomically (keeping its permissions, which `write_atomic` does).
fn write_config(path: &std::path::Path, text: &str) -> Result<(), BudgetError> {
    Ok(ratchet_store::write_atomic(path, text.as_bytes())?)
}
