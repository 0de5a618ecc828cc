//! Child processes as ratchet runs them.
//!
//! Owns: process groups and the one cancellation policy (SIGTERM to the group, SIGKILL after a
//! grace period; [`Cancel`], [`terminate_group`]); running a test process to its exit rather
//! than to the end of its output, then killing what it left running ([`run_to_exit`]); the
//! environment cargo gives a test process ([`TestEnv`]); and the observer of the files a test
//! process reads at run time ([`Observer`]: an `LD_PRELOAD` library compiled on first use).
//!
//! Must not: know about cargo's output, packages, steps or verdicts. Callers pass plain paths
//! and strings and get plain data back.

mod cancel;
mod group;
mod observe;
mod test_env;
mod wait;

pub use cancel::{Cancel, GRACE, terminate_group};
pub use observe::{LOG_ENV, ObservedLog, ObservedRunner, Observer, Reads, TreeLogs, TreePart};
pub use test_env::TestEnv;
pub use wait::{
    Finished, ProcessError, Running, run_to_exit, run_to_exit_watched, spawn_merged, thread_cpu_us,
};
