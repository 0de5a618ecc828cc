//! `hash`: not built yet (see the issue that owns it).

/// Flags of `hash`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Arguments, accepted until the command is built.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    rest: Vec<String>,
}

/// Runs `hash`.
pub fn run(_args: Args) -> anyhow::Result<u8> {
    anyhow::bail!("`hash` is not built yet")
}
