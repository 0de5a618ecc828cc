//! The gate's outcome as text for people, for GitHub Actions and as events, built from a [`GateOutcome`]. Silent when all is
//! well: only measures over or near their ceilings, raised ceilings and skipped measures show.

use std::fmt::Write;

use ratchet_events::Event;
use ratchet_events::budget::{BudgetFinding, BudgetLoosened, Status, Unit};

use ratchet_budget::GateOutcome;
use ratchet_budget::units::{Amount, Kind, format_amount};

fn status(status: Status) -> &'static str {
    match status {
        Status::Over => "over",
        Status::Near => "near",
    }
}

fn kind(unit: Unit) -> Kind {
    match unit {
        Unit::Lines => Kind::Lines,
        Unit::Bytes => Kind::Bytes,
        Unit::Ms => Kind::Millis,
    }
}

/// Every event of a gate run, in the order they are printed, the summary last.
pub fn events(outcome: &GateOutcome) -> Vec<Event> {
    let findings = outcome.findings.iter().cloned().map(Event::BudgetFinding);
    let loosened = outcome.loosened.iter().cloned().map(Event::BudgetLoosened);
    let skipped = outcome.skipped.iter().cloned().map(Event::BudgetSkipped);
    findings
        .chain(loosened)
        .chain(skipped)
        .chain([Event::BudgetSummary(outcome.summary())])
        .collect()
}

/// A value of `unit` as a person reads it.
pub fn amount(unit: Unit, value: u64) -> String {
    format_amount(Amount {
        kind: kind(unit),
        value,
    })
}

fn subject(package: &Option<String>) -> String {
    match package {
        Some(p) => format!("`{p}`"),
        None => "workspace".to_string(),
    }
}

/// One line naming the package, measure, value and ceiling.
pub fn headline(f: &BudgetFinding) -> String {
    let tolerance = match f.tolerance {
        0 => String::new(),
        t => format!(" (+{} tolerance)", amount(f.unit, t)),
    };
    let samples = match f.samples.len() {
        0 => String::new(),
        _ => {
            let shown: Vec<String> = f.samples.iter().map(|s| amount(f.unit, *s)).collect();
            format!(", re-measured: {}", shown.join(", "))
        }
    };
    format!(
        "budget {}: {} {} is {}, ceiling {}{tolerance}{samples}",
        status(f.status),
        subject(&f.package),
        f.measure,
        amount(f.unit, f.value),
        amount(f.unit, f.ceiling),
    )
}

fn loosened_line(l: &BudgetLoosened) -> String {
    let show = |v: Option<u64>| v.map_or("none".to_string(), |v| amount(l.unit, v));
    let why = match (&l.reason, l.forbidden) {
        (Some(reason), _) => format!(" (reason: {reason})"),
        (None, true) => format!(
            ": add a comment saying why on{} or right above it, or restore the old value",
            l.line
                .map_or(" the key's line".to_string(), |n| format!(" line {n}"))
        ),
        (None, false) => " with no reason given".to_string(),
    };
    let label = if l.forbidden { "error" } else { "warning" };
    format!(
        "{label}: ceiling raised: {} from {} to {}{why}",
        l.key,
        show(l.old),
        show(l.new)
    )
}

/// The human report: over first, then near, raised ceilings and skipped measures.
pub fn human(outcome: &GateOutcome) -> String {
    let mut out = String::new();
    for f in &outcome.findings {
        let label = if f.status == Status::Over {
            "error"
        } else {
            "note"
        };
        let _ = writeln!(out, "{label}: {}", headline(f));
        let _ = writeln!(out, "  --> {}", f.file);
        if f.status == Status::Over {
            for d in &f.details {
                let _ = writeln!(out, "  {d}");
            }
            let _ = writeln!(out, "  fix: {}", f.remedy);
        }
    }
    for l in &outcome.loosened {
        let _ = writeln!(out, "{}", loosened_line(l));
    }
    // One line per reason: the same missing file explains every time measure.
    let mut reasons: Vec<(&str, Vec<&str>)> = Vec::new();
    for s in &outcome.skipped {
        match reasons.iter_mut().find(|(r, _)| *r == s.reason) {
            Some((_, measures)) => measures.push(&s.measure),
            None => reasons.push((&s.reason, vec![&s.measure])),
        }
    }
    for (reason, measures) in reasons {
        let _ = writeln!(out, "note: not measured: {}: {reason}", measures.join(", "));
    }
    let over = outcome.over().count();
    if over > 0 {
        let _ = writeln!(out, "error: {over} budget(s) exceeded");
    }
    out
}

/// `::error` workflow commands, one per failure, on the offending manifest. `prefix` is the
/// workspace root's path inside the git repository (empty at its top): GitHub wants paths
/// from the repository's top.
pub fn github_annotations(outcome: &GateOutcome, prefix: &str) -> String {
    let file = |path: &str| match prefix {
        "" => escape(path).replace(':', "%3A").replace(',', "%2C"),
        _ => escape(&format!("{prefix}/{path}"))
            .replace(':', "%3A")
            .replace(',', "%2C"),
    };
    let mut out = String::new();
    for f in outcome.over() {
        let message = format!("{}. Fix: {}", headline(f), f.remedy);
        let _ = writeln!(
            out,
            "::error file={},title=budget::{}",
            file(&f.file),
            escape(&message)
        );
    }
    for l in outcome.loosened.iter().filter(|l| l.forbidden) {
        let line = l.line.map(|n| format!(",line={n}")).unwrap_or_default();
        let _ = writeln!(
            out,
            "::error file={}{line},title=budget::{}",
            file("ratchet.toml"),
            escape(&loosened_line(l))
        );
    }
    out
}

fn escape(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A Markdown table for `$GITHUB_STEP_SUMMARY`; empty when nothing is over, near or raised.
pub fn step_summary(outcome: &GateOutcome) -> String {
    if outcome.findings.is_empty() && outcome.loosened.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "### ratchet budgets\n\n| status | package | measure | value | ceiling | fix |\n|---|---|---|---|---|---|\n",
    );
    for f in &outcome.findings {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            status(f.status),
            f.package.as_deref().unwrap_or("(workspace)"),
            f.measure,
            amount(f.unit, f.value),
            amount(f.unit, f.ceiling),
            f.remedy.replace('|', "\\|")
        );
    }
    for l in &outcome.loosened {
        let show = |v: Option<u64>| v.map_or("none".to_string(), |v| amount(l.unit, v));
        let status = if l.forbidden {
            "raised, no reason"
        } else {
            "raised"
        };
        let _ = writeln!(
            out,
            "| {status} | {} | {} | {} | was {} | {} |",
            l.package.as_deref().unwrap_or("(all)"),
            l.measure,
            show(l.new),
            show(l.old),
            l.reason
                .as_deref()
                .unwrap_or("add a reason comment")
                .replace('|', "\\|")
        );
    }
    out
}
