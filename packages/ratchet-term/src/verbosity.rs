//! `-v` and `-q`, as cargo spells them.

/// How much a run tells a person.
#[derive(Debug, Clone, Copy, Default, clap::Args)]
pub struct Verbosity {
    /// Show each command (cargo, rustfmt, a test binary) as it starts; in JSON, list the
    /// selected and cached packages in the plan (counts only without it).
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Print nothing on success: failures and errors only.
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,
}

impl Verbosity {
    /// The line that names a test binary still running after `secs` seconds.
    pub fn slow(name: &str, secs: u64) -> String {
        format!(
            "{:>12} [>{secs:>3}s] {name}\n",
            crate::paint(crate::style::WARN, "SLOW")
        )
    }

    /// The line `-v` prints for a command starting.
    pub fn started(command: &str) -> String {
        format!(
            "{:>12} `{command}`\n",
            crate::paint(crate::style::OK, "Running")
        )
    }
}
