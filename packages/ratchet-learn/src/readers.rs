//! The reverse question, for `affected --since` and `watch`: which packages read a path that
//! is not among their own files.

use std::collections::{BTreeSet, HashMap};

use camino::{Utf8Path, Utf8PathBuf};
use ratchet_graph::Workspace;

use crate::paths::absolute;
use crate::{LearnError, Learned, declared_inputs};

/// Packages by the inputs beyond their own files they were seen to read or declare.
#[derive(Debug, Default)]
pub struct Readers {
    files: HashMap<Utf8PathBuf, BTreeSet<String>>,
    /// Directories whose listing (`dir/`) or whole tree (`dir/**`) a package read.
    dirs: Vec<(Utf8PathBuf, String)>,
    declared: Vec<(globset::GlobMatcher, String)>,
}

impl Readers {
    /// From the state file and the members' declared inputs.
    pub fn load(ws: &Workspace) -> Result<Readers, LearnError> {
        let mut readers = Readers::default();
        for (package, files) in Learned::load(ws).inputs(ws).files {
            for file in files {
                let path = absolute(&ws.root, &file);
                if file.ends_with('/') || file.ends_with("/**") {
                    readers.dirs.push((path, package.clone()));
                } else {
                    readers
                        .files
                        .entry(path)
                        .or_default()
                        .insert(package.clone());
                }
            }
        }
        for (package, inputs) in declared_inputs(ws)? {
            for input in inputs {
                // Checked when declared inputs were read.
                if let Ok(matcher) = input.matcher() {
                    readers.declared.push((matcher, package.clone()));
                }
            }
        }
        Ok(readers)
    }

    /// The packages reading `path` (absolute, with the workspace root as cargo names it).
    pub fn readers_of(&self, path: &Utf8Path) -> BTreeSet<String> {
        let mut out = self.files.get(path).cloned().unwrap_or_default();
        for (dir, package) in &self.dirs {
            // A change below a listed directory may add or remove one of its entries.
            if path.starts_with(dir) {
                out.insert(package.clone());
            }
        }
        for (matcher, package) in &self.declared {
            if matcher.is_match(path) {
                out.insert(package.clone());
            }
        }
        out
    }

    /// Whether no package reads anything beyond its own files.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty() && self.dirs.is_empty() && self.declared.is_empty()
    }
}
