//! Running a test process to its exit. Its output goes to a temporary file, not a pipe: a
//! test that starts a server and returns leaves a process holding a pipe's write end, and
//! reading the pipe to its end would wait for that server. The exit of the test process ends
//! the wait, as under `cargo test`; then its process group is killed, so nothing it started
//! outlives the run.

use std::io::{Read, Seek};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::Ordering;

use nix::sys::signal::Signal;

use crate::Cancel;
use crate::group::{exited, signal_group};

/// How a process run by [`run_to_exit`] ended.
#[derive(Debug)]
pub struct Finished {
    /// Its exit status.
    pub status: ExitStatus,
    /// Its standard output and error, merged in the order they were written.
    pub output: String,
    /// It ran past its time limit and its process group was killed.
    pub timed_out: bool,
}

/// Why [`run_to_exit`] could not run a process to its end.
#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    /// The process could not be started (or its output file not created).
    #[error("{0}")]
    Spawn(#[source] std::io::Error),
    /// Waiting for it or reading its output failed.
    #[error("{0}")]
    Wait(#[source] std::io::Error),
}

/// Runs `command` (through `cancel`, in its own process group) with no input and its standard
/// output and error in one temporary file; waits for the process itself to exit, kills what
/// is left of its process group, reaps it, and returns its status and output.
pub fn run_to_exit(cancel: &Cancel, command: Command) -> Result<Finished, ProcessError> {
    run_to_exit_watched(cancel, command, &|_| {})
}

/// [`run_to_exit`], handing `watch` the process as it starts: another thread may read what it
/// wrote so far and kill it for running too long ([`Running`]).
pub fn run_to_exit_watched(
    cancel: &Cancel,
    command: Command,
    watch: &dyn Fn(Running),
) -> Result<Finished, ProcessError> {
    let (mut child, file) = spawn_to_file(cancel, command).map_err(ProcessError::Spawn)?;
    let running = Running(std::sync::Arc::new(RunningState {
        output: file.try_clone().map_err(ProcessError::Spawn)?,
        group: child.id(),
        reaped: std::sync::Mutex::new(false),
        timed_out: false.into(),
    }));
    watch(running.clone());
    let mut finished = finish(cancel, &mut child, file, &running.0).map_err(ProcessError::Wait)?;
    // Killed by the watcher, not ended on its own just before it fired.
    finished.timed_out = running.0.timed_out.load(Ordering::SeqCst) && !finished.status.success();
    Ok(finished)
}

/// A test process while it runs ([`run_to_exit_watched`]), shared with a watching thread.
#[derive(Clone)]
pub struct Running(std::sync::Arc<RunningState>);

struct RunningState {
    output: std::fs::File,
    group: u32,
    /// Set, under the lock, just before the process is reaped: its group id may then be reused.
    reaped: std::sync::Mutex<bool>,
    timed_out: std::sync::atomic::AtomicBool,
}

impl Running {
    /// What it wrote (standard output and error) from byte `offset` on.
    pub fn output_from(&self, offset: u64) -> Vec<u8> {
        use std::os::unix::fs::FileExt as _;
        let mut bytes = Vec::new();
        let mut chunk = vec![0; 64 * 1024];
        while let Ok(n @ 1..) = self
            .0
            .output
            .read_at(&mut chunk, offset + bytes.len() as u64)
        {
            bytes.extend_from_slice(&chunk[..n]);
        }
        bytes
    }

    /// Kills its process group for running too long ([`Finished::timed_out`]); nothing once
    /// it has ended.
    pub fn kill_for_time(&self) {
        let reaped = self.0.reaped.lock().unwrap_or_else(|e| e.into_inner());
        if !*reaped {
            self.0.timed_out.store(true, Ordering::SeqCst);
            signal_group(self.0.group, Signal::SIGKILL);
        }
    }
}

fn spawn_to_file(cancel: &Cancel, mut command: Command) -> std::io::Result<(Child, std::fs::File)> {
    let file = tempfile::tempfile()?;
    command
        .stdin(Stdio::null())
        .stdout(file.try_clone()?)
        .stderr(file.try_clone()?);
    let child = cancel.spawn(&mut command)?;
    Ok((child, file))
}

fn finish(
    cancel: &Cancel,
    child: &mut Child,
    mut file: std::fs::File,
    state: &RunningState,
) -> std::io::Result<Finished> {
    let waited = exited(child, true);
    // Whatever the test started and left running (a server, a `sleep`): the group's id is
    // still the unreaped leader's, so this reaches only the test's own processes.
    signal_group(child.id(), Signal::SIGKILL);
    cancel.forget(child);
    *state.reaped.lock().unwrap_or_else(|e| e.into_inner()) = true;
    let status = child.wait();
    waited?;
    let status = status?;
    let mut bytes = Vec::new();
    file.rewind()?;
    file.read_to_end(&mut bytes)?;
    Ok(Finished {
        status,
        output: String::from_utf8_lossy(&bytes).into_owned(),
        timed_out: false,
    })
}

/// Starts `command` (through `cancel`, in its own process group) with no input and with its
/// standard output and error merged into one pipe, so that its text keeps its order; returns
/// the child and the pipe's read end (for cargo, whose output ends when it exits).
pub fn spawn_merged(
    cancel: &Cancel,
    mut command: Command,
) -> Result<(Child, std::io::PipeReader), ProcessError> {
    let (reader, writer) = std::io::pipe().map_err(ProcessError::Spawn)?;
    let writer2 = writer.try_clone().map_err(ProcessError::Spawn)?;
    command.stdin(Stdio::null()).stdout(writer2).stderr(writer);
    let child = cancel.spawn(&mut command).map_err(ProcessError::Spawn)?;
    // The parent's copies of the pipe's write end must close, or reading never ends.
    drop(command);
    Ok((child, reader))
}

/// User + system time of the calling thread, in µs (0 where the OS does not say).
pub fn thread_cpu_us() -> u64 {
    #[cfg(target_os = "linux")]
    {
        use nix::sys::resource::{UsageWho, getrusage};
        let us = |t: nix::sys::time::TimeVal| t.tv_sec() as u64 * 1_000_000 + t.tv_usec() as u64;
        getrusage(UsageWho::RUSAGE_THREAD)
            .map(|usage| us(usage.user_time()) + us(usage.system_time()))
            .unwrap_or(0)
    }
    #[cfg(not(target_os = "linux"))]
    {
        0
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_left_running_child_neither_blocks_nor_survives() {
        let cancel = Cancel::new();
        let mut command = Command::new("sh");
        // The background `sleep` inherits the output file, as a test's server would.
        command.args(["-c", "sleep 1000 & echo $!; echo done >&2"]);
        let finished = run_to_exit(&cancel, command).unwrap();
        assert!(finished.status.success());
        let pid = finished.output.lines().next().unwrap().trim().to_string();
        assert!(finished.output.contains("done"), "{}", finished.output);
        // Killed: soon gone, or a zombie waiting for its new parent to reap it. (A bound on
        // the wait only, so that a regression fails instead of hanging.)
        let dead = || {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            stat.is_empty()
                || stat
                    .rsplit(')')
                    .next()
                    .unwrap_or_default()
                    .trim_start()
                    .starts_with('Z')
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while !dead() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert!(dead(), "the background sleep {pid} outlived its test");
    }
}
