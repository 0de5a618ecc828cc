//! cargo's `--message-format=json` stream, read per workspace package: every diagnostic,
//! artifact and test executable tied to the member that owns its target.

use std::collections::{BTreeMap, BTreeSet};

use camino::Utf8PathBuf;
use cargo_metadata::Message;
use cargo_metadata::diagnostic::{Applicability, Diagnostic, DiagnosticLevel};
use ratchet_events::check::{Edit, Level, Suggestion};
use ratchet_graph::{Workspace, is_library_kind};

use crate::Problem;

/// Everything one cargo run said.
#[derive(Debug, Default)]
pub struct CargoOutput {
    /// Whether cargo exited 0.
    pub success: bool,
    /// Diagnostics about workspace packages, by package name.
    pub diagnostics: Vec<(String, Problem)>,
    /// Test executables.
    pub executables: Vec<Executable>,
    /// Artifact files and sizes, by package name.
    pub artifacts: BTreeMap<String, BTreeMap<Utf8PathBuf, u64>>,
    /// Compilation units reported as built by this run.
    pub units_built: usize,
    /// Compilation units reported as already up to date.
    pub units_fresh: usize,
    /// Members with at least one unit that cargo reported built or fresh.
    pub units_seen: BTreeSet<String>,
    /// The feature sets cargo compiled each member's units with (one per build kind: a
    /// member built for the host and for the target may differ).
    pub unit_features: BTreeMap<String, BTreeSet<Vec<String>>>,
    /// Packages with an error in a library or build-script target. A library's test harness
    /// is a `lib` target too: cargo's `error:` lines tell the two apart when they name it.
    pub lib_errors: BTreeSet<String>,
    /// Packages with a diagnostic of any level in a target their dependents build on (library
    /// or build script): clippy's findings there fail `cargo clippy -p DEPENDENT -D warnings`.
    pub lib_findings: BTreeSet<String>,
    /// Lines that were not JSON messages (cargo's status and errors, test output), in order.
    pub text: Vec<String>,
    /// Every unit cargo reported, of members and of dependencies, built or fresh, and every
    /// build script run: what `gc --keep-runs` keeps.
    pub units: Vec<UnitUse>,
}

/// One unit cargo reported: the files that name it in the build directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitUse {
    /// Its crate's name (`-` made `_`), which names its incremental directory; empty for a
    /// build script run.
    pub crate_name: String,
    /// Whether cargo compiled it in this run (`fresh: false`); a build script run: `false`.
    pub built: bool,
    /// Its files (`filenames` and `executable`), or a build script run's `out` directory.
    pub files: Vec<Utf8PathBuf>,
}

/// A test executable cargo built.
#[derive(Debug, Clone)]
pub struct Executable {
    /// Its package's name.
    pub package: String,
    /// Its target's name.
    pub target: String,
    /// Its target's kind (`lib`, `bin`, `test`, ...): a library and a binary may share a name.
    pub kind: String,
    /// Whether the target is a bench (which `cargo test` builds and runs only when asked).
    pub bench: bool,
    /// The file.
    pub path: Utf8PathBuf,
}

impl CargoOutput {
    /// Takes in one message of cargo's stream; `on_text` sees every line that is not JSON.
    pub fn absorb(&mut self, workspace: &Workspace, message: Message, on_text: &dyn Fn(&str)) {
        match message {
            Message::CompilerMessage(msg) => {
                let Some(owner) = workspace.owner_of(&msg.target.src_path) else {
                    return;
                };
                // rustc reports the same error once per target (lib, lib test, ...): keep one.
                let name = &workspace.package(owner).name;
                if is_needed_by_dependents(&msg.target) {
                    if msg.message.level == DiagnosticLevel::Error {
                        self.lib_errors.insert(name.clone());
                    }
                    if matches!(
                        msg.message.level,
                        DiagnosticLevel::Error | DiagnosticLevel::Warning
                    ) {
                        self.lib_findings.insert(name.clone());
                    }
                }
                if let Some(problem) = diagnostic_problem(workspace, &msg.message)
                    && !self
                        .diagnostics
                        .iter()
                        .any(|(p, seen)| p == name && *seen == problem)
                {
                    self.diagnostics.push((name.clone(), problem));
                }
            }
            Message::CompilerArtifact(artifact) => {
                self.units.push(unit_use(&artifact));
                self.artifact(workspace, artifact);
            }
            Message::BuildScriptExecuted(script) => self.units.push(UnitUse {
                crate_name: String::new(),
                built: false,
                files: vec![script.out_dir],
            }),
            Message::TextLine(line) => {
                on_text(&line);
                self.text.push(line);
            }
            _ => {}
        }
    }

    fn artifact(&mut self, workspace: &Workspace, artifact: cargo_metadata::Artifact) {
        let Some(owner) = workspace.owner_of(&artifact.manifest_path) else {
            return;
        };
        if artifact.fresh {
            self.units_fresh += 1;
        } else {
            self.units_built += 1;
        }
        let name = workspace.package(owner).name.clone();
        self.units_seen.insert(name.clone());
        let mut features = artifact.features.clone();
        features.sort();
        self.unit_features
            .entry(name.clone())
            .or_default()
            .insert(features);
        if is_shipped(&artifact) {
            let sizes = self.artifacts.entry(name.clone()).or_default();
            for file in &artifact.filenames {
                let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
                sizes.insert(file.clone(), size);
            }
        }
        if let Some(path) = artifact.executable.filter(|_| artifact.profile.test) {
            self.executables.push(Executable {
                package: name,
                target: artifact.target.name.clone(),
                kind: artifact
                    .target
                    .kind
                    .first()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                bench: artifact.target.is_bench(),
                path,
            });
        }
    }

    /// The last lines of text output, for failures nothing finer explains.
    pub fn text_tail(&self, lines: usize) -> String {
        let start = self.text.len().saturating_sub(lines);
        self.text[start..].join("\n")
    }
}

fn unit_use(artifact: &cargo_metadata::Artifact) -> UnitUse {
    let mut files = artifact.filenames.clone();
    files.extend(artifact.executable.clone());
    UnitUse {
        crate_name: artifact.target.name.replace('-', "_"),
        built: !artifact.fresh,
        files,
    }
}

/// A diagnostic worth reporting, or `None` for rustc's summaries ("aborting due to ...").
fn diagnostic_problem(workspace: &Workspace, diag: &Diagnostic) -> Option<Problem> {
    let level = match diag.level {
        DiagnosticLevel::Error | DiagnosticLevel::Ice => Level::Error,
        DiagnosticLevel::Warning => Level::Warning,
        _ => return None,
    };
    let span = diag
        .spans
        .iter()
        .find(|s| s.is_primary)
        .or(diag.spans.first());
    if span.is_none() && is_summary(&diag.message) {
        return None;
    }
    Some(Problem::Diagnostic {
        level,
        file: span.map(|s| relative(workspace, &s.file_name)),
        line: span.map(|s| s.line_start),
        column: span.map(|s| s.column_start),
        code: diag.code.as_ref().map(|c| c.code.clone()),
        message: diag.message.clone(),
        rendered: diag
            .rendered
            .clone()
            .unwrap_or_else(|| diag.message.clone()),
        suggestions: suggestions(workspace, diag),
    })
}

/// The suggestions rustc is sure of (`MachineApplicable`), one per message that carries them
/// (the diagnostic or one of its `help` children), with the edits in its spans.
fn suggestions(workspace: &Workspace, diag: &Diagnostic) -> Vec<Suggestion> {
    std::iter::once(diag)
        .chain(&diag.children)
        .filter_map(|d| {
            let edits: Vec<Edit> = d
                .spans
                .iter()
                .filter(|s| s.suggestion_applicability == Some(Applicability::MachineApplicable))
                .filter_map(|s| {
                    Some(Edit {
                        file: relative(workspace, &s.file_name),
                        byte_start: s.byte_start as usize,
                        byte_end: s.byte_end as usize,
                        line_start: s.line_start,
                        line_end: s.line_end,
                        column_start: s.column_start,
                        column_end: s.column_end,
                        replacement: s.suggested_replacement.clone()?,
                    })
                })
                .collect();
            (!edits.is_empty()).then(|| Suggestion {
                message: d.message.clone(),
                edits,
            })
        })
        .collect()
}

fn is_summary(message: &str) -> bool {
    message.starts_with("aborting due to")
        || message.ends_with("warning emitted")
        || message.ends_with("warnings emitted")
        || message.contains("generated") && message.contains("warning")
}

/// `path` relative to the workspace root when it is inside it.
pub fn relative(workspace: &Workspace, path: &str) -> String {
    let path = camino::Utf8Path::new(path);
    path.strip_prefix(&workspace.root)
        .unwrap_or(path)
        .to_string()
}

/// Whether a target is one that the package's dependents build on: its library (any crate
/// type) or its build script, as opposed to its tests, benches, examples and binaries.
fn is_needed_by_dependents(target: &cargo_metadata::Target) -> bool {
    is_library_or(target, "custom-build")
}

/// Whether `target` is a library or of the `other` kind.
fn is_library_or(target: &cargo_metadata::Target, other: &str) -> bool {
    target.kind.iter().any(|kind| {
        let kind = kind.to_string();
        is_library_kind(&kind) || kind == other
    })
}

/// Whether an artifact is what the package ships (libraries and binaries), as opposed to test
/// harnesses, benches, examples and build scripts, whose size is not the package's size (a
/// debug test binary is tens of MiB and would drown the budget).
fn is_shipped(artifact: &cargo_metadata::Artifact) -> bool {
    !artifact.profile.test && is_library_or(&artifact.target, "bin")
}
