//! Running one cargo command with `--message-format=json` and collecting
//! its messages, with every diagnostic and artifact tied to the workspace package it concerns.

use std::collections::{BTreeMap, BTreeSet};
use std::io::BufReader;
use std::process::Command;

use camino::Utf8PathBuf;
use cargo_metadata::Message;
use cargo_metadata::diagnostic::{Diagnostic, DiagnosticLevel};
use ratchet_graph::Workspace;

use crate::outcome::Problem;
use crate::{Cancel, RunError};

/// Everything one cargo run said.
#[derive(Debug, Default)]
pub(crate) struct CargoOutput {
    pub success: bool,
    /// Diagnostics about workspace packages, by package name.
    pub diagnostics: Vec<(String, Problem)>,
    /// Test executables.
    pub executables: Vec<Executable>,
    /// Artifact files and sizes, by package name.
    pub artifacts: BTreeMap<String, BTreeMap<Utf8PathBuf, u64>>,
    pub units_built: usize,
    pub units_fresh: usize,
    /// Packages with an error in a library or build-script target. A library's test harness
    /// is a `lib` target too: cargo's `error:` lines tell the two apart when they name it.
    pub lib_errors: BTreeSet<String>,
    /// Lines that were not JSON messages (cargo's status and errors, test output), in order.
    pub text: Vec<String>,
}

/// A test executable cargo built.
#[derive(Debug, Clone)]
pub(crate) struct Executable {
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

/// The command as a person would type it.
pub(crate) fn display(command: &Command) -> String {
    // The variables that change what the command does (clippy as the compiler of workspace
    // members), not the timing wrapper's bookkeeping.
    let shown_env = ["RUSTC_WORKSPACE_WRAPPER", "CLIPPY_ARGS"];
    let mut parts: Vec<String> = command
        .get_envs()
        .filter(|(key, _)| shown_env.iter().any(|k| key == k))
        .filter_map(|(key, value)| {
            let value = value?.to_string_lossy();
            Some(format!("{}={}", key.to_string_lossy(), shell_word(&value)))
        })
        .collect();
    parts.push(command.get_program().to_string_lossy().into_owned());
    parts.extend(command.get_args().map(|a| shell_word(&a.to_string_lossy())));
    parts.join(" ")
}

fn shell_word(word: &str) -> String {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:+,@".contains(c))
    {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// [`ratchet_process::spawn_merged`], with errors that name the command `shown`.
pub(crate) fn spawn_merged(
    cancel: &Cancel,
    command: Command,
    shown: &str,
) -> Result<(std::process::Child, std::io::PipeReader), RunError> {
    ratchet_process::spawn_merged(cancel, command)
        .map_err(|error| crate::RunError::from_process(error, shown))
}

/// Runs `command` with stdout and stderr merged into one pipe (so that text keeps its order),
/// calling `on_text` for every non-JSON line as it arrives.
pub(crate) fn run(
    workspace: &Workspace,
    command: Command,
    cancel: &Cancel,
    on_text: &dyn Fn(&str),
) -> Result<CargoOutput, RunError> {
    let shown = display(&command);
    let io_error = |source| RunError::Io {
        command: shown.clone(),
        source,
    };
    let (mut child, reader) = spawn_merged(cancel, command, &shown)?;
    let mut output = CargoOutput::default();
    for message in Message::parse_stream(BufReader::new(reader)) {
        let message = message.map_err(io_error)?;
        output.absorb(workspace, message, on_text);
    }
    let status = child.wait().map_err(io_error)?;
    cancel.forget(&child);
    if cancel.is_cancelled() {
        return Err(RunError::Interrupted);
    }
    output.success = status.success();
    Ok(output)
}

impl CargoOutput {
    fn absorb(&mut self, workspace: &Workspace, message: Message, on_text: &dyn Fn(&str)) {
        match message {
            Message::CompilerMessage(msg) => {
                let Some(owner) = workspace.owner_of(&msg.target.src_path) else {
                    return;
                };
                // rustc reports the same error once per target (lib, lib test, ...): keep one.
                let name = &workspace.package(owner).name;
                if msg.message.level == DiagnosticLevel::Error
                    && is_needed_by_dependents(&msg.target)
                {
                    self.lib_errors.insert(name.clone());
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
                let Some(owner) = workspace.owner_of(&artifact.manifest_path) else {
                    return;
                };
                if artifact.fresh {
                    self.units_fresh += 1;
                } else {
                    self.units_built += 1;
                }
                let name = workspace.package(owner).name.clone();
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
            Message::TextLine(line) => {
                on_text(&line);
                self.text.push(line);
            }
            _ => {}
        }
    }

    /// Workspace packages named in cargo's own `error:` lines (a failed build script, a crate
    /// that did not compile), whether or not a diagnostic explained it; each with whether the
    /// failed target is one its dependents need (`(lib)`, a build script, or not said).
    pub(crate) fn packages_in_error_lines(&self, workspace: &Workspace) -> BTreeMap<String, bool> {
        let mut named = BTreeMap::new();
        for line in self.text.iter().filter(|l| l.starts_with("error")) {
            let parts: Vec<&str> = line.split('`').collect();
            for (quoted, after) in parts
                .iter()
                .skip(1)
                .step_by(2)
                .zip(parts.iter().skip(2).step_by(2))
            {
                let name = quoted.split_whitespace().next().unwrap_or_default();
                if workspace.find(name).is_some() {
                    let target = after
                        .trim_start()
                        .strip_prefix('(')
                        .map(|t| t.split(')').next());
                    let needed = match target.flatten() {
                        Some(t) => t == "lib" || t.starts_with("build script"),
                        None => true,
                    };
                    *named.entry(name.to_string()).or_insert(false) |= needed;
                }
            }
        }
        named
    }

    /// The last lines of text output, for failures nothing finer explains.
    pub fn text_tail(&self, lines: usize) -> String {
        let start = self.text.len().saturating_sub(lines);
        self.text[start..].join("\n")
    }
}

/// A diagnostic worth reporting, or `None` for rustc's summaries ("aborting due to ...").
fn diagnostic_problem(workspace: &Workspace, diag: &Diagnostic) -> Option<Problem> {
    let level = match diag.level {
        DiagnosticLevel::Error | DiagnosticLevel::Ice => "error",
        DiagnosticLevel::Warning => "warning",
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
        level: level.to_string(),
        file: span.map(|s| relative(workspace, &s.file_name)),
        line: span.map(|s| s.line_start),
        code: diag.code.as_ref().map(|c| c.code.clone()),
        message: diag.message.clone(),
        rendered: diag
            .rendered
            .clone()
            .unwrap_or_else(|| diag.message.clone()),
    })
}

fn is_summary(message: &str) -> bool {
    message.starts_with("aborting due to")
        || message.ends_with("warning emitted")
        || message.ends_with("warnings emitted")
        || message.contains("generated") && message.contains("warning")
}

/// `path` relative to the workspace root when it is inside it.
pub(crate) fn relative(workspace: &Workspace, path: &str) -> String {
    let path = camino::Utf8Path::new(path);
    path.strip_prefix(&workspace.root)
        .unwrap_or(path)
        .to_string()
}

/// Whether a target is one that the package's dependents build on: its library (any crate
/// type) or its build script, as opposed to its tests, benches, examples and binaries.
fn is_needed_by_dependents(target: &cargo_metadata::Target) -> bool {
    is_library_or(target, &["custom-build"])
}

/// Every crate type of a library.
const LIBRARY_KINDS: &[&str] = &["lib", "rlib", "dylib", "cdylib", "staticlib", "proc-macro"];

/// Whether `target` is a library or of one of the `other` kinds.
fn is_library_or(target: &cargo_metadata::Target, other: &[&str]) -> bool {
    target.kind.iter().any(|kind| {
        let kind = kind.to_string();
        LIBRARY_KINDS.contains(&kind.as_str()) || other.contains(&kind.as_str())
    })
}

/// Whether an artifact is what the package ships (libraries and binaries), as opposed to test
/// harnesses, benches, examples and build scripts, whose size is not the package's size (a
/// debug test binary is tens of MiB and would drown the budget).
fn is_shipped(artifact: &cargo_metadata::Artifact) -> bool {
    !artifact.profile.test && is_library_or(&artifact.target, &["bin"])
}
