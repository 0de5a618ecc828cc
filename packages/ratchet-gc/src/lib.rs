//! `gc`: caps the disk that ratchet's state directory (`<target>/ratchet`) uses.
//!
//! Owns the `[gc]` section of `ratchet.toml` (`max-size`, `keep-runs`); the record of what
//! the last runs of `check` used of ratchet's build directory (`gc-runs.json`, written by
//! `check` through [`record_run`]); removing the units none of the last N runs used
//! (`--keep-runs`); and the order in which things go when the directory is over its cap:
//! first the incremental data of ratchet's build directory (rustc's cache between builds of a
//! workspace crate), then the whole build directory (`<target>/ratchet/build`, cargo's
//! units). It never touches the verdicts, the
//! fingerprints or other state files, nor anything outside `<target>/ratchet`; it takes the
//! run lock (`check.lock`) first, so it never removes files under a running `check`.
//! Removing a build cache can cost a rebuild, never a verdict: passes are keyed by content,
//! and cargo rebuilds whatever is missing.

mod layout;
mod record;
mod size;
mod sweep;
mod walk;

use std::path::{Path, PathBuf};

use camino::Utf8PathBuf;
use ratchet_events::files::{Gc, GcRemoved};
use serde::Deserialize;

pub use record::{MAX_RUNS, UnitFiles, record_run};
pub use size::{parse as parse_size, show as show_size};
pub use sweep::{Sweep, keep_runs};
pub use walk::disk_usage;

/// Errors of `gc`.
#[derive(Debug, thiserror::Error)]
pub enum GcError {
    /// The workspace could not be loaded.
    #[error(transparent)]
    Graph(#[from] ratchet_graph::GraphError),
    /// `ratchet.toml` could not be read.
    #[error(transparent)]
    Config(#[from] ratchet_config::ConfigError),
    /// The run lock could not be taken.
    #[error(transparent)]
    Store(#[from] ratchet_store::StoreError),
    /// A bad size, in the flag or in `[gc] max-size`.
    #[error("{0}")]
    Size(String),
    /// No cap was given.
    #[error(
        "no cap: pass `--keep-runs N` or `--max-size SIZE` (e.g. `--max-size 20GB`), or set `[gc] keep-runs` or `max-size` in ratchet.toml"
    )]
    NoCap,
    /// A number of runs out of range.
    #[error("keep-runs must be 1 to {max} (the runs `check` records), not {0}", max = MAX_RUNS)]
    KeepRuns(usize),
    /// A file or directory could not be removed.
    #[error("cannot remove {path}: {source}")]
    Remove {
        /// What.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// The `[gc]` section of `ratchet.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct GcConfig {
    /// The cap of `<target>/ratchet`, e.g. `"20 GB"`.
    pub max_size: Option<String>,
    /// Keep only the units the last N runs of `check` used.
    pub keep_runs: Option<usize>,
}

/// Flags of `gc`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Path to the workspace's (or a member's) Cargo.toml.
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<Utf8PathBuf>,
    /// The cap of `<target>/ratchet` (e.g. `20GB`, `512MiB`); default: `[gc] max-size`.
    #[arg(long, value_name = "SIZE")]
    pub max_size: Option<String>,
    /// Remove the units that none of the last N runs of `check` used; default: `[gc] keep-runs`.
    #[arg(long, value_name = "N")]
    pub keep_runs: Option<usize>,
    /// Say what would be removed; remove nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Output format: `human`, or `json` for `gc` events (see docs/json.md).
    #[arg(long, value_name = "FORMAT", default_value = "human", value_parser = ["human", "json"])]
    pub message_format: String,
}

/// What a collection did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Bytes used before.
    pub before: u64,
    /// Bytes used after (as estimated, for a dry run).
    pub after: u64,
    /// Directories removed (or that would be), with their bytes.
    pub removed: Vec<(PathBuf, u64)>,
}

/// Runs `gc` for the CLI: prints what it did, returns the exit code (0).
pub fn run(args: &Args) -> Result<u8, GcError> {
    let ws = ratchet_graph::load(&ratchet_graph::LoadOptions {
        manifest_path: args.manifest_path.clone(),
        refresh: false,
        update_lock: false,
    })?;
    let config: GcConfig =
        ratchet_config::ConfigFile::read(ws.root.as_std_path())?.section("gc")?;
    let cap = match args.max_size.as_deref().or(config.max_size.as_deref()) {
        Some(text) => Some(parse_size(text).map_err(GcError::Size)?),
        None => None,
    };
    let keep = args.keep_runs.or(config.keep_runs);
    if let Some(n) = keep.filter(|n| !(1..=MAX_RUNS).contains(n)) {
        return Err(GcError::KeepRuns(n));
    }
    if cap.is_none() && keep.is_none() {
        return Err(GcError::NoCap);
    }
    let state = ws.state_dir();
    let state = state.as_std_path();
    let verb = if args.dry_run {
        "would remove"
    } else {
        "removed"
    };
    let json = args.message_format == "json";
    if let Some(n) = keep {
        let sweep = keep_runs(state, n, args.dry_run)?;
        match json {
            true => print_event(state, &sweep.outcome, args.dry_run, |gc| Gc {
                keep_runs: Some(n),
                short_of_runs: sweep.short_of_runs,
                ..gc
            }),
            false => print_sweep(state, n, &sweep, verb, args.dry_run),
        }
    }
    if let Some(cap) = cap {
        let outcome = collect(state, cap, args.dry_run)?;
        if json {
            print_event(state, &outcome, args.dry_run, |gc| Gc {
                cap: Some(cap),
                ..gc
            });
            return Ok(0);
        }
        let removed: Vec<String> = (outcome.removed.iter())
            .map(|(p, b)| format!("{} ({})", shown(state, p), show_size(*b)))
            .collect();
        println!(
            "gc: {} {} -> {} (cap {}){}",
            state.display(),
            show_size(outcome.before),
            show_size(outcome.after),
            show_size(cap),
            if removed.is_empty() {
                String::new()
            } else {
                format!("; {verb} {}", removed.join(", "))
            }
        );
    }
    Ok(0)
}

/// Prints `outcome` as one `gc` event, completed by `fill`.
fn print_event(state: &Path, outcome: &Outcome, dry_run: bool, fill: impl FnOnce(Gc) -> Gc) {
    let removed = (outcome.removed.iter())
        .map(|(path, bytes)| GcRemoved {
            path: shown(state, path),
            bytes: *bytes,
        })
        .collect();
    let event = fill(Gc {
        version: ratchet_events::VERSION,
        dir: state.display().to_string(),
        before: outcome.before,
        after: outcome.after,
        cap: None,
        keep_runs: None,
        short_of_runs: None,
        dry_run,
        removed,
    });
    // A plain struct of strings and numbers always serializes.
    if let Ok(line) = serde_json::to_string(&ratchet_events::Event::Gc(event)) {
        println!("{line}");
    }
}

fn shown(state: &Path, path: &Path) -> String {
    path.strip_prefix(state)
        .unwrap_or(path)
        .display()
        .to_string()
}

fn print_sweep(state: &Path, n: usize, sweep: &Sweep, verb: &str, list: bool) {
    let outcome = &sweep.outcome;
    let runs = if n == 1 { "run" } else { "runs" };
    let what = match sweep.short_of_runs {
        Some(have) => {
            format!(
                "; nothing removed: the record does not know what each of the last {n} {runs} \
                 used ({have} recorded; each `check` that builds records one)"
            )
        }
        None => format!("; {verb} {} entries", outcome.removed.len()),
    };
    println!(
        "gc: {} {} -> {} (keeping what the last {n} {runs} used){what}",
        state.display(),
        show_size(outcome.before),
        show_size(outcome.after),
    );
    if list {
        // The list may be long and piped to `head`: a closed pipe ends it quietly.
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        for (path, bytes) in &outcome.removed {
            let line = format!("  {verb} {} ({})", shown(state, path), show_size(*bytes));
            if writeln!(out, "{line}").is_err() {
                break;
            }
        }
    }
}

/// Brings `state_dir` (`<target>/ratchet`) under `cap` bytes: removes the incremental
/// directories of its build directory, then, if still over, the build directory and the
/// freshness record of what was built there. Holds the run lock meanwhile.
pub fn collect(state_dir: &Path, cap: u64, dry_run: bool) -> Result<Outcome, GcError> {
    let mut outcome = Outcome {
        before: disk_usage(state_dir),
        after: 0,
        removed: Vec::new(),
    };
    outcome.after = outcome.before;
    if outcome.before <= cap || !state_dir.is_dir() {
        return Ok(outcome);
    }
    let _lock = ratchet_store::Lock::acquire(&state_dir.join("check.lock"))?;
    let build = state_dir.join("build");
    let mut stages: Vec<Vec<PathBuf>> = vec![walk::incremental_dirs(&build)];
    stages.push(vec![build.clone()]);
    for stage in stages {
        for dir in stage {
            if outcome.after <= cap {
                return Ok(outcome);
            }
            if !dir.exists() {
                // Gone already (a build directory removed earlier): nothing to name.
                continue;
            }
            let mut bytes = disk_usage(&dir);
            if dry_run {
                // What an earlier stage would have removed inside it is counted once.
                let inside: u64 = (outcome.removed.iter())
                    .filter(|(p, _)| p.starts_with(&dir))
                    .map(|(_, b)| b)
                    .sum();
                bytes = bytes.saturating_sub(inside);
            } else {
                remove(&dir)?;
                if dir == build {
                    remove(&state_dir.join("build-inputs.json"))?;
                }
            }
            outcome.after = outcome.after.saturating_sub(bytes);
            outcome.removed.push((dir, bytes));
        }
    }
    if !dry_run {
        outcome.after = disk_usage(state_dir);
    }
    Ok(outcome)
}

pub(crate) fn remove(path: &Path) -> Result<(), GcError> {
    let result = if path.is_dir() {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    };
    match result {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(GcError::Remove {
            path: path.to_path_buf(),
            source: e,
        }),
        _ => Ok(()),
    }
}
