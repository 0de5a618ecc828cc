//! Process-group primitives that the cancellation policy and the wait for a test process
//! share: signalling a whole group, and asking whether its leader exited without reaping it.

use std::process::Child;

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

/// Sends `signal` to the process group `group`.
pub(crate) fn signal_group(group: u32, signal: Signal) {
    if let Ok(pid) = i32::try_from(group) {
        // The group may already be gone; nothing else to do then.
        let _ = killpg(Pid::from_raw(pid), signal);
    }
}

/// Whether `child` has exited, without reaping it (so that its process group id stays
/// reserved); with `block`, waits until it has.
#[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
pub(crate) fn exited(child: &mut Child, block: bool) -> std::io::Result<bool> {
    use nix::errno::Errno;
    use nix::sys::wait::{Id, WaitPidFlag, WaitStatus, waitid};
    use nix::unistd::Pid;

    let pid = Pid::from_raw(i32::try_from(child.id()).map_err(std::io::Error::other)?);
    let mut flags = WaitPidFlag::WEXITED | WaitPidFlag::WNOWAIT;
    if !block {
        flags |= WaitPidFlag::WNOHANG;
    }
    loop {
        return match waitid(Id::Pid(pid), flags) {
            Ok(WaitStatus::StillAlive) => Ok(false),
            Ok(_) => Ok(true),
            Err(Errno::EINTR) => continue,
            Err(errno) => Err(errno.into()),
        };
    }
}

/// Whether `child` has exited. Without `waitid`, the leader is reaped here, and the group's
/// id is then only probably still the child's.
#[cfg(not(any(target_os = "linux", target_os = "android", target_os = "freebsd")))]
pub(crate) fn exited(child: &mut Child, block: bool) -> std::io::Result<bool> {
    if block {
        child.wait().map(|_| true)
    } else {
        child.try_wait().map(|status| status.is_some())
    }
}
