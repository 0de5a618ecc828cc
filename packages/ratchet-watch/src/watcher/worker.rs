//! The backend thread: owns the notify watcher and the ignore rules, keeps one watch on each
//! directory that is not ignored, and records relevant changes in the shared state.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender};
use std::time::Instant;

use camino::{Utf8Path, Utf8PathBuf};
use notify::{ErrorKind, Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};

use super::{Shared, lockfile_hash};
use crate::WatchError;
use crate::batch::{Born, Classifier};
use crate::filter::Filter;

/// Whether the backend watches a tree recursively by itself (FSEvents, ReadDirectoryChangesW).
/// inotify and kqueue watch one directory each, so there each non-ignored directory gets its
/// own watch and ignored trees (`target/`) get none.
const NATIVE_RECURSION: bool = cfg!(any(target_os = "macos", target_os = "windows"));

/// What the backend thread receives.
pub(super) enum Msg {
    Event(notify::Result<Event>),
    Stop,
}

/// A relevant change seen by the backend thread.
struct Seen {
    path: Utf8PathBuf,
    born: Born,
    stops_run: bool,
}

pub(super) struct Worker {
    root: Utf8PathBuf,
    backend: RecommendedWatcher,
    filter: Filter,
    watched: HashSet<PathBuf>,
    /// Configuration files above the root and in `CARGO_HOME` that cargo, rustfmt and clippy
    /// read (global inputs), and the directories holding them that are watched, one level.
    outer: Vec<Utf8PathBuf>,
    outer_watched: HashSet<Utf8PathBuf>,
    shared: Arc<Shared>,
    classifier: Arc<Classifier>,
}

impl Worker {
    /// Creates the backend and watches `dirs`, so that changes after this returns are seen.
    pub(super) fn new(
        root: &Utf8Path,
        filter: Filter,
        dirs: &[PathBuf],
        tx: Sender<Msg>,
        shared: Arc<Shared>,
        classifier: Arc<Classifier>,
    ) -> Result<Worker, WatchError> {
        let backend = notify::recommended_watcher(move |event| {
            let _ = tx.send(Msg::Event(event));
        })
        .map_err(|source| WatchError::Notify {
            path: root.to_path_buf(),
            source,
        })?;
        let mut worker = Worker {
            root: root.to_path_buf(),
            backend,
            filter,
            watched: HashSet::new(),
            outer: ratchet_fingerprint::outer_config_files(root),
            outer_watched: HashSet::new(),
            shared,
            classifier,
        };
        worker.watch_all(dirs)?;
        worker.watch_outer();
        Ok(worker)
    }

    pub(super) fn run(mut self, rx: Receiver<Msg>) {
        while let Ok(Msg::Event(event)) = rx.recv() {
            let outcome = match event {
                Ok(event) => self.handle(event),
                Err(error) => self.backend_error(error),
            };
            if let Err(error) = outcome {
                self.fail(error);
                return;
            }
        }
    }

    fn handle(&mut self, event: Event) -> Result<(), WatchError> {
        // Reads (cargo and rustc open every source file) are not changes; counting them would
        // make each run cancel itself.
        if matches!(event.kind, EventKind::Access(_)) {
            return Ok(());
        }
        let lost = event.need_rescan();
        let born = Born(matches!(event.kind, EventKind::Create(_)));
        let mut relevant = Vec::new();
        for path in &event.paths {
            match Utf8Path::from_path(path) {
                Some(outside) if !outside.starts_with(&self.root) => {
                    self.visit_outer(outside, born, &mut relevant);
                }
                _ => self.visit(path, born, &mut relevant)?,
            }
        }
        if lost {
            self.reload_rules(&mut relevant)?;
        }
        self.publish(relevant, lost);
        Ok(())
    }

    fn visit(
        &mut self,
        path: &Path,
        born: Born,
        relevant: &mut Vec<Seen>,
    ) -> Result<(), WatchError> {
        let is_dir = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir());
        if self.filter.is_ignored(path, is_dir) {
            return Ok(());
        }
        if is_dir && !self.watched.contains(path) {
            self.watch_new_tree(path, relevant)?;
        } else if !is_dir && self.watched.contains(path) {
            self.forget(path);
        }
        if path.file_name().is_some_and(|n| n == ".gitignore") {
            self.reload_rules(relevant)?;
        }
        // A directory that exists is no change by itself: its files are (a gone one is, as
        // the files it held are gone with it).
        if !is_dir {
            self.consider(path, born, relevant);
        }
        Ok(())
    }

    /// Watches a directory that appeared, and everything under it. Files may have been written
    /// into it before its watch existed, so those count as changed. A directory listed before
    /// its watch was added may have gained subdirectories in between, so the tree is listed
    /// again until a pass finds no directory without a watch.
    fn watch_new_tree(&mut self, dir: &Path, relevant: &mut Vec<Seen>) -> Result<(), WatchError> {
        loop {
            let (dirs, files) = self.filter.scan_new(dir);
            for file in files {
                self.consider(&file, Born(true), relevant);
            }
            let fresh: Vec<PathBuf> = (dirs.into_iter())
                .filter(|d| !self.watched.contains(d))
                .collect();
            if fresh.is_empty() {
                return Ok(());
            }
            self.watch_all(&fresh)?;
        }
    }

    /// Watches (one level) each existing directory that holds or would hold an outer
    /// configuration file; a directory that does not exist yet is seen created from its
    /// parent's watch, which is there (its parent is an ancestor of the root, or the home).
    fn watch_outer(&mut self) {
        let dirs: HashSet<Utf8PathBuf> = (self.outer.iter())
            .filter_map(|f| f.parent().map(Utf8Path::to_path_buf))
            .collect();
        for dir in dirs {
            if !self.outer_watched.contains(&dir)
                && dir.is_dir()
                && self
                    .backend
                    .watch(dir.as_std_path(), RecursiveMode::NonRecursive)
                    .is_ok()
            {
                self.outer_watched.insert(dir);
            }
        }
    }

    /// An event outside the root: a change to an outer configuration file is a global change
    /// (kept by its absolute path); a directory that may hold one (a new `.cargo/`) is
    /// watched, and the files already written into it count. Anything else is not ours.
    fn visit_outer(&mut self, path: &Utf8Path, born: Born, relevant: &mut Vec<Seen>) {
        let mut changed: Vec<Utf8PathBuf> = Vec::new();
        if self.outer.iter().any(|f| f == path) {
            changed.push(path.to_path_buf());
        } else if self.outer.iter().any(|f| f.parent() == Some(path)) {
            self.outer_watched.remove(path);
            self.watch_outer();
            let below = self
                .outer
                .iter()
                .filter(|f| f.starts_with(path) && f.exists());
            changed.extend(below.cloned());
        }
        for path in changed {
            relevant.push(Seen {
                path,
                born,
                stops_run: true,
            });
        }
    }

    fn consider(&self, path: &Path, born: Born, relevant: &mut Vec<Seen>) {
        let Some(relative) = self.classifier.relative(path) else {
            return;
        };
        if relative == "Cargo.lock" && !self.lockfile_changed() {
            return;
        }
        let stops_run = (self.classifier).stops_run(&self.shared.workspace(), &relative);
        relevant.push(Seen {
            path: relative,
            born,
            stops_run,
        });
    }

    /// Whether `Cargo.lock` differs from the content last accounted for (and if so, accounts
    /// for it). While the graph is reloaded, writes to it are cargo's own.
    fn lockfile_changed(&self) -> bool {
        let hash = lockfile_hash(&self.root);
        let mut state = self.shared.state();
        if state.reloading || state.lockfile == hash {
            return false;
        }
        state.lockfile = hash;
        true
    }

    /// Records the changes and, unless they can wait, raises the token of the run in progress.
    fn publish(&self, relevant: Vec<Seen>, lost: bool) {
        if relevant.is_empty() && !lost {
            return;
        }
        let now = Instant::now();
        let mut state = self.shared.state();
        let stops_run = lost || relevant.iter().any(|seen| seen.stops_run);
        for seen in relevant {
            state.pending.entry(seen.path).or_insert(seen.born);
        }
        state.lost_events |= lost;
        state.first_change.get_or_insert(now);
        state.last_change = Some(now);
        if stops_run {
            state.raised = true;
            state.current.cancel();
        }
        self.shared.wake.notify_all();
    }

    fn fail(&self, error: WatchError) {
        let mut state = self.shared.state();
        state.error = Some(error);
        state.stopped = true;
        state.current.cancel();
        self.shared.wake.notify_all();
    }

    fn backend_error(&mut self, error: notify::Error) -> Result<(), WatchError> {
        if matches!(error.kind, ErrorKind::MaxFilesWatch) {
            return Err(WatchError::WatchLimit {
                path: self.root.clone(),
            });
        }
        // Any other backend trouble may have cost events: assume everything changed.
        let mut relevant = Vec::new();
        self.reload_rules(&mut relevant)?;
        self.publish(relevant, true);
        Ok(())
    }

    /// Rebuilds the ignore rules from scratch and watches the directories they no longer
    /// hide. The files in those count as changed: they are new inputs of their packages, and
    /// may have been written before their watch existed.
    fn reload_rules(&mut self, relevant: &mut Vec<Seen>) -> Result<(), WatchError> {
        let (filter, dirs) = Filter::build(self.root.as_std_path(), self.filter.target_dir())
            .map_err(|source| WatchError::Read {
                path: self.root.clone(),
                source,
            })?;
        self.filter = filter;
        let new_dirs: Vec<PathBuf> = (dirs.into_iter())
            .filter(|d| !self.watched.contains(d))
            .collect();
        self.watch_all(&new_dirs)?;
        for dir in &new_dirs {
            for file in self.filter.files_in(dir) {
                self.consider(&file, Born(false), relevant);
            }
        }
        Ok(())
    }

    fn watch_all(&mut self, dirs: &[PathBuf]) -> Result<(), WatchError> {
        for dir in dirs {
            if self.watched.contains(dir) {
                continue;
            }
            // Where the system watches a whole tree natively at no cost per directory, one
            // recursive watch on the root serves; `watched` still tracks directories, so that
            // new ones are scanned for files written before their events.
            let (target, mode) = match NATIVE_RECURSION {
                true if !self.watched.is_empty() => {
                    self.watched.insert(dir.clone());
                    continue;
                }
                true => (self.root.as_std_path(), RecursiveMode::Recursive),
                false => (dir.as_path(), RecursiveMode::NonRecursive),
            };
            match self.backend.watch(target, mode) {
                Ok(()) => {
                    self.watched.insert(dir.clone());
                }
                Err(error) => match error.kind {
                    // Deleted between the walk and the watch: nothing left to see.
                    ErrorKind::PathNotFound => {}
                    ErrorKind::Io(ref io) if io.kind() == std::io::ErrorKind::NotFound => {}
                    ErrorKind::MaxFilesWatch => {
                        return Err(WatchError::WatchLimit {
                            path: utf8_lossy(dir),
                        });
                    }
                    _ => {
                        return Err(WatchError::Notify {
                            path: utf8_lossy(dir),
                            source: error,
                        });
                    }
                },
            }
        }
        Ok(())
    }

    /// Drops the watches of a directory that is gone (or moved), so that one created again
    /// at the same path gets a fresh watch.
    fn forget(&mut self, dir: &Path) {
        let gone: Vec<PathBuf> = self
            .watched
            .iter()
            .filter(|w| w.starts_with(dir))
            .cloned()
            .collect();
        for path in gone {
            if !NATIVE_RECURSION {
                let _ = self.backend.unwatch(&path);
            }
            self.watched.remove(&path);
        }
    }
}

fn utf8_lossy(path: &Path) -> Utf8PathBuf {
    Utf8PathBuf::from(path.to_string_lossy().into_owned())
}
