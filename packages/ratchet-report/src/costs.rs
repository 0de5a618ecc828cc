//! Where build time goes: each package's build CPU split by what rustc built (library,
//! binaries, build script, test builds), from the calls `check` recorded; and the critical
//! path of the last run as a timeline with a time per package.

use std::fmt::Write;

use ratchet_budget::Measure;
use ratchet_events::budget::BudgetSnapshot;
use ratchet_events::measure::BuildCosts;

use crate::fmt::{COLORS, date_time, escape, short_commit, value};

/// Packages shown in the breakdown at most (the heaviest); the rest are summed in one line.
const SHOWN: usize = 25;
const WIDTH: f64 = 760.0;
const NAME: f64 = 190.0;
const BAR: f64 = 440.0;
const ROW: f64 = 18.0;

/// What rustc built, as the breakdown splits it.
const PARTS: [(&str, &str); 4] = [
    ("library", "#1f77b4"),
    ("binaries", "#ff7f0e"),
    ("build script", "#9467bd"),
    ("test builds", "#bbbbbb"),
];

fn part(kind: &str) -> usize {
    match kind {
        "bin" => 1,
        "build-script" => 2,
        "test" | "bench" | "example" => 3,
        _ => 0,
    }
}

/// The breakdown of every package's recorded build CPU, heaviest first.
pub fn breakdown(costs: &BuildCosts) -> String {
    let mut rows: Vec<(&String, [u64; 4])> = costs
        .packages
        .iter()
        .map(|(name, cost)| {
            let mut parts = [0u64; 4];
            for c in cost.crates.iter().filter(|c| !c.kind.ends_with("-check")) {
                parts[part(&c.kind)] += c.cpu_ms;
            }
            if cost.crates.is_empty() {
                parts[0] = cost.cpu_ms;
            }
            (name, parts)
        })
        .collect();
    rows.sort_by(|a, b| {
        let build = |p: &[u64; 4]| p[0] + p[1] + p[2];
        build(&b.1).cmp(&build(&a.1)).then_with(|| a.0.cmp(b.0))
    });
    let widest = rows
        .iter()
        .map(|(_, p)| p.iter().sum::<u64>())
        .max()
        .unwrap_or(0)
        .max(1);
    let shown = rows.len().min(SHOWN);
    let height = ROW * (shown as f64 + 1.5);
    let mut out = String::from(
        "<h2 id=\"breakdown\">build time by package</h2>\n<p>CPU of each package's own rustc \
         calls as the last <code>check</code> recorded them on this machine (not normalized; \
         clippy's metadata-only calls left out). Budgets count library, binaries and build \
         script; test builds are shown for scale.</p>\n<p>",
    );
    for (name, color) in PARTS {
        let _ = write!(
            out,
            "<span style=\"color:{color}\">&#9632;</span> {name} &nbsp; "
        );
    }
    let _ = writeln!(
        out,
        "</p>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" \
         viewBox=\"0 0 {WIDTH} {height}\" class=\"breakdown\">"
    );
    for (i, (name, parts)) in rows.iter().take(SHOWN).enumerate() {
        out.push_str(&bar(i, name, parts, widest));
    }
    out.push_str("</svg>\n");
    if rows.len() > SHOWN {
        let rest: u64 = rows[SHOWN..].iter().map(|(_, p)| p[0] + p[1] + p[2]).sum();
        let _ = writeln!(
            out,
            "<p>{} more packages: {} of build CPU together.</p>",
            rows.len() - SHOWN,
            value(Measure::BuildCpu, rest)
        );
    }
    out
}

fn bar(i: usize, name: &str, parts: &[u64; 4], widest: u64) -> String {
    let y = ROW * (i as f64 + 0.5);
    let mut out = format!(
        "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{}</text>",
        NAME - 6.0,
        y + 12.0,
        escape(name)
    );
    let mut x = NAME;
    for (ms, (what, color)) in parts.iter().zip(PARTS) {
        let w = BAR * *ms as f64 / widest as f64;
        if *ms > 0 {
            let _ = write!(
                out,
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{color}\">\
                 <title>{} {what}: {}</title></rect>",
                y + 2.0,
                ROW - 4.0,
                escape(name),
                value(Measure::BuildCpu, *ms)
            );
        }
        x += w;
    }
    let build = parts[0] + parts[1] + parts[2];
    let tests = match parts[3] {
        0 => String::new(),
        ms => format!(" + {} tests", value(Measure::BuildCpu, ms)),
    };
    let _ = writeln!(
        out,
        "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\">{}{tests}</text>",
        x + 6.0,
        y + 12.0,
        value(Measure::BuildCpu, build)
    );
    out
}

/// The critical path of `last` as one timeline (the packages in build order, each as long as
/// its build CPU) and a table with each package's time and the running total.
pub fn critical_path(last: &BudgetSnapshot) -> String {
    let steps: Vec<(&String, u64)> = last
        .critical_path
        .iter()
        .map(|name| {
            let ms = last.packages.get(name).and_then(|p| p.build_cpu_ms);
            (name, ms.unwrap_or(0))
        })
        .collect();
    if steps.is_empty() {
        return String::new();
    }
    let total: u64 = steps.iter().map(|s| s.1).sum::<u64>().max(1);
    let mut out = format!(
        "<h2 id=\"critical-path-packages\">critical path, package by package</h2>\n<p>The longest chain of normal and build \
         dependencies of the last run, weighted by build CPU: {} in {} packages, from a leaf \
         dependency (left) up.</p>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" \
         height=\"40\" viewBox=\"0 0 {WIDTH} 40\" class=\"timeline\">\n",
        value(Measure::CriticalPath, total),
        steps.len()
    );
    let mut x = 10.0;
    for (i, (name, ms)) in steps.iter().enumerate() {
        let w = (WIDTH - 20.0) * *ms as f64 / total as f64;
        let color = COLORS[i % COLORS.len()];
        let _ = write!(
            out,
            "<rect x=\"{x:.1}\" y=\"4\" width=\"{w:.1}\" height=\"30\" fill=\"{color}\" \
             stroke=\"#fff\"><title>{}: {}</title></rect>",
            escape(name),
            value(Measure::BuildCpu, *ms)
        );
        // A name goes inside its segment when it fits (about 6.5 px a character), else its
        // number in the table below.
        let label = match w > 6.5 * name.len() as f64 + 8.0 {
            true => escape(name),
            false => (i + 1).to_string(),
        };
        if w > 6.5 * label.len() as f64 + 8.0 {
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"23\" font-size=\"11\" fill=\"#fff\">{label}</text>",
                x + 4.0,
            );
        }
        out.push('\n');
        x += w;
    }
    out.push_str("</svg>\n<table class=\"path\"><tr><th>#</th><th>package</th><th>build CPU</th><th>running total</th></tr>\n");
    let mut sum = 0;
    for (i, (name, ms)) in steps.iter().enumerate() {
        sum += ms;
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            i + 1,
            escape(name),
            value(Measure::BuildCpu, *ms),
            value(Measure::BuildCpu, sum)
        );
    }
    out.push_str("</table>\n");
    out
}

/// The critical path of each of the last runs: when, at which commit, how long, through what.
pub fn critical_paths(history: &[BudgetSnapshot]) -> String {
    let runs: Vec<(usize, &BudgetSnapshot)> = history
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.critical_path.is_empty())
        .collect();
    if runs.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "<h2>critical path over time</h2>\n<table><tr><th>run</th><th>date (UTC)</th>\
         <th>commit</th><th>length</th><th>path</th></tr>\n",
    );
    for (i, s) in runs.iter().rev().take(20).rev() {
        let length = s
            .critical_path_ms
            .map_or("-".to_string(), |v| value(Measure::CriticalPath, v));
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td>{length}</td><td>{}</td></tr>",
            i + 1,
            date_time(s.recorded_at),
            escape(&short_commit(s)),
            escape(&s.critical_path.join(" → "))
        );
    }
    out.push_str("</table>\n");
    out
}
