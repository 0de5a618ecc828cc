//! Findings as text for people, as GitHub annotations and as JSON events. Paths are shown
//! relative to the workspace root, which is where people and CI run the tool.

use camino::Utf8Path;
use ratchet_events::Event;
use ratchet_events::rules::{RuleViolation, RulesSummary};

use crate::Outcome;
use crate::finding::Finding;

/// `path` relative to `root` when it is inside it.
pub fn relative<'a>(path: &'a Utf8Path, root: &Utf8Path) -> &'a Utf8Path {
    path.strip_prefix(root).unwrap_or(path)
}

fn location(finding: &Finding, root: &Utf8Path) -> String {
    let path = relative(&finding.manifest, root);
    match finding.line {
        Some(line) => format!("{path}:{line}"),
        None => path.to_string(),
    }
}

/// A finding in a few lines: rule and subject, where, reason, fix.
pub fn human(finding: &Finding, root: &Utf8Path) -> String {
    let mut out = format!(
        "error[{}] {}: {}\n  --> {}\n",
        finding.rule.as_str(),
        finding.subject(),
        finding.message,
        location(finding, root)
    );
    if let Some(reason) = &finding.reason {
        out.push_str(&format!("  reason: {reason}\n"));
    }
    out.push_str(&format!("  fix: {}\n", finding.fix));
    out
}

/// One line summing up a run with findings; `None` when there is nothing to say. `tool` is
/// the command the user runs (`cargo ratchet`), named in the remedy.
pub fn summary(outcome: &Outcome, root: &Utf8Path, tool: &str) -> Option<String> {
    let judged = &outcome.judged;
    if judged.new.is_empty() {
        return None;
    }
    let accepted = match judged.baselined.len() {
        0 => String::new(),
        n => format!(
            " ({n} more accepted in {})",
            relative(&outcome.baseline_path, root)
        ),
    };
    let (count, them) = match judged.new.len() {
        1 => ("1 new violation".to_string(), "it"),
        n => (format!("{n} new violations"), "them"),
    };
    Some(format!(
        "rules: {count}{accepted}; fix {them}, or accept {them} with `{tool} rules baseline`\n"
    ))
}

/// What `rules` prints for people: each new finding, the summary line, and a line when the
/// baseline shrank (the file changed and should be committed). Empty when all is well.
pub fn human_report(outcome: &Outcome, root: &Utf8Path, tool: &str) -> String {
    let mut out: String = outcome.judged.new.iter().map(|f| human(f, root)).collect();
    out.extend(summary(outcome, root, tool));
    if outcome.baseline_shrunk {
        out.push_str(&format!(
            "rules: {} fixed violation(s) removed from {}; commit it\n",
            outcome.judged.fixed.len(),
            relative(&outcome.baseline_path, root)
        ));
    }
    out
}

/// The events of [`events`], one JSON object per line.
pub fn json_lines(outcome: &Outcome, root: &Utf8Path) -> String {
    events(outcome, root)
        .iter()
        .filter_map(|event| serde_json::to_string(event).ok())
        .map(|line| line + "\n")
        .collect()
}

/// GitHub annotations for every new finding.
pub fn annotations(outcome: &Outcome, root: &Utf8Path) -> String {
    outcome
        .judged
        .new
        .iter()
        .map(|f| annotation(f, root))
        .collect()
}

/// A GitHub Actions `::error` workflow command for a new finding.
pub fn annotation(finding: &Finding, root: &Utf8Path) -> String {
    let mut message = finding.message.clone();
    if let Some(reason) = &finding.reason {
        message.push_str(&format!("\nreason: {reason}"));
    }
    message.push_str(&format!("\nfix: {}", finding.fix));
    let line = finding
        .line
        .map(|l| format!(",line={l}"))
        .unwrap_or_default();
    format!(
        "::error file={}{line},title={}::{}\n",
        escape_property(relative(&finding.manifest, root).as_str()),
        escape_property(&format!(
            "rules: {} {}",
            finding.rule.as_str(),
            finding.subject()
        )),
        escape_data(&message)
    )
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// The event stream of a gate run: every finding (new and accepted), then the summary.
pub fn events(outcome: &Outcome, root: &Utf8Path) -> Vec<Event> {
    let judged = &outcome.judged;
    let new = judged.new.iter().map(|f| (f, false));
    let accepted = judged.baselined.iter().map(|f| (f, true));
    let mut events: Vec<Event> = new
        .chain(accepted)
        .map(|(f, baselined)| Event::RuleViolation(violation(f, root, baselined)))
        .collect();
    events.push(Event::RulesSummary(RulesSummary {
        version: ratchet_events::VERSION,
        new: judged.new.len(),
        baselined: judged.baselined.len(),
        fixed: judged.fixed.len(),
        baseline_shrunk: outcome.baseline_shrunk,
        baseline: relative(&outcome.baseline_path, root).to_string(),
        passed: outcome.passed(),
    }));
    events
}

/// A finding as its JSON event.
pub fn violation(finding: &Finding, root: &Utf8Path, baselined: bool) -> RuleViolation {
    RuleViolation {
        version: ratchet_events::VERSION,
        rule: finding.rule.into(),
        package: finding.package.clone(),
        dependency: finding.dependency.clone(),
        kinds: finding.kinds.iter().map(|&k| k.into()).collect(),
        manifest: relative(&finding.manifest, root).to_string(),
        line: finding.line,
        message: finding.message.clone(),
        reason: finding.reason.clone(),
        fix: finding.fix.clone(),
        count: finding.count,
        baselined,
    }
}
