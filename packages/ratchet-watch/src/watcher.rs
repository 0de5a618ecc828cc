//! The [`Watcher`]: a backend thread turns raw notify events into pending changes (raising the
//! current run's [`CancelToken`] at the first relevant one), and [`Watcher::next_batch`] waits
//! on the caller's thread until they have been quiet for the debounce period.
//!
//! The debouncing is done here rather than with `notify-debouncer-*`: those debounce raw
//! events before any filtering, so cargo's own writes into `target/` during a run would keep a
//! batch from settling, and a run could only be cancelled a debounce period after the change
//! that made it stale instead of at once.

use std::collections::BTreeMap;
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use camino::{Utf8Path, Utf8PathBuf};
use ratchet_graph::{LoadOptions, Workspace};

use crate::batch::{Born, Classifier};
use crate::filter::Filter;
use crate::{CancelToken, ChangeBatch, WatchError, WatchOptions};

mod worker;

use worker::{Msg, Worker};

/// Watches one workspace until dropped.
pub struct Watcher {
    shared: Arc<Shared>,
    classifier: Arc<Classifier>,
    debounce: Duration,
    tx: Sender<Msg>,
    worker: Option<JoinHandle<()>>,
}

/// State shared by the backend thread and the caller.
struct Shared {
    state: Mutex<State>,
    wake: Condvar,
    ws: Mutex<Arc<Workspace>>,
}

#[derive(Default)]
struct State {
    pending: BTreeMap<Utf8PathBuf, Born>,
    /// The pending changes raised `current`: the run in progress was stopped for them.
    raised: bool,
    lost_events: bool,
    first_change: Option<Instant>,
    last_change: Option<Instant>,
    /// The token of the batch handed out last; the next relevant change raises it.
    current: CancelToken,
    start_batch: bool,
    /// Hash of `Cargo.lock` as last accounted for: cargo rewrites the lockfile when the graph
    /// is reloaded after a manifest edit, and that write is not a new change.
    lockfile: Option<u64>,
    /// The graph is being reloaded: `Cargo.lock` writes are cargo's, not the user's.
    reloading: bool,
    stopped: bool,
    error: Option<WatchError>,
}

/// Changes taken out of [`State`] for one batch.
struct Taken {
    paths: BTreeMap<Utf8PathBuf, Born>,
    raised: bool,
    global: bool,
    cancel: CancelToken,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn workspace(&self) -> Arc<Workspace> {
        Arc::clone(&self.ws.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl Watcher {
    /// Starts watching every directory of `ws` that is not ignored. Changes made after this
    /// returns are seen.
    pub fn start(ws: &Workspace, options: WatchOptions) -> Result<Watcher, WatchError> {
        let classifier = Arc::new(Classifier::new(&ws.root, &options.extra_global_inputs)?);
        classifier.refresh_readers(ws);
        let (filter, dirs) = Filter::build(ws.root.as_std_path(), ws.target_dir.as_std_path())
            .map_err(|source| WatchError::Read {
                path: ws.root.clone(),
                source,
            })?;
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                start_batch: options.run_at_start,
                lockfile: lockfile_hash(&ws.root),
                ..State::default()
            }),
            wake: Condvar::new(),
            ws: Mutex::new(Arc::new(ws.clone())),
        });
        let (tx, rx) = mpsc::channel();
        let worker = Worker::new(
            &ws.root,
            filter,
            &dirs,
            tx.clone(),
            Arc::clone(&shared),
            Arc::clone(&classifier),
        )?;
        let worker = std::thread::spawn(move || worker.run(rx));
        Ok(Watcher {
            shared,
            classifier,
            debounce: options.debounce,
            tx,
            worker: Some(worker),
        })
    }

    /// Blocks until a batch of relevant changes has been quiet for the debounce period and
    /// returns it; `Ok(None)` once the watcher was stopped. A backend failure (a watch limit
    /// reached) is returned once as an error; the watcher is stopped after it.
    pub fn next_batch(&self) -> Result<Option<ChangeBatch>, WatchError> {
        self.next_batch_until(None)
    }

    /// Like [`Watcher::next_batch`], but gives up with `Ok(None)` after `timeout`.
    pub fn next_batch_timeout(&self, timeout: Duration) -> Result<Option<ChangeBatch>, WatchError> {
        self.next_batch_until(Some(Instant::now() + timeout))
    }

    /// Whether relevant changes arrived that no batch has carried yet.
    pub fn changes_pending(&self) -> bool {
        let state = self.shared.state();
        !state.pending.is_empty() || state.lost_events
    }

    /// The workspace graph as last loaded (reloaded when a manifest or global input changes).
    pub fn workspace(&self) -> Arc<Workspace> {
        self.shared.workspace()
    }

    /// A handle that stops the watcher from any thread (a Ctrl-C handler, say).
    pub fn stopper(&self) -> Stopper {
        Stopper(Arc::clone(&self.shared))
    }

    fn next_batch_until(
        &self,
        deadline: Option<Instant>,
    ) -> Result<Option<ChangeBatch>, WatchError> {
        while let Some(taken) = self.wait_for_quiet(deadline)? {
            let batch = self.classify(taken);
            // Changes can all turn out irrelevant once the graph is reloaded (a manifest
            // outside the members); then there is nothing to hand out.
            if batch.global || !batch.packages.is_empty() {
                return Ok(Some(batch));
            }
        }
        Ok(None)
    }

    fn wait_for_quiet(&self, deadline: Option<Instant>) -> Result<Option<Taken>, WatchError> {
        let mut state = self.shared.state();
        loop {
            // An error stops the watcher (its backend thread has ended): report it once, then
            // behave as stopped.
            if let Some(error) = state.error.take() {
                return Err(error);
            }
            if state.stopped {
                return Ok(None);
            }
            let now = Instant::now();
            let due = if state.start_batch {
                Some(now)
            } else {
                self.due(&state)
            };
            if due.is_some_and(|due| now >= due) {
                return Ok(Some(take(&mut state)));
            }
            if deadline.is_some_and(|deadline| now >= deadline) {
                return Ok(None);
            }
            let wake_at = match (due, deadline) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            state = match wake_at {
                Some(at) => {
                    let wait = self.shared.wake.wait_timeout(state, at - now);
                    wait.unwrap_or_else(PoisonError::into_inner).0
                }
                None => self
                    .shared
                    .wake
                    .wait(state)
                    .unwrap_or_else(PoisonError::into_inner),
            };
        }
    }

    /// When the pending changes are due: after the quiet period, but no later than a ceiling
    /// counted from the first change, so a file written without pause still gets runs.
    fn due(&self, state: &State) -> Option<Instant> {
        if state.pending.is_empty() && !state.lost_events {
            return None;
        }
        let ceiling = (self.debounce * 10).max(Duration::from_secs(1));
        let quiet = state.last_change? + self.debounce;
        Some(quiet.min(state.first_change? + ceiling))
    }

    fn classify(&self, taken: Taken) -> ChangeBatch {
        let mut global = taken.global;
        if self.classifier.needs_reload(taken.paths.keys()) {
            self.shared.state().reloading = true;
            let reloaded = self.reload_graph();
            let root = self.workspace().root.clone();
            let mut state = self.shared.state();
            state.lockfile = lockfile_hash(&root);
            state.reloading = false;
            // A manifest mid-edit: keep the old graph; the run will report the error.
            global |= reloaded.is_err();
        }
        let ws = self.workspace();
        (self.classifier).batch(&ws, taken.paths, taken.raised, global, taken.cancel)
    }

    fn reload_graph(&self) -> Result<(), ratchet_graph::GraphError> {
        let root = self.workspace().root.clone();
        let ws = ratchet_graph::load(&LoadOptions {
            manifest_path: Some(root.join("Cargo.toml")),
            refresh: false,
            // `watch` runs `check`, which builds: the lock may be brought up to date.
            update_lock: true,
        })?;
        *self
            .shared
            .ws
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Arc::new(ws);
        Ok(())
    }
}

/// A hash of the workspace's `Cargo.lock` (`None` when there is none).
fn lockfile_hash(root: &Utf8Path) -> Option<u64> {
    let text = std::fs::read(root.join("Cargo.lock")).ok()?;
    let mut hasher = std::hash::DefaultHasher::new();
    std::hash::Hash::hash(&text, &mut hasher);
    Some(std::hash::Hasher::finish(&hasher))
}

fn take(state: &mut State) -> Taken {
    let lost_events = std::mem::take(&mut state.lost_events);
    let start_batch = std::mem::take(&mut state.start_batch);
    state.first_change = None;
    state.last_change = None;
    state.current = CancelToken::new();
    Taken {
        paths: std::mem::take(&mut state.pending),
        raised: std::mem::take(&mut state.raised),
        global: lost_events || start_batch,
        cancel: state.current.clone(),
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.tx.send(Msg::Stop);
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

/// Stops a [`Watcher`] from another thread: [`Watcher::next_batch`] returns `Ok(None)` and
/// the token of the run in progress is raised.
#[derive(Clone)]
pub struct Stopper(Arc<Shared>);

impl Stopper {
    /// Stops the watcher and cancels the run in progress.
    pub fn stop(&self) {
        let mut state = self.0.state();
        state.stopped = true;
        state.current.cancel();
        self.0.wake.notify_all();
    }
}

impl std::fmt::Debug for Stopper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Stopper")
    }
}
