//! `gc`: caps the disk that ratchet's state directory (`<target>/ratchet`) uses.
//!
//! Owns the `[gc]` section of `ratchet.toml` (`max-size`) and the order in which things go
//! when the directory is over its cap: first the incremental data of ratchet's build
//! directory (rustc's cache between builds of a workspace crate), then the whole build
//! directory (`<target>/ratchet/build`, cargo's units). It never touches the verdicts, the
//! fingerprints or other state files, nor anything outside `<target>/ratchet`; it takes the
//! run lock (`check.lock`) first, so it never removes files under a running `check`.
//! Removing a build cache can cost a rebuild, never a verdict: passes are keyed by content,
//! and cargo rebuilds whatever is missing.

mod size;
mod walk;

use std::path::{Path, PathBuf};

use camino::Utf8PathBuf;
use ratchet_events::files::{Gc, GcRemoved};
use serde::Deserialize;

pub use size::{parse as parse_size, show as show_size};
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
        "no cap: pass `--max-size SIZE` (e.g. `--max-size 20GB`) or set `[gc] max-size` in ratchet.toml"
    )]
    NoCap,
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
    /// Say what would be removed; remove nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Output format: `human`, or `json` for one `gc` event (see docs/json.md).
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

/// Runs `gc` for the CLI: prints one line (or one `gc` event), returns the exit code (0).
pub fn run(args: &Args) -> Result<u8, GcError> {
    let ws = ratchet_graph::load(&ratchet_graph::LoadOptions {
        manifest_path: args.manifest_path.clone(),
        refresh: false,
        update_lock: false,
    })?;
    let config: GcConfig =
        ratchet_config::ConfigFile::read(ws.root.as_std_path())?.section("gc")?;
    let cap = match args.max_size.as_deref().or(config.max_size.as_deref()) {
        Some(text) => parse_size(text).map_err(GcError::Size)?,
        None => return Err(GcError::NoCap),
    };
    let state = ws.state_dir();
    let outcome = collect(state.as_std_path(), cap, args.dry_run)?;
    let removed = (outcome.removed.iter())
        .map(|(p, bytes)| GcRemoved {
            path: p
                .strip_prefix(state.as_std_path())
                .unwrap_or(p)
                .display()
                .to_string(),
            bytes: *bytes,
        })
        .collect();
    let event = Gc {
        version: ratchet_events::VERSION,
        dir: state.to_string(),
        before: outcome.before,
        after: outcome.after,
        cap,
        dry_run: args.dry_run,
        removed,
    };
    if args.message_format == "json" {
        let line = serde_json::to_string(&ratchet_events::Event::Gc(event))
            .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
        println!("{line}");
    } else {
        println!("{}", human(&event));
    }
    Ok(0)
}

/// The one line `gc` prints for a person.
fn human(gc: &Gc) -> String {
    let verb = if gc.dry_run {
        "would remove"
    } else {
        "removed"
    };
    let removed: Vec<String> = (gc.removed.iter())
        .map(|r| format!("{} ({})", r.path, show_size(r.bytes)))
        .collect();
    let removed = match removed.is_empty() {
        true => String::new(),
        false => format!("; {verb} {}", removed.join(", ")),
    };
    format!(
        "gc: {} {} -> {} (cap {}){removed}",
        gc.dir,
        show_size(gc.before),
        show_size(gc.after),
        show_size(gc.cap),
    )
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

fn remove(path: &Path) -> Result<(), GcError> {
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
