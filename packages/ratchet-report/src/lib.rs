//! The budget history as one self-contained HTML page: a trend chart per measure (inline SVG)
//! and the critical path of every run. No script, no stylesheet or font from the network.
//!
//! Owns: the page, from the snapshots `ratchet-budget` recorded (oldest first), with the names
//! and units of its measures; and the gate's outcome as text (`text`: the human report, GitHub
//! annotations, the step summary), which the CLI prints.
//!
//! Must not: read or write the history file (`ratchet-budget` owns its format), measure
//! anything, or write the page (the caller does, atomically).

use std::fmt::Write;

use ratchet_events::budget::BudgetSnapshot;

use ratchet_budget::Measure;
use text::amount;

pub mod text;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 220.0;
const MARGIN: f64 = 48.0;
const COLORS: [&str; 6] = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
];
/// Packages drawn per package measure: the largest at the last run.
const TOP: usize = 5;

/// One line of a chart: a name and a value per run (`None` where it was not measured).
type Series = (String, Vec<Option<u64>>);

/// The page for `history` (oldest first); `tool` is the command the user runs
/// (`cargo ratchet`), named where the page says what to do.
pub fn html(history: &[BudgetSnapshot], tool: &str) -> String {
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>ratchet budgets</title><style>body{font-family:sans-serif;max-width:780px;\
         margin:2em auto;color:#222}svg{background:#fafafa;border:1px solid #ddd}\
         td,th{padding:2px 8px;text-align:left;font-size:90%}</style></head><body>\n\
         <h1>ratchet budgets</h1>\n",
    );
    let _ = writeln!(out, "<p>{} recorded gate runs.</p>", history.len());
    if history.is_empty() {
        let _ = writeln!(
            out,
            "<p>No history yet: run <code>{}</code>.</p>",
            escape(&format!("{tool} budget gate"))
        );
    }
    for m in Measure::WORKSPACE {
        let values = history.iter().map(|s| m.workspace_value(s)).collect();
        out.push_str(&section(m, &[(m.key().to_string(), values)]));
    }
    for m in Measure::PACKAGE {
        out.push_str(&section(m, &top_packages(history, m)));
    }
    out.push_str(&critical_paths(history));
    out.push_str("</body></html>\n");
    out
}

fn top_packages(history: &[BudgetSnapshot], m: Measure) -> Vec<Series> {
    let Some(last) = history.last() else {
        return Vec::new();
    };
    let mut names: Vec<(&String, u64)> = last
        .packages
        .iter()
        .filter_map(|(name, p)| Some((name, m.package_value(p)?)))
        .collect();
    names.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    names
        .into_iter()
        .take(TOP)
        .map(|(name, _)| {
            let values = history
                .iter()
                .map(|s| s.packages.get(name).and_then(|p| m.package_value(p)))
                .collect();
            (name.clone(), values)
        })
        .collect()
}

fn section(m: Measure, series: &[Series]) -> String {
    if series.iter().all(|(_, v)| v.iter().all(Option::is_none)) {
        return String::new();
    }
    let mut out = format!("<h2>{}</h2>\n", m.key());
    out.push_str(&chart(m, series));
    out.push_str("<p>");
    for (i, (name, values)) in series.iter().enumerate() {
        let last = values.iter().rev().flatten().next();
        let shown = last.map_or("-".to_string(), |v| amount(m.kind().unit(), *v));
        let _ = write!(
            out,
            "<span style=\"color:{}\">&#9632;</span> {} ({}) &nbsp; ",
            COLORS[i % COLORS.len()],
            escape(name),
            shown
        );
    }
    out.push_str("</p>\n");
    out
}

/// A line chart of `series` over the runs, y from 0 to the largest value.
fn chart(m: Measure, series: &[Series]) -> String {
    let runs = series.iter().map(|(_, v)| v.len()).max().unwrap_or(0);
    let max = series
        .iter()
        .flat_map(|(_, v)| v.iter().flatten())
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    let x = |i: usize| MARGIN + (WIDTH - 2.0 * MARGIN) * i as f64 / (runs.max(2) - 1) as f64;
    let y = |v: u64| HEIGHT - MARGIN + (2.0 * MARGIN - HEIGHT) * v as f64 / max as f64;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" role=\"img\">\n"
    );
    let _ = writeln!(
        out,
        "<line x1=\"{MARGIN}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" stroke=\"#999\"/>\
         <text x=\"4\" y=\"{t}\" font-size=\"11\">{}</text><text x=\"4\" y=\"{b}\" font-size=\"11\">0</text>",
        escape(&amount(m.kind().unit(), max)),
        b = HEIGHT - MARGIN,
        r = WIDTH - MARGIN,
        t = MARGIN,
    );
    for (i, (name, values)) in series.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        let points: Vec<String> = values
            .iter()
            .enumerate()
            .filter_map(|(run, v)| v.map(|v| format!("{:.1},{:.1}", x(run), y(v))))
            .collect();
        let _ = writeln!(
            out,
            "<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{}\"/>",
            points.join(" ")
        );
        for (run, v) in values.iter().enumerate() {
            if let Some(v) = v {
                let _ = writeln!(
                    out,
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{color}\"><title>{} run {}: {}</title></circle>",
                    x(run),
                    y(*v),
                    escape(name),
                    run + 1,
                    escape(&amount(m.kind().unit(), *v))
                );
            }
        }
    }
    out.push_str("</svg>\n");
    out
}

fn critical_paths(history: &[BudgetSnapshot]) -> String {
    let rows: Vec<&BudgetSnapshot> = history
        .iter()
        .filter(|s| !s.critical_path.is_empty())
        .collect();
    if rows.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "<h2>critical path over time</h2>\n<table><tr><th>run</th><th>commit</th><th>length</th><th>path</th></tr>\n",
    );
    for (i, s) in history
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.critical_path.is_empty())
    {
        let commit = s.commit.as_deref().map_or("", |c| &c[..c.len().min(10)]);
        let length = s.critical_path_ms.map_or("-".to_string(), |v| {
            amount(ratchet_events::budget::Unit::Ms, v)
        });
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            i + 1,
            escape(commit),
            length,
            escape(&s.critical_path.join(" → "))
        );
    }
    out.push_str("</table>\n");
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratchet_events::budget::PackageMeasures;

    fn run(lines: u64, path_ms: u64) -> BudgetSnapshot {
        let mut s = BudgetSnapshot {
            critical_path_ms: Some(path_ms),
            ..Default::default()
        };
        s.critical_path = vec!["<leaf>".to_string(), "top".to_string()];
        s.packages.insert(
            "a".to_string(),
            PackageMeasures {
                lines,
                ..Default::default()
            },
        );
        s
    }

    #[test]
    fn page_is_self_contained_with_a_chart_per_measure() {
        let page = html(&[run(10, 1000), run(30, 1500)], "cargo ratchet");
        assert!(!page.contains("<script"), "no scripts");
        assert!(
            !page.contains("http://")
                || page.matches("http://").count()
                    == page.matches("xmlns=\"http://www.w3.org/2000/svg\"").count()
        );
        assert!(page.contains("<h2>lines</h2>") && page.contains("<h2>critical-path</h2>"));
        assert!(page.contains("&lt;leaf&gt; → top"), "critical path escaped");
        assert_eq!(
            page.matches("<svg").count(),
            4,
            "critical-path, lines, longest-file, source-bytes"
        );
    }
}
