//! Disk usage as `du` counts it (blocks, each hard-linked file once: cargo links every
//! artifact of `deps/` into its profile directory) and where cargo keeps incremental data.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Bytes on disk under `path` (0 when missing); symbolic links are not followed.
pub fn disk_usage(path: &Path) -> u64 {
    let mut seen = HashSet::new();
    let mut total = 0;
    let mut stack = vec![path.to_path_buf()];
    while let Some(p) = stack.pop() {
        let Ok(meta) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        total += bytes(&meta, &mut seen);
        if meta.is_dir()
            && let Ok(entries) = std::fs::read_dir(&p)
        {
            stack.extend(entries.flatten().map(|e| e.path()));
        }
    }
    total
}

#[cfg(unix)]
fn bytes(meta: &std::fs::Metadata, seen: &mut HashSet<(u64, u64)>) -> u64 {
    use std::os::unix::fs::MetadataExt;
    if meta.nlink() > 1 && !meta.is_dir() && !seen.insert((meta.dev(), meta.ino())) {
        return 0;
    }
    meta.blocks() * 512
}

#[cfg(not(unix))]
fn bytes(meta: &std::fs::Metadata, _seen: &mut HashSet<(u64, u64)>) -> u64 {
    meta.len()
}

/// `incremental` directories of a cargo build directory: `<profile>/incremental` and
/// `<triple>/<profile>/incremental`, largest first.
pub fn incremental_dirs(build: &Path) -> Vec<PathBuf> {
    let children = |dir: &Path| -> Vec<PathBuf> {
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .flatten()
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                    .map(|e| e.path())
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut found: Vec<(u64, PathBuf)> = Vec::new();
    for level1 in children(build) {
        for dir in std::iter::once(level1.clone()).chain(children(&level1)) {
            let incremental = dir.join("incremental");
            if incremental.is_dir() {
                found.push((disk_usage(&incremental), incremental));
            }
        }
    }
    found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    found.into_iter().map(|(_, p)| p).collect()
}
