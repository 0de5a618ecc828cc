//! `cargo xtask bench --on PATH`: ratchet against the cargo commands that give the same
//! verdicts, on a real workspace (a snapshot fetched by hand; nothing here is committed or
//! needed by CI). Every scenario runs its commands alternated, one sample of each per round,
//! after the same kind of edit each, and puts the edited file back before the next command.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context as _, bail};

use super::measure::Context;
use super::on_report::{self, Disk, Sample, ScenarioResult, StepFigures};
use super::on_subjects::{self, Edit, EditKind, Subjects};

/// What `--on` was given: the flags that only it takes (flattened into the bench's).
#[derive(Debug, clap::Args)]
pub struct OnArgs {
    /// Instead of generated workspaces, this real one (a git work tree, no tracked changes).
    #[arg(long, value_name = "PATH")]
    pub on: Option<PathBuf>,
    /// With `--on`: the leaf package to edit (default: picked from the graph).
    #[arg(long, requires = "on")]
    leaf: Option<String>,
    /// With `--on`: the root package to edit (default: the one with most dependents).
    #[arg(long, requires = "on")]
    root: Option<String>,
    /// With `--on`: `RUSTUP_TOOLCHAIN` for every command (e.g. `nightly`).
    #[arg(long, requires = "on")]
    toolchain: Option<String>,
    /// With `--on`: `KEY=VALUE` set for ratchet's command only (repeatable).
    #[arg(long, requires = "on", value_name = "KEY=VALUE")]
    ratchet_env: Vec<String>,
    /// With `--on`: a cargo flag for every command, ratchet's too (`--cargo-arg=--all-features`).
    #[arg(long, requires = "on", value_name = "FLAG", allow_hyphen_values = true)]
    cargo_arg: Vec<String>,
    /// With `--on`: `KEY=VALUE` set for every command, ratchet's and cargo's (repeatable).
    #[arg(long, requires = "on", value_name = "KEY=VALUE")]
    env: Vec<String>,
    /// With `--on`: no untimed round first (both build directories are warm already).
    #[arg(long, requires = "on")]
    no_warm_up: bool,
}

/// One scenario: an edit (or none) and the commands timed after it.
struct Scenario {
    label: String,
    edit: Option<(PathBuf, EditKind)>,
    commands: Vec<String>,
}

/// ratchet's command: the release `cargo-ratchet` on `PATH`, JSON events for the step figures.
const RATCHET: &str = "cargo ratchet check --message-format json";

fn scenarios(subjects: &Subjects, args: &OnArgs) -> Vec<Scenario> {
    let flags: String = args.cargo_arg.iter().map(|a| format!(" {a}")).collect();
    let env: String = args.ratchet_env.iter().map(|e| format!("{e} ")).collect();
    let ratchet = format!("{env}{RATCHET}{flags}");
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
    let scenario = |label, edit, commands| Scenario {
        label,
        edit,
        commands,
    };
    vec![
        scenario("no-op".to_string(), None, heavy()),
        scenario(
            format!("leaf edit: a comment in `{}`", leaf.name),
            Some((leaf.file.clone(), EditKind::Comment)),
            vec![ratchet.clone(), leaf_pair],
        ),
        scenario(
            format!(
                "root edit: a comment in `{}` ({} dependents)",
                root.name, root.dependents
            ),
            Some((root.file.clone(), EditKind::Comment)),
            heavy(),
        ),
        scenario(
            format!(
                "root edit: a body change in `{}` (an unnamed `const` appended)",
                root.name
            ),
            Some((root.file.clone(), EditKind::Code)),
            heavy(),
        ),
    ]
}

/// Runs every scenario in `dir` (canonical); returns the Markdown report.
pub fn run(
    args: &OnArgs,
    dir: &Path,
    runs: usize,
    only: &[String],
    context: &Context<'_>,
) -> anyhow::Result<String> {
    if !on_subjects::tracked_changes(dir)?.is_empty() {
        bail!(
            "{} has changes to tracked files: commit or stash them first (the bench edits and \
             restores files there)",
            dir.display()
        );
    }
    let mut metadata = shell(context, args, "cargo metadata --format-version 1 --no-deps");
    metadata.stdout(Stdio::piped()).stderr(Stdio::piped());
    let subjects = on_subjects::pick(metadata, args.leaf.as_deref(), args.root.as_deref())?;
    let mut results = Vec::new();
    let mut serial = u64::from(std::process::id()) * 1000;
    for scenario in scenarios(&subjects, args) {
        if !only.is_empty() && !only.iter().any(|o| scenario.label.contains(o.as_str())) {
            continue;
        }
        eprintln!("bench --on: {}", scenario.label);
        let rounds = measure(args, runs, context, &scenario, &mut serial)?;
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
        args.toolchain.as_deref(),
        &results,
        &disk,
    ))
}

/// One warm-up round, then `runs` rounds; each round runs every command once, in order,
/// each after its own edit, restored right after.
fn measure(
    args: &OnArgs,
    runs: usize,
    context: &Context<'_>,
    scenario: &Scenario,
    serial: &mut u64,
) -> anyhow::Result<Vec<Vec<Sample>>> {
    let mut rounds = Vec::new();
    let first = usize::from(args.no_warm_up);
    for round in first..=runs {
        let mut samples = Vec::new();
        for command in &scenario.commands {
            *serial += 1;
            let edit = scenario.edit.as_ref();
            let edit = edit
                .map(|(f, kind)| Edit::apply(f, *kind, *serial))
                .transpose()?;
            let sample = time(context, args, command)?;
            if let Some(edit) = edit {
                edit.restore()?;
            }
            let kind = if round == 0 { "warm-up" } else { "sample" };
            eprintln!(
                "bench --on: {kind} {command}: {:.2?} (exit {})",
                sample.wall, sample.exit
            );
            samples.push(sample);
        }
        if round > 0 {
            rounds.push(samples);
        }
    }
    Ok(rounds)
}

fn shell(context: &Context<'_>, args: &OnArgs, script: &str) -> Command {
    let mut command = context.shell(script);
    match args.toolchain.as_deref() {
        Some(toolchain) => command.env("RUSTUP_TOOLCHAIN", toolchain),
        // rustup may have set it for the cargo that runs this bench: the workspace's own
        // toolchain file must decide instead.
        None => command.env_remove("RUSTUP_TOOLCHAIN"),
    };
    command.envs(args.env.iter().filter_map(|pair| pair.split_once('=')));
    command
}

/// Runs `script` once; a failing command is timed too (its exit code goes in the table).
fn time(context: &Context<'_>, args: &OnArgs, script: &str) -> anyhow::Result<Sample> {
    let mut command = shell(context, args, script);
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
        // One line each: `target`, `target/ratchet`, and the two sums of incremental data.
        let script = "for d in target target/ratchet; do du -sb $d 2>/dev/null || echo 0; done; \
             du -scb target/ratchet/build/*/incremental 2>/dev/null | tail -n1; \
             du -scb target/*/incremental 2>/dev/null | tail -n1";
        let out = Command::new("sh")
            .args(["-c", script])
            .current_dir(dir)
            .output()?;
        let text = String::from_utf8_lossy(&out.stdout);
        let mut sizes = text.lines().map(|l| l.split('\t').next().unwrap_or("0"));
        let mut next = || sizes.next().and_then(|n| n.parse().ok()).unwrap_or(0_u64);
        let (target, ratchet) = (next(), next());
        Ok(Disk {
            ratchet,
            ratchet_incremental: next(),
            cargo: target.saturating_sub(ratchet),
            cargo_incremental: next(),
        })
    }
}
