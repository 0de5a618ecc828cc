//! Atomic writes, advisory locks and corruption-tolerant reads of ratchet's state files.
//!
//! Everything ratchet persists (the metadata cache, the stat cache, verdicts, `ratchet.toml`)
//! goes through here so that two rules hold everywhere:
//! - a write either lands whole or not at all (temporary file in the same directory, then rename);
//! - a read of a missing, truncated or foreign file is `None` (a cache miss), never an error that
//!   stops the run and never a value that was not written by us.
//!
//! It names every file of the state directory in one place ([`state`]), so that the layout
//! has one home; it must not know what the files hold.

pub mod state;

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// A failure to write or lock a state file, with the path it concerns.
#[derive(Debug, thiserror::Error)]
#[error("{action} {path}: {source}")]
pub struct StoreError {
    action: &'static str,
    path: PathBuf,
    #[source]
    source: io::Error,
}

impl StoreError {
    fn new(action: &'static str, path: &Path, source: io::Error) -> Self {
        StoreError {
            action,
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Writes `bytes` to `path` atomically: readers see the old content or the new, never a mix.
/// Parent directories are created as needed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let dir = parent_dir(path);
    fs::create_dir_all(dir).map_err(|e| StoreError::new("cannot create directory", dir, e))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .map_err(|e| StoreError::new("cannot create a temporary file in", dir, e))?;
    tmp.write_all(bytes)
        .and_then(|()| match permissions_for(path) {
            Some(permissions) => tmp.as_file().set_permissions(permissions),
            None => Ok(()),
        })
        .and_then(|()| tmp.as_file().sync_data())
        .map_err(|e| StoreError::new("cannot write", tmp.path(), e))?;
    tmp.persist(path)
        .map_err(|e| StoreError::new("cannot replace", path, e.error))?;
    Ok(())
}

/// The permissions the replaced file had, or what `touch` gives a new file under the usual
/// umask. The temporary file is created private (0600), and a committed `ratchet.toml` must stay
/// readable by others after the rename, with no window in which it is not.
fn permissions_for(path: &Path) -> Option<fs::Permissions> {
    if let Ok(meta) = fs::metadata(path) {
        return Some(meta.permissions());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Some(fs::Permissions::from_mode(0o644))
    }
    #[cfg(not(unix))]
    None
}

/// Serializes `value` as JSON and writes it atomically.
pub fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), StoreError> {
    let bytes = serde_json::to_vec(value)
        .map_err(|e| StoreError::new("cannot serialize", path, io::Error::other(e)))?;
    write_atomic(path, &bytes)
}

/// Reads and parses a JSON state file. A missing, unreadable, truncated or foreign file is
/// `None`: callers treat it as a cache miss.
pub fn read_json<T: DeserializeOwned>(path: &Path) -> Option<T> {
    let bytes = fs::read(path).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// An exclusive advisory lock on a file, released when dropped (or when the process dies).
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

impl Lock {
    /// Blocks until the lock at `path` is ours. The lock file is created if missing.
    pub fn acquire(path: &Path) -> Result<Lock, StoreError> {
        let file = open_lock_file(path)?;
        file.lock()
            .map_err(|e| StoreError::new("cannot lock", path, e))?;
        Ok(Lock { _file: file })
    }

    /// Takes the lock if it is free; `Ok(None)` when another process holds it.
    pub fn try_acquire(path: &Path) -> Result<Option<Lock>, StoreError> {
        let file = open_lock_file(path)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(Lock { _file: file })),
            Err(fs::TryLockError::WouldBlock) => Ok(None),
            Err(fs::TryLockError::Error(e)) => Err(StoreError::new("cannot lock", path, e)),
        }
    }
}

fn open_lock_file(path: &Path) -> Result<File, StoreError> {
    let dir = parent_dir(path);
    fs::create_dir_all(dir).map_err(|e| StoreError::new("cannot create directory", dir, e))?;
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|e| StoreError::new("cannot open", path, e))
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trips_and_garbage_is_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/state.json");
        write_json(&path, &vec![1u32, 2, 3]).unwrap();
        assert_eq!(read_json::<Vec<u32>>(&path), Some(vec![1, 2, 3]));

        fs::write(&path, b"[1, 2,").unwrap();
        assert_eq!(read_json::<Vec<u32>>(&path), None, "truncated file");
        fs::write(&path, b"{\"other\": true}").unwrap();
        assert_eq!(read_json::<Vec<u32>>(&path), None, "foreign file");
        assert_eq!(read_json::<Vec<u32>>(&dir.path().join("missing")), None);
    }

    #[test]
    fn atomic_write_replaces_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        write_atomic(&path, b"a long first version").unwrap();
        write_atomic(&path, b"short").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"short");
        let leftovers = fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary files left behind");
    }

    #[cfg(unix)]
    #[test]
    fn replacing_keeps_permissions_and_new_files_are_readable() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ratchet.toml");
        write_atomic(&path, b"new").unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o644);
        fs::set_permissions(&path, fs::Permissions::from_mode(0o664)).unwrap();
        write_atomic(&path, b"again").unwrap();
        assert_eq!(mode(&path), 0o664);
    }

    #[test]
    fn second_lock_is_refused_until_first_drops() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lock");
        let first = Lock::try_acquire(&path).unwrap();
        assert!(first.is_some());
        assert!(Lock::try_acquire(&path).unwrap().is_none());
        drop(first);
        assert!(Lock::try_acquire(&path).unwrap().is_some());
    }
}
