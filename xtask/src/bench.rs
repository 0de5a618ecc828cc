//! `cargo xtask bench`: ratchet's benchmarks against the commands a user would otherwise run.

use std::process::ExitCode;

/// Runs the benchmarks; `args[0]` is the program name.
pub fn main(_args: Vec<std::ffi::OsString>) -> ExitCode {
    eprintln!("error: `bench` is not built yet");
    ExitCode::from(2)
}
