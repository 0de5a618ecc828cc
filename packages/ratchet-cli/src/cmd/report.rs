//! `report`: not built yet (see the issue that owns it).

/// Flags of `report`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Arguments, accepted until the command is built.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    rest: Vec<String>,
}

/// Runs `report`.
pub fn run(_args: Args) -> anyhow::Result<u8> {
    anyhow::bail!("`report` is not built yet")
}
