//! The machine-readable face of ratchet: every JSON document and NDJSON event it prints, and
//! the exit codes it returns.
//!
//! Agents and CI parse these, so they are a contract: every top-level object carries
//! [`VERSION`], fields are only added (never renamed or removed) within a version, and
//! `docs/json.md` documents each shape. This package holds plain serde types and nothing else:
//! no I/O, no logic.

pub mod affected;
pub mod budget;
pub mod check;
pub mod measure;
pub mod rules;
pub mod watch;

/// The format version carried by every JSON object ratchet prints.
pub const VERSION: u32 = 1;

/// Exit codes, the same for every subcommand.
pub mod exit {
    /// Everything asked for passed.
    pub const OK: u8 = 0;
    /// A step (check, clippy, test, rules, ...) failed.
    pub const FAILED: u8 = 1;
    /// Usage or input error: bad flags, unknown package or ref, broken manifest or config.
    pub const USAGE: u8 = 2;
    /// A budget in `ratchet.toml` was exceeded (a failed step still wins with 1).
    pub const BUDGET: u8 = 3;
}
