//! Interrupting a run: every child is started in its own process group and registered here, so
//! that Ctrl-C can kill whole trees (cargo, rustc, test binaries) at once.

use std::collections::BTreeSet;
use std::process::{Child, Command};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

/// Shared between the runner and a signal handler: a flag and the process groups to kill.
#[derive(Debug, Clone, Default)]
pub struct Cancel {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    cancelled: AtomicBool,
    groups: Mutex<BTreeSet<u32>>,
}

impl Cancel {
    /// A fresh, not cancelled, handle.
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Marks the run cancelled and kills every registered process group.
    pub fn cancel(&self) {
        self.inner.cancelled.store(true, Ordering::SeqCst);
        let groups = self
            .inner
            .groups
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        for &group in groups.iter() {
            kill_group(group);
        }
    }

    /// Whether [`Cancel::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.inner.cancelled.load(Ordering::SeqCst)
    }

    /// Spawns `command` as the leader of a new process group and registers the group. A spawn
    /// that races with a cancel is killed at once.
    pub(crate) fn spawn(&self, command: &mut Command) -> std::io::Result<Child> {
        use std::os::unix::process::CommandExt;
        let child = command.process_group(0).spawn()?;
        self.inner
            .groups
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(child.id());
        if self.is_cancelled() {
            kill_group(child.id());
        }
        Ok(child)
    }

    /// Forgets a group whose leader was waited for.
    pub(crate) fn forget(&self, child: &Child) {
        self.inner
            .groups
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&child.id());
    }
}

fn kill_group(group: u32) {
    if let Ok(pid) = i32::try_from(group) {
        // The group may already be gone; nothing else to do then.
        let _ = killpg(Pid::from_raw(pid), Signal::SIGKILL);
    }
}
