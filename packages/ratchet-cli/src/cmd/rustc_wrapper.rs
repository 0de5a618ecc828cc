//! `rustc-wrapper`: the timing wrapper, callable by hand for debugging
//! (`ratchet rustc-wrapper rustc --crate-name x ...`). cargo itself reaches the same code
//! without the subcommand name (see `ratchet_wrapper`).

use std::ffi::OsString;

/// Flags of `rustc-wrapper`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The compiler and its arguments.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, required = true)]
    compiler: Vec<OsString>,
}

/// Runs the compiler, timing it when `RATCHET_RUSTC_LOG` names a log.
pub fn run(args: Args) -> anyhow::Result<u8> {
    let code = ratchet_wrapper::run_wrapped(&args.compiler);
    Ok(u8::try_from(code).unwrap_or(101))
}
