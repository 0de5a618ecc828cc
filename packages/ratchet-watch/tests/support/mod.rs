//! A small real workspace on disk (two packages, a `.gitignore`, a `.git/info/exclude`) and
//! helpers to edit it and wait for batches with generous failure guards.

#![allow(clippy::unwrap_used, dead_code)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use camino::Utf8PathBuf;
use ratchet_graph::{LoadOptions, Workspace};
use ratchet_watch::{ChangeBatch, WatchOptions, Watcher};

/// Long enough for a loaded 2-core machine; only ever a failure guard, never a measurement.
pub const GUARD: Duration = Duration::from_secs(20);

pub struct Fixture {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
    pub ws: Workspace,
}

fn manifest(name: &str, deps: &str) -> String {
    format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n{deps}")
}

impl Fixture {
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let beta = manifest("beta", "[dependencies]\nalpha = { path = \"../alpha\" }\n");
        let files = [
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"crates/*\"]\nresolver = \"2\"\n".to_string(),
            ),
            (
                ".gitignore",
                "/target\n*.log\n/scratch/\ngenerated/\n".into(),
            ),
            (".git/info/exclude", "*.local\n".into()),
            ("README.md", "a workspace\n".into()),
            ("crates/alpha/Cargo.toml", manifest("alpha", "")),
            ("crates/alpha/src/lib.rs", "pub fn a() {}\n".into()),
            ("crates/alpha/generated/out.rs", "// generated\n".into()),
            ("crates/beta/Cargo.toml", beta),
            ("crates/beta/src/lib.rs", "pub fn b() {}\n".into()),
            ("scratch/notes.rs", "// notes\n".into()),
        ];
        for (path, text) in files {
            write(&root, path, &text);
        }
        let manifest_path = Utf8PathBuf::from_path_buf(root.join("Cargo.toml")).unwrap();
        let ws = ratchet_graph::load(&LoadOptions {
            manifest_path: Some(manifest_path),
            refresh: false,
            update_lock: false,
        })
        .unwrap();
        Fixture {
            _dir: dir,
            root,
            ws,
        }
    }

    pub fn watch(&self, debounce_ms: u64) -> Watcher {
        let options = WatchOptions {
            debounce: Duration::from_millis(debounce_ms),
            ..WatchOptions::default()
        };
        Watcher::start(&self.ws, options).unwrap()
    }

    /// Writes `text` to `relative` (creating directories), as an editor would on save.
    pub fn write(&self, relative: &str, text: &str) {
        write(&self.root, relative, text);
    }

    pub fn append(&self, relative: &str, text: &str) {
        let path = self.root.join(relative);
        let mut old = std::fs::read_to_string(&path).unwrap();
        old.push_str(text);
        std::fs::write(path, old).unwrap();
    }
}

fn write(root: &Path, relative: &str, text: &str) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The next batch; fails the test if none comes within [`GUARD`].
pub fn next(watcher: &Watcher) -> ChangeBatch {
    watcher
        .next_batch_timeout(GUARD)
        .unwrap()
        .expect("a batch within the guard time")
}

pub fn paths(batch: &ChangeBatch) -> Vec<&str> {
    batch.paths.iter().map(|p| p.as_str()).collect()
}

pub fn packages(batch: &ChangeBatch) -> Vec<&str> {
    batch.packages.iter().map(String::as_str).collect()
}
