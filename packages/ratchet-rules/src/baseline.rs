//! The baseline: violations a repository accepted when it adopted the rules. The gate fails
//! only on findings not in it, and the file only ever shrinks on its own: entries whose
//! violation is gone are dropped when the gate passes; adding entries takes a person running
//! `rules baseline`.

use std::collections::{BTreeMap, BTreeSet};

use camino::{Utf8Path, Utf8PathBuf};
use serde::{Deserialize, Serialize};

use crate::RulesError;
use crate::finding::{Finding, Rule};
use crate::manifest::line_of;

/// The baseline's file name, next to `ratchet.toml`.
pub const BASELINE_FILE: &str = "ratchet-rules-baseline.toml";

const FORMAT: u32 = 1;

/// The comment at the top of the file; `tool` is the command the user runs (`cargo ratchet`).
fn header(tool: &str) -> String {
    format!(
        "# Architecture-rule violations accepted when the rules were adopted (see docs/rules.md).\n\
         # `{tool} rules` fails only on violations not listed here and removes entries once they\n\
         # are fixed. To accept new violations, run `{tool} rules baseline` and commit the result.\n"
    )
}

/// The accepted violations.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// File format version (1).
    pub version: u32,
    /// One entry per accepted violation, sorted.
    #[serde(default)]
    pub accepted: Vec<Entry>,
}

/// One accepted violation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The rule.
    pub rule: Rule,
    /// The package (the dependent, for edge rules).
    pub package: String,
    /// The dependency, for edge rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dependency: Option<String>,
    /// For fan-out: the accepted number of dependencies; more is a new violation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<usize>,
}

/// Findings split by the baseline.
#[derive(Debug, Clone, Default)]
pub struct Judged {
    /// Not in the baseline: these fail the gate.
    pub new: Vec<Finding>,
    /// In the baseline.
    pub baselined: Vec<Finding>,
    /// Baseline entries whose violation no longer occurs.
    pub fixed: Vec<Entry>,
    /// The baseline with only what still occurs (fan-out counts lowered to today's).
    pub shrunk: Baseline,
}

impl Baseline {
    /// Where the baseline of the workspace whose `ratchet.toml` is in `dir` lives.
    pub fn path_in(dir: &Utf8Path) -> Utf8PathBuf {
        dir.join(BASELINE_FILE)
    }

    /// A baseline accepting exactly `findings`.
    pub fn from_findings(findings: &[Finding]) -> Baseline {
        let mut accepted: Vec<Entry> = findings.iter().map(entry_for).collect();
        accepted.sort();
        accepted.dedup();
        Baseline {
            version: FORMAT,
            accepted,
        }
    }

    /// Reads the baseline at `path`; a missing file accepts nothing. A file that does not parse
    /// is an error with its line, never silently empty (that would fail every accepted finding).
    /// `tool` is the command the user runs, for the remedy in errors.
    pub fn read(path: &Utf8Path, tool: &str) -> Result<Baseline, RulesError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Baseline::empty()),
            Err(e) => return Err(bad(path, tool, None, format!("cannot read: {e}"))),
        };
        let baseline: Baseline = toml::from_str(&text).map_err(|e| {
            let line = e.span().map(|s| line_of(&text, s.start));
            bad(path, tool, line, e.message().trim_end().to_string())
        })?;
        if baseline.version != FORMAT {
            return Err(bad(
                path,
                tool,
                None,
                format!(
                    "version {} is not supported (expected {FORMAT})",
                    baseline.version
                ),
            ));
        }
        Ok(baseline)
    }

    /// Writes the baseline atomically, its header naming `tool` (the command the user runs).
    pub fn write(&self, path: &Utf8Path, tool: &str) -> Result<(), RulesError> {
        let body = toml::to_string(self)
            .map_err(|e| bad(path, tool, None, format!("cannot serialize: {e}")))?;
        let text = format!("{}\n{body}", header(tool));
        ratchet_store::write_atomic(path.as_std_path(), text.as_bytes())?;
        Ok(())
    }

    fn empty() -> Baseline {
        Baseline {
            version: FORMAT,
            accepted: Vec::new(),
        }
    }

    /// Splits `findings` into new and accepted ones. A fan-out finding is accepted only while
    /// its count is not above the accepted count. Entries of rules that did not run (`ran`
    /// lacks them) are kept: a rule that was switched off cannot tell that they were fixed.
    pub fn judge(&self, findings: Vec<Finding>, ran: &BTreeSet<Rule>) -> Judged {
        let accepted: BTreeMap<_, &Entry> =
            self.accepted.iter().map(|e| (entry_key(e), e)).collect();
        let mut judged = Judged::default();
        for finding in findings {
            let ok = accepted
                .get(&finding.key())
                .is_some_and(|e| match (e.count, finding.count) {
                    (Some(limit), Some(count)) => count <= limit,
                    _ => true,
                });
            if ok {
                judged.baselined.push(finding);
            } else {
                judged.new.push(finding);
            }
        }
        let still: BTreeSet<_> = judged.baselined.iter().map(Finding::key).collect();
        let (kept, fixed): (Vec<&Entry>, Vec<&Entry>) = self
            .accepted
            .iter()
            .partition(|e| still.contains(&entry_key(e)) || !ran.contains(&e.rule));
        judged.fixed = fixed.into_iter().cloned().collect();
        let mut shrunk = Baseline::from_findings(&judged.baselined);
        shrunk
            .accepted
            .extend(kept.into_iter().filter(|e| !ran.contains(&e.rule)).cloned());
        shrunk.accepted.sort();
        judged.shrunk = shrunk;
        judged
    }
}

fn entry_key(e: &Entry) -> (Rule, &str, Option<&str>) {
    (e.rule, &e.package, e.dependency.as_deref())
}

fn entry_for(finding: &Finding) -> Entry {
    Entry {
        rule: finding.rule,
        package: finding.package.clone(),
        dependency: finding.dependency.clone(),
        count: finding.count,
    }
}

fn bad(path: &Utf8Path, tool: &str, line: Option<usize>, message: String) -> RulesError {
    RulesError::BadBaseline {
        path: path.to_path_buf(),
        line,
        message: format!(
            "{message}; fix the file, or delete it and run `{tool} rules baseline` to record \
             today's violations again"
        ),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn finding(
        rule: Rule,
        package: &str,
        dependency: Option<&str>,
        count: Option<usize>,
    ) -> Finding {
        Finding {
            rule,
            package: package.into(),
            dependency: dependency.map(Into::into),
            kinds: Vec::new(),
            manifest: "Cargo.toml".into(),
            line: None,
            message: String::new(),
            reason: None,
            fix: String::new(),
            count,
            locator: Default::default(),
        }
    }

    /// Judges `today` against a baseline of `accepted` and returns (new, baselined, fixed) as
    /// subjects.
    fn check(accepted: &[Finding], today: &[Finding], expect: (&[&str], &[&str], &[&str])) {
        let judged = Baseline::from_findings(accepted).judge(today.to_vec(), &all_rules());
        let subjects = |f: &[Finding]| f.iter().map(Finding::subject).collect::<Vec<_>>();
        assert_eq!(subjects(&judged.new), expect.0);
        assert_eq!(subjects(&judged.baselined), expect.1);
        let fixed: Vec<&str> = judged.fixed.iter().map(|e| e.package.as_str()).collect();
        assert_eq!(fixed, expect.2);
        assert_eq!(judged.shrunk, Baseline::from_findings(&judged.baselined));
    }

    #[test]
    fn judges_findings_against_the_baseline() {
        let layer = finding(Rule::Layer, "a", Some("b"), None);
        let other_rule = finding(Rule::Forbidden, "a", Some("b"), None);
        let unused = finding(Rule::Unused, "u", None, None);
        let fan = |n| finding(Rule::FanOut, "f", None, Some(n));
        let one = std::slice::from_ref;
        check(&[], one(&layer), (&["a -> b"], &[], &[]));
        check(one(&layer), one(&layer), (&[], &["a -> b"], &[]));
        check(one(&layer), &[other_rule], (&["a -> b"], &[], &["a"]));
        check(&[layer, unused.clone()], &[unused], (&[], &["u"], &["a"]));
        check(&[fan(5)], &[fan(5)], (&[], &["f"], &[]));
        check(&[fan(5)], &[fan(4)], (&[], &["f"], &[]));
        check(&[fan(5)], &[fan(6)], (&["f"], &[], &["f"]));
    }

    fn all_rules() -> BTreeSet<Rule> {
        use Rule::*;
        BTreeSet::from([
            Layer, Unlayered, Forbidden, Private, FanOut, Unused, DevCycle,
        ])
    }

    #[test]
    fn entries_of_rules_that_did_not_run_are_kept() {
        let unused = finding(Rule::Unused, "u", None, None);
        let layer = finding(Rule::Layer, "a", Some("b"), None);
        let baseline = Baseline::from_findings(&[unused.clone(), layer]);
        let judged = baseline.judge(vec![unused], &BTreeSet::from([Rule::Unused]));
        assert!(judged.fixed.is_empty());
        assert_eq!(judged.shrunk, baseline);
    }

    #[test]
    fn shrunk_fan_out_keeps_todays_count() {
        let judged = Baseline::from_findings(&[finding(Rule::FanOut, "f", None, Some(9))]).judge(
            vec![finding(Rule::FanOut, "f", None, Some(7))],
            &all_rules(),
        );
        assert_eq!(judged.shrunk.accepted[0].count, Some(7));
    }

    #[test]
    fn round_trips_through_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = Utf8Path::from_path(dir.path()).unwrap().join(BASELINE_FILE);
        assert_eq!(
            Baseline::read(&path, "cargo ratchet").unwrap(),
            Baseline::empty()
        );
        let baseline = Baseline::from_findings(&[
            finding(Rule::DevCycle, "a", Some("b"), None),
            finding(Rule::FanOut, "f", None, Some(3)),
        ]);
        baseline.write(&path, "cargo ratchet").unwrap();
        assert_eq!(Baseline::read(&path, "cargo ratchet").unwrap(), baseline);
    }
}
