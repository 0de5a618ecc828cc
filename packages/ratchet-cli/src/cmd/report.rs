//! `report`: the budget history as one self-contained HTML page.

use camino::Utf8PathBuf;

use crate::common::{WorkspaceArgs, print};

/// Flags of `report`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    workspace: WorkspaceArgs,
    /// Where to write the page (default: target/ratchet/budget-report.html).
    #[arg(long, value_name = "FILE")]
    out: Option<Utf8PathBuf>,
}

/// Runs `report`.
pub fn run(args: Args, tool: &str) -> anyhow::Result<u8> {
    let ws = args.workspace.load()?;
    let out = args
        .out
        .unwrap_or_else(|| ws.state_dir().join(ratchet_store::state::BUDGET_REPORT));
    let (page, runs) = ratchet_report::page_of(&ws, tool)?;
    ratchet_store::write_atomic(out.as_std_path(), page.as_bytes())?;
    print(&format!("wrote {out} ({runs} runs)\n"))?;
    Ok(ratchet_events::exit::OK)
}
