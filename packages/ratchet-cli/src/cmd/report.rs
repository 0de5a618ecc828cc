//! `report`: the budget history as one self-contained HTML page.

use camino::Utf8PathBuf;

use ratchet_events::Event;
use ratchet_events::files::ReportWritten;

use crate::common::{MessageFormat, WorkspaceArgs, print, print_events};

/// Flags of `report`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    workspace: WorkspaceArgs,
    /// Where to write the page (default: target/ratchet/budget-report.html).
    #[arg(long, value_name = "FILE")]
    out: Option<Utf8PathBuf>,
    /// Output format; json prints one `report_written` event.
    #[arg(long, value_enum, default_value_t)]
    message_format: MessageFormat,
}

/// Runs `report`.
pub fn run(args: Args, tool: &str) -> anyhow::Result<u8> {
    let ws = args.workspace.load()?;
    let out = args
        .out
        .unwrap_or_else(|| ws.state_dir().join(ratchet_store::state::BUDGET_REPORT));
    let (page, runs) = ratchet_report::page_of(&ws, tool)?;
    ratchet_store::write_atomic(out.as_std_path(), page.as_bytes())?;
    match args.message_format {
        MessageFormat::Human => print(&format!("wrote {out} ({runs} runs)\n"))?,
        MessageFormat::Json => print_events(&[Event::ReportWritten(ReportWritten {
            version: ratchet_events::VERSION,
            file: out.to_string(),
            runs,
        })])?,
    }
    Ok(ratchet_events::exit::OK)
}
