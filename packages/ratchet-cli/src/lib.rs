//! The ratchet command line.
//!
//! Owns the clap definitions (one file per subcommand under `cmd/`, holding its flags and its
//! `run`), the mapping of errors to exit codes, and how text reaches stdout. Each `run` wires
//! library packages together; logic that is worth testing on its own belongs in those packages,
//! not here.

mod cmd;
mod common;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use common::{MessageFormat, WorkspaceArgs};

/// The build-loop tool for large Cargo workspaces.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the workspace's package graph, or one package's dependencies or dependents.
    Graph(cmd::graph::Args),
    /// Print each package's content fingerprint, or explain one package's inputs.
    Hash(cmd::hash::Args),
    /// List the packages a change affects, and why.
    Affected(cmd::affected::Args),
    /// Format-check, lint and test what changed; remember what passed.
    Check(cmd::check::Args),
    /// Re-run `check` on the affected packages whenever files change.
    Watch(cmd::watch::Args),
    /// Architecture rules on the package graph (layers, forbidden edges, fan-out, ...).
    Rules(cmd::rules::Args),
    /// Build-time and size budgets: init, gate, tighten.
    Ratchet(cmd::ratchet::Args),
    /// Turn the recorded budget history into a self-contained HTML page.
    Report(cmd::report::Args),
    /// Internal: the rustc wrapper that times each compiler call.
    #[command(hide = true)]
    RustcWrapper(cmd::rustc_wrapper::Args),
}

/// Subcommand names, so that the wrapper check never mistakes one for a compiler.
const SUBCOMMANDS: &[&str] = &[
    "graph",
    "hash",
    "affected",
    "check",
    "watch",
    "rules",
    "ratchet",
    "report",
    "rustc-wrapper",
    "help",
];

/// Parses `args` (the first is the program name), runs the subcommand and maps the outcome to
/// an exit code: the command's own code, or 2 with a one-line `error:` message on stderr.
pub fn main_with(args: Vec<OsString>) -> ExitCode {
    if ratchet_wrapper::is_wrapper_call(&args, SUBCOMMANDS) {
        // cargo runs `$RUSTC_WRAPPER rustc ARGS...`: be the wrapper, with rustc's exit code.
        let code = ratchet_wrapper::run_wrapped(&args[1..]);
        return ExitCode::from(u8::try_from(code).unwrap_or(101));
    }
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => 0,
                _ => ratchet_events::exit::USAGE,
            });
        }
    };
    let outcome = match cli.command {
        Command::Graph(args) => cmd::graph::run(args),
        Command::Hash(args) => cmd::hash::run(args),
        Command::Affected(args) => cmd::affected::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::Watch(args) => cmd::watch::run(args),
        Command::Rules(args) => cmd::rules::run(args),
        Command::Ratchet(args) => cmd::ratchet::run(args),
        Command::Report(args) => cmd::report::run(args),
        Command::RustcWrapper(args) => cmd::rustc_wrapper::run(args),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {}", common::one_line(&e));
            ExitCode::from(ratchet_events::exit::USAGE)
        }
    }
}
