//! The layout of ratchet's state directory, `<target>/ratchet/`: every file and directory
//! ratchet keeps there is named here and only here, with the package that owns it. Callers
//! join these names to the state directory (`Workspace::state_dir`, or the path they were
//! given). Every file is a cache or a record: deleting the directory loses passes, never
//! correctness.

/// The state directory's name under cargo's target directory.
pub const DIR: &str = "ratchet";

/// ratchet-cache: one JSON file of passes per package.
pub const VERDICTS: &str = "verdicts";
/// ratchet-cache: the lock a whole `check` run holds.
pub const CHECK_LOCK: &str = "check.lock";
/// ratchet-graph: the package graph, keyed by what `cargo metadata` would read.
pub const GRAPH: &str = "graph.json";
/// ratchet-graph: `rustc -vV`, keyed by the toolchain files.
pub const TOOLCHAIN: &str = "toolchain.json";
/// ratchet-fingerprint: the last known-good fingerprints (the baseline of `affected`).
pub const FINGERPRINTS: &str = "fingerprints.json";
/// ratchet-fingerprint: content hashes by stat.
pub const STAT_CACHE: &str = "stat-cache.json";
/// ratchet-fingerprint: each member's file listing, by directory stats.
pub const LISTING: &str = "listing.json";
/// ratchet-fingerprint: written just before the steps start; its change time marks the run.
pub const RUN_START: &str = "run-start";
/// ratchet-learn: inputs learned from builds and observed in tests.
pub const LEARNED_INPUTS: &str = "learned-inputs.json";
/// ratchet-freshness: per package, the hash of what its build read when last built.
pub const BUILD_INPUTS: &str = "build-inputs.json";
/// ratchet-gc: what the last runs of `check` used of the build directory (`gc --keep-runs`).
pub const GC_RUNS: &str = "gc-runs.json";
/// ratchet-run: cargo's target directory for ratchet's own builds.
pub const BUILD: &str = "build";
/// ratchet-run: whether clippy's driver is in the toolchain.
pub const LINT_TOOL: &str = "lint-tool.json";
/// ratchet-run (ratchet-schedule's format): each test binary's last duration.
pub const TEST_DURATIONS: &str = "test-durations.json";
/// ratchet-run: `[steps.test]`'s slow period and timeout as nextest configuration.
pub const NEXTEST_TOOL_CONFIG: &str = "nextest-tool.toml";
/// ratchet-scan: which Rust files name `cfg(clippy)`, by content hash.
pub const CFG_CLIPPY: &str = "cfg-clippy.json";
/// ratchet-process: the observer library and its logs.
pub const OBSERVE: &str = "observe";
/// ratchet-wrapper: one line per rustc call of the current run.
pub const RUSTC_CALLS: &str = "rustc-calls.jsonl";
/// ratchet-wrapper (read by ratchet-timing and ratchet-budget): build costs per package.
pub const BUILD_COSTS: &str = "build-costs.json";
/// ratchet-wrapper (read by ratchet-ci's shard predictions): each rustc call's last few CPU times.
pub const BUILD_HISTORY: &str = "build-history.json";
/// ratchet-budget: one snapshot of the measures per gate.
pub const BUDGET_HISTORY: &str = "budget-history.jsonl";
/// ratchet-budget: scratch workspace for measuring with plain rustc.
pub const BUDGET_SCRATCH: &str = "budget-scratch";
/// ratchet-cli (`report`): the budget history page.
pub const BUDGET_REPORT: &str = "budget-report.html";
