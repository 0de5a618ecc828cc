//! The CLI under test in the `check` suite (`tests/check/`), standing in for the installed
//! `cargo ratchet`, so that the suite runs the binary users run.

fn main() -> std::process::ExitCode {
    let program = ratchet_cli::Program {
        command: "cargo ratchet",
        name: "cargo-ratchet",
        version: env!("CARGO_PKG_VERSION"),
        extra: Vec::new(),
    };
    ratchet_cli::main_with(std::env::args_os().collect(), &program)
}
