//! Finding every package's own files: one parallel, gitignore-aware walk over the directories
//! that hold workspace members, each file given to the member that owns it (the longest
//! directory prefix), so nested packages keep their files to themselves. The same walk visits
//! path packages outside the workspace, whose files count as external inputs of their users.

use std::collections::HashSet;
use std::io::ErrorKind;
use std::sync::{Arc, Mutex};

use camino::{Utf8Path, Utf8PathBuf};
use ignore::{WalkBuilder, WalkState};
use ratchet_graph::{PkgIx, Workspace};

use crate::FingerprintError;
use crate::stat::Stat;

/// A file found by the walk, with the stat taken while walking (symlinks followed).
#[derive(Debug)]
pub(crate) struct Found {
    pub path: Utf8PathBuf,
    /// The member that owns the file, if any.
    pub owner: Option<PkgIx>,
    /// The index in [`external_dirs`] of the out-of-workspace path package holding it, if any.
    pub external: Option<usize>,
    pub stat: Stat,
    /// The target of a symlink that points nowhere; hashed as that text.
    pub dangling_target: Option<String>,
}

/// Directories of path packages outside the workspace that members use, sorted, distinct.
pub(crate) fn external_dirs(ws: &Workspace) -> Vec<Utf8PathBuf> {
    let mut dirs: Vec<Utf8PathBuf> = ws
        .packages
        .iter()
        .flat_map(|p| p.external_deps.iter().filter_map(|d| d.path.clone()))
        .collect();
    dirs.sort();
    dirs.dedup();
    dirs
}

/// What a full walk saw: the files, and what the listing cache needs to trust it next time.
#[derive(Debug, Default)]
pub(crate) struct Walked {
    pub found: Vec<Found>,
    /// Every directory entered, with its stat taken before its entries were read.
    pub dirs: Vec<(Utf8PathBuf, Stat)>,
    /// Every `.gitignore` met inside the walked directories.
    pub gitignores: Vec<Utf8PathBuf>,
    /// A directory could not be stat'ed, so `dirs` cannot vouch for the whole walk.
    pub incomplete: bool,
}

/// Every file owned by a workspace member or inside an external path package, unsorted.
pub(crate) fn own_files(
    ws: &Workspace,
    externals: &[Utf8PathBuf],
) -> Result<Walked, FingerprintError> {
    let roots = walk_roots(ws, externals);
    let Some((first, rest)) = roots.split_first() else {
        return Ok(Walked::default());
    };
    let filter = Arc::new(DirFilter::new(ws, externals));
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
    let walked = Mutex::new(Walked::default());
    let first_error: Mutex<Option<FingerprintError>> = Mutex::new(None);
    builder.build_parallel().run(|| {
        Box::new(|entry| {
            if let Ok(e) = &entry
                && e.file_name() == ".gitignore"
                && let Some(path) = Utf8Path::from_path(e.path())
            {
                lock(&walked).gitignores.push(path.to_path_buf());
            }
            match visit(ws, externals, entry) {
                Ok(Seen::File(file)) => lock(&walked).found.push(file),
                Ok(Seen::Dir(dir, Some(stat))) => lock(&walked).dirs.push((dir, stat)),
                Ok(Seen::Dir(_, None)) => lock(&walked).incomplete = true,
                Ok(Seen::Nothing) => {}
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
    Ok(std::mem::take(&mut *lock(&walked)))
}

/// What one walk entry turned out to be.
enum Seen {
    File(Found),
    Dir(Utf8PathBuf, Option<Stat>),
    Nothing,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A poisoned lock only means another walker thread panicked; the data is still usable.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn visit(
    ws: &Workspace,
    externals: &[Utf8PathBuf],
    entry: Result<ignore::DirEntry, ignore::Error>,
) -> Result<Seen, FingerprintError> {
    let entry = match entry {
        Ok(entry) => entry,
        Err(err) => return Ok(walk_error(ws, externals, err)?.map_or(Seen::Nothing, Seen::File)),
    };
    let path = utf8(entry.path())?;
    if entry.file_type().is_some_and(|t| t.is_dir()) {
        // The walker reads a directory's entries after this call, so this stat comes first.
        let stat = std::fs::metadata(&path).ok().map(|m| Stat::of(&m));
        return Ok(Seen::Dir(path, stat));
    }
    let (owner, external) = owners(ws, externals, &path);
    if owner.is_none() && external.is_none() {
        return Ok(Seen::Nothing);
    }
    match std::fs::metadata(&path) {
        Ok(meta) if meta.is_dir() => Ok(Seen::Nothing),
        Ok(meta) => Ok(Seen::File(Found {
            stat: Stat::of(&meta),
            path,
            owner,
            external,
            dangling_target: None,
        })),
        Err(e) => {
            Ok(missing_or_unreadable(ws, externals, path, e)?.map_or(Seen::Nothing, Seen::File))
        }
    }
}

/// The member owning `path`, and the external path package holding it (the deepest one).
fn owners(
    ws: &Workspace,
    externals: &[Utf8PathBuf],
    path: &Utf8Path,
) -> (Option<PkgIx>, Option<usize>) {
    let external = externals
        .iter()
        .enumerate()
        .filter(|(_, dir)| path.starts_with(dir))
        .max_by_key(|(_, dir)| dir.as_str().len())
        .map(|(i, _)| i);
    (ws.owner_of(path), external)
}

/// A walk error becomes a file (a dangling symlink), nothing (a gitignore file the walker could
/// not fully parse), or a clear error naming the path.
fn walk_error(
    ws: &Workspace,
    externals: &[Utf8PathBuf],
    err: ignore::Error,
) -> Result<Option<Found>, FingerprintError> {
    match err {
        ignore::Error::Loop { child, .. } => Err(FingerprintError::SymlinkLoop {
            path: utf8(&child)?,
        }),
        // The walker wraps the error of a followed link as path, then depth, then I/O.
        ignore::Error::WithPath { path, err } => {
            let message = err.to_string();
            match err.into_io_error() {
                Some(io) => missing_or_unreadable(ws, externals, utf8(&path)?, io),
                None => Err(FingerprintError::Walk {
                    path: utf8(&path)?,
                    message,
                }),
            }
        }
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error(ws, externals, *err)
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
    externals: &[Utf8PathBuf],
    path: Utf8PathBuf,
    err: std::io::Error,
) -> Result<Option<Found>, FingerprintError> {
    if let Ok(link) = std::fs::read_link(&path) {
        let (owner, external) = owners(ws, externals, &path);
        if err.kind() == ErrorKind::NotFound
            && (owner.is_some() || external.is_some())
            && let Ok(meta) = std::fs::symlink_metadata(&path)
        {
            return Ok(Some(Found {
                stat: Stat::of(&meta),
                path,
                owner,
                external,
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

/// The directories to start walking from: the workspace root when members are under it, and
/// member or external directories outside it that are not inside another root.
fn walk_roots(ws: &Workspace, externals: &[Utf8PathBuf]) -> Vec<Utf8PathBuf> {
    let mut roots: Vec<Utf8PathBuf> = Vec::new();
    if ws.packages.iter().any(|p| p.dir.starts_with(&ws.root)) {
        roots.push(ws.root.clone());
    }
    let mut outside: Vec<&Utf8Path> = ws
        .packages
        .iter()
        .map(|p| p.dir.as_path())
        .chain(externals.iter().map(Utf8PathBuf::as_path))
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

/// Which directories the walk enters: those inside a member or an external path package, and
/// the ancestors leading to one. Target directories and `.git` are never entered.
struct DirFilter {
    member_dirs: HashSet<Utf8PathBuf>,
    ancestors: HashSet<Utf8PathBuf>,
    target_dirs: HashSet<Utf8PathBuf>,
}

impl DirFilter {
    fn new(ws: &Workspace, externals: &[Utf8PathBuf]) -> DirFilter {
        let member_dirs: HashSet<Utf8PathBuf> = ws
            .packages
            .iter()
            .map(|p| p.dir.clone())
            .chain(externals.iter().cloned())
            .collect();
        let ancestors = member_dirs
            .iter()
            .flat_map(|d| d.ancestors().skip(1))
            .map(Utf8Path::to_path_buf)
            .collect();
        DirFilter {
            member_dirs,
            ancestors,
            // An external package built on its own has a target directory of its own.
            target_dirs: std::iter::once(ws.target_dir.clone())
                .chain(externals.iter().map(|d| d.join("target")))
                .collect(),
        }
    }

    fn keep(&self, path: &Utf8Path, file_type: Option<std::fs::FileType>) -> bool {
        if path.file_name() == Some(".git") || self.target_dirs.contains(path) {
            return false;
        }
        if !file_type.is_some_and(|t| t.is_dir()) {
            return true;
        }
        self.ancestors.contains(path) || path.ancestors().any(|a| self.member_dirs.contains(a))
    }
}
