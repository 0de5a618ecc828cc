//! `cargo xtask`: the ratchet CLI on this repository, plus `bench`, which measures ratchet
//! itself, and `fixture`, which writes a synthetic workspace. Other repositories use the same
//! CLI as `cargo ratchet` (the `cargo-ratchet` package; see the README).

mod fixture;

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "bench") {
        args.remove(1);
        return ratchet_bench::main(args);
    }
    if args.get(1).is_some_and(|a| a == "fixture") {
        args.remove(1);
        return fixture::main(args);
    }
    let program = ratchet_cli::Program {
        command: "cargo xtask",
        name: "xtask",
        version: env!("CARGO_PKG_VERSION"),
        extra: vec![
            (
                "bench",
                "Measure ratchet against cargo, nextest and git on generated workspaces",
            ),
            (
                "fixture",
                "Write a generated workspace (the one tests and benchmarks use)",
            ),
        ],
    };
    ratchet_cli::main_with(args, &program)
}
