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

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

pub use common::{MessageFormat, WorkspaceArgs};

/// How the user launched ratchet, so that help, version and every remedy name what they typed.
#[derive(Debug, Clone)]
pub struct Program {
    /// What the user types before a subcommand: `cargo ratchet`, or `cargo xtask` in a
    /// repository that vendors ratchet as its task runner.
    pub command: &'static str,
    /// The program's name as `--version` prints it (`cargo-ratchet`).
    pub name: &'static str,
    /// What `--version` prints after the name (`0.1.0 (1a2b3c4 2026-12-02)`).
    pub version: &'static str,
    /// Subcommands the caller runs itself before this CLI parses anything (xtask's `bench`
    /// and `fixture`), as `(name, one-line description)`: listed in `--help` only.
    pub extra: Vec<(&'static str, &'static str)>,
}

const ABOUT: &str = "The build loop for large Cargo workspaces: checks, lints and tests only what \
a change affects, remembers what passed by content, and holds architecture rules and build \
budgets that only tighten.";

const AFTER_HELP: &str = "Examples:
  {cmd} check                      rules, fmt, clippy, tests and doc tests of what changed
  {cmd} check --since origin/main  only what the branch affects (for CI)
  {cmd} affected --why PACKAGE     why a package must be re-checked
  {cmd} budget gate                fail when build time or size crossed its ceiling

Exit codes: 0 passed, 1 failed, 2 usage or input error, 3 budget exceeded.";

#[derive(Debug, Parser)]
#[command(propagate_version = true)]
struct Cli {
    /// Colour: `auto` (a terminal, unless `NO_COLOR`), `always`, `never`; default from
    /// `CARGO_TERM_COLOR`.
    #[arg(long, global = true, value_enum, value_name = "WHEN")]
    color: Option<ratchet_term::ColorWhen>,
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
    /// Split the selection into shards for N CI machines, with a GitHub Actions matrix.
    Plan(cmd::plan::Args),
    /// Re-run `check` on the affected packages whenever files change.
    Watch(cmd::watch::Args),
    /// Architecture rules on the package graph (layers, forbidden edges, fan-out, ...).
    Rules(cmd::rules::Args),
    /// Build-time and size budgets of ratchet.toml: init, gate, tighten.
    #[command(alias = "ratchet")]
    Budget(cmd::budget::Args),
    /// Turn the recorded budget history into a self-contained HTML page.
    Report(cmd::report::Args),
    /// Cap the disk of ratchet's build directory (`[gc] max-size` or `--max-size`).
    Gc(ratchet_check::gc::Args),
    /// Print a completion script for bash, zsh, fish, elvish or powershell.
    Completions {
        /// The shell.
        shell: ratchet_term::Shell,
    },
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
    "plan",
    "watch",
    "rules",
    "budget",
    "ratchet",
    "report",
    "gc",
    "rustc-wrapper",
    "completions",
    "help",
];

/// The clap command of `program`: its name, version, help text and the caller's extra
/// subcommands (listed, never parsed here).
fn command(program: &Program) -> clap::Command {
    let mut command = Cli::command()
        .name(program.name)
        .bin_name(program.command)
        .version(program.version)
        .about(ABOUT)
        .after_help(AFTER_HELP.replace("{cmd}", program.command));
    for name in SUBCOMMANDS {
        let examples = ratchet_term::examples(name).replace("{cmd}", program.command);
        if !examples.is_empty() {
            command = command.mut_subcommand(*name, |c| c.after_help(examples));
        }
    }
    for (name, about) in &program.extra {
        command = command.subcommand(clap::Command::new(*name).about(*about));
    }
    command
}

/// Parses `args` (the first is the program name), runs the subcommand and maps the outcome to
/// an exit code: the command's own code, or 2 with a one-line `error:` message on stderr.
pub fn main_with(args: Vec<OsString>, program: &Program) -> ExitCode {
    if ratchet_wrapper::is_wrapper_call(&args, SUBCOMMANDS) {
        // cargo runs `$RUSTC_WRAPPER rustc ARGS...`: be the wrapper, with rustc's exit code.
        let code = ratchet_wrapper::run_wrapped(&args[1..]);
        return ExitCode::from(u8::try_from(code).unwrap_or(101));
    }
    let parsed = command(program)
        .try_get_matches_from(args)
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => 0,
                _ => ratchet_events::exit::USAGE,
            });
        }
    };
    ratchet_term::init_color(cli.color);
    let tool = program.command;
    let outcome = match cli.command {
        Command::Graph(args) => cmd::graph::run(args),
        Command::Hash(args) => cmd::hash::run(args),
        Command::Affected(args) => cmd::affected::run(args),
        Command::Check(args) => cmd::check::run(args, tool),
        Command::Plan(args) => cmd::plan::run(args),
        Command::Watch(args) => cmd::watch::run(args),
        Command::Rules(args) => cmd::rules::run(args, tool),
        Command::Budget(args) => cmd::budget::run(args, tool),
        Command::Report(args) => cmd::report::run(args, tool),
        Command::Gc(args) => ratchet_check::gc::run(&args).map_err(anyhow::Error::from),
        Command::RustcWrapper(args) => cmd::rustc_wrapper::run(args),
        Command::Completions { shell } => {
            let script = ratchet_term::completions(shell, &mut command(program), program.name);
            common::print(&String::from_utf8_lossy(&script)).map(|()| 0)
        }
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {}", common::one_line(&e));
            ExitCode::from(ratchet_events::exit::USAGE)
        }
    }
}
