//! The budget history: one JSON line per gate run in `<state_dir>/budget-history.jsonl`.
//!
//! Appending is O(1) and reading the last entry reads only the file's tail, so a long history
//! costs nothing per run; `report` reads it whole.
//!
//! It lives in the state directory, not next to `ratchet.toml`, because it is a per-machine
//! record that changes on every run: committed, it would conflict on every merge. CI keeps it
//! across runs by caching that one file (see docs/budgets.md).

use std::fs::OpenOptions;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use camino::Utf8PathBuf;
use ratchet_events::budget::BudgetSnapshot;
use ratchet_graph::Workspace;

use crate::error::BudgetError;

/// The history file of `ws`.
pub fn path(ws: &Workspace) -> Utf8PathBuf {
    ws.state_dir().join(ratchet_store::state::BUDGET_HISTORY)
}

/// Every readable entry, oldest first. Lines that do not parse (a foreign version, a torn
/// write) are skipped: the history informs, it never decides.
pub fn read(ws: &Workspace) -> Vec<BudgetSnapshot> {
    let text = std::fs::read_to_string(path(ws)).unwrap_or_default();
    text.lines()
        .filter_map(|line| serde_json::from_str::<BudgetSnapshot>(line).ok())
        .filter(|s| s.version == ratchet_events::measure::FILE_VERSION)
        .collect()
}

/// The most recent readable entry, reading only the end of the file (an entry of a
/// 1000-package workspace is about 100 KB; the tail read holds dozens).
pub fn last(ws: &Workspace) -> Option<BudgetSnapshot> {
    last_in(path(ws).as_std_path())
}

fn last_in(path: &Path) -> Option<BudgetSnapshot> {
    const TAIL: u64 = 8 * 1024 * 1024;
    let mut file = std::fs::File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    file.seek(SeekFrom::Start(len.saturating_sub(TAIL))).ok()?;
    let mut tail = Vec::new();
    file.read_to_end(&mut tail).ok()?;
    String::from_utf8_lossy(&tail)
        .lines()
        .rev()
        .filter_map(|line| serde_json::from_str::<BudgetSnapshot>(line).ok())
        .find(|s| s.version == ratchet_events::measure::FILE_VERSION)
}

/// Appends `snapshot` as one line, under a lock so concurrent gates do not interleave. A line
/// torn by a crash is closed first, so it costs only itself (readers skip it).
pub fn append(ws: &Workspace, snapshot: &BudgetSnapshot) -> Result<(), BudgetError> {
    append_to(path(ws).as_std_path(), snapshot)
}

fn append_to(file_path: &Path, snapshot: &BudgetSnapshot) -> Result<(), BudgetError> {
    let io_error = |e: std::io::Error| BudgetError::Walk {
        path: file_path.to_path_buf(),
        message: e.to_string(),
    };
    let _lock = ratchet_store::Lock::acquire(&file_path.with_extension("lock"))?;
    let mut line =
        serde_json::to_string(snapshot).map_err(|e| io_error(std::io::Error::other(e)))?;
    line.push('\n');
    let mut file = OpenOptions::new()
        .create(true)
        .read(true)
        .append(true)
        .open(file_path)
        .map_err(io_error)?;
    let len = file.metadata().map_err(io_error)?.len();
    if len > 0 {
        let mut last = [0u8; 1];
        file.seek(SeekFrom::Start(len - 1)).map_err(io_error)?;
        file.read_exact(&mut last).map_err(io_error)?;
        if last[0] != b'\n' {
            line.insert(0, '\n');
        }
    }
    file.write_all(line.as_bytes()).map_err(io_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(at: u64) -> BudgetSnapshot {
        BudgetSnapshot {
            version: ratchet_events::measure::FILE_VERSION,
            recorded_at: at,
            ..Default::default()
        }
    }

    #[test]
    fn a_torn_line_costs_only_itself() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("state/history.jsonl");
        assert_eq!(last_in(&file), None, "no history yet");
        append_to(&file, &entry(1)).unwrap();
        let mut f = OpenOptions::new().append(true).open(&file).unwrap();
        f.write_all(b"{\"version\":1,\"recorded_at\":2,\"pack")
            .unwrap();
        assert_eq!(
            last_in(&file).map(|s| s.recorded_at),
            Some(1),
            "torn tail skipped"
        );
        append_to(&file, &entry(3)).unwrap();
        assert_eq!(last_in(&file).map(|s| s.recorded_at), Some(3));
        let text = std::fs::read_to_string(&file).unwrap();
        assert_eq!(
            text.lines().count(),
            3,
            "the torn line was closed, not glued to the next"
        );
    }
}
