//! The Markdown summary of a `check` run for `$GITHUB_STEP_SUMMARY`: what ran, what was
//! served from the cache, what failed with its reproduce command, and the budget gate.

use crate::record::{Outcome, Record};

/// The summary of `record`, ending with a blank line (GitHub concatenates the summaries of a
/// job's steps).
pub fn step_summary(record: &Record) -> String {
    let mut text = String::new();
    let code = record.summary.as_ref().map_or(0, |s| s.exit_code);
    let verdict = match (record.summary.as_ref(), code) {
        (Some(s), _) if s.interrupted => "interrupted".to_string(),
        (_, 0) => "passed".to_string(),
        (_, 3) => "steps passed, a budget is exceeded (exit 3)".to_string(),
        (_, code) => format!("FAILED (exit {code})"),
    };
    let selected = record.plan.as_ref().map_or(0, |p| p.selected);
    text.push_str(&format!(
        "### ratchet check: {verdict}\n\n{selected} package(s) selected.\n\n"
    ));
    text.push_str(
        "| step | ran | passed | failed | cached |\n| --- | ---: | ---: | ---: | ---: |\n",
    );
    let mut failures = Vec::new();
    for step in record.steps() {
        let outcomes = record.outcomes(step);
        let count = |o: Outcome| outcomes.values().filter(|v| **v == o).count();
        text.push_str(&format!(
            "| {step} | {} | {} | {} | {} |\n",
            outcomes.len() - count(Outcome::NotRun),
            count(Outcome::Passed),
            count(Outcome::Failed),
            record.cached(step).len()
        ));
        failures.extend(
            outcomes
                .into_iter()
                .filter(|(_, o)| *o == Outcome::Failed)
                .map(|(package, _)| (step, package)),
        );
    }
    if !failures.is_empty() {
        text.push_str("\n#### Failures\n\n");
    }
    for (step, package) in failures {
        let body = record.failure_text(step, &package);
        let fence = if body.contains("```") { "````" } else { "```" };
        text.push_str(&format!(
            "<details><summary><code>{}</code> ({step})</summary>\n\n{fence}text\n{}{fence}\n\n</details>\n\n",
            html(&package),
            body
        ));
    }
    if code == 3 {
        text.push_str("\nThe budget gate failed: its findings are in the budget table of this job's summary.\n");
    }
    text.push('\n');
    text
}

fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
