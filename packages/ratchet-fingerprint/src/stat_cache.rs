//! Content hashes of files, remembered by stat (size, mtime, inode, ctime) as git's index does,
//! so an unchanged file is not read again.
//!
//! Racy timestamps: a file written in the same clock tick as the scan that hashed it could
//! change again without its stat changing. So an entry is trusted only when the file's last
//! change (mtime and ctime) is safely older than the start of the scan that recorded it;
//! otherwise the file is hashed again. ctime is part of the key because tools can set mtime
//! back (`touch -d`, archive extraction) but not ctime.

use std::collections::HashMap;
use std::io::ErrorKind;
use std::time::SystemTime;

use camino::{Utf8Path, Utf8PathBuf};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::FingerprintError;
use crate::digest::hex;
use crate::stat::{Stat, nanos};
use crate::walk::Found;

/// Bump when the cache's shape or the hash's meaning changes.
const FORMAT: u32 = 1;

#[derive(Serialize, Deserialize)]
struct CacheFile {
    format: u32,
    /// When the scan that produced these entries started, in ns since the epoch.
    scan_start_ns: i128,
    entries: HashMap<Utf8PathBuf, Entry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct Entry {
    stat: Stat,
    hash: String,
}

/// blake3 hex of every found file, reusing the cache at `cache_path` where it is safe, then
/// writing the cache back when anything in it changed.
pub(crate) fn hash_files(
    cache_path: &Utf8Path,
    files: &[Found],
) -> Result<Vec<String>, FingerprintError> {
    let scan_start = nanos(SystemTime::now());
    let old = ratchet_store::read_json::<CacheFile>(cache_path.as_std_path())
        .filter(|c| c.format == FORMAT);
    let trusted = |f: &Found| -> Option<String> {
        let cache = old.as_ref()?;
        let entry = cache.entries.get(&f.path)?;
        let safe = entry.stat == f.stat && entry.stat.settled_before(cache.scan_start_ns);
        safe.then(|| entry.hash.clone())
    };
    let hashes: Vec<String> = files
        .par_iter()
        .map(|f| match trusted(f) {
            Some(hash) => Ok(hash),
            None => hash_one(f),
        })
        .collect::<Result<_, _>>()?;
    let entries: HashMap<Utf8PathBuf, Entry> = files
        .iter()
        .zip(&hashes)
        .map(|(f, h)| {
            let entry = Entry {
                stat: f.stat,
                hash: h.clone(),
            };
            (f.path.clone(), entry)
        })
        .collect();
    let unchanged = old.as_ref().is_some_and(|c| {
        c.entries == entries
            && entries
                .values()
                .all(|e| e.stat.settled_before(c.scan_start_ns))
    });
    if !unchanged {
        let file = CacheFile {
            format: FORMAT,
            scan_start_ns: scan_start,
            entries,
        };
        // A cache that cannot be written only costs speed next time.
        let _ = ratchet_store::write_json(cache_path.as_std_path(), &file);
    }
    Ok(hashes)
}

/// Reads and hashes one file, failing clearly when it vanished or cannot be read.
fn hash_one(file: &Found) -> Result<String, FingerprintError> {
    if let Some(target) = &file.dangling_target {
        return Ok(hex(format!("symlink:{target}").as_bytes()));
    }
    let mut hasher = blake3::Hasher::new();
    let opened = std::fs::File::open(&file.path).and_then(|mut f| {
        std::io::copy(&mut f, &mut hasher)?;
        Ok(())
    });
    match opened {
        Ok(()) => Ok(hasher.finalize().to_hex().to_string()),
        Err(e) if e.kind() == ErrorKind::NotFound => Err(FingerprintError::Vanished {
            path: file.path.clone(),
        }),
        Err(source) => Err(FingerprintError::Unreadable {
            path: file.path.clone(),
            source,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stat::RACY_MARGIN_NS;

    fn found(path: &Utf8Path) -> Found {
        let meta = std::fs::metadata(path).unwrap();
        Found {
            path: path.to_path_buf(),
            owner: Some(0),
            external: None,
            stat: Stat::of(&meta),
            dangling_target: None,
        }
    }

    fn setup() -> (tempfile::TempDir, Utf8PathBuf, Utf8PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = Utf8PathBuf::from_path_buf(tmp.path().to_path_buf()).unwrap();
        let file = dir.join("a.txt");
        std::fs::write(&file, "hello").unwrap();
        (tmp, dir.join("cache.json"), file)
    }

    /// A cache whose only entry claims `hash` for `file`, written `age_ns` after its last change.
    fn plant(cache: &Utf8Path, file: &Found, hash: &str, age_ns: i128) {
        let entries = [(
            file.path.clone(),
            Entry {
                stat: file.stat,
                hash: hash.to_string(),
            },
        )]
        .into();
        let scan_start_ns = file.stat.last_change() + age_ns;
        let content = CacheFile {
            format: FORMAT,
            scan_start_ns,
            entries,
        };
        ratchet_store::write_json(cache.as_std_path(), &content).unwrap();
    }

    #[test]
    fn safe_entry_is_trusted_without_reading_the_file() {
        let (_tmp, cache, path) = setup();
        let file = found(&path);
        plant(&cache, &file, "planted", RACY_MARGIN_NS + 1);
        assert_eq!(hash_files(&cache, &[file]).unwrap(), ["planted"]);
    }

    #[test]
    fn racy_entry_is_hashed_again() {
        let (_tmp, cache, path) = setup();
        let file = found(&path);
        plant(&cache, &file, "planted", RACY_MARGIN_NS - 1);
        let real = blake3::hash(b"hello").to_hex().to_string();
        assert_eq!(hash_files(&cache, &[file]).unwrap(), [real]);
    }

    #[test]
    fn changed_stat_is_hashed_again_and_corrupt_cache_is_a_miss() {
        let (_tmp, cache, path) = setup();
        let file = found(&path);
        plant(&cache, &file, "planted", RACY_MARGIN_NS + 1);
        std::fs::write(&path, "hello, world").unwrap();
        let real = blake3::hash(b"hello, world").to_hex().to_string();
        assert_eq!(
            hash_files(&cache, &[found(&path)]).unwrap(),
            std::slice::from_ref(&real)
        );
        std::fs::write(&cache, "{ not json").unwrap();
        assert_eq!(hash_files(&cache, &[found(&path)]).unwrap(), [real]);
    }

    #[test]
    fn file_vanishing_before_it_is_read_is_named() {
        let (_tmp, cache, path) = setup();
        let file = found(&path);
        std::fs::remove_file(&path).unwrap();
        let err = hash_files(&cache, &[file]).unwrap_err().to_string();
        assert!(err.contains("a.txt vanished"), "{err}");
    }
}
