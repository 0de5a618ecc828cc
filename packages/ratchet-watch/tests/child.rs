//! `run_cancellable` with real processes: output lines and exit status come through, and a
//! raised token stops the child together with the processes it started.

#![cfg(unix)]
#![allow(clippy::unwrap_used)]

use std::process::Command;
use std::time::{Duration, Instant};

use ratchet_watch::{CancelToken, ChildOutcome, Stdout, run_cancellable};

fn sh(script: &str) -> Command {
    let mut command = Command::new("sh");
    command.args(["-c", script]);
    command
}

#[test]
fn lines_and_exit_status_come_through() {
    let mut lines = Vec::new();
    let mut on_line = |line: &str| lines.push(line.to_string());
    let outcome = run_cancellable(
        &mut sh("echo one; echo two; printf three; exit 3"),
        Stdout::Lines(&mut on_line),
        &CancelToken::new(),
    )
    .unwrap();
    let ChildOutcome::Exited(status) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(status.code(), Some(3));
    assert_eq!(lines, ["one", "two", "three"]);
}

/// Whether process `pid` is gone (or a zombie nobody reaped yet, which runs nothing).
fn is_gone(pid: &str) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .unwrap()
            .trim_start()
            .starts_with('Z'),
    }
}

#[test]
fn cancelling_stops_the_child_and_its_grandchildren() {
    let cancel = CancelToken::new();
    let canceller = cancel.clone();
    let mut grandchild = None;
    let mut on_line = |line: &str| {
        // The grandchild's pid is the first line; cancel once it is known to be running.
        grandchild = Some(line.to_string());
        canceller.cancel();
    };
    let outcome = run_cancellable(
        &mut sh("sleep 300 & echo $!; wait"),
        Stdout::Lines(&mut on_line),
        &cancel,
    )
    .unwrap();
    assert_eq!(outcome, ChildOutcome::Cancelled);
    let pid = grandchild.expect("the child printed its grandchild's pid");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !is_gone(&pid) {
        assert!(Instant::now() < deadline, "grandchild {pid} still runs");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_child_that_ignores_sigterm_is_killed() {
    let cancel = CancelToken::new();
    let canceller = cancel.clone();
    let mut on_line = |_: &str| canceller.cancel();
    let outcome = run_cancellable(
        &mut sh("trap '' TERM; echo ready; while true; do sleep 1; done"),
        Stdout::Lines(&mut on_line),
        &cancel,
    )
    .unwrap();
    assert_eq!(outcome, ChildOutcome::Cancelled);
}

#[test]
fn the_child_reads_an_empty_stdin_rather_than_the_terminal() {
    let mut lines = Vec::new();
    let mut on_line = |line: &str| lines.push(line.to_string());
    let outcome = run_cancellable(
        &mut sh("cat; echo done"),
        Stdout::Lines(&mut on_line),
        &CancelToken::new(),
    )
    .unwrap();
    assert!(matches!(outcome, ChildOutcome::Exited(s) if s.success()));
    assert_eq!(lines, ["done"]);
}
