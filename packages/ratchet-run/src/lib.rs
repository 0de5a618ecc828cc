//! Running cargo's steps over a selection of workspace packages.
//!
//! Owns: the steps (`fmt`, `lint`, `test`, `doc`) and their `[steps]` configuration; building
//! and running one cargo command per step over the whole selection, in ratchet's own target
//! directory (`<target>/ratchet/build`, always with the timing rustc wrapper, so that neither
//! the wrapper nor clippy ever invalidates the user's own `target/`), where clippy's driver
//! compiles workspace members so that lint and test share one build; running test binaries in
//! parallel (or through `cargo nextest run`); handing cargo's messages to ratchet-attribution,
//! which ties every diagnostic, failing doc test and artifact to its package, and tying failing
//! test binaries to theirs; setting the timing rustc wrapper (ratchet-wrapper) on its cargo
//! commands; what test processes read at run time, per package (observed by ratchet-process,
//! which also owns process groups, Ctrl-C and the environment of a test process).
//!
//! Must not: decide what to run (that is the caller's plan), read or write verdicts, or print.
//! Progress goes to a caller-supplied observer; results are plain data.

mod cargo;
mod dispatch;
mod doc;
mod fmt;
mod lint;
mod lint_and_test;
mod nextest;
mod outcome;
mod pool;
mod profile;
mod reproduce;
mod runner;
mod slow;
mod test_binaries;
mod test_process;
mod tools;
mod tree_reads;

/// Verdicts from cargo's output, which ratchet-attribution owns.
mod verdicts {
    pub(crate) use ratchet_attribution::{compile_verdicts, doc_verdicts, unbuilt};
}

pub use outcome::{ObservationStatus, PackageVerdict, Problem, StepReport, UnitUse};
/// Build flags and feature sets (re-exported so that callers need no dependency of their own).
pub use ratchet_features as features;
pub use ratchet_process::Cancel;
pub use ratchet_steps::{Step, StepConfig, StepsConfig, TestRunner};
pub use runner::{Progress, Runner};
pub use test_binaries::BuiltTests;
pub use tools::Tools;

/// A failure to run a step at all (as opposed to a step that ran and found problems).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// A process could not be started.
    #[error("cannot run `{command}`: {source}")]
    Spawn {
        /// The command line.
        command: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Reading a child's output or waiting for it failed.
    #[error("lost contact with `{command}`: {source}")]
    Io {
        /// The command line.
        command: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The run was interrupted (Ctrl-C); children were killed.
    #[error("interrupted")]
    Interrupted,
}

impl RunError {
    /// A process error of ratchet-process, for the command `shown`.
    pub(crate) fn from_process(error: ratchet_process::ProcessError, shown: &str) -> RunError {
        let command = shown.to_string();
        match error {
            ratchet_process::ProcessError::Spawn(source) => RunError::Spawn { command, source },
            ratchet_process::ProcessError::Wait(source) => RunError::Io { command, source },
        }
    }
}
