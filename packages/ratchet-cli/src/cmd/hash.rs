//! `hash`: every package's content fingerprint, or what went into one package's.

use std::fmt::Write;

use ratchet_events::Event;
use ratchet_events::graph::EdgeKind;
use ratchet_fingerprint::{Explanation, InputsConfig};
use ratchet_graph::Workspace;

use crate::common::{MessageFormat, WorkspaceArgs, print};

/// Flags of `hash`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    workspace: WorkspaceArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    message_format: MessageFormat,
    /// Show the inputs of PKG's fingerprint: global inputs, own files, external deps and the
    /// fingerprints of its workspace dependencies.
    #[arg(long, value_name = "PKG")]
    explain: Option<String>,
}

/// Runs `hash`.
pub fn run(args: Args) -> anyhow::Result<u8> {
    let ws = args.workspace.load()?;
    let inputs = read_inputs(&ws)?;
    let explain = args
        .explain
        .as_deref()
        .map(|name| ws.require(name))
        .transpose()?;
    let fps = ratchet_fingerprint::compute(&ws, &inputs)?;
    let text = match (explain, args.message_format) {
        (Some(ix), MessageFormat::Json) => {
            let explanation = ratchet_fingerprint::explain(&ws, &fps, ix);
            serde_json::to_string(&Event::HashExplain(explanation))? + "\n"
        }
        (Some(ix), MessageFormat::Human) => {
            render_explanation(&ratchet_fingerprint::explain(&ws, &fps, ix))
        }
        (None, MessageFormat::Json) => serde_json::to_string(&Event::Hash(fps.to_event()))? + "\n",
        (None, MessageFormat::Human) => fps
            .packages
            .iter()
            .map(|(name, fp)| format!("{name} {} {}\n", fp.build, fp.full))
            .collect(),
    };
    print(&text)?;
    Ok(ratchet_events::exit::OK)
}

/// The `[inputs]` section of the workspace's `ratchet.toml` (defaults when absent).
pub fn read_inputs(ws: &Workspace) -> anyhow::Result<InputsConfig> {
    let file = ratchet_config::ConfigFile::read(ws.root.as_std_path())?;
    Ok(file.section::<InputsConfig>("inputs")?)
}

fn render_explanation(e: &Explanation) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "package {}\nbuild {}\nfull  {}",
        e.package, e.build, e.full
    );
    let _ = writeln!(out, "global inputs:");
    for (name, hash) in &e.globals {
        let _ = writeln!(out, "  {name} {hash}");
    }
    let _ = writeln!(out, "own files:");
    for (path, hash) in &e.files {
        let _ = writeln!(out, "  {path} {hash}");
    }
    if !e.learned.is_empty() {
        let _ = writeln!(out, "read beyond its own files:");
        for (path, hash) in &e.learned {
            let _ = writeln!(out, "  {path} {hash}");
        }
    }
    let _ = writeln!(
        out,
        "external dependencies ({}): {}",
        e.externals.len(),
        e.externals_hash
    );
    for dep in &e.externals {
        let _ = writeln!(out, "  {dep}");
    }
    let _ = writeln!(out, "workspace dependencies:");
    for dep in &e.deps {
        let (kind, feeds) = match dep.kind {
            EdgeKind::Normal => ("normal", "build"),
            EdgeKind::Build => ("build", "build"),
            EdgeKind::Dev => ("dev", "full only"),
        };
        let _ = writeln!(out, "  {} ({kind}, feeds {feeds}) {}", dep.name, dep.build);
    }
    out
}
