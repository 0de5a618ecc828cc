//! Watching a workspace for the `watch` command.
//!
//! Owns: watching the workspace's files with `notify` (one watch per directory that is not
//! ignored, so `target/` and `.git/` cost nothing), dropping changes to the target directory,
//! `.git/`, editor scratch files and gitignored files (the rules are rebuilt when a
//! `.gitignore` changes), debouncing bursts into one [`ChangeBatch`], mapping changed paths to
//! the workspace packages that own them (reloading the graph when a manifest changes), telling
//! global inputs apart, and the [`CancelToken`] that a newer change raises so a run in
//! progress can stop at once. [`run_cancellable`] runs a child process that such a token kills,
//! with its whole process group.
//!
//! Must not: decide what to run for a batch, run cargo, or print anything. The caller (the CLI's
//! `watch`) turns batches into `check` runs and renders their outcome.

mod batch;
mod cancel;
mod child;
mod filter;
mod watcher;

use std::collections::BTreeSet;
use std::time::Duration;

use camino::Utf8PathBuf;

pub use cancel::CancelToken;
pub use child::{ChildOutcome, Stdout, run_cancellable};
pub use watcher::{Stopper, Watcher};

/// How to watch.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// Quiet period: a batch is handed out once no relevant change arrived for this long.
    pub debounce: Duration,
    /// Extra global inputs, as globs relative to the workspace root (say from ratchet.toml),
    /// on top of the root `Cargo.toml`, `Cargo.lock`, `.cargo/config.toml`, `rust-toolchain*`
    /// and `ratchet.toml`.
    pub extra_global_inputs: Vec<String>,
    /// Hand out one global batch right away, before any change, so the caller starts with a
    /// full run and knows where things stand.
    pub run_at_start: bool,
}

impl Default for WatchOptions {
    fn default() -> WatchOptions {
        WatchOptions {
            debounce: Duration::from_millis(100),
            extra_global_inputs: Vec::new(),
            run_at_start: false,
        }
    }
}

/// One debounced burst of relevant changes.
#[derive(Debug, Clone)]
pub struct ChangeBatch {
    /// Changed paths, relative to the workspace root, sorted; paths that are neither owned by a
    /// package nor global inputs are left out.
    pub paths: Vec<Utf8PathBuf>,
    /// The packages owning changed paths (by name). Not the affected set: dependents are the
    /// caller's business.
    pub packages: BTreeSet<String>,
    /// A global input changed, events were lost, or the graph could not be reloaded: treat
    /// every package as possibly affected.
    pub global: bool,
    /// Raised when a newer relevant change arrives after this batch was handed out.
    pub cancel: CancelToken,
}

impl ChangeBatch {
    /// Folds an earlier batch whose run was cancelled into this one, so its changes are not
    /// forgotten.
    pub fn absorb(&mut self, earlier: ChangeBatch) {
        self.paths.extend(earlier.paths);
        self.paths.sort();
        self.paths.dedup();
        self.packages.extend(earlier.packages);
        self.global |= earlier.global;
    }
}

/// What the caller of [`run_loop`] did with a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The run finished (passed or failed): wait for the next change.
    Finished,
    /// The run was cancelled by a newer change: carry this batch into the next one.
    Cancelled,
    /// Stop watching.
    Stop,
}

/// Hands each batch to `on_batch` until the watcher is stopped or `on_batch` says
/// [`Outcome::Stop`]. A batch whose run was cancelled is merged into the next one.
pub fn run_loop(
    watcher: &Watcher,
    mut on_batch: impl FnMut(ChangeBatch) -> Outcome,
) -> Result<(), WatchError> {
    let mut carried: Option<ChangeBatch> = None;
    while let Some(mut batch) = watcher.next_batch()? {
        if let Some(earlier) = carried.take() {
            batch.absorb(earlier);
        }
        let copy = batch.clone();
        match on_batch(batch) {
            Outcome::Finished => {}
            Outcome::Cancelled => carried = Some(copy),
            Outcome::Stop => break,
        }
    }
    Ok(())
}

/// Errors of watching.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    /// The workspace root could not be listed.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The directory concerned.
        path: Utf8PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The system's limit on watches was reached.
    #[error(
        "cannot watch {path}: too many directories are watched; raise the limit \
         (on Linux: `sudo sysctl fs.inotify.max_user_watches=524288`) or gitignore large trees"
    )]
    WatchLimit {
        /// The directory that could not be watched.
        path: Utf8PathBuf,
    },
    /// Any other failure of the file watching backend.
    #[error("cannot watch {path}: {source}")]
    Notify {
        /// The path concerned (the workspace root when the backend did not say).
        path: Utf8PathBuf,
        /// The backend's error.
        #[source]
        source: notify::Error,
    },
    /// An extra global input that is not a valid glob.
    #[error("global input `{pattern}` is not a valid glob: {source}")]
    BadGlob {
        /// The pattern as given.
        pattern: String,
        /// The parser's error.
        #[source]
        source: globset::Error,
    },
}
