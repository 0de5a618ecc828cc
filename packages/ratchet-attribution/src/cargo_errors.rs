//! cargo's own `error:` lines, tied to workspace members, and the `Doc-tests` sections of
//! `cargo test --doc`. A line is attributed only when it names one member for certain; every
//! other error line (a manifest or resolution error, an ambiguous `-p`, a package outside the
//! workspace, anything cargo may print that is not listed here) is kept as unattributed, and
//! then no package of that cargo run may pass.

use std::collections::{BTreeMap, BTreeSet};

use ratchet_graph::Workspace;

/// What cargo's own error lines say (doc-test output left out).
#[derive(Debug, Default, PartialEq)]
pub struct CargoErrors {
    /// Members cargo says did not compile, each with whether the failed target is one its
    /// dependents need (its library or build script, or cargo did not say which).
    pub unbuilt: BTreeMap<String, bool>,
    /// Members whose doc tests failed (`-p NAME --doc`).
    pub doc_tests_failed: BTreeSet<String>,
    /// Error lines that tie the failure to no member for certain.
    pub unattributed: Vec<String>,
}

impl CargoErrors {
    /// Reads the error lines of `text` (cargo's non-JSON output, in order), skipping the
    /// output of doc tests, where rustc's errors about a doc test may appear.
    pub fn read(workspace: &Workspace, text: &[String]) -> CargoErrors {
        let mut errors = CargoErrors::default();
        let mut in_target_list = false;
        for line in DocSections::split(text).outside {
            if in_target_list && line.starts_with(char::is_whitespace) {
                let target = line.trim().trim_matches('`');
                match doc_target(workspace, target) {
                    Some(member) => {
                        errors.doc_tests_failed.insert(member);
                    }
                    None => errors.unattributed.push(line.to_string()),
                }
                continue;
            }
            in_target_list = false;
            if !line.starts_with("error") {
                continue;
            }
            if is_target_list(line) {
                in_target_list = true;
            } else if !errors.attribute(workspace, line) {
                errors.unattributed.push(line.to_string());
            }
        }
        errors
    }

    /// Whether cargo's failure is explained member by member: some line names a member, and
    /// every error line names one.
    pub fn explain_failure(&self) -> bool {
        self.unattributed.is_empty()
            && !(self.unbuilt.is_empty() && self.doc_tests_failed.is_empty())
    }

    /// Records what `line` says about a member; `false` when it names none for certain.
    fn attribute(&mut self, workspace: &Workspace, line: &str) -> bool {
        if let Some(rest) = line.strip_prefix("error: could not compile `") {
            let Some((name, after)) = rest.split_once('`') else {
                return false;
            };
            let Some(member) = member(workspace, name, None) else {
                return false;
            };
            // ` (lib) due to ...`, ` (lib test) ...`, ` (bin "x") ...`, or no target at all.
            let needed = match after.strip_prefix(" (").and_then(|t| t.split(')').next()) {
                Some(target) => target == "lib" || target.starts_with("build script"),
                None => true,
            };
            *self.unbuilt.entry(member).or_insert(false) |= needed;
            return true;
        }
        if let Some(rest) = line.strip_prefix("error: failed to run custom build command for `") {
            // `name vX.Y.Z (/path/to/dir)`
            let quoted = rest.split('`').next().unwrap_or_default();
            let name = quoted.split_whitespace().next().unwrap_or_default();
            let dir = quoted
                .rsplit_once(" (")
                .map(|(_, dir)| dir.trim_end_matches(')'));
            return match member(workspace, name, dir) {
                Some(member) => {
                    self.unbuilt.insert(member, true);
                    true
                }
                None => false,
            };
        }
        if let Some(rest) = line.strip_prefix("error: doctest failed, to rerun pass `") {
            let target = rest.trim_end().trim_end_matches('`');
            if let Some(member) = doc_target(workspace, target) {
                self.doc_tests_failed.insert(member);
                return true;
            }
        }
        false
    }
}

/// `error: 3 targets failed:` (followed by one indented line per target).
fn is_target_list(line: &str) -> bool {
    line.strip_prefix("error: ")
        .and_then(|rest| rest.split_once(' '))
        .is_some_and(|(count, rest)| {
            count.chars().all(|c| c.is_ascii_digit())
                && matches!(rest, "target failed:" | "targets failed:")
        })
}

/// The member of `-p NAME --doc`, as cargo names a failed doc-test target.
fn doc_target(workspace: &Workspace, target: &str) -> Option<String> {
    let name = target.strip_prefix("-p ")?.strip_suffix(" --doc")?;
    member(workspace, name, None)
}

/// `name` when it is a member and no package outside the workspace has that name (then
/// cargo's line may be about either), unless `dir` says which.
fn member(workspace: &Workspace, name: &str, dir: Option<&str>) -> Option<String> {
    let package = workspace.package(workspace.find(name)?);
    let certain =
        !crate::spec::name_is_shared(workspace, name) || dir.is_some_and(|dir| package.dir == dir);
    certain.then(|| name.to_string())
}

/// One `Doc-tests CRATE` section of `cargo test --doc`: from its header to its `test result:`
/// line.
#[derive(Debug, Clone, PartialEq)]
pub struct DocSection {
    /// The crate (library target) name cargo's header gives.
    pub krate: String,
    /// The section's lines after the header.
    pub lines: Vec<String>,
    /// `Some(true)` for `test result: ok`, `Some(false)` for `FAILED`, `None` when the
    /// section has no result line (rustdoc did not finish).
    pub result: Option<bool>,
}

/// cargo's output taken apart into doc-test sections and everything else.
#[derive(Debug, Default)]
pub struct DocSections<'a> {
    /// The sections, in order.
    pub sections: Vec<DocSection>,
    /// Lines outside every section (cargo's own).
    pub outside: Vec<&'a str>,
}

impl<'a> DocSections<'a> {
    /// Splits `text` (cargo's non-JSON lines, in order).
    pub fn split(text: &'a [String]) -> DocSections<'a> {
        let mut split = DocSections::default();
        let mut open = false;
        for line in text {
            if let Some(krate) = line.trim_start().strip_prefix("Doc-tests ") {
                split.sections.push(DocSection {
                    krate: krate.trim().to_string(),
                    lines: Vec::new(),
                    result: None,
                });
                open = true;
                continue;
            }
            match split.sections.last_mut() {
                Some(section) if open => {
                    section.lines.push(line.clone());
                    if let Some(result) = line.strip_prefix("test result: ") {
                        section.result = Some(result.starts_with("ok"));
                        open = false;
                    }
                }
                _ => split.outside.push(line),
            }
        }
        split
    }
}
