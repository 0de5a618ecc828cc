//! `ratchet init | gate | tighten` and `report` on small hand-written workspaces, with real
//! cargo metadata, real git for the pawl, and a real scratch build for re-measurement; and the
//! parsing of `[budget]` and its units through the package's API.

// Helpers outside `#[test]` functions: a failed setup should panic with its cause.
#![allow(clippy::unwrap_used)]

mod config;
mod fixture;
mod gate;
mod input;
mod pawl;
mod support;
mod units;
