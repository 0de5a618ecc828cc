//! What `watch` prints: in a terminal, a screen redrawn for each run (a header naming what
//! changed, `check`'s own output, a one-line status); otherwise one `watch_run` event per run.

use camino::Utf8PathBuf;
use ratchet_events::Event;
use ratchet_events::watch::{WatchRun, WatchVerdict};
use ratchet_watch::ChangeBatch;

use std::io::Write;

use crate::common::print;

/// Clears the screen and puts the cursor at the top left.
const CLEAR: &str = "\x1b[2J\x1b[H";
/// How many changed paths the header names before it counts the rest.
const SHOWN_PATHS: usize = 3;

/// The output of one `watch` session.
pub(super) struct Output {
    json: bool,
    root: Utf8PathBuf,
}

impl Output {
    pub(super) fn new(json: bool, root: Utf8PathBuf) -> Output {
        Output { json, root }
    }

    /// A run starts: the screen is redrawn with what triggered it (nothing in json mode).
    pub(super) fn started(&mut self, run: u64, batch: &ChangeBatch, checked: Option<&[String]>) {
        if self.json {
            return;
        }
        let what = match checked {
            Some(packages) => format!("checking {}", packages.join(", ")),
            None => "checking the workspace".to_string(),
        };
        let _ = print(&format!(
            "{CLEAR}ratchet watch · {} · run {run} · {}\n{what}\n\n",
            self.root,
            trigger(batch),
        ));
    }

    /// A run ended: a status line, or the `watch_run` event. Returns false once stdout is
    /// closed (the reader went away), so that watching stops instead of running for no one.
    pub(super) fn finished(&mut self, event: &WatchRun) -> bool {
        let line = if self.json {
            let event = Event::WatchRun(event.clone());
            serde_json::to_string(&event).unwrap_or_default()
        } else {
            status(event)
        };
        let mut out = std::io::stdout().lock();
        writeln!(out, "{line}").and_then(|()| out.flush()).is_ok()
    }
}

fn trigger(batch: &ChangeBatch) -> String {
    if batch.paths.is_empty() {
        return "start".to_string();
    }
    let mut names: Vec<&str> = batch
        .paths
        .iter()
        .take(SHOWN_PATHS)
        .map(|p| p.as_str())
        .collect();
    let more = batch.paths.len().saturating_sub(SHOWN_PATHS);
    let more = (more > 0).then(|| format!("+{more} more"));
    names.extend(more.as_deref());
    format!("changed: {}", names.join(", "))
}

fn status(event: &WatchRun) -> String {
    let seconds = event.duration_ms as f64 / 1000.0;
    let outcome = match event.verdict {
        WatchVerdict::Passed => format!("passed in {seconds:.1} s"),
        WatchVerdict::Failed => format!("failed in {seconds:.1} s"),
        WatchVerdict::Budget => format!("over budget ({seconds:.1} s)"),
        WatchVerdict::Error => match event.exit_code {
            Some(code) => format!("check could not run (exit {code})"),
            None => "check could not run (killed)".to_string(),
        },
        WatchVerdict::Cancelled => {
            return format!("cancelled after {seconds:.1} s: a newer change arrived");
        }
    };
    format!("\n{outcome} · watching for changes (ctrl-c stops)")
}
