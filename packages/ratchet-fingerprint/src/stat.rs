//! A file's stat (size, mtime, ctime, inode): what changes whenever its content may have, and
//! when a change is old enough, against the start of a scan, to be trusted. Shared by the walk
//! that takes stats and the caches that compare them; it imports neither.

use std::fs::Metadata;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// How much older than the scan a change must be to be trusted: covers coarse filesystem
/// timestamps (one or two seconds on some filesystems).
pub(crate) const RACY_MARGIN_NS: i128 = 2_000_000_000;

/// The parts of a file's metadata that change whenever its content may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Stat {
    size: u64,
    mtime_ns: i128,
    ctime_ns: i128,
    inode: u64,
}

impl Stat {
    pub(crate) fn of(meta: &Metadata) -> Stat {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Stat {
                size: meta.len(),
                mtime_ns: i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec()),
                ctime_ns: i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec()),
                inode: meta.ino(),
            }
        }
        #[cfg(not(unix))]
        {
            Stat {
                size: meta.len(),
                mtime_ns: meta.modified().map(nanos).unwrap_or(0),
                ctime_ns: 0,
                inode: 0,
            }
        }
    }

    /// The last change of the file's status (content, metadata, links), which no tool can set
    /// back.
    pub(crate) fn ctime_ns(&self) -> i128 {
        self.ctime_ns
    }

    /// The later of mtime and ctime: the last time content or metadata changed.
    pub(crate) fn last_change(&self) -> i128 {
        self.mtime_ns.max(self.ctime_ns)
    }

    /// Whether the last change is safely older than a scan that started at `scan_start_ns`, so
    /// that a later change would have to change this stat too (see [`RACY_MARGIN_NS`]).
    pub(crate) fn settled_before(&self, scan_start_ns: i128) -> bool {
        self.last_change() + RACY_MARGIN_NS < scan_start_ns
    }
}

/// Nanoseconds since the epoch (0 for a time before it).
pub(crate) fn nanos(t: SystemTime) -> i128 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as i128)
        .unwrap_or(0)
}
