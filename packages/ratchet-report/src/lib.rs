//! The budget history as one self-contained HTML page: a trend chart per measure with its
//! ceilings (inline SVG), every measure of the last run against its ceiling, where build time
//! goes (per package, and along the critical path), and the critical path of every run. No
//! script, no stylesheet or font from the network.
//!
//! Owns: the page, from the snapshots `ratchet-budget` recorded (oldest first), the ceilings of
//! `ratchet.toml` and the build costs `check` recorded; how build times are made comparable
//! from run to run (`values`); and the gate's outcome as text (`text`: the human report,
//! GitHub annotations, the step summary), which the CLI prints.
//!
//! Must not: write the history file (`ratchet-budget` owns its format) or any other, measure
//! anything, or decide a verdict (the page shows what the gate recorded).
//!
//! Files, each using only those listed before it: `fmt` (escaping, values, dates), `values`
//! (comparable values, standing against ceilings), `chart`, `table`, `costs`; `text` stands
//! alone.

use std::fmt::Write;

use ratchet_budget::{Budget, BudgetError, Measure};
use ratchet_events::budget::BudgetSnapshot;
use ratchet_events::measure::BuildCosts;
use ratchet_graph::Workspace;

use chart::Series;
use fmt::{COLORS, date_time, escape, short_commit, value};

mod chart;
mod costs;
mod fmt;
mod table;
pub mod text;
mod values;

pub use values::{Row, Standing, comparable, rows};

/// Packages drawn per package measure: the closest to their ceiling at the last run.
const TOP: usize = 5;

const STYLE: &str = "body{font-family:sans-serif;max-width:800px;margin:2em auto;color:#222}\
svg{background:#fafafa;border:1px solid #ddd}\
td,th{padding:2px 8px;text-align:left;font-size:90%}\
tr.over td{background:#fde2e2}tr.near td{background:#fef9c3}tr.none td{color:#888}\
table.standing td:nth-child(n+3):nth-child(-n+5){text-align:right}\
p.legend{font-size:90%;margin-top:2px}p.legend span{white-space:nowrap;margin-right:1.2em}\
nav a{margin-right:1em}";

/// What the page is drawn from.
#[derive(Debug, Clone, Copy)]
pub struct Page<'a> {
    /// The gate's history, oldest first.
    pub history: &'a [BudgetSnapshot],
    /// `[budget]` of `ratchet.toml`, for the ceilings.
    pub budget: Option<&'a Budget>,
    /// The build costs `check` recorded last, for the breakdown.
    pub costs: Option<&'a BuildCosts>,
    /// The command the user runs (`cargo ratchet`), named where the page says what to do.
    pub tool: &'a str,
}

/// The page of `ws`: its history, ceilings and recorded build costs, with the number of runs.
/// A malformed `[budget]` is the same error the gate gives.
pub fn page_of(ws: &Workspace, tool: &str) -> Result<(String, usize), BudgetError> {
    let history = ratchet_budget::read_history(ws);
    let (_, budget) = ratchet_budget::load_budget(ws)?;
    let costs = ratchet_timing::read_costs(ws);
    let page = Page {
        history: &history,
        budget: Some(&budget),
        costs: costs.as_ref(),
        tool,
    };
    Ok((html(&page), history.len()))
}

/// The page.
pub fn html(page: &Page) -> String {
    let runs = comparable(page.history);
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>ratchet budgets</title><style>{STYLE}</style></head><body>\n\
         <h1>ratchet budgets</h1>\n"
    );
    out.push_str(&intro(page, &runs));
    let Some(last) = runs.last() else {
        out.push_str("</body></html>\n");
        return out;
    };
    for m in Measure::WORKSPACE {
        let values = runs.iter().map(|s| m.workspace_value(s)).collect();
        let ceiling = values::ceiling(page.budget, None, m);
        let series = [Series {
            name: m.key().to_string(),
            values,
            ceiling,
        }];
        out.push_str(&section(m, &runs, &series));
    }
    out.push_str(&costs::critical_path(last));
    if let Some(costs) = page.costs {
        out.push_str(&costs::breakdown(costs));
    }
    for m in Measure::PACKAGE {
        out.push_str(&section(m, &runs, &top_packages(&runs, page.budget, m)));
    }
    out.push_str(&table::table(&rows(last, page.budget)));
    out.push_str(&costs::critical_paths(&runs));
    out.push_str("</body></html>\n");
    out
}

fn intro(page: &Page, runs: &[BudgetSnapshot]) -> String {
    let (Some(first), Some(last)) = (runs.first(), runs.last()) else {
        return format!(
            "<p>No history yet: run <code>{}</code>.</p>\n",
            escape(&format!("{} budget gate", page.tool))
        );
    };
    format!(
        "<p>{} recorded gate runs, {} to {} UTC; the last at commit <code>{}</code>. \
         Dashed lines are ceilings from <code>ratchet.toml</code> (grey when several packages \
         share one, with how many of the drawn packages share it).</p>\n<p>Build times are the CPU time of rustc as \
         <code>check</code> recorded it, normalized to the reference machine by one \
         calibration for the whole history (the median of its runs' calibration compiles), so \
         that gate runs of one commit draw a flat line; packages the gate re-measured keep \
         their own calibration. The gate itself judges each run with that run's calibration, \
         so its figures can differ from these by the calibration's noise.</p>\n\
         <nav><a href=\"#standing\">every measure</a><a href=\"#critical-path-packages\">critical \
         path</a><a href=\"#breakdown\">build time by package</a></nav>\n",
        runs.len(),
        date_time(first.recorded_at),
        date_time(last.recorded_at),
        escape(&short_commit(last))
    )
}

/// The series of the packages closest to their ceiling at the last run (largest first where
/// none has a ceiling), with their ceilings.
fn top_packages(history: &[BudgetSnapshot], budget: Option<&Budget>, m: Measure) -> Vec<Series> {
    let Some(last) = history.last() else {
        return Vec::new();
    };
    let mut names: Vec<(&String, f64, u64)> = last
        .packages
        .iter()
        .filter_map(|(name, p)| {
            let v = m.package_value(p)?;
            let ceiling = values::ceiling(budget, Some(name), m);
            let ratio = ceiling.map_or(-1.0, |c| v as f64 / c.max(1) as f64);
            Some((name, ratio, v))
        })
        .collect();
    names.sort_by(|a, b| {
        (b.1.total_cmp(&a.1))
            .then(b.2.cmp(&a.2))
            .then_with(|| a.0.cmp(b.0))
    });
    names
        .into_iter()
        .take(TOP)
        .map(|(name, _, _)| Series {
            name: name.clone(),
            values: history
                .iter()
                .map(|s| s.packages.get(name).and_then(|p| m.package_value(p)))
                .collect(),
            ceiling: values::ceiling(budget, Some(name), m),
        })
        .collect()
}

fn section(m: Measure, runs: &[BudgetSnapshot], series: &[Series]) -> String {
    if series.iter().all(|s| s.values.iter().all(Option::is_none)) {
        return String::new();
    }
    let mut out = format!("<h2 id=\"{0}\">{0}</h2>\n", m.key());
    out.push_str(&chart::chart(m, runs, series));
    out.push_str("<p class=\"legend\">");
    for (i, s) in series.iter().enumerate() {
        let last = s.values.iter().rev().flatten().next();
        let shown = last.map_or("-".to_string(), |v| value(m, *v));
        let ceiling = s
            .ceiling
            .map_or(String::new(), |c| format!(" of {}", value(m, c)));
        let _ = write!(
            out,
            "<span><b style=\"color:{}\">&#9632;</b> {} ({shown}{ceiling})</span> ",
            COLORS[i % COLORS.len()],
            escape(&s.name),
        );
    }
    out.push_str("</p>\n");
    out
}

#[cfg(test)]
mod tests;
