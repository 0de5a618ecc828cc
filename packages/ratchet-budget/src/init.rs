//! `ratchet init`: a first `[budget]` from today's measures plus headroom, so a repository
//! adopts the gate in one command and passes it on the day it does.

use std::fmt::Write;

use ratchet_graph::Workspace;

use crate::catalog::Measure;
use crate::config::{Budget, DEFAULT_INNER_LOOP_MS};
use crate::take::Measured;
use crate::units::{Amount, format_amount};

/// The share of packages the defaults cover; larger packages get their own line.
const DEFAULT_QUANTILE: f64 = 0.8;

/// The `[budget]` section for `measured`, using `budget`'s headroom (the built-in defaults
/// when the file has no section yet); `tool` is the command the user runs (`cargo ratchet`).
pub fn section(ws: &Workspace, budget: &Budget, measured: &Measured, tool: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "[budget]");
    let _ = write!(
        out,
        "# Written by `{tool} budget init`: each ceiling is a measure of that day plus headroom.\n\
         # `{tool} budget tighten` lowers them as things improve. Raise one only with a comment\n\
         # that says why, on its line or right above it: `gate --forbid-loosen` insists.\n",
    );
    if let Some(calibration) = measured.snapshot.calibration_ms {
        let _ = writeln!(
            out,
            "# CPU time of the calibration compile on the machine that recorded the times below.\n\
             calibration = \"{}\"",
            format_amount(Amount {
                kind: crate::units::Kind::Millis,
                value: calibration
            })
        );
    }
    let inner = measured
        .workspace_value(Measure::InnerLoop)
        .map_or(DEFAULT_INNER_LOOP_MS, |v| {
            budget
                .with_headroom(Measure::InnerLoop, v)
                .max(DEFAULT_INNER_LOOP_MS)
        });
    let _ = writeln!(out, "inner-loop = \"{}\"", show(Measure::InnerLoop, inner));
    for m in [Measure::TotalBuildCpu, Measure::CriticalPath] {
        if let Some(v) = measured.workspace_value(m) {
            let _ = writeln!(
                out,
                "{} = \"{}\"",
                m.key(),
                show(m, budget.with_headroom(m, v))
            );
        }
    }
    let measures: Vec<Measure> = Measure::PACKAGE
        .into_iter()
        .filter(|m| (0..ws.packages.len()).all(|ix| measured.package_value(ws, ix, *m).is_some()))
        .collect();
    let defaults: Vec<(Measure, u64)> = measures
        .iter()
        .map(|m| (*m, default_for(ws, budget, measured, *m)))
        .collect();
    let _ = writeln!(out, "\n[budget.defaults]");
    for (m, v) in &defaults {
        let _ = writeln!(out, "{} = \"{}\"", m.key(), show(*m, *v));
    }
    let overrides = overrides(ws, budget, measured, &defaults);
    if !overrides.is_empty() {
        let _ = writeln!(
            out,
            "\n# Packages above the defaults, each capped where it stands today."
        );
        let _ = writeln!(out, "[budget.packages]");
        out.push_str(&overrides);
    }
    out
}

fn show(m: Measure, value: u64) -> String {
    format_amount(Amount {
        kind: m.kind(),
        value,
    })
}

/// The measure of the package at the quantile, plus headroom.
fn default_for(ws: &Workspace, budget: &Budget, measured: &Measured, m: Measure) -> u64 {
    let mut values: Vec<u64> = (0..ws.packages.len())
        .filter_map(|ix| measured.package_value(ws, ix, m))
        .collect();
    values.sort_unstable();
    let at = (values.len().saturating_sub(1) as f64 * DEFAULT_QUANTILE).floor() as usize;
    let value = values.get(at).copied().unwrap_or(0);
    rounded(m, budget.with_headroom(m, value))
}

/// What `show` writes, parsed back, so ceilings compare with what the file will say.
fn rounded(m: Measure, value: u64) -> u64 {
    crate::units::parse_amount(&show(m, value), m.kind()).map_or(value, |a| a.value)
}

fn overrides(
    ws: &Workspace,
    budget: &Budget,
    measured: &Measured,
    defaults: &[(Measure, u64)],
) -> String {
    let mut out = String::new();
    for (ix, pkg) in ws.packages.iter().enumerate() {
        let own: Vec<String> = defaults
            .iter()
            .filter_map(|(m, default)| {
                let v = measured.package_value(ws, ix, *m)?;
                (v > *default).then(|| {
                    format!(
                        "{} = \"{}\"",
                        m.key(),
                        show(*m, budget.with_headroom(*m, v))
                    )
                })
            })
            .collect();
        if !own.is_empty() {
            let _ = writeln!(out, "{} = {{ {} }}", toml_key(&pkg.name), own.join(", "));
        }
    }
    out
}

fn toml_key(name: &str) -> String {
    if name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        name.to_string()
    } else {
        format!("\"{name}\"")
    }
}
