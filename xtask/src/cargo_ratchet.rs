//! `cargo ratchet`: the installed form of the CLI. Cargo runs `cargo-ratchet ratchet <args>`,
//! so the repeated subcommand name is dropped before parsing.

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "ratchet") {
        args.remove(1);
    }
    ratchet_cli::main_with(args)
}
