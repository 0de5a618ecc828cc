//! The CLI under test. It lives in this package so that integration tests get its path from
//! cargo (`CARGO_BIN_EXE_ratchet`) without building `xtask` a second time.

fn main() -> std::process::ExitCode {
    // It stands in for the installed `cargo ratchet`, so messages name that command.
    let program = ratchet_cli::Program {
        command: "cargo ratchet",
        name: "cargo-ratchet",
        version: env!("CARGO_PKG_VERSION"),
        extra: Vec::new(),
    };
    ratchet_cli::main_with(std::env::args_os().collect(), &program)
}
