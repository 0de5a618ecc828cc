//! The CLI under test. It lives in this package so that integration tests get its path from
//! cargo (`CARGO_BIN_EXE_ratchet`) without building `xtask` a second time.

fn main() -> std::process::ExitCode {
    // It stands in for the installed `cargo ratchet`, so messages name that command.
    let program = ratchet_cli::Program::cargo_ratchet(env!("CARGO_PKG_VERSION"));
    ratchet_cli::main_with(std::env::args_os().collect(), &program)
}
