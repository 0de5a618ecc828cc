//! The budget history: one JSON line per gate run in `<state_dir>/budget-history.jsonl`.
//!
//! It lives in the state directory, not next to `ratchet.toml`, because it is a per-machine
//! record that changes on every run: committed, it would conflict on every merge. CI keeps it
//! across runs by caching that one file (see docs/budgets.md).

use std::io::Write;

use camino::Utf8PathBuf;
use ratchet_events::budget::BudgetSnapshot;
use ratchet_graph::Workspace;

use crate::error::BudgetError;

/// The history file of `ws`.
pub fn path(ws: &Workspace) -> Utf8PathBuf {
    ws.state_dir().join("budget-history.jsonl")
}

/// Every readable entry, oldest first. Lines that do not parse (a foreign version, a torn
/// write) are skipped: the history informs, it never decides.
pub fn read(ws: &Workspace) -> Vec<BudgetSnapshot> {
    let text = std::fs::read_to_string(path(ws)).unwrap_or_default();
    text.lines()
        .filter_map(|line| serde_json::from_str::<BudgetSnapshot>(line).ok())
        .filter(|s| s.version == ratchet_events::VERSION)
        .collect()
}

/// The most recent entry.
pub fn last(ws: &Workspace) -> Option<BudgetSnapshot> {
    read(ws).pop()
}

/// Appends `snapshot`, under a lock so concurrent gates do not interleave, rewriting the file
/// atomically so a crash never leaves half a line.
pub fn append(ws: &Workspace, snapshot: &BudgetSnapshot) -> Result<(), BudgetError> {
    let file = path(ws);
    let _lock = ratchet_store::Lock::acquire(file.with_extension("lock").as_std_path())?;
    let mut text = std::fs::read(&file).unwrap_or_default();
    if !text.is_empty() && !text.ends_with(b"\n") {
        text.push(b'\n');
    }
    let line = serde_json::to_string(snapshot).map_err(|e| BudgetError::Walk {
        path: file.clone().into_std_path_buf(),
        message: e.to_string(),
    })?;
    let _ = writeln!(text, "{line}");
    ratchet_store::write_atomic(file.as_std_path(), &text)?;
    Ok(())
}
