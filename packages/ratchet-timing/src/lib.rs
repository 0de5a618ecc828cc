//! Robust measurement of build CPU time on this machine, now.
//!
//! Owns: the calibration crate and its compile, rebuilds of one package in a scratch target
//! directory held under a lock for the whole measurement, the CPU time of child processes, and
//! the statistics that make one noisy sample harmless (medians, the calibration ratio).
//!
//! Must not: know about ceilings, budgets or `ratchet.toml`, decide which packages to measure,
//! print anything, or write anywhere but the scratch directory it is given.

mod error;
mod scratch;
mod stats;

pub use error::TimingError;
pub use scratch::Scratch;
pub use stats::{median, normalize, ratio};
