//! Counting a package's own files: Rust lines, the longest file, bytes.
//!
//! The walk honours `.gitignore` (with or without a git repository), skips the target
//! directory, and stops at nested packages, which count for themselves.

use std::collections::BTreeSet;

use camino::{Utf8Path, Utf8PathBuf};
use ratchet_graph::{PkgIx, Workspace};
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

/// Measures the files of package `ix`.
pub fn measure_package(ws: &Workspace, ix: PkgIx) -> Result<SourceStats, BudgetError> {
    let dir = &ws.package(ix).dir;
    let nested: BTreeSet<Utf8PathBuf> = ws
        .packages
        .iter()
        .map(|p| p.dir.clone())
        .filter(|d| d != dir && d.starts_with(dir))
        .collect();
    let target = ws.target_dir.clone();
    let walker = ignore::WalkBuilder::new(dir)
        .require_git(false)
        .filter_entry(move |entry| {
            let path = entry.path();
            !(path == target.as_std_path()
                || nested.iter().any(|n| path == n.as_std_path())
                || (entry.depth() == 1 && entry.file_name() == "target"))
        })
        .build();
    let mut stats = SourceStats::default();
    for entry in walker {
        let entry = entry.map_err(|e| BudgetError::Walk {
            path: dir.clone().into_std_path_buf(),
            message: e.to_string(),
        })?;
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        add_file(ws, entry.path(), &mut stats)?;
    }
    stats
        .files
        .sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(stats)
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
