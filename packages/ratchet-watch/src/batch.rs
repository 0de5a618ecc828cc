//! What a changed path means: a global input, a manifest (the graph may have changed), a file
//! of some package, or nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use camino::{Utf8Path, Utf8PathBuf};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use ratchet_fingerprint::Readers;
use ratchet_graph::Workspace;

use crate::{CancelToken, ChangeBatch, WatchError};

/// Inputs of every package beside the fingerprints' fixed global files: a change to one may
/// change any build or verdict. The root `.gitignore` decides which files are inputs of every
/// package. (`ratchet.toml` is global when the part of it verdicts depend on changed.)
const MORE_GLOBAL_INPUTS: &[&str] = &[".gitignore", "Cargo.lock"];

/// Sorts changed paths into global, owned and irrelevant ones.
pub(crate) struct Classifier {
    root: Utf8PathBuf,
    extra_globals: GlobSet,
    /// Packages reading files beyond their own (learned, observed, declared), as of the last
    /// batch: `check` learns more as it runs, so each batch reads them again.
    readers: Mutex<Arc<Readers>>,
    /// What of `ratchet.toml` verdicts depend on, as of the last batch: an edit of `[budget]`
    /// or a comment is no change (`affected` judges it the same way).
    config_part: Mutex<Option<String>>,
}

impl Classifier {
    pub(crate) fn new(root: &Utf8Path, extra_globals: &[String]) -> Result<Classifier, WatchError> {
        let mut builder = GlobSetBuilder::new();
        for pattern in extra_globals {
            // `*` stops at `/`, as in the fingerprint walk and `affected --since`.
            let glob = GlobBuilder::new(pattern).literal_separator(true).build();
            let glob = glob.map_err(|source| WatchError::BadGlob {
                pattern: pattern.clone(),
                source,
            })?;
            builder.add(glob);
        }
        let extra_globals = builder.build().map_err(|source| WatchError::BadGlob {
            pattern: extra_globals.join(", "),
            source,
        })?;
        Ok(Classifier {
            root: root.to_path_buf(),
            extra_globals,
            readers: Mutex::new(Arc::new(Readers::default())),
            config_part: Mutex::new(config_part(root)),
        })
    }

    /// `path` relative to the workspace root (lossily, for names that are not UTF-8).
    pub(crate) fn relative(&self, path: &Path) -> Option<Utf8PathBuf> {
        let relative = path.strip_prefix(&self.root).ok()?;
        Some(Utf8PathBuf::from(relative.to_string_lossy().into_owned()))
    }

    /// The root's global inputs, the configured ones, and rustfmt's and clippy's configuration
    /// files wherever they are (they apply to the whole tree below them).
    pub(crate) fn is_global(&self, relative: &Utf8Path) -> bool {
        let name = relative.as_str();
        // Configuration above the root or in `CARGO_HOME`, kept by its absolute path.
        (relative.is_absolute() && ratchet_fingerprint::is_outer_config(&self.root, relative))
            || ratchet_fingerprint::FIXED_FILES.contains(&name)
            || MORE_GLOBAL_INPUTS.contains(&name)
            || (name == ratchet_fingerprint::CONFIG_FILE && self.config_changed())
            || ratchet_fingerprint::is_tool_config(relative)
            || self.extra_globals.is_match(relative)
    }

    /// Whether a change to `relative` makes the run in progress stale: a global input or a file
    /// some package owns. Any other path that is not ignored still waits for the next batch,
    /// where it is mapped with the graph of that moment: a file of a new member is written
    /// before the manifest that makes it one.
    pub(crate) fn stops_run(&self, ws: &Workspace, relative: &Utf8Path) -> bool {
        self.is_global(relative)
            || ws.owner_of(relative).is_some()
            || !self
                .readers()
                .readers_of(&self.root.join(relative))
                .is_empty()
    }

    /// Reads again which packages read files beyond their own; false when that failed.
    pub(crate) fn refresh_readers(&self, ws: &Workspace) -> bool {
        let (readers, ok) = match Readers::load(ws) {
            Ok(readers) => (readers, true),
            Err(_) => (Readers::default(), false),
        };
        *self.readers.lock().unwrap_or_else(PoisonError::into_inner) = Arc::new(readers);
        ok
    }

    /// Whether `ratchet.toml`'s verdict part differs from the last batch's.
    fn config_changed(&self) -> bool {
        let seen = self
            .config_part
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *seen != config_part(&self.root)
    }

    fn readers(&self) -> Arc<Readers> {
        Arc::clone(&self.readers.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Whether the graph must be reloaded before `paths` are mapped to packages.
    pub(crate) fn needs_reload<'a>(
        &self,
        mut paths: impl Iterator<Item = &'a Utf8PathBuf>,
    ) -> bool {
        paths.any(|p| self.is_global(p) || is_manifest(p))
    }

    /// Maps `paths` to packages with `ws` (already reloaded if needed). `raised` says whether
    /// these changes stopped a run: then they must not vanish, even if no package owns them
    /// any longer (a member was deleted), so such a batch is global.
    pub(crate) fn batch(
        &self,
        ws: &Workspace,
        paths: BTreeMap<Utf8PathBuf, Born>,
        raised: bool,
        global: bool,
        cancel: CancelToken,
    ) -> ChangeBatch {
        let mut batch = ChangeBatch {
            paths: Vec::new(),
            packages: BTreeSet::new(),
            global,
            cancel,
        };
        // A bad declared input: `check` reports it; meanwhile everything counts.
        batch.global |= !self.refresh_readers(ws);
        let readers = self.readers();
        for (path, born) in paths {
            let read_by = readers.readers_of(&self.root.join(&path));
            if self.is_global(&path) {
                batch.global = true;
            } else if let Some(owner) = ws.owner_of(&path) {
                batch.packages.insert(ws.package(owner).name.clone());
                batch.packages.extend(read_by);
            } else if !read_by.is_empty() {
                batch.packages.extend(read_by);
            } else {
                continue;
            }
            // Created and gone within one batch: an editor's or sed's temporary file. Its
            // package still counts; its name would only confuse the report.
            let gone = std::fs::symlink_metadata(self.root.join(&path)).is_err();
            if !(born.0 && gone) {
                batch.paths.push(path);
            }
        }
        if raised && batch.paths.is_empty() && batch.packages.is_empty() {
            batch.global = true;
        }
        *self
            .config_part
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = config_part(&self.root);
        batch
    }
}

/// [`ratchet_fingerprint::config_verdict_part`] of the `ratchet.toml` at `root` (an unreadable
/// file as if it were gone: its reappearance counts).
fn config_part(root: &Utf8Path) -> Option<String> {
    let text = std::fs::read(root.join(ratchet_fingerprint::CONFIG_FILE)).ok();
    let text = text.map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
    ratchet_fingerprint::config_verdict_part(text.as_deref())
}

/// Whether the first change seen to a path in a batch created it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Born(pub(crate) bool);

fn is_manifest(relative: &Utf8Path) -> bool {
    relative.file_name() == Some("Cargo.toml")
}
