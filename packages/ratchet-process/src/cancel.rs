//! Interrupting a run: every child is started in its own process group and registered here, so
//! that Ctrl-C stops whole trees (cargo, rustc, test binaries) at once.
//!
//! The one cancellation policy, for every child ratchet starts: SIGTERM to its process group,
//! then SIGKILL to the group once the leader has exited or [`GRACE`] has passed, whichever
//! comes first. SIGTERM ends cargo, rustc and test binaries as fast as SIGKILL (its default
//! action), so the grace costs nothing for them; a child that handles it (`check` under
//! `watch`, which must stop its own children's groups, or a test's server) gets to clean up;
//! and SIGKILL afterwards reaches whatever lingers in the group.

use std::collections::BTreeSet;
use std::process::{Child, Command};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;

use crate::group::{exited, signal_group};

/// How long a cancelled process group may take to exit after SIGTERM before it gets SIGKILL.
/// Shorter than `watch`'s wait for `check` (which applies this policy to its own children
/// within that wait).
pub const GRACE: Duration = Duration::from_secs(2);

/// How often a cancelled group's leader is looked at during the grace period.
const POLL: Duration = Duration::from_millis(10);

/// Shared between the runner and a signal handler: a flag and the process groups to stop.
#[derive(Debug, Clone, Default)]
pub struct Cancel {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    cancelled: AtomicBool,
    /// Groups whose leader has not been reaped (so their ids cannot have been reused).
    groups: Mutex<BTreeSet<u32>>,
}

impl Cancel {
    /// A fresh, not cancelled, handle.
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Marks the run cancelled and stops every registered process group: SIGTERM, then SIGKILL
    /// to the groups whose leader is still not reaped by its owner after [`GRACE`]. Returns
    /// when every group got its SIGKILL or was reaped.
    pub fn cancel(&self) {
        self.inner.cancelled.store(true, Ordering::SeqCst);
        for group in self.groups() {
            signal_group(group, Signal::SIGTERM);
        }
        let deadline = Instant::now() + GRACE;
        while !self.groups().is_empty() && Instant::now() < deadline {
            std::thread::sleep(POLL);
        }
        let groups = self.lock();
        for &group in groups.iter() {
            signal_group(group, Signal::SIGKILL);
        }
    }

    /// Whether [`Cancel::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.inner.cancelled.load(Ordering::SeqCst)
    }

    /// Spawns `command` as the leader of a new process group and registers the group. A spawn
    /// that races with a cancel is killed at once (it has nothing to clean up yet).
    pub fn spawn(&self, command: &mut Command) -> std::io::Result<Child> {
        use std::os::unix::process::CommandExt;
        let child = command.process_group(0).spawn()?;
        self.lock().insert(child.id());
        if self.is_cancelled() {
            signal_group(child.id(), Signal::SIGKILL);
        }
        Ok(child)
    }

    /// Forgets the group of `child`; call it before reaping the leader (`wait`), so that a
    /// cancel never signals a group id the system may have reused.
    pub fn forget(&self, child: &Child) {
        self.lock().remove(&child.id());
    }

    fn groups(&self) -> BTreeSet<u32> {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeSet<u32>> {
        self.inner
            .groups
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// Stops `child` and its process group by the policy above (for a child run outside a
/// [`Cancel`], such as `check` under `watch`), waiting at most `grace` before SIGKILL, and
/// reaps it.
pub fn terminate_group(child: &mut Child, grace: Duration) -> std::io::Result<()> {
    signal_group(child.id(), Signal::SIGTERM);
    let deadline = Instant::now() + grace;
    while !exited(child, false)? && Instant::now() < deadline {
        std::thread::sleep(POLL);
    }
    // The leader is not reaped yet, so the group's id is still ours; grandchildren that
    // outlived it get SIGKILL too.
    signal_group(child.id(), Signal::SIGKILL);
    child.wait()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::io::BufRead;
    use std::os::unix::process::ExitStatusExt;

    #[test]
    fn cancel_terminates_then_kills_what_ignores_sigterm() {
        let cancel = Cancel::new();
        let mut polite = Command::new("sleep");
        polite.arg("1000");
        let mut stubborn = Command::new("sh");
        // Ignored signals stay ignored across exec.
        stubborn
            .args(["-c", "trap '' TERM; echo ready; exec sleep 1000"])
            .stdout(std::process::Stdio::piped());
        let mut polite = cancel.spawn(&mut polite).unwrap();
        let mut stubborn = cancel.spawn(&mut stubborn).unwrap();
        let mut ready = String::new();
        let stdout = stubborn.stdout.take().unwrap();
        std::io::BufReader::new(stdout)
            .read_line(&mut ready)
            .unwrap();
        cancel.cancel();
        assert!(cancel.is_cancelled());
        assert_eq!(
            polite.wait().unwrap().signal(),
            Some(libc_signal(Signal::SIGTERM))
        );
        assert_eq!(
            stubborn.wait().unwrap().signal(),
            Some(libc_signal(Signal::SIGKILL))
        );
    }

    fn libc_signal(signal: Signal) -> i32 {
        signal as i32
    }
}
