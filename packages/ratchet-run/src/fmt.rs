//! The formatting step: `rustfmt --check` over the selection's target roots, with each diff or rustfmt error
//! attributed to the package that owns its file.

use std::collections::BTreeMap;
use std::process::Command;

use camino::Utf8Path;
use ratchet_graph::Workspace;

use crate::cargo::{self, CargoOutput};
use crate::outcome::{PackageVerdict, Problem, StepReport};
use crate::runner::{Runner, cargo_program, split_at_dashes};
use crate::{RunError, Step};

/// Runs the fmt step. rustfmt does not compile, so no target directory or wrapper is needed.
///
/// rustfmt is run directly on every target root of the selection, one call per edition:
/// `cargo fmt` would first run `cargo metadata` (over half a second in a 1000-package
/// workspace) to learn what the graph already knows. Cargo arguments configured for the step
/// (before a `--`) need cargo, so they bring `cargo fmt` back.
pub(crate) fn run(runner: &Runner<'_>, packages: &[String]) -> Result<StepReport, RunError> {
    let args = runner.config.args(Step::Fmt);
    let (cargo_args, rustfmt_args) = split_at_dashes(&args);
    let commands = if cargo_args.is_empty() {
        rustfmt_commands(runner.workspace, packages, rustfmt_args)
    } else {
        vec![cargo_fmt_command(
            runner,
            packages,
            cargo_args,
            rustfmt_args,
        )]
    };
    let mut shown = Vec::new();
    let mut output = CargoOutput {
        success: true,
        ..CargoOutput::default()
    };
    for command in commands {
        shown.push(cargo::display(&command));
        let one = runner.run_cargo(command)?;
        output.success &= one.success;
        output.text.extend(one.text);
    }
    let found = attribute(runner.workspace, &output.text);
    let unexplained = !output.success && found.is_empty();
    let mut verdicts = BTreeMap::new();
    for package in packages {
        let reproduce = format!(
            "{} fmt --check -p {package}",
            ratchet_toolchain::cargo_as_invoked()
        );
        let verdict = match found.get(package) {
            Some(problems) => PackageVerdict::fail(reproduce, problems.clone()),
            None if unexplained => PackageVerdict::fail(
                reproduce,
                vec![Problem::Other {
                    text: format!("rustfmt failed:\n{}", output.text_tail(40)),
                }],
            ),
            None => PackageVerdict::pass(reproduce),
        };
        verdicts.insert(package.clone(), verdict);
    }
    Ok(runner.report(Step::Fmt, shown, verdicts, &CargoOutput::default()))
}

/// `rustfmt --check` over the root file of every target of `packages`, one call per edition
/// (rustfmt follows `mod` declarations from there, as `cargo fmt` does).
fn rustfmt_commands(workspace: &Workspace, packages: &[String], extra: &[String]) -> Vec<Command> {
    let mut by_edition: BTreeMap<&str, Vec<&Utf8Path>> = BTreeMap::new();
    for package in packages.iter().filter_map(|name| workspace.find(name)) {
        let package = workspace.package(package);
        let roots = by_edition.entry(package.edition.as_str()).or_default();
        roots.extend(package.targets.iter().map(|t| t.src_path.as_path()));
    }
    by_edition
        .into_iter()
        .map(|(edition, mut roots)| {
            roots.sort();
            roots.dedup();
            let mut command = Command::new("rustfmt");
            command.args(["--check", "--color", "never"]);
            if !edition.is_empty() {
                command.args(["--edition", edition]);
            }
            command.args(extra).args(roots).current_dir(&workspace.root);
            command
        })
        .collect()
}

fn cargo_fmt_command(
    runner: &Runner<'_>,
    packages: &[String],
    cargo_args: &[String],
    rustfmt_args: &[String],
) -> Command {
    let mut command = Command::new(cargo_program());
    command.args(["fmt", "--check"]);
    for package in packages {
        command.args(["-p", package]);
    }
    command
        .arg("--manifest-path")
        .arg(runner.workspace.root.join("Cargo.toml"))
        .args(cargo_args)
        // The diff is shown to people later, maybe in a terminal, maybe in a log: plain text.
        .args(["--", "--color", "never"])
        .args(rustfmt_args)
        .current_dir(&runner.workspace.root);
    command
}

/// Splits rustfmt's output into blocks (one per `Diff in` or `error`), each attributed to the
/// owner of the first file it names.
fn attribute(workspace: &Workspace, lines: &[String]) -> BTreeMap<String, Vec<Problem>> {
    let mut blocks: Vec<Vec<&str>> = Vec::new();
    for line in lines {
        let starts_block = line.starts_with("Diff in ") || line.starts_with("error");
        match blocks.last_mut() {
            Some(block) if !starts_block => block.push(line),
            _ => blocks.push(vec![line]),
        }
    }
    let mut found: BTreeMap<String, Vec<Problem>> = BTreeMap::new();
    for block in blocks {
        let Some((file, line)) = block.iter().find_map(|l| file_and_line(l)) else {
            continue;
        };
        let Some(owner) = workspace.owner_of(Utf8Path::new(&file)) else {
            continue;
        };
        let message = if block[0].starts_with("Diff in ") {
            "not formatted as rustfmt would".to_string()
        } else {
            block[0].to_string()
        };
        found
            .entry(workspace.package(owner).name.clone())
            .or_default()
            .push(Problem::Diagnostic {
                level: ratchet_events::check::Level::Error,
                file: Some(cargo::relative(workspace, &file)),
                line: Some(line),
                column: None,
                code: Some("rustfmt".into()),
                message,
                rendered: block.join("\n"),
                suggestions: Vec::new(),
            });
    }
    found
}

/// `(path, line)` from `Diff in PATH:LINE:` or ` --> PATH:LINE:COL`.
fn file_and_line(line: &str) -> Option<(String, usize)> {
    let rest = line
        .strip_prefix("Diff in ")
        .or_else(|| line.trim_start().strip_prefix("--> "))?;
    let rest = rest.trim_end_matches(':');
    let mut parts = rest.rsplitn(3, ':').collect::<Vec<_>>();
    parts.reverse();
    // PATH:LINE (diff) or PATH:LINE:COL (error).
    match parts.as_slice() {
        [path, line, col] if col.parse::<usize>().is_ok() => {
            Some((path.to_string(), line.parse().ok()?))
        }
        [path_head, path_tail, line] => {
            Some((format!("{path_head}:{path_tail}"), line.parse().ok()?))
        }
        [path, line] => Some((path.to_string(), line.parse().ok()?)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::file_and_line;

    #[test]
    fn paths_and_lines_from_rustfmt_output() {
        assert_eq!(
            file_and_line("Diff in /w/a/src/lib.rs:3:"),
            Some(("/w/a/src/lib.rs".into(), 3))
        );
        assert_eq!(
            file_and_line("  --> /w/a/src/lib.rs:7:12"),
            Some(("/w/a/src/lib.rs".into(), 7))
        );
        assert_eq!(file_and_line("fn main() {}"), None);
    }
}
