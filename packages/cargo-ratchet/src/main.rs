//! `cargo ratchet`: the installed form of the ratchet CLI. Cargo starts a subcommand as
//! `cargo-ratchet ratchet <args>`, so the repeated name is dropped before parsing; running the
//! binary directly (`cargo-ratchet check`) works too.

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "ratchet") {
        args.remove(1);
    }
    let program = ratchet_cli::Program {
        command: "cargo ratchet",
        name: "cargo-ratchet",
        version: concat!(
            env!("CARGO_PKG_VERSION"),
            " (",
            env!("RATCHET_COMMIT"),
            " ",
            env!("RATCHET_COMMIT_DATE"),
            ")"
        ),
        extra: Vec::new(),
    };
    ratchet_cli::main_with(args, &program)
}
