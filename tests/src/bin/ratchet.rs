//! The CLI under test. It lives in this package so that integration tests get its path from
//! cargo (`CARGO_BIN_EXE_ratchet`) without building `xtask` a second time.

fn main() -> std::process::ExitCode {
    ratchet_cli::main_with(std::env::args_os().collect())
}
