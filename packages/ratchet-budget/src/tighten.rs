//! `ratchet tighten`: lower every ceiling the measures have fallen well below, never raise one,
//! and rewrite `ratchet.toml` changing nothing but those values.

use ratchet_events::budget::BudgetTightened;
use ratchet_graph::Workspace;

use crate::catalog::Measure;
use crate::config::{Budget, Ceiling, KeyPath};
use crate::error::BudgetError;
use crate::take::Measured;
use crate::units::{Amount, format_amount, parse_amount};
use ratchet_config::spans;

/// One ceiling to lower: its key, and the text to write.
#[derive(Debug, Clone)]
pub struct Lowering {
    /// What is reported.
    pub event: BudgetTightened,
    /// The key path, as toml_edit walks it.
    pub path: KeyPath,
    /// The new value as written (`"3.2 MiB"`).
    pub text: String,
}

/// Every ceiling that can come down, given today's measures.
pub fn plan(ws: &Workspace, budget: &Budget, measured: &Measured) -> Vec<Lowering> {
    let mut out = Vec::new();
    for m in Measure::PACKAGE {
        if let Some(ceiling) = budget.default_ceiling(m) {
            // A default governs every package without its own; one unmeasured package keeps it.
            let governed: Option<Vec<u64>> = (0..ws.packages.len())
                .filter(|ix| !budget.has_own(&ws.package(*ix).name, m))
                .map(|ix| measured.package_value(ws, ix, m))
                .collect();
            if let Some(max) = governed.and_then(|v| v.into_iter().max()) {
                out.extend(lower(budget, m, ceiling, max));
            }
        }
        for (ix, pkg) in ws.packages.iter().enumerate() {
            if !budget.has_own(&pkg.name, m) {
                continue;
            }
            let ceiling = budget.package_ceiling(&pkg.name, m);
            if let (Some(c), Some(v)) = (ceiling, measured.package_value(ws, ix, m)) {
                out.extend(lower(budget, m, c, v));
            }
        }
    }
    for m in Measure::WORKSPACE {
        if let (Some(c), Some(v)) = (budget.workspace_ceiling(m), measured.workspace_value(m)) {
            out.extend(lower(budget, m, c, v));
        }
    }
    out
}

fn lower(budget: &Budget, measure: Measure, ceiling: &Ceiling, measured: u64) -> Option<Lowering> {
    let key = ceiling.key.clone()?;
    let threshold = ceiling.value as f64 * (1.0 - budget.tighten_margin);
    if measured as f64 >= threshold {
        return None;
    }
    let text = format_amount(Amount {
        kind: measure.kind(),
        value: budget.with_headroom(measure, measured),
    });
    let new = parse_amount(&text, measure.kind()).ok()?.value;
    (new < ceiling.value).then(|| Lowering {
        event: BudgetTightened {
            version: ratchet_events::VERSION,
            key: key.to_string(),
            unit: measure.kind().unit(),
            old: ceiling.value,
            new,
            measured,
        },
        path: key,
        text,
    })
}

/// `text` with each lowering applied: only the values' own bytes change; comments, order,
/// spacing and line endings (CRLF stays CRLF) stay byte for byte.
pub fn rewrite(
    path: &std::path::Path,
    text: &str,
    lowerings: &[Lowering],
) -> Result<String, BudgetError> {
    let mut edits = Vec::new();
    for lowering in lowerings {
        let parts: Vec<&str> = lowering.path.0.iter().map(String::as_str).collect();
        let span = spans::value_span(text, &parts).ok_or_else(|| BudgetError::BadValue {
            path: path.to_path_buf(),
            at: String::new(),
            key: lowering.path.to_string(),
            message: "cannot find this key to rewrite it".to_string(),
        })?;
        edits.push((span, format!("\"{}\"", lowering.text)));
    }
    edits.sort_by_key(|(span, _)| std::cmp::Reverse(span.start));
    let mut out = text.to_string();
    for (span, value) in edits {
        out.replace_range(span, &value);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrite_changes_only_the_value_and_keeps_crlf_and_comments() {
        let text = "# top\r\n[budget.defaults] # d\r\nlines = \"900 lines\"   # why\r\n\
                    [budget.packages]\r\na = { lines = '9 lines', source-bytes = \"1 MiB\" }\r\n";
        let lowering = |path: &[&str], text: &str| Lowering {
            event: BudgetTightened {
                version: 1,
                key: path.join("."),
                unit: ratchet_events::budget::Unit::Lines,
                old: 0,
                new: 0,
                measured: 0,
            },
            path: KeyPath(path.iter().map(|p| p.to_string()).collect()),
            text: text.to_string(),
        };
        let out = rewrite(
            std::path::Path::new("ratchet.toml"),
            text,
            &[
                lowering(&["budget", "defaults", "lines"], "500 lines"),
                lowering(&["budget", "packages", "a", "lines"], "8 lines"),
            ],
        )
        .unwrap();
        let expected = "# top\r\n[budget.defaults] # d\r\nlines = \"500 lines\"   # why\r\n\
                        [budget.packages]\r\na = { lines = \"8 lines\", source-bytes = \"1 MiB\" }\r\n";
        assert_eq!(out, expected);
    }
}
