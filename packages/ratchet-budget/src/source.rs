//! Counting a package's own files: Rust lines, the longest file, bytes.
//!
//! One walk from the workspace root honours `.gitignore` (with or without a git repository),
//! skips build output, follows symlinks as fingerprints do (a dangling one counts as its
//! target's text), and gives each file to its owner, so nested packages count for themselves.

use std::collections::HashSet;

use camino::{Utf8Path, Utf8PathBuf};
use ratchet_graph::Workspace;
use serde::{Deserialize, Serialize};

use crate::error::BudgetError;

/// What a package's files measure.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceStats {
    /// Lines of every `.rs` file.
    pub lines: u64,
    /// Bytes of every file.
    pub bytes: u64,
    /// `.rs` files by line count, largest first, relative to the workspace root.
    pub files: Vec<(String, u64)>,
}

impl SourceStats {
    /// Lines of the longest `.rs` file (0 when there is none).
    pub fn longest_file(&self) -> u64 {
        self.files.first().map_or(0, |f| f.1)
    }
}

/// Measures every package in one walk from the workspace root: each file counts for its owner
/// (the package whose directory is the longest prefix of its path), so nested packages count
/// for themselves and files outside every package for none. Members outside the root directory
/// are walked on their own. Indexed by [`ratchet_graph::PkgIx`].
pub fn measure_all(ws: &Workspace) -> Result<Vec<SourceStats>, BudgetError> {
    let mut stats = vec![SourceStats::default(); ws.packages.len()];
    let outside = ws.packages.iter().filter(|p| !p.dir.starts_with(&ws.root));
    let roots: Vec<Utf8PathBuf> = std::iter::once(ws.root.clone())
        .chain(outside.map(|p| p.dir.clone()))
        .collect();
    for root in &roots {
        walk(ws, root, &mut stats)?;
    }
    for s in &mut stats {
        s.files
            .sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    }
    Ok(stats)
}

fn walk(ws: &Workspace, root: &Utf8Path, stats: &mut [SourceStats]) -> Result<(), BudgetError> {
    let target = ws.target_dir.clone();
    let package_dirs: HashSet<Utf8PathBuf> = ws.packages.iter().map(|p| p.dir.clone()).collect();
    // The workspace's target directory, and a `target` right inside a package (left by building
    // that package on its own), are build output, not sources.
    let is_output = move |path: &std::path::Path| {
        path == target.as_std_path()
            || (path.file_name().is_some_and(|n| n == "target")
                && path
                    .parent()
                    .and_then(Utf8Path::from_path)
                    .is_some_and(|p| package_dirs.contains(p)))
    };
    let walker = ignore::WalkBuilder::new(root)
        .require_git(false)
        .follow_links(true)
        .filter_entry(move |entry| !is_output(entry.path()))
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                dangling(ws, root, e, stats)?;
                continue;
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let owner = Utf8Path::from_path(entry.path()).and_then(|p| ws.owner_of(p));
        if let Some(ix) = owner {
            add_file(ws, entry.path(), &mut stats[ix])?;
        }
    }
    Ok(())
}

/// A symlink that points nowhere counts as the text of its target, as fingerprints hash it;
/// any other walk error is an error.
fn dangling(
    ws: &Workspace,
    root: &Utf8Path,
    err: ignore::Error,
    stats: &mut [SourceStats],
) -> Result<(), BudgetError> {
    let path = match &err {
        ignore::Error::WithPath { path, .. } if !path.exists() => Some(path),
        _ => None,
    };
    let Some((path, target)) = path.and_then(|p| Some((p, std::fs::read_link(p).ok()?))) else {
        return Err(BudgetError::Walk {
            path: root.to_path_buf().into_std_path_buf(),
            message: err.to_string(),
        });
    };
    if let Some(ix) = Utf8Path::from_path(path).and_then(|p| ws.owner_of(p)) {
        stats[ix].bytes += target.as_os_str().len() as u64;
    }
    Ok(())
}

fn add_file(
    ws: &Workspace,
    path: &std::path::Path,
    stats: &mut SourceStats,
) -> Result<(), BudgetError> {
    let walk_error = |e: std::io::Error| BudgetError::Walk {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    if path.extension().is_none_or(|e| e != "rs") {
        // Only Rust files need reading; the size of the others is in their metadata.
        stats.bytes += std::fs::metadata(path).map_err(walk_error)?.len();
        return Ok(());
    }
    let bytes = std::fs::read(path).map_err(walk_error)?;
    stats.bytes += bytes.len() as u64;
    let lines = count_lines(&bytes);
    stats.lines += lines;
    let shown = Utf8Path::from_path(path)
        .map(|p| p.strip_prefix(&ws.root).unwrap_or(p).to_string())
        .unwrap_or_else(|| path.display().to_string());
    stats.files.push((shown, lines));
    Ok(())
}

/// Lines as an editor counts them: a last line without a newline still counts.
pub fn count_lines(bytes: &[u8]) -> u64 {
    let newlines = bytes.iter().filter(|b| **b == b'\n').count() as u64;
    match bytes.last() {
        Some(b'\n') | None => newlines,
        Some(_) => newlines + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::count_lines;

    #[test]
    fn counts_lines_like_an_editor() {
        assert_eq!(count_lines(b""), 0);
        assert_eq!(count_lines(b"a"), 1);
        assert_eq!(count_lines(b"a\n"), 1);
        assert_eq!(count_lines(b"a\nb"), 2);
        assert_eq!(count_lines(b"\n\n"), 2);
    }
}
