//! The build CPU time of a workspace's packages: as `check` recorded it, and re-measured
//! robustly on this machine, now.
//!
//! Owns: reading `build-costs.json` (a package's own build CPU, the critical path it makes);
//! `build-history.json`, the last few CPU times of each rustc call and their medians;
//! the calibration crate and its compile; rebuilds of one package in a scratch target
//! directory held under a lock for the whole measurement; the CPU time of child processes; and
//! the statistics that make one noisy sample harmless (medians, the calibration ratio).
//!
//! Must not: know about ceilings, budgets or `ratchet.toml`, decide which packages to
//! re-measure, print anything, or write anywhere but the scratch directory it is given and
//! the build history (when its caller asks).

mod costs;
mod error;
mod history;
mod scratch;
mod stats;

pub use costs::{build_cpu_ms, critical_path, is_build_kind, read as read_costs};
pub use error::TimingError;
pub use history::History;
pub use scratch::Scratch;
pub use stats::{median, normalize, ratio};
