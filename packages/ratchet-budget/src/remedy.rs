//! The step to take for each measure over its ceiling, with the facts that point at it.

use ratchet_events::budget::{BudgetFinding, BudgetSnapshot, Status};
use ratchet_graph::Workspace;

use crate::catalog::Measure;
use crate::evaluate::Check;
use crate::take::Measured;
use crate::units::{Amount, format_amount};

/// Builds the finding for `check`, with its remedy and details.
pub(crate) fn finding(
    ws: &Workspace,
    measured: &Measured,
    previous: Option<&BudgetSnapshot>,
    check: &Check,
    samples: Vec<u64>,
    note: Option<&String>,
) -> BudgetFinding {
    let over = check.is_over();
    let (remedy, mut details) = explain(ws, measured, previous, check);
    details.extend(note.cloned());
    let file = match check.package {
        Some(ix) => relative(ws, ws.package(ix).manifest_path.as_str()),
        None => ratchet_config::FILE_NAME.to_string(),
    };
    BudgetFinding {
        version: ratchet_events::VERSION,
        status: if over { Status::Over } else { Status::Near },
        package: check.package.map(|ix| ws.package(ix).name.clone()),
        file,
        measure: check.measure.key().to_string(),
        unit: check.measure.kind().unit(),
        ceiling: check.ceiling.value,
        tolerance: check.tolerance,
        value: check.value,
        samples,
        key: check.ceiling.key.as_ref().map(ToString::to_string),
        remedy,
        details,
    }
}

fn relative(ws: &Workspace, path: &str) -> String {
    path.strip_prefix(ws.root.as_str())
        .map(|p| p.trim_start_matches('/').to_string())
        .unwrap_or_else(|| path.to_string())
}

fn show(measure: Measure, value: u64) -> String {
    format_amount(Amount {
        kind: measure.kind(),
        value,
    })
}

fn explain(
    ws: &Workspace,
    measured: &Measured,
    previous: Option<&BudgetSnapshot>,
    check: &Check,
) -> (String, Vec<String>) {
    let name = check
        .package
        .map(|ix| ws.package(ix).name.as_str())
        .unwrap_or("the workspace");
    let files = |n: usize| -> Vec<String> {
        check.package.map_or_else(Vec::new, |ix| {
            measured.sources[ix]
                .files
                .iter()
                .take(n)
                .map(|(f, l)| format!("{f}: {l} lines"))
                .collect()
        })
    };
    match check.measure {
        Measure::Lines | Measure::SourceBytes => (
            format!(
                "split `{name}`: move a cohesive part (one of its largest files and what it uses) \
                 into a new package, so each package stays small enough to read at once"
            ),
            files(5),
        ),
        Measure::LongestFile => {
            let top = files(1).pop().unwrap_or_default();
            (
                format!(
                    "split the longest file of `{name}` ({top}) into modules of at most {}",
                    show(check.measure, check.ceiling.value)
                ),
                files(3),
            )
        }
        Measure::ArtifactBytes => (
            format!(
                "find what grew in `{name}`: new dependencies, generic code instantiated here, \
                 embedded data (`include_bytes!`); move it out or put it behind a feature"
            ),
            grew(ws, measured, previous, check),
        ),
        Measure::BuildCpu => (
            format!(
                "make `{name}` cheaper to compile: split it, or move its heaviest code (generics, \
                 macros, large functions) into a package it depends on"
            ),
            and_path(ws, measured, heavy_crates(ws, measured, check)),
        ),
        Measure::TotalBuildCpu | Measure::CriticalPath => (
            "shorten the critical path: split its heaviest package, or cut a dependency edge so \
             more of the build runs in parallel"
                .to_string(),
            and_path(ws, measured, heaviest_packages(ws, measured)),
        ),
        Measure::InnerLoop => (
            "bring the inner loop back under its ceiling: split the heaviest packages on the \
             critical path so an edit rebuilds less"
                .to_string(),
            and_path(ws, measured, heaviest_packages(ws, measured)),
        ),
    }
}

/// `lines`, then the critical path: the remedies of every CPU measure end with it.
fn and_path(ws: &Workspace, measured: &Measured, mut lines: Vec<String>) -> Vec<String> {
    lines.push(path_line(ws, measured));
    lines
}

fn path_line(ws: &Workspace, measured: &Measured) -> String {
    let steps: Vec<String> = measured
        .critical_path
        .iter()
        .map(|ix| {
            format!(
                "{} ({})",
                ws.package(*ix).name,
                show(Measure::BuildCpu, measured.cpu_ms[*ix])
            )
        })
        .collect();
    format!("critical path: {}", steps.join(" -> "))
}

/// One line naming the five packages with the most build CPU.
fn heaviest_packages(ws: &Workspace, measured: &Measured) -> Vec<String> {
    let mut by_cost: Vec<usize> = (0..ws.packages.len()).collect();
    by_cost.sort_by_key(|ix| std::cmp::Reverse(measured.cpu_ms[*ix]));
    let heaviest: Vec<String> = by_cost
        .into_iter()
        .take(5)
        .map(|ix| {
            format!(
                "{} ({})",
                ws.package(ix).name,
                show(Measure::BuildCpu, measured.cpu_ms[ix])
            )
        })
        .collect();
    vec![format!("heaviest packages: {}", heaviest.join(", "))]
}

fn heavy_crates(ws: &Workspace, measured: &Measured, check: &Check) -> Vec<String> {
    let Some(ix) = check.package else {
        return Vec::new();
    };
    let Some(cost) = measured
        .costs
        .as_ref()
        .and_then(|c| c.packages.get(&ws.package(ix).name))
    else {
        return Vec::new();
    };
    let mut crates: Vec<_> = cost
        .crates
        .iter()
        .filter(|c| ratchet_timing::is_build_kind(&c.kind))
        .collect();
    crates.sort_by_key(|c| std::cmp::Reverse(c.cpu_ms));
    crates
        .iter()
        .take(5)
        .map(|c| {
            format!(
                "rustc {} ({}): {} CPU",
                c.crate_name,
                c.kind,
                show(Measure::BuildCpu, c.cpu_ms)
            )
        })
        .collect()
}

/// What changed since the last recorded run, for a package whose artifact grew.
fn grew(
    ws: &Workspace,
    measured: &Measured,
    previous: Option<&BudgetSnapshot>,
    check: &Check,
) -> Vec<String> {
    let Some(ix) = check.package else {
        return Vec::new();
    };
    let name = &ws.package(ix).name;
    let Some(before) = previous.and_then(|p| p.packages.get(name)) else {
        return vec!["no earlier run in the history to compare with".to_string()];
    };
    let Some(now) = measured.snapshot.packages.get(name) else {
        return Vec::new();
    };
    // The measure that is over first, then the others that can explain it.
    let others = Measure::PACKAGE
        .into_iter()
        .filter(|m| *m != check.measure && *m != Measure::LongestFile);
    let mut out = Vec::new();
    for measure in std::iter::once(check.measure).chain(others) {
        if let (Some(old), Some(new)) = (measure.package_value(before), measure.package_value(now))
            && new > old
        {
            out.push(format!(
                "{} grew from {} to {} since the last recorded run",
                measure.key(),
                show(measure, old),
                show(measure, new)
            ));
        }
    }
    out
}
