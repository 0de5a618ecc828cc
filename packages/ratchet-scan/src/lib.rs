//! Reading a workspace's Rust sources for what changes how `check` runs them.
//!
//! Owns: whether a package can have doc tests at all (so the doc step can skip it), and
//! whether any member's code depends on `cfg(clippy)` (so clippy's driver must not compile the
//! test binaries). Both scans err on the side of "yes". Must not: run anything or decide what
//! runs; the runner asks, and decides.

mod clippy_cfg;
mod doctests;

pub use clippy_cfg::workspace_uses_cfg_clippy;
pub use doctests::may_have_doctests;
