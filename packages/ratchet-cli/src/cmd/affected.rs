//! `affected`: the packages a change affects (since a git ref, or since the last recorded
//! fingerprints), one per line, as JSON, or one package's reason chain.

use ratchet_events::Event;
use ratchet_events::affected::AffectedReport;

use crate::cmd::hash::read_inputs;
use crate::common::{MessageFormat, WorkspaceArgs, print};

/// Flags of `affected`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    workspace: WorkspaceArgs,
    /// Compare with the merge-base of REF and HEAD (plus uncommitted and untracked files)
    /// instead of the last recorded fingerprints.
    #[arg(long, value_name = "REF")]
    since: Option<String>,
    /// Record the current fingerprints as the new baseline (after reporting).
    #[arg(long)]
    record: bool,
    /// Explain why PKG is affected (or say that it is not).
    #[arg(long, value_name = "PKG")]
    why: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    message_format: MessageFormat,
}

/// Runs `affected`.
pub fn run(args: Args) -> anyhow::Result<u8> {
    let ws = args.workspace.load()?;
    let inputs = read_inputs(&ws)?;
    if let Some(name) = &args.why {
        ws.require(name)?;
    }
    let mut current = None;
    let report = match &args.since {
        Some(reference) => ratchet_affected::since(&ws, &inputs, reference)?,
        None => {
            let fps = current.insert(ratchet_fingerprint::compute(&ws, &inputs)?);
            let recorded = ratchet_fingerprint::load_recorded(&ws);
            ratchet_affected::from_fingerprints(&ws, fps, recorded.as_ref())
        }
    };
    print(&render(&report, &args)?)?;
    if args.record {
        let fps = match current {
            Some(fps) => fps,
            None => ratchet_fingerprint::compute(&ws, &inputs)?,
        };
        ratchet_fingerprint::record(&ws, &fps)?;
    }
    for warning in &report.warnings {
        if args.message_format == MessageFormat::Human {
            eprintln!("warning: {warning}");
        }
    }
    Ok(ratchet_events::exit::OK)
}

fn render(report: &AffectedReport, args: &Args) -> anyhow::Result<String> {
    Ok(match (&args.why, args.message_format) {
        (Some(name), MessageFormat::Json) => {
            let why = ratchet_affected::why_event(report, name);
            serde_json::to_string(&Event::AffectedWhy(why))? + "\n"
        }
        (None, MessageFormat::Json) => {
            serde_json::to_string(&Event::Affected(report.clone()))? + "\n"
        }
        (Some(name), MessageFormat::Human) => ratchet_affected::why(report, name) + "\n",
        (None, MessageFormat::Human) => report.affected.iter().map(|n| format!("{n}\n")).collect(),
    })
}
