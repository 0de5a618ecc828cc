//! `graph`: the package graph as text, dot or JSON; whole, or around one package.

use std::collections::BTreeSet;

use clap::ValueEnum;
use ratchet_graph::{DepKind, Format};

use crate::common::{MessageFormat, WorkspaceArgs, print};

/// Flags of `graph`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    workspace: WorkspaceArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = GraphFormat::Text)]
    format: GraphFormat,
    /// Only PKG and everything it depends on (normal, build and dev edges).
    #[arg(long, value_name = "PKG", conflicts_with = "rdeps")]
    deps: Option<String>,
    /// Only PKG and everything that depends on it (normal, build and dev edges).
    #[arg(long, value_name = "PKG")]
    rdeps: Option<String>,
    /// Leave out every edge another path already implies (transitive reduction).
    #[arg(long)]
    reduce: bool,
    /// `json` prints the graph as JSON (as `--format json`), like every command.
    #[arg(long, value_enum, default_value_t)]
    message_format: MessageFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum GraphFormat {
    Text,
    Dot,
    Json,
}

const ALL_KINDS: &[DepKind] = &[DepKind::Normal, DepKind::Build, DepKind::Dev];

/// Runs `graph`.
pub fn run(args: Args) -> anyhow::Result<u8> {
    let workspace = args.workspace.load()?;
    let subset: BTreeSet<usize> = match (&args.deps, &args.rdeps) {
        (Some(name), _) => {
            let ix = workspace.require(name)?;
            let mut set = workspace.dep_closure(ix, ALL_KINDS);
            set.insert(ix);
            set
        }
        (_, Some(name)) => {
            let ix = workspace.require(name)?;
            let mut set = workspace.rdep_closure(ix, ALL_KINDS);
            set.insert(ix);
            set
        }
        _ => (0..workspace.packages.len()).collect(),
    };
    let format = match args.format {
        _ if args.message_format == MessageFormat::Json => Format::Json,
        GraphFormat::Text => Format::Text,
        GraphFormat::Dot => Format::Dot,
        GraphFormat::Json => Format::Json,
    };
    // Only dot has room for layers and violations; the other formats stay independent of rules.
    let style = match format {
        Format::Dot => {
            let config = ratchet_config::ConfigFile::read(workspace.root.as_std_path())?;
            ratchet_rules::LayerStyle::new(&workspace, &config)?
        }
        _ => ratchet_rules::LayerStyle::default(),
    };
    print(&ratchet_graph::render(
        &workspace,
        &subset,
        format,
        &style,
        args.reduce,
    ))?;
    Ok(ratchet_events::exit::OK)
}
