//! `watch`: re-run `check` on the packages a change affects whenever files change; a newer
//! change stops the run in progress (with its cargo) and starts a new one.

mod output;
mod run_check;

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use ratchet_events::exit;
use ratchet_events::watch::{WatchRun, WatchVerdict};
use ratchet_graph::Workspace;
use ratchet_watch::{ChangeBatch, Outcome, Stopper, WatchOptions, Watcher};

use crate::common::{MessageFormat, WorkspaceArgs};
use output::Output;
use run_check::run_check;

/// Flags of `watch`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    workspace: WorkspaceArgs,
    #[command(flatten)]
    build: ratchet_run::features::BuildFlags,
    /// Output format: a redrawn status for people, or NDJSON (the events of each `check` run,
    /// then one `watch_run` event). When stdout is not a terminal, json is used either way.
    #[arg(long, value_enum, default_value_t)]
    message_format: MessageFormat,
    /// Quiet period after the last change before a run starts, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 100)]
    debounce_ms: u64,
}

/// Runs `watch` until Ctrl-C, SIGTERM or a closed stdout: exit 0 then, 2 when watching cannot
/// start.
pub fn run(args: Args) -> anyhow::Result<u8> {
    let ws = args.workspace.load_for_build()?;
    let options = WatchOptions {
        debounce: Duration::from_millis(args.debounce_ms),
        extra_global_inputs: super::hash::read_inputs(&ws)?.files,
        run_at_start: true,
    };
    let watcher = Watcher::start(&ws, options)?;
    stop_on_interrupt(watcher.stopper())?;
    let json = args.message_format == MessageFormat::Json || !std::io::stdout().is_terminal();
    let mut output = Output::new(json, ws.root.clone());
    let manifest = ws.root.join("Cargo.toml");
    let mut runs = 0;
    ratchet_watch::run_loop(&watcher, |batch| {
        runs += 1;
        let checked = selection(&watcher.workspace(), &batch);
        output.started(runs, &batch, checked.as_deref());
        let started = Instant::now();
        let (verdict, exit_code) = run_check(
            &manifest,
            checked.as_deref(),
            &args.build.to_args(),
            json,
            &batch.cancel,
        );
        let open = output.finished(&WatchRun {
            version: ratchet_events::VERSION,
            run: runs,
            trigger: batch
                .paths
                .iter()
                .map(|p| p.as_str().replace('\\', "/"))
                .collect(),
            packages: batch.packages.iter().cloned().collect(),
            global: batch.global,
            checked,
            verdict,
            exit_code,
            duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        });
        match verdict {
            _ if !open => Outcome::Stop,
            WatchVerdict::Cancelled => Outcome::Cancelled,
            _ => Outcome::Finished,
        }
    })?;
    Ok(exit::OK)
}

/// Ctrl-C and SIGTERM stop watching; the run in progress is cancelled (its process group is
/// stopped) and `watch` exits 0.
fn stop_on_interrupt(stopper: Stopper) -> anyhow::Result<()> {
    ctrlc::set_handler(move || stopper.stop())
        .map_err(|e| anyhow::anyhow!("cannot handle ctrl-c: {e}"))
}

/// The packages to hand to `check -p`: the owners of the changed files, every package that
/// reaches one through normal or build dependencies, and every package with a dev-dependency
/// on one of those (its tests changed). `None` means the whole workspace, with `check`'s cache
/// deciding what runs: a global change, or owners that are no longer members.
fn selection(ws: &Workspace, batch: &ChangeBatch) -> Option<Vec<String>> {
    if batch.global {
        return None;
    }
    let changed = batch.packages.iter().filter_map(|name| ws.find(name));
    let affected = ratchet_affected::affected_by(ws, changed);
    (!affected.is_empty()).then_some(affected)
}
