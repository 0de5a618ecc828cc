//! One line chart in inline SVG: a line per series over the runs, each ceiling as a dashed
//! line beside the series it caps, and the runs' commits and dates on the time axis.

use std::collections::BTreeMap;
use std::fmt::Write;

use ratchet_budget::Measure;
use ratchet_budget::units::Kind;
use ratchet_events::budget::BudgetSnapshot;

use crate::fmt::{COLORS, date_time, escape, short_commit, value};

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 250.0;
const LEFT: f64 = 64.0;
/// Room on the right for the ceilings' labels.
const RIGHT: f64 = 180.0;
const TOP: f64 = 16.0;
/// Room below for two lines of axis label: commit, then date.
const BOTTOM: f64 = 44.0;
/// Labels on the time axis at most.
const TICKS: usize = 6;

/// One line of a chart: a name, a value per run (`None` where it was not measured), and the
/// ceiling that applies to it today.
#[derive(Debug, Clone)]
pub struct Series {
    /// The package, or the measure for a workspace measure.
    pub name: String,
    /// One value per run, oldest first.
    pub values: Vec<Option<u64>>,
    /// The ceiling, when one applies.
    pub ceiling: Option<u64>,
}

/// Where runs and values fall on the plot.
struct Scale {
    runs: usize,
    top: f64,
}

impl Scale {
    fn x(&self, run: usize) -> f64 {
        let width = WIDTH - LEFT - RIGHT;
        match self.runs {
            0 | 1 => LEFT + width / 2.0,
            n => LEFT + width * run as f64 / (n - 1) as f64,
        }
    }

    fn y(&self, v: u64) -> f64 {
        TOP + (HEIGHT - TOP - BOTTOM) * (1.0 - v as f64 / self.top)
    }
}

/// The chart of `series` of `measure` over `runs`. The y axis starts at 0 and reaches the
/// highest value or ceiling; a ceiling more than three times the highest value is left off the
/// scale (named at the top edge), so the trend stays readable.
pub fn chart(measure: Measure, runs: &[BudgetSnapshot], series: &[Series]) -> String {
    let highest = series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    let ceilings = series.iter().filter_map(|s| s.ceiling).max().unwrap_or(0);
    let top = if ceilings <= highest.saturating_mul(3) {
        highest.max(ceilings) as f64 * 1.08
    } else {
        highest as f64 * 1.25
    };
    let scale = Scale {
        runs: runs.len(),
        top,
    };
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" \
         viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\">\n"
    );
    out.push_str(&axes(measure, runs, &scale));
    out.push_str(&ceiling_lines(measure, series, &scale));
    for (i, s) in series.iter().enumerate() {
        out.push_str(&line(measure, runs, s, COLORS[i % COLORS.len()], &scale));
    }
    out.push_str("</svg>\n");
    out
}

/// The smallest of 1, 2 or 5 times a power of ten that is at least `at_least` (and at least 1).
fn nice_step(at_least: f64) -> u64 {
    let mut power = 1u64;
    loop {
        for m in [1, 2, 5] {
            if (m * power) as f64 >= at_least {
                return m * power;
            }
        }
        power = power.saturating_mul(10);
    }
}

fn axes(measure: Measure, runs: &[BudgetSnapshot], scale: &Scale) -> String {
    let bottom = HEIGHT - BOTTOM;
    let right = WIDTH - RIGHT;
    let mut out = format!(
        "<line x1=\"{LEFT}\" y1=\"{bottom}\" x2=\"{right}\" y2=\"{bottom}\" stroke=\"#999\"/>\n"
    );
    // Bytes step in whole KiB or MiB, so that the labels read "20 KiB", not "10000 B".
    let unit = match measure.kind() {
        Kind::Bytes if scale.top >= 10.0 * 1024.0 * 1024.0 => 1024 * 1024,
        Kind::Bytes if scale.top >= 10.0 * 1024.0 => 1024,
        _ => 1,
    };
    let step = nice_step(scale.top / 5.0 / unit as f64) * unit;
    for v in (1..)
        .map(|k| k * step)
        .take_while(|v| (*v as f64) <= scale.top)
    {
        let y = scale.y(v);
        let _ = writeln!(
            out,
            "<line x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{right}\" y2=\"{y:.1}\" stroke=\"#e4e4e4\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{}</text>",
            LEFT - 4.0,
            y + 4.0,
            escape(&value(measure, v))
        );
    }
    let _ = writeln!(
        out,
        "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">0</text>",
        LEFT - 4.0,
        bottom + 4.0
    );
    let step = runs.len().div_ceil(TICKS).max(1);
    for (i, run) in runs.iter().enumerate() {
        if i % step != 0 && i + 1 != runs.len() {
            continue;
        }
        let date = date_time(run.recorded_at);
        let _ = writeln!(
            out,
            "<text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\" \
             font-family=\"monospace\" class=\"tick\">{}</text>\
             <text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#666\">{}</text>",
            bottom + 16.0,
            escape(&short_commit(run)),
            bottom + 30.0,
            escape(date.get(5..).unwrap_or(&date)),
            x = scale.x(i),
        );
    }
    out
}

/// A dashed line per distinct ceiling: in its series' colour when it caps one series, grey
/// when several share it (a default), labelled on the right.
fn ceiling_lines(measure: Measure, series: &[Series], scale: &Scale) -> String {
    let mut by_value: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
    for (i, s) in series.iter().enumerate() {
        if let Some(c) = s.ceiling {
            by_value.entry(c).or_default().push(i);
        }
    }
    let mut out = String::new();
    let mut last_label_y = f64::INFINITY;
    for (ceiling, users) in by_value {
        let color = match users[..] {
            [one] if series.len() > 1 => COLORS[one % COLORS.len()],
            _ => "#555",
        };
        let label = match users.len() {
            1 => format!("ceiling {}", value(measure, ceiling)),
            n => format!("ceiling {} (shared by {n})", value(measure, ceiling)),
        };
        let y = scale.y(ceiling);
        if y < TOP {
            let _ = writeln!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"{color}\" class=\"ceiling\">{} ↑ off scale</text>",
                WIDTH - RIGHT + 6.0,
                TOP + 4.0,
                escape(&label)
            );
            continue;
        }
        // Ceilings close together: move the label down rather than print over the last one.
        let label_y = (y + 4.0).min(last_label_y - 13.0).max(TOP);
        last_label_y = label_y;
        let _ = writeln!(
            out,
            "<line x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"{color}\" \
             stroke-width=\"1.5\" stroke-dasharray=\"6 4\" class=\"ceiling\"/>\
             <text x=\"{:.1}\" y=\"{label_y:.1}\" font-size=\"11\" fill=\"{color}\">{}</text>",
            WIDTH - RIGHT,
            WIDTH - RIGHT + 6.0,
            escape(&label)
        );
    }
    out
}

fn line(
    measure: Measure,
    runs: &[BudgetSnapshot],
    series: &Series,
    color: &str,
    scale: &Scale,
) -> String {
    let points: Vec<String> = series
        .values
        .iter()
        .enumerate()
        .filter_map(|(run, v)| v.map(|v| format!("{:.1},{:.1}", scale.x(run), scale.y(v))))
        .collect();
    let mut out = format!(
        "<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{}\"/>\n",
        points.join(" ")
    );
    for (i, v) in series.values.iter().enumerate() {
        let (Some(v), Some(run)) = (v, runs.get(i)) else {
            continue;
        };
        let _ = writeln!(
            out,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{color}\"><title>{} at {} ({} UTC): {}</title></circle>",
            scale.x(i),
            scale.y(*v),
            escape(&series.name),
            escape(&short_commit(run)),
            date_time(run.recorded_at),
            escape(&value(measure, *v))
        );
    }
    out
}
