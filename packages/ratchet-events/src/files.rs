//! Events of the commands that write or remove files rather than report on the workspace:
//! `budget init`, `budget tighten` (its end), `rules baseline`, `report` and `gc`, each one
//! JSON object (with `--message-format json`) saying what was written or removed, and where.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `budget init`: the first `[budget]` section written into `ratchet.toml`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct BudgetInit {
    /// Always [`crate::VERSION`].
    pub version: u32,
    /// The file written, relative to the workspace root (`ratchet.toml`).
    pub file: String,
    /// The TOML text appended to it.
    pub section: String,
    /// Whether time ceilings were written: none until a `check` has recorded build times.
    pub time_ceilings: bool,
}

/// `budget tighten`: the end of the run, after one `budget_tightened` per ceiling lowered.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct BudgetTightenSummary {
    /// Always [`crate::VERSION`].
    pub version: u32,
    /// Ceilings lowered (or that would be, for a dry run).
    pub lowered: usize,
    /// `--dry-run`: nothing was written.
    pub dry_run: bool,
    /// The file the ceilings live in, relative to the workspace root (`ratchet.toml`).
    pub file: String,
}

/// `rules baseline`: today's violations recorded as accepted.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct RulesBaseline {
    /// Always [`crate::VERSION`].
    pub version: u32,
    /// Violations the baseline now accepts.
    pub accepted: usize,
    /// The baseline file written, relative to the workspace root.
    pub file: String,
}

/// `report`: the budget history written as an HTML page.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct ReportWritten {
    /// Always [`crate::VERSION`].
    pub version: u32,
    /// The page written, as given or under the workspace's target directory (absolute).
    pub file: String,
    /// Gate runs of the history drawn.
    pub runs: usize,
}

/// `gc`: one per way it ran (`--keep-runs`, then `--max-size`): the size of ratchet's state
/// directory before and after, and what went.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct Gc {
    /// Always [`crate::VERSION`].
    pub version: u32,
    /// The state directory (`<target>/ratchet`), absolute.
    pub dir: String,
    /// Bytes it used before.
    pub before: u64,
    /// Bytes it uses after (as estimated, for a dry run).
    pub after: u64,
    /// `--max-size`: the cap, in bytes (`None` for a `--keep-runs` sweep).
    pub cap: Option<u64>,
    /// `--keep-runs`: the runs of `check` whose units were kept (`None` for a cap).
    pub keep_runs: Option<usize>,
    /// `--keep-runs`: the runs on record, when fewer than asked (then nothing was removed).
    pub short_of_runs: Option<usize>,
    /// `--dry-run`: nothing was removed.
    pub dry_run: bool,
    /// What was removed (or would be), relative to `dir`, with its bytes.
    pub removed: Vec<GcRemoved>,
}

/// One directory or file `gc` removed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct GcRemoved {
    /// Relative to the state directory.
    pub path: String,
    /// Its bytes.
    pub bytes: u64,
}
