//! Flags and helpers that several subcommands share.

use std::io::Write;

use camino::Utf8PathBuf;
use clap::ValueEnum;

/// Which workspace to work on, spelt as cargo spells it.
#[derive(Debug, Clone, clap::Args)]
pub struct WorkspaceArgs {
    /// Path to the workspace's (or a member's) Cargo.toml; default: the workspace around the
    /// current directory.
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<Utf8PathBuf>,
}

impl WorkspaceArgs {
    /// Options to load the workspace graph with.
    pub fn load_options(&self) -> ratchet_graph::LoadOptions {
        ratchet_graph::LoadOptions {
            manifest_path: self.manifest_path.clone(),
            refresh: false,
            update_lock: false,
        }
    }

    /// Loads the workspace graph (from its cache when nothing changed), never rewriting
    /// `Cargo.lock`: for commands that only read.
    pub fn load(&self) -> anyhow::Result<ratchet_graph::Workspace> {
        Ok(ratchet_graph::load(&self.load_options())?)
    }

    /// Loads the workspace graph for a command that builds with cargo anyway (`check`,
    /// `watch`): an out-of-date `Cargo.lock` is brought up to date, as cargo's build would.
    pub fn load_for_build(&self) -> anyhow::Result<ratchet_graph::Workspace> {
        let options = ratchet_graph::LoadOptions {
            update_lock: true,
            ..self.load_options()
        };
        Ok(ratchet_graph::load(&options)?)
    }
}

/// `--message-format`: for people, or one JSON document / NDJSON stream for programs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum MessageFormat {
    /// Text for a person (terse when stdout is not a terminal).
    #[default]
    Human,
    /// JSON, each object carrying a `version` field (see docs/json.md).
    Json,
}

/// Writes `events` to stdout, one JSON object per line.
pub fn print_events(events: &[ratchet_events::Event]) -> anyhow::Result<()> {
    let mut text = String::new();
    for event in events {
        text.push_str(&serde_json::to_string(event)?);
        text.push('\n');
    }
    print(&text)
}

/// Writes `text` to stdout. A closed pipe (`ratchet ... | head`) is not an error.
pub fn print(text: &str) -> anyhow::Result<()> {
    let mut out = anstream::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

/// An error and its causes on one line, as `error: a: b: c`, unless a cause is itself
/// multi-line (cargo's own message), which is kept as cargo wrote it.
pub fn one_line(error: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
    }
    parts.join(": ")
}
