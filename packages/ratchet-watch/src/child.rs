//! Running a child process that a [`CancelToken`] stops, together with everything it started.
//!
//! The child gets a process group of its own, so that cancelling reaches its cargo and rustc
//! grandchildren too: killing only the child would leave cargo running and holding the target
//! directory's lock, and the next run would queue behind it.

use std::io::{self, BufRead, BufReader};
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Duration;

use crate::CancelToken;

/// How often a running child is checked for exit (the token wakes the wait at once).
const POLL: Duration = Duration::from_millis(10);
/// How long a cancelled child may take to clean up after SIGTERM before it gets SIGKILL. A
/// child that puts its own children in groups of their own (as `check` does with cargo) must
/// stop them itself within this time: SIGKILL reaches only the child's group. `check` does,
/// with the same policy and a shorter grace (`ratchet_process::GRACE`).
const GRACE: Duration = Duration::from_secs(5);
/// How long to wait, after the child exited, for output still in the pipe.
const TAIL: Duration = Duration::from_secs(1);

/// How a child run by [`run_cancellable`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChildOutcome {
    /// It exited on its own.
    Exited(ExitStatus),
    /// The token was raised; the child and its process group were stopped.
    Cancelled,
}

/// Where the child's standard output goes.
pub enum Stdout<'a> {
    /// To this process's standard output, untouched (a terminal stays a terminal).
    Inherit,
    /// Each complete line (without its newline) to this function, on the calling thread.
    /// The partial line a cancelled child may leave behind is dropped.
    Lines(&'a mut dyn FnMut(&str)),
}

/// Runs `command` until it exits or `cancel` is raised; on cancel, sends SIGTERM to the
/// child's process group, then SIGKILL after a grace period, and reaps the child. Its standard
/// input is empty; its standard error is inherited.
pub fn run_cancellable(
    command: &mut Command,
    stdout: Stdout<'_>,
    cancel: &CancelToken,
) -> io::Result<ChildOutcome> {
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(command, 0);
    // Not the terminal's foreground group any more: reading the terminal would stop it.
    command.stdin(Stdio::null());
    let mut on_line = match stdout {
        Stdout::Inherit => None,
        Stdout::Lines(on_line) => {
            command.stdout(Stdio::piped());
            Some(on_line)
        }
    };
    let mut child = command.spawn()?;
    let lines = child.stdout.take().map(read_lines);
    loop {
        if let (Some(lines), Some(on_line)) = (&lines, &mut on_line) {
            lines.try_iter().for_each(|line| on_line(&line));
        }
        if let Some(status) = child.try_wait()? {
            if let (Some(lines), Some(on_line)) = (&lines, &mut on_line) {
                forward_tail(lines, *on_line);
            }
            return Ok(ChildOutcome::Exited(status));
        }
        if cancel.wait_timeout(POLL) {
            stop(&mut child)?;
            return Ok(ChildOutcome::Cancelled);
        }
    }
}

/// Reads `stdout` on a thread of its own, one line per message.
fn read_lines(stdout: ChildStdout) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut buf = Vec::new();
        while reader.read_until(b'\n', &mut buf).is_ok_and(|n| n > 0) {
            if buf.last() == Some(&b'\n') {
                buf.pop();
            }
            if tx.send(String::from_utf8_lossy(&buf).into_owned()).is_err() {
                return;
            }
            buf.clear();
        }
    });
    rx
}

/// Forwards what is left in the pipe once the child exited. A grandchild that outlived it may
/// hold the pipe open forever, so this stops after a quiet spell instead of at end of file.
fn forward_tail(lines: &Receiver<String>, on_line: &mut dyn FnMut(&str)) {
    loop {
        match lines.recv_timeout(TAIL) {
            Ok(line) => on_line(&line),
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return,
        }
    }
}

/// Stops the child by ratchet-process's one policy: SIGTERM to its group, SIGKILL after
/// [`GRACE`] (the group's id stays the unreaped child's until then).
#[cfg(unix)]
fn stop(child: &mut Child) -> io::Result<()> {
    ratchet_process::terminate_group(child, GRACE)
}

#[cfg(not(unix))]
fn stop(child: &mut Child) -> io::Result<()> {
    child.kill()?;
    child.wait()?;
    Ok(())
}
