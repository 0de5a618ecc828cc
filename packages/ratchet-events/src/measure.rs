//! Build costs recorded by `check` (in `target/ratchet/build-costs.json`) for the budget gate.
//!
//! `check` writes this file after every run that compiled something; `ratchet gate` reads it.
//! It is plain JSON so that CI can keep it as an artifact and other tools can read it.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The format version of the state files `build-costs.json` and `budget-history.jsonl`;
/// independent of the event protocol's [`crate::VERSION`]. A file of another version is
/// ignored, as if missing.
pub const FILE_VERSION: u32 = 1;

/// What the last `check` measured about building the workspace.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct BuildCosts {
    /// Always [`FILE_VERSION`].
    pub version: u32,
    /// Seconds since the Unix epoch when the measurement ended.
    pub recorded_at: u64,
    /// Wall time of the last full `check` (every step over the whole selection), in ms.
    pub inner_loop_wall_ms: Option<u64>,
    /// Per workspace package, by name. Packages not rebuilt keep their last measured values.
    pub packages: BTreeMap<String, PackageCost>,
}

/// The build cost of one workspace package.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct PackageCost {
    /// CPU time (user + system) of the package's own rustc calls, in ms.
    pub cpu_ms: u64,
    /// Wall time of the package's own rustc calls, in ms.
    pub wall_ms: u64,
    /// Bytes of the artifacts cargo reported for it (rlib, rmeta, binaries).
    pub artifact_bytes: u64,
    /// One entry per rustc call (lib, bin, test, build script, ...).
    pub crates: Vec<CrateCost>,
}

/// One rustc call.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct CrateCost {
    /// The crate name rustc was given (`--crate-name`).
    pub crate_name: String,
    /// The crate type or target kind (`lib`, `bin`, `test`, `build-script`, ...).
    pub kind: String,
    /// CPU time in ms (user + system of rustc and its children).
    pub cpu_ms: u64,
    /// Wall time in ms.
    pub wall_ms: u64,
}
