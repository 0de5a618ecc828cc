//! One `check` run for `watch`: the current executable as a child process, stopped with its
//! cargo when the batch's token is raised.

use std::process::Command;

use camino::Utf8Path;
use ratchet_events::exit;
use ratchet_events::watch::WatchVerdict;
use ratchet_watch::{CancelToken, ChildOutcome, Stdout, run_cancellable};

use crate::common::print;

/// Runs `check` on `packages` (the whole workspace when `None`) and says how it ended, with
/// its exit code. In json mode its NDJSON events are forwarded line by line, so that a
/// cancelled run cannot leave half a line in the stream.
pub(super) fn run_check(
    manifest: &Utf8Path,
    packages: Option<&[String]>,
    build_flags: &[String],
    json: bool,
    cancel: &CancelToken,
) -> (WatchVerdict, Option<i32>) {
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => {
            eprintln!("error: cannot find ratchet's own executable to run check: {e}");
            return (WatchVerdict::Error, None);
        }
    };
    let mut command = Command::new(exe);
    command.args([
        "check",
        "--from-watch",
        "--manifest-path",
        manifest.as_str(),
    ]);
    for package in packages.into_iter().flatten() {
        command.args(["-p", package]);
    }
    command.args(build_flags);
    let outcome = if json {
        command.args(["--message-format", "json"]);
        let mut forward = |line: &str| {
            let _ = print(&format!("{line}\n"));
        };
        run_cancellable(&mut command, Stdout::Lines(&mut forward), cancel)
    } else {
        run_cancellable(&mut command, Stdout::Inherit, cancel)
    };
    match outcome {
        Ok(ChildOutcome::Cancelled) => (WatchVerdict::Cancelled, None),
        Ok(ChildOutcome::Exited(status)) => (verdict(status.code()), status.code()),
        Err(e) => {
            eprintln!("error: cannot run check: {e}");
            (WatchVerdict::Error, None)
        }
    }
}

fn verdict(code: Option<i32>) -> WatchVerdict {
    match code.and_then(|c| u8::try_from(c).ok()) {
        Some(exit::OK) => WatchVerdict::Passed,
        Some(exit::FAILED) => WatchVerdict::Failed,
        Some(exit::BUDGET) => WatchVerdict::Budget,
        _ => WatchVerdict::Error,
    }
}
