//! `budget`: the build-time and size budgets of `ratchet.toml`: `init`, `gate`, `tighten`.

use std::io::Write;

use ratchet_budget::{GateOptions, GateOutcome};
use ratchet_events::Event;
use ratchet_events::budget::BudgetTightened;
use ratchet_events::files::{BudgetInit, BudgetTightenSummary};
use ratchet_graph::Workspace;

use crate::common::{MessageFormat, WorkspaceArgs, print, print_events};

/// Flags of `budget`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Write a first [budget] into ratchet.toml from today's measures plus headroom.
    Init(InitArgs),
    /// Fail (exit 3) when a measure exceeds its ceiling, or a ceiling was raised silently.
    Gate(GateArgs),
    /// Lower every ceiling the measures have fallen well below; never raise one.
    Tighten(TightenArgs),
}

#[derive(Debug, clap::Args)]
struct InitArgs {
    #[command(flatten)]
    workspace: WorkspaceArgs,
    /// Output format; json prints one `budget_init` event.
    #[arg(long, value_enum, default_value_t)]
    message_format: MessageFormat,
}

/// Flags of `budget gate`.
#[derive(Debug, clap::Args)]
pub struct GateArgs {
    #[command(flatten)]
    workspace: WorkspaceArgs,
    /// Report every ceiling raised since the merge-base of REF and HEAD (the pawl).
    #[arg(long, value_name = "REF")]
    since: Option<String>,
    /// Fail for a raised ceiling without a new reason comment (needs --since).
    #[arg(long, requires = "since")]
    forbid_loosen: bool,
    /// Output format; json prints one budget event per line.
    #[arg(long, value_enum, default_value_t)]
    message_format: MessageFormat,
}

#[derive(Debug, clap::Args)]
struct TightenArgs {
    #[command(flatten)]
    workspace: WorkspaceArgs,
    /// Show what would be lowered without writing ratchet.toml.
    #[arg(long)]
    dry_run: bool,
    /// Output format; json prints one `budget_tightened` event per ceiling, then a summary.
    #[arg(long, value_enum, default_value_t)]
    message_format: MessageFormat,
}

/// Runs `budget`; `tool` is the command the user runs (`cargo ratchet`), named in remedies.
pub fn run(args: Args, tool: &str) -> anyhow::Result<u8> {
    match args.command {
        Command::Init(a) => init(a, tool),
        Command::Gate(a) => {
            let ws = a.workspace.load()?;
            let options = GateOptions {
                since: a.since,
                forbid_loosen: a.forbid_loosen,
                tool: tool.to_string(),
                ..GateOptions::default()
            };
            gate_and_report(&ws, &options, a.message_format)
        }
        Command::Tighten(a) => tighten(a),
    }
}

/// Runs the budget gate on `ws` and prints its outcome: human text or NDJSON events on
/// stdout, plus GitHub annotations and a step summary under `GITHUB_ACTIONS=true`.
/// Returns 0, 3 when a budget failed, or 1 when the history could not be written. This is what `check --ci` calls after its steps.
pub fn gate_and_report(
    ws: &Workspace,
    options: &GateOptions,
    format: MessageFormat,
) -> anyhow::Result<u8> {
    let outcome = ratchet_budget::gate(ws, options)?;
    match format {
        MessageFormat::Human => print(&ratchet_report::text::human(&outcome))?,
        MessageFormat::Json => print_events(&ratchet_report::text::events(&outcome))?,
    }
    if let Some(e) = &outcome.unrecorded {
        eprintln!("error: could not record this gate run in the history: {e}");
    }
    if std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true") {
        github(ws, &outcome, format)?;
    }
    Ok(outcome.exit_code())
}

fn github(ws: &Workspace, outcome: &GateOutcome, format: MessageFormat) -> anyhow::Result<()> {
    let annotations = ratchet_ci::budget_github(outcome, &ws.root)?;
    // Workflow commands on stdout would break an NDJSON stream; the runner reads stderr too.
    match format {
        MessageFormat::Human => print(&annotations),
        MessageFormat::Json => Ok(std::io::stderr().write_all(annotations.as_bytes())?),
    }
}

fn init(args: InitArgs, tool: &str) -> anyhow::Result<u8> {
    let ws = args.workspace.load()?;
    let section = ratchet_budget::init(&ws, tool)?;
    let time_ceilings = section.contains("total-build-cpu");
    match args.message_format {
        MessageFormat::Human => print(&format!(
            "wrote this [budget] to {}:\n\n{section}",
            ws.root.join("ratchet.toml")
        ))?,
        MessageFormat::Json => print_events(&[Event::BudgetInit(BudgetInit {
            version: ratchet_events::VERSION,
            file: "ratchet.toml".to_string(),
            section,
            time_ceilings,
        })])?,
    }
    if !time_ceilings {
        eprintln!(
            "note: no time ceilings yet: no `{tool} check` has recorded build times; after the \
             first one, remove [budget] and run `{tool} budget init` again to add them"
        );
    }
    Ok(ratchet_events::exit::OK)
}

fn tighten(args: TightenArgs) -> anyhow::Result<u8> {
    let ws = args.workspace.load()?;
    let lowered = ratchet_budget::tighten(&ws, args.dry_run)?;
    match args.message_format {
        MessageFormat::Json => {
            let summary = BudgetTightenSummary {
                version: ratchet_events::VERSION,
                lowered: lowered.len(),
                dry_run: args.dry_run,
                file: "ratchet.toml".to_string(),
            };
            let events: Vec<Event> = lowered.into_iter().map(Event::BudgetTightened).collect();
            let summary = std::iter::once(Event::BudgetTightenSummary(summary));
            print_events(&events.into_iter().chain(summary).collect::<Vec<_>>())?;
        }
        MessageFormat::Human => print(&tighten_text(&lowered, args.dry_run))?,
    }
    Ok(ratchet_events::exit::OK)
}

fn tighten_text(lowered: &[BudgetTightened], dry_run: bool) -> String {
    let verb = if dry_run { "would lower" } else { "lowered" };
    lowered
        .iter()
        .map(|t| {
            let show = |v| ratchet_report::text::amount(t.unit, v);
            format!(
                "{verb} {} from {} to {} (measured {})\n",
                t.key,
                show(t.old),
                show(t.new),
                show(t.measured)
            )
        })
        .collect()
}
