//! Finding every package's own files: one parallel, gitignore-aware walk over the directories
//! that hold workspace members, each file given to the member that owns it (the longest
//! directory prefix), so nested packages keep their files to themselves.

use std::collections::HashSet;
use std::io::ErrorKind;
use std::sync::{Arc, Mutex};

use camino::{Utf8Path, Utf8PathBuf};
use ignore::{WalkBuilder, WalkState};
use ratchet_graph::{PkgIx, Workspace};

use crate::FingerprintError;
use crate::stat_cache::Stat;

/// A file found by the walk, with the stat taken while walking (symlinks followed).
#[derive(Debug)]
pub(crate) struct Found {
    pub path: Utf8PathBuf,
    pub owner: PkgIx,
    pub stat: Stat,
    /// The target of a symlink that points nowhere; hashed as that text.
    pub dangling_target: Option<String>,
}

/// Every file owned by a workspace member, unsorted.
pub(crate) fn own_files(ws: &Workspace) -> Result<Vec<Found>, FingerprintError> {
    let roots = walk_roots(ws);
    let Some((first, rest)) = roots.split_first() else {
        return Ok(Vec::new());
    };
    let filter = Arc::new(DirFilter::new(ws));
    let mut builder = WalkBuilder::new(first);
    for root in rest {
        builder.add(root);
    }
    builder
        .hidden(false)
        .ignore(false)
        .parents(true)
        .git_ignore(true)
        .git_exclude(true)
        .require_git(false)
        .follow_links(true)
        .filter_entry(move |entry| {
            Utf8Path::from_path(entry.path()).is_none_or(|p| filter.keep(p, entry.file_type()))
        });
    let found = Mutex::new(Vec::new());
    let first_error: Mutex<Option<FingerprintError>> = Mutex::new(None);
    builder.build_parallel().run(|| {
        Box::new(|entry| {
            match visit(ws, entry) {
                Ok(Some(file)) => lock(&found).push(file),
                Ok(None) => {}
                Err(e) => {
                    lock(&first_error).get_or_insert(e);
                    return WalkState::Quit;
                }
            }
            WalkState::Continue
        })
    });
    if let Some(e) = lock(&first_error).take() {
        return Err(e);
    }
    Ok(std::mem::take(&mut *lock(&found)))
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A poisoned lock only means another walker thread panicked; the data is still usable.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn visit(
    ws: &Workspace,
    entry: Result<ignore::DirEntry, ignore::Error>,
) -> Result<Option<Found>, FingerprintError> {
    let entry = match entry {
        Ok(entry) => entry,
        Err(err) => return walk_error(ws, err),
    };
    if entry.file_type().is_some_and(|t| t.is_dir()) {
        return Ok(None);
    }
    let path = utf8(entry.path())?;
    let Some(owner) = ws.owner_of(&path) else {
        return Ok(None);
    };
    match std::fs::metadata(&path) {
        Ok(meta) if meta.is_dir() => Ok(None),
        Ok(meta) => Ok(Some(Found {
            stat: Stat::of(&meta),
            path,
            owner,
            dangling_target: None,
        })),
        Err(e) => missing_or_unreadable(ws, path, e),
    }
}

/// A walk error becomes a file (a dangling symlink), nothing (a gitignore file the walker could
/// not fully parse), or a clear error naming the path.
fn walk_error(ws: &Workspace, err: ignore::Error) -> Result<Option<Found>, FingerprintError> {
    match err {
        ignore::Error::Loop { child, .. } => Err(FingerprintError::SymlinkLoop {
            path: utf8(&child)?,
        }),
        ignore::Error::WithPath { path, err } => match *err {
            ignore::Error::Io(io) => missing_or_unreadable(ws, utf8(&path)?, io),
            other => Err(FingerprintError::Walk {
                path: utf8(&path)?,
                message: other.to_string(),
            }),
        },
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error(ws, *err)
        }
        ignore::Error::Partial(_) | ignore::Error::Glob { .. } => Ok(None),
        other => Err(FingerprintError::Walk {
            path: ws.root.clone(),
            message: other.to_string(),
        }),
    }
}

/// A path that cannot be stat'ed: a symlink to nothing is content (its target text), a path
/// that is gone vanished while we looked, anything else is unreadable.
fn missing_or_unreadable(
    ws: &Workspace,
    path: Utf8PathBuf,
    err: std::io::Error,
) -> Result<Option<Found>, FingerprintError> {
    if let Ok(link) = std::fs::read_link(&path) {
        if err.kind() == ErrorKind::NotFound
            && let Some(owner) = ws.owner_of(&path)
            && let Ok(meta) = std::fs::symlink_metadata(&path)
        {
            return Ok(Some(Found {
                stat: Stat::of(&meta),
                path,
                owner,
                dangling_target: Some(link.to_string_lossy().into_owned()),
            }));
        }
        if is_loop(&err) {
            return Err(FingerprintError::SymlinkLoop { path });
        }
    }
    if err.kind() == ErrorKind::NotFound {
        return Err(FingerprintError::Vanished { path });
    }
    Err(FingerprintError::Unreadable { path, source: err })
}

fn is_loop(err: &std::io::Error) -> bool {
    // ELOOP: a chain of symlinks that never reaches a file.
    err.raw_os_error() == Some(40) || err.to_string().contains("symbolic links")
}

fn utf8(path: &std::path::Path) -> Result<Utf8PathBuf, FingerprintError> {
    Utf8PathBuf::from_path_buf(path.to_path_buf())
        .map_err(|p| FingerprintError::NonUtf8Path(p.display().to_string()))
}

/// The directories to start walking from: member directories not inside another member's
/// directory, collapsed to the workspace root when they are under it.
fn walk_roots(ws: &Workspace) -> Vec<Utf8PathBuf> {
    let mut roots: Vec<Utf8PathBuf> = Vec::new();
    if ws.packages.iter().any(|p| p.dir.starts_with(&ws.root)) {
        roots.push(ws.root.clone());
    }
    let mut outside: Vec<&Utf8Path> = ws
        .packages
        .iter()
        .map(|p| p.dir.as_path())
        .filter(|d| !d.starts_with(&ws.root))
        .collect();
    outside.sort();
    for dir in outside {
        if !roots.iter().any(|r| dir.starts_with(r)) {
            roots.push(dir.to_path_buf());
        }
    }
    roots
}

/// Which directories the walk enters: those inside a member, and the ancestors leading to one.
/// The target directory and `.git` are never entered.
struct DirFilter {
    member_dirs: HashSet<Utf8PathBuf>,
    ancestors: HashSet<Utf8PathBuf>,
    target_dir: Utf8PathBuf,
}

impl DirFilter {
    fn new(ws: &Workspace) -> DirFilter {
        let member_dirs: HashSet<Utf8PathBuf> = ws.packages.iter().map(|p| p.dir.clone()).collect();
        let ancestors = member_dirs
            .iter()
            .flat_map(|d| d.ancestors().skip(1))
            .map(Utf8Path::to_path_buf)
            .collect();
        DirFilter {
            member_dirs,
            ancestors,
            target_dir: ws.target_dir.clone(),
        }
    }

    fn keep(&self, path: &Utf8Path, file_type: Option<std::fs::FileType>) -> bool {
        if path.file_name() == Some(".git") || path == self.target_dir {
            return false;
        }
        if !file_type.is_some_and(|t| t.is_dir()) {
            return true;
        }
        self.ancestors.contains(path) || path.ancestors().any(|a| self.member_dirs.contains(a))
    }
}
