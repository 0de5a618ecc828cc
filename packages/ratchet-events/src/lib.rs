//! The machine-readable face of ratchet: every JSON document and NDJSON event it prints (one
//! protocol, [`Event`]), the exit codes it returns, and the state files other tools may read.
//!
//! Agents and CI parse these, so they are a contract: every object printed is an [`Event`],
//! tagged by its `event` field and carrying the protocol [`VERSION`]; fields are only added
//! (never renamed or removed) within a version; keys and enum values are snake_case.
//! `docs/json.md` documents each event and `docs/events.schema.json` is the JSON Schema
//! generated from these types. This package holds plain serde types and nothing else: no I/O,
//! no logic, no other ratchet package.

pub mod affected;
pub mod budget;
pub mod check;
mod event;
pub mod files;
pub mod graph;
pub mod hash;
pub mod measure;
pub mod plan;
pub mod rules;
pub mod watch;

pub use event::Event;

/// The version of the event protocol, carried by every JSON object ratchet prints. Bumped only
/// for a breaking change (a field renamed, removed or retyped), which `docs/json.md` lists.
pub const VERSION: u32 = 2;

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
