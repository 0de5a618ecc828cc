//! What cargo said, tied to workspace packages.
//!
//! Owns: reading cargo's `--message-format=json` stream per member (diagnostics, artifacts,
//! test executables, which units were built or fresh); reading cargo's own `error:` lines and
//! the `Doc-tests` sections of `cargo test --doc` and libtest's human output and
//! nextest's JSON events test by test,
//! attributing each to one member only when it
//! names that member for certain; the verdicts of a compiling step that follow (a package
//! passes only when cargo's messages show it built and every error is tied to some member;
//! otherwise every package of that cargo run fails); and how members are named to cargo (a
//! package ID spec, since a bare `-p NAME` is ambiguous when a package outside the workspace
//! shares the name).
//!
//! Must not: run anything (`ratchet-run` starts cargo and hands each message here), decide
//! what runs, or read or write verdicts. When in doubt, a failure: a failure that cannot be
//! attributed for certain fails every package of that cargo run.

mod cargo_errors;
pub mod libtest;
mod messages;
pub mod nextest;
mod problem;
mod spec;
mod verdicts;

pub use cargo_errors::{CargoErrors, DocSection, DocSections};
pub use messages::{CargoOutput, Executable, UnitUse, relative};
pub use problem::{PackageVerdict, Problem};
pub use spec::{name_is_shared, package_spec, shared_names, shown_selector};
pub use verdicts::{compile_verdicts, doc_verdicts, failed_tests, missing_test_binaries, unbuilt};
