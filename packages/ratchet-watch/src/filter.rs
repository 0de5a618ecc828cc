//! Which paths are not worth a run: the target directory, `.git/`, editor scratch files and
//! everything git ignores. Also the walk that finds the directories to watch, which applies the
//! same filter so that ignored trees (`target/`, `node_modules/`) cost no watches at all.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// The ignore rules of one workspace, built once and rebuilt when a `.gitignore` changes.
pub(crate) struct Filter {
    root: PathBuf,
    target_dir: PathBuf,
    /// Lowest precedence first: `core.excludesFile`, `.git/info/exclude`, then `.gitignore`
    /// files in the order they were found (a directory's before its subdirectories').
    matchers: Vec<Gitignore>,
    /// Ignore files already read, so that scanning a directory again adds no duplicate.
    loaded: HashSet<PathBuf>,
}

impl Filter {
    /// Reads the ignore files that apply to `root` (from the repository root down) and walks
    /// `root`, returning the filter and every directory that is not ignored, `root` first.
    pub(crate) fn build(root: &Path, target_dir: &Path) -> std::io::Result<(Filter, Vec<PathBuf>)> {
        let mut filter = Filter {
            root: root.to_path_buf(),
            target_dir: target_dir.to_path_buf(),
            matchers: Vec::new(),
            loaded: HashSet::new(),
        };
        filter.load_repository_rules();
        // The root's own listing must work; failures deeper down are races with deletions.
        std::fs::read_dir(root)?;
        let mut dirs = Vec::new();
        filter.walk(root, &mut dirs, &mut Vec::new());
        Ok((filter, dirs))
    }

    /// Walks a directory that appeared after the start: loads its `.gitignore` files and
    /// returns its directories to watch and the files already in it (created before a watch
    /// could see them).
    pub(crate) fn scan_new(&mut self, dir: &Path) -> (Vec<PathBuf>, Vec<PathBuf>) {
        let (mut dirs, mut files) = (Vec::new(), Vec::new());
        self.walk(dir, &mut dirs, &mut files);
        (dirs, files)
    }

    /// The files directly in `dir` that are not ignored.
    pub(crate) fn files_in(&self, dir: &Path) -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Vec::new();
        };
        (entries.flatten())
            .filter(|e| e.file_type().is_ok_and(|t| !t.is_dir()))
            .map(|e| e.path())
            .filter(|path| !self.is_ignored(path, false))
            .collect()
    }

    /// The target directory, which is always ignored.
    pub(crate) fn target_dir(&self) -> &Path {
        &self.target_dir
    }

    /// Whether a change to `path` should be ignored.
    pub(crate) fn is_ignored(&self, path: &Path, is_dir: bool) -> bool {
        self.ignores(path, is_dir, Parents::Check)
    }

    fn ignores(&self, path: &Path, is_dir: bool, parents: Parents) -> bool {
        if path.starts_with(&self.target_dir) {
            return true;
        }
        let Ok(relative) = path.strip_prefix(&self.root) else {
            return true;
        };
        if relative.components().any(|c| c.as_os_str() == ".git") {
            return true;
        }
        if path
            .file_name()
            .is_some_and(|n| is_editor_scratch(&n.to_string_lossy()))
        {
            return true;
        }
        self.git_ignores(path, is_dir, parents)
    }

    fn git_ignores(&self, path: &Path, is_dir: bool, parents: Parents) -> bool {
        // The deepest `.gitignore` that has an opinion wins, as in git.
        for matcher in self.matchers.iter().rev() {
            if !path.starts_with(matcher.path()) {
                continue;
            }
            let matched = match parents {
                Parents::Check => matcher.matched_path_or_any_parents(path, is_dir),
                Parents::KnownKept => matcher.matched(path, is_dir),
            };
            match matched {
                Match::Ignore(_) => return true,
                Match::Whitelist(_) => return false,
                Match::None => {}
            }
        }
        false
    }

    fn load_repository_rules(&mut self) {
        let repo_root = self.root.ancestors().find(|d| d.join(".git").exists());
        let Some(repo_root) = repo_root.map(Path::to_path_buf) else {
            return;
        };
        if let Some(global) = ignore::gitignore::gitconfig_excludes_path() {
            self.add_matcher(&repo_root, &global);
        }
        self.add_matcher(&repo_root, &repo_root.join(".git/info/exclude"));
        // `.gitignore` files between the repository root and the workspace root apply too.
        let above: Vec<PathBuf> = (self.root.ancestors().skip(1))
            .filter(|d| d.starts_with(&repo_root))
            .map(Path::to_path_buf)
            .collect();
        for dir in above.iter().rev() {
            self.add_matcher(dir, &dir.join(".gitignore"));
        }
    }

    fn add_matcher(&mut self, root: &Path, file: &Path) {
        if self.loaded.contains(file) || !file.is_file() {
            return;
        }
        self.loaded.insert(file.to_path_buf());
        let mut builder = GitignoreBuilder::new(root);
        // A bad line is skipped, as git skips it; the other lines still apply.
        let _ = builder.add(file);
        if let Ok(matcher) = builder.build() {
            self.matchers.push(matcher);
        }
    }

    fn walk(&mut self, dir: &Path, dirs: &mut Vec<PathBuf>, files: &mut Vec<PathBuf>) {
        self.add_matcher(dir, &dir.join(".gitignore"));
        dirs.push(dir.to_path_buf());
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut subdirs = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            // Symlinked directories are not followed: they may leave the workspace or loop.
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            if self.ignores(&path, is_dir, Parents::KnownKept) {
                continue;
            }
            if is_dir {
                subdirs.push(path);
            } else {
                files.push(path);
            }
        }
        subdirs.sort();
        for subdir in subdirs {
            self.walk(&subdir, dirs, files);
        }
    }
}

/// Whether the parent directories of a path still need matching against the ignore rules.
#[derive(Debug, Clone, Copy)]
enum Parents {
    /// Yes: a path from an event may lie anywhere.
    Check,
    /// No: the walk only enters directories that are not ignored.
    KnownKept,
}

/// Files editors write next to the one being saved (swap, backup, lock and probe files).
/// They say nothing about the code, and a run started for them would be cancelled by the real
/// save a moment later.
fn is_editor_scratch(name: &str) -> bool {
    name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swo")
        || name.ends_with(".swx")
        || name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
        || name == ".DS_Store"
}
