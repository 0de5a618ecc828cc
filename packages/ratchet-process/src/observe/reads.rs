//! Reading an observer log, and keeping the reads that can change a result: files and
//! directories under the workspace root, outside its target directory and `.git`.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

/// What one process tree's log says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ObservedLog {
    /// Processes that loaded the library (`+` lines).
    pub processes: usize,
    /// Whether some path could not be logged (`!` lines): the log is then incomplete.
    pub lost: bool,
    /// Absolute paths, each with whether it was opened or listed as a directory.
    pub paths: Vec<(PathBuf, bool)>,
}

impl ObservedLog {
    /// Reads the log at `path` and removes it; `None` when it does not exist (no process
    /// loaded the library).
    pub fn read(path: &Path) -> Option<ObservedLog> {
        let text = std::fs::read(path).ok()?;
        let _ = std::fs::remove_file(path);
        let mut log = ObservedLog::default();
        for line in String::from_utf8_lossy(&text).lines() {
            match line.split_once(' ') {
                Some((kind, path)) => log.paths.push((PathBuf::from(path), kind == "d")),
                None if line == "+" => log.processes += 1,
                None => log.lost = true,
            }
        }
        Some(log)
    }

    /// Whether the library loaded and every path was logged.
    pub fn complete(&self) -> bool {
        self.processes > 0 && !self.lost
    }
}

/// Which observed paths count: those under `root` and under none of the excluded directories.
#[derive(Debug, Clone)]
pub struct Reads {
    root: PathBuf,
    excluded: Vec<PathBuf>,
}

impl Reads {
    /// Reads under `root` (the workspace root), minus `root/.git` and `excluded` (the target
    /// directory). Paths are compared after resolving symbolic links.
    pub fn new(root: &Path, excluded: &[&Path]) -> Reads {
        let root = resolve(root);
        let mut all: Vec<PathBuf> = excluded.iter().map(|p| resolve(p)).collect();
        all.push(root.join(".git"));
        Reads {
            root,
            excluded: all,
        }
    }

    /// The paths of `log` that count, relative to the root with `/` separators; a directory
    /// (listed, opened as one, or one now) ends with `/`, and the root itself is `./`.
    pub fn relevant(&self, log: &ObservedLog) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut kept = BTreeSet::new();
        for (path, listed) in &log.paths {
            if !seen.insert((path, listed)) {
                continue;
            }
            let path = resolve(path);
            let Ok(relative) = path.strip_prefix(&self.root) else {
                continue;
            };
            if self.excluded.iter().any(|e| path.starts_with(e)) {
                continue;
            }
            let mut text: String = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            if *listed || path.is_dir() {
                if text.is_empty() {
                    text.push('.');
                }
                text.push('/');
            }
            if !text.is_empty() {
                kept.insert(text);
            }
        }
        kept
    }
}

/// `path` with symbolic links resolved where it exists, and `.` and `..` taken lexically in
/// the part that does not (a test may look for a file that is not there).
fn resolve(path: &Path) -> PathBuf {
    if let Ok(real) = std::fs::canonicalize(path) {
        return real;
    }
    let mut missing = Vec::new();
    let mut existing = path;
    loop {
        match existing.parent() {
            Some(parent) => {
                if let Some(name) = existing.file_name() {
                    missing.push(name.to_os_string());
                } else {
                    missing.push("..".into());
                }
                existing = parent;
                if let Ok(real) = std::fs::canonicalize(existing) {
                    return lexical(real, missing.iter().rev().map(Path::new));
                }
            }
            None => return lexical(PathBuf::new(), std::iter::once(path)),
        }
    }
}

/// `base` joined with `parts`, `..` removing a component and `.` nothing.
fn lexical<'a>(mut base: PathBuf, parts: impl Iterator<Item = &'a Path>) -> PathBuf {
    for part in parts {
        for component in part.components() {
            match component {
                Component::CurDir => {}
                Component::ParentDir => {
                    base.pop();
                }
                other => base.push(other),
            }
        }
    }
    base
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn paths_under_the_root_count_and_the_rest_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("a/data")).unwrap();
        std::fs::create_dir_all(root.join("target/debug")).unwrap();
        std::fs::write(root.join("testdata"), "t").unwrap();
        let log = ObservedLog {
            processes: 1,
            lost: false,
            paths: vec![
                (root.join("a/src/../../testdata"), false),
                (root.join("a/data"), true),
                (root.join("a/gone/../missing.txt"), false),
                (root.join("target/debug/x"), false),
                (root.join(".git/HEAD"), false),
                (root.clone(), false),
                ("/etc/passwd".into(), false),
            ],
        };
        let reads = Reads::new(&root, &[&root.join("target")]).relevant(&log);
        let reads: Vec<&str> = reads.iter().map(String::as_str).collect();
        assert_eq!(reads, ["./", "a/data/", "a/missing.txt", "testdata"]);
    }
}
