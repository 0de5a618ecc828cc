//! The pawl: ceilings only come down unless a person says why.
//!
//! `ratchet.toml` is compared with its version at the merge-base of `--since`. Every ceiling
//! whose effective limit (ceiling plus tolerance, with defaults applied, for every current
//! package) went up is reported. Its reason is a comment on the key's line or in the comment
//! block right above it that is new since the base, so an old comment cannot excuse a new raise.

use std::collections::BTreeSet;

use camino::Utf8Path;
use ratchet_config::ConfigFile;
use ratchet_events::budget::BudgetLoosened;
use ratchet_graph::Workspace;

use crate::catalog::Measure;
use crate::config::{Budget, Ceiling};
use crate::error::BudgetError;
use ratchet_config::spans;

/// Ceilings in `file` (parsed as `now`) raised since the merge-base of `since`.
pub fn loosened(
    ws: &Workspace,
    file: &ConfigFile,
    now: &Budget,
    since: &str,
    forbid: bool,
) -> Result<Vec<BudgetLoosened>, BudgetError> {
    let repo = ratchet_git::Repo::discover(&ws.root)?;
    let base = repo.merge_base(since)?;
    let relative = file
        .path
        .strip_prefix(repo.root())
        .unwrap_or(Path::new(ratchet_config::FILE_NAME));
    let relative =
        Utf8Path::from_path(relative).unwrap_or(Utf8Path::new(ratchet_config::FILE_NAME));
    let base_text = repo.show(&base, relative)?.unwrap_or_default();
    // At the base, names may differ from today's members; what counts is today's packages.
    let Ok(before) = Budget::parse_unchecked(&file.path, &base_text) else {
        return Ok(Vec::new());
    };
    Ok(compare(ws, &before, now, &base_text, &file.text, forbid))
}

use std::path::Path;

/// Raised limits between two budgets, one entry per key that raised them.
pub fn compare(
    ws: &Workspace,
    before: &Budget,
    now: &Budget,
    before_text: &str,
    now_text: &str,
    forbid: bool,
) -> Vec<BudgetLoosened> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let mut consider =
        |measure: Measure, package: Option<&str>, old: Option<&Ceiling>, new: Option<&Ceiling>| {
            let limit = |b: &Budget, c: Option<&Ceiling>| c.map(|c| b.limit(measure, c.value));
            let (old_limit, new_limit) = (limit(before, old), limit(now, new));
            let raised = match (old_limit, new_limit) {
                (Some(o), Some(n)) => n > o,
                (Some(_), None) => true,
                _ => false,
            };
            if !raised {
                return;
            }
            let key = match (
                new.and_then(|c| c.key.as_ref()),
                old.and_then(|c| c.key.as_ref()),
            ) {
                (Some(k), _) if new.map(|c| c.value) != old.map(|c| c.value) => k.to_string(),
                (_, Some(k)) if new.is_none() => k.to_string(),
                _ => format!("budget.tolerance.{}", measure.key()),
            };
            if !seen.insert(key.clone()) {
                return;
            }
            let is_tolerance = key.starts_with("budget.tolerance.");
            let parts: Vec<&str> = key.split('.').collect();
            let line = spans::key_position(now_text, &parts).map(|p| p.0);
            let reason = line.and_then(|l| new_comment(now_text, before_text, l));
            let package = package
                .filter(|_| key.starts_with("budget.packages."))
                .map(String::from);
            out.push(BudgetLoosened {
                version: ratchet_events::VERSION,
                key,
                measure: measure.key().to_string(),
                package,
                unit: measure.kind().unit(),
                // A wider tolerance is reported as the tolerance itself, not the unchanged ceiling.
                old: if is_tolerance {
                    old_limit.zip(old).map(|(l, c)| l - c.value)
                } else {
                    old.map(|c| c.value)
                },
                new: if is_tolerance {
                    new_limit.zip(new).map(|(l, c)| l - c.value)
                } else {
                    new.map(|c| c.value)
                },
                line,
                forbidden: forbid && reason.is_none(),
                reason,
            });
        };
    for pkg in &ws.packages {
        for m in Measure::PACKAGE {
            consider(
                m,
                Some(&pkg.name),
                before.package_ceiling(&pkg.name, m),
                now.package_ceiling(&pkg.name, m),
            );
        }
    }
    for m in Measure::WORKSPACE {
        consider(
            m,
            None,
            before.workspace_ceiling(m),
            now.workspace_ceiling(m),
        );
    }
    if let (Some(old), Some(new)) = (before.calibration_ms, now.calibration_ms)
        && new < old
    {
        // A smaller reference scales every measured time down: that loosens each time ceiling.
        let line = spans::key_position(now_text, &["budget", "calibration"]).map(|p| p.0);
        let reason = line.and_then(|l| new_comment(now_text, before_text, l));
        out.push(BudgetLoosened {
            version: ratchet_events::VERSION,
            key: "budget.calibration".to_string(),
            measure: "calibration".to_string(),
            package: None,
            unit: ratchet_events::budget::Unit::Ms,
            old: Some(old),
            new: Some(new),
            line,
            forbidden: forbid && reason.is_none(),
            reason,
        });
    }
    out
}

/// The comment on 1-based `line` or in the comment lines right above it, if it is not in
/// `before_text` (an explanation must come with the change it explains).
fn new_comment(now_text: &str, before_text: &str, line: usize) -> Option<String> {
    let lines: Vec<&str> = now_text.lines().collect();
    let mut comments = Vec::new();
    let own = lines.get(line.checked_sub(1)?)?;
    if let Some(trailing) = trailing_comment(own) {
        comments.push(trailing);
    }
    let mut above = line - 1;
    while above > 0 {
        let text = lines[above - 1].trim();
        let Some(comment) = text.strip_prefix('#') else {
            break;
        };
        comments.push(comment.trim().to_string());
        above -= 1;
    }
    let fresh: Vec<String> = comments
        .into_iter()
        .filter(|c| !c.is_empty() && !before_text.contains(c.as_str()))
        .collect();
    (!fresh.is_empty()).then(|| fresh.join(" "))
}

/// The comment after a value, ignoring `#` inside a quoted string.
fn trailing_comment(line: &str) -> Option<String> {
    let mut in_string = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' | '\'' => in_string = !in_string,
            '#' if !in_string => return Some(line[i + 1..].trim().to_string()),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_must_be_new_and_next_to_the_key() {
        let before = "[budget]\n# old note\nx = \"1s\"\n";
        let now = "[budget]\n# old note\nx = \"2s\"\n";
        assert_eq!(new_comment(now, before, 3), None);
        let now = "[budget]\n# old note\n# the parser grew a second grammar\nx = \"2s\"\n";
        assert_eq!(
            new_comment(now, before, 4).as_deref(),
            Some("the parser grew a second grammar")
        );
        let now = "[budget]\nx = \"2s\" # vendored tables\n";
        assert_eq!(
            new_comment(now, before, 2).as_deref(),
            Some("vendored tables")
        );
        assert_eq!(trailing_comment("x = \"a#b\""), None);
    }
}
