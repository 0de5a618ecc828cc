//! The check engine: which packages a `check` considers, the plan (which package-steps have
//! no cached pass), running it, and what a run leaves behind.
//!
//! Owns: the selection (`-p`, `--exclude`, `--since`), the verdict key (built in exactly one
//! place, [`key::StepKeys::key`], whose module doc says under which key a pass is stored, and
//! when), the plan, running the planned steps (fmt beside the compiling steps, lint and test
//! sharing one build), recording a pass only for a package that held still while its step ran,
//! and removing the pass of a package that failed.
//!
//! Must not: print, or know about terminals, colours or output formats: what happens goes to a
//! caller-supplied [`sink::Sink`]; the command line (flags, renderers) is ratchet-cli's.

pub mod execute;
pub mod key;
pub mod plan;
pub mod record;
pub mod select;
pub mod sink;

/// The verdict store the plan reads and the run records into, re-exported so that a caller
/// opens it without depending on `ratchet-cache` itself.
pub use ratchet_cache::VerdictCache;
/// `gc`: capping the disk of ratchet's build directory, which the steps fill (the CLI reaches
/// it through here, within its budget of direct dependencies).
pub use ratchet_gc as gc;
