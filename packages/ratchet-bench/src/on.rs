//! `cargo xtask bench --on PATH`: ratchet against the cargo commands that give the same
//! verdicts, on a real workspace (a snapshot fetched by hand; nothing here is committed or
//! needed by CI). Every scenario runs its commands alternated, one sample of each per round,
//! after the same kind of edit each, and puts the edited file back before the next command.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context as _, bail};

use super::measure::Context;
use super::on_report::{self, Disk, Sample, ScenarioResult, StepFigures};
use super::on_subjects::{self, Edit, EditKind, Subjects};

/// What `--on` was given.
pub struct Options<'a> {
    /// The workspace's root (a git work tree without changes to tracked files).
    pub path: &'a Path,
    /// Timed rounds per scenario (after one untimed warm-up round).
    pub runs: usize,
    /// The leaf by name, instead of the one picked.
    pub leaf: Option<&'a str>,
    /// The root by name, instead of the one picked.
    pub root: Option<&'a str>,
    /// `RUSTUP_TOOLCHAIN` for every command; else the workspace's own toolchain file rules.
    pub toolchain: Option<&'a str>,
    /// Only the scenarios whose label contains one of these.
    pub only: &'a [String],
    /// `KEY=VALUE` words put before ratchet's command only (to measure a setting of ratchet's
    /// build directory; the cargo commands run as they are).
    pub ratchet_env: &'a [String],
    /// Cargo flags given to every command, ratchet's included (e.g. `--all-features` for a
    /// workspace whose tests require it).
    pub cargo_args: &'a [String],
    /// `KEY=VALUE` set for every command, ratchet's and cargo's alike.
    pub env: &'a [String],
    /// No untimed round first (the caller warmed both build directories already).
    pub no_warm_up: bool,
}

/// One scenario: an edit (or none) and the commands timed after it.
struct Scenario {
    label: String,
    edit: Option<(std::path::PathBuf, EditKind)>,
    commands: Vec<String>,
}

/// The command that runs ratchet: the release `cargo-ratchet` on `PATH`, JSON events on
/// stdout so that each step's figures can be read.
const RATCHET: &str = "cargo ratchet check --message-format json";

fn scenarios(subjects: &Subjects, options: &Options<'_>) -> Vec<Scenario> {
    let flags: String = options.cargo_args.iter().map(|a| format!(" {a}")).collect();
    let ratchet = options
        .ratchet_env
        .iter()
        .map(String::as_str)
        .chain([RATCHET])
        .collect::<Vec<_>>()
        .join(" ")
        + &flags;
    let test = format!("cargo test --workspace{flags}");
    let clippy_test =
        format!("cargo clippy --workspace --all-targets{flags} -- -D warnings && {test}");
    let leaf = &subjects.leaf;
    let root = &subjects.root;
    let leaf_pair = format!(
        "cargo clippy -p {0} --all-targets{flags} && cargo test -p {0}{flags}",
        leaf.name
    );
    let heavy = || vec![ratchet.clone(), test.clone(), clippy_test.clone()];
    vec![
        Scenario {
            label: "no-op".to_string(),
            edit: None,
            commands: heavy(),
        },
        Scenario {
            label: format!("leaf edit: a comment in `{}`", leaf.name),
            edit: Some((leaf.file.clone(), EditKind::Comment)),
            commands: vec![ratchet.clone(), leaf_pair],
        },
        Scenario {
            label: format!(
                "root edit: a comment in `{}` ({} dependents)",
                root.name, root.dependents
            ),
            edit: Some((root.file.clone(), EditKind::Comment)),
            commands: heavy(),
        },
        Scenario {
            label: format!(
                "root edit: a body change in `{}` (an unnamed `const` appended)",
                root.name
            ),
            edit: Some((root.file.clone(), EditKind::Code)),
            commands: heavy(),
        },
    ]
}

/// Runs every scenario; returns the Markdown report.
pub fn run(options: &Options<'_>, context: &Context<'_>) -> anyhow::Result<String> {
    let dir = options.path;
    if !on_subjects::tracked_changes(dir)?.is_empty() {
        bail!(
            "{} has changes to tracked files: commit or stash them first (the bench edits and \
             restores files there)",
            dir.display()
        );
    }
    let mut metadata = shell(
        context,
        options,
        "cargo metadata --format-version 1 --no-deps",
    );
    metadata.stdout(Stdio::piped()).stderr(Stdio::piped());
    let subjects = on_subjects::pick(metadata, options.leaf, options.root)?;
    let mut results = Vec::new();
    let mut serial = u64::from(std::process::id()) * 1000;
    for scenario in scenarios(&subjects, options) {
        let wanted = options.only.is_empty()
            || options
                .only
                .iter()
                .any(|o| scenario.label.contains(o.as_str()));
        if !wanted {
            continue;
        }
        eprintln!("bench --on: {}", scenario.label);
        let rounds = measure(options, context, &scenario, &mut serial)?;
        results.push(ScenarioResult {
            label: scenario.label,
            commands: scenario.commands,
            rounds,
        });
        eprintln!("{}", on_report::scenario(results.last().into_iter()));
    }
    let disk = Disk::measure(dir)?;
    let changed = on_subjects::tracked_changes(dir)?;
    if !changed.is_empty() {
        bail!(
            "the bench left tracked files changed in {}:\n{changed}",
            dir.display()
        );
    }
    Ok(on_report::document(
        dir,
        &on_subjects::commit(dir),
        &subjects,
        options.toolchain,
        &results,
        &disk,
    ))
}

/// One warm-up round, then `runs` rounds; each round runs every command once, in order,
/// each after its own edit, restored right after.
fn measure(
    options: &Options<'_>,
    context: &Context<'_>,
    scenario: &Scenario,
    serial: &mut u64,
) -> anyhow::Result<Vec<Vec<Sample>>> {
    let mut rounds = Vec::new();
    let first = usize::from(options.no_warm_up);
    for round in first..=options.runs {
        let mut samples = Vec::new();
        for command in &scenario.commands {
            *serial += 1;
            let edit = match &scenario.edit {
                Some((file, kind)) => Some(Edit::apply(file, *kind, *serial)?),
                None => None,
            };
            let sample = time(context, options, command)?;
            if let Some(edit) = edit {
                edit.restore()?;
            }
            eprintln!(
                "bench --on: {} {command}: {:.2?} (exit {})",
                if round == 0 { "warm-up" } else { "sample" },
                sample.wall,
                sample.exit
            );
            samples.push(sample);
        }
        if round > 0 {
            rounds.push(samples);
        }
    }
    Ok(rounds)
}

fn shell(context: &Context<'_>, options: &Options<'_>, script: &str) -> Command {
    let mut command = context.shell(script);
    match options.toolchain {
        Some(toolchain) => command.env("RUSTUP_TOOLCHAIN", toolchain),
        // rustup may have set it for the cargo that runs this bench: the workspace's own
        // toolchain file must decide instead.
        None => command.env_remove("RUSTUP_TOOLCHAIN"),
    };
    for pair in options.env {
        if let Some((key, value)) = pair.split_once('=') {
            command.env(key, value);
        }
    }
    command
}

/// Runs `script` once; a failing command is timed too (its exit code goes in the table).
fn time(context: &Context<'_>, options: &Options<'_>, script: &str) -> anyhow::Result<Sample> {
    let mut command = shell(context, options, script);
    command.stdout(Stdio::piped()).stderr(Stdio::null());
    let start = Instant::now();
    let out = command.output().context("cannot run sh")?;
    let wall = start.elapsed();
    let steps = if script.contains(RATCHET) {
        StepFigures::from_events(&String::from_utf8_lossy(&out.stdout))
    } else {
        Vec::new()
    };
    Ok(Sample {
        wall,
        exit: out.status.code().unwrap_or(-1),
        steps,
    })
}

impl Disk {
    /// `du` of ratchet's state directory, of cargo's part of `target/`, and of their
    /// incremental directories.
    fn measure(dir: &Path) -> anyhow::Result<Disk> {
        let du = |script: &str| -> u64 {
            Command::new("sh")
                .args(["-c", script])
                .current_dir(dir)
                .output()
                .ok()
                .and_then(|o| {
                    String::from_utf8_lossy(&o.stdout)
                        .split_whitespace()
                        .next()
                        .and_then(|n| n.parse().ok())
                })
                .unwrap_or(0)
        };
        let target = du("du -sb target 2>/dev/null");
        let ratchet = du("du -sb target/ratchet 2>/dev/null");
        Ok(Disk {
            ratchet,
            ratchet_incremental: du(
                "du -scb target/ratchet/build/*/incremental 2>/dev/null | tail -n1",
            ),
            cargo: target.saturating_sub(ratchet),
            cargo_incremental: du("du -scb target/*/incremental 2>/dev/null | tail -n1"),
        })
    }
}
