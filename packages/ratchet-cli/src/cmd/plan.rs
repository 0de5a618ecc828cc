//! `plan --shards N`: the selection split for N CI machines, with a GitHub Actions matrix.

use crate::common::{MessageFormat, WorkspaceArgs, print};

/// Flags of `plan`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    workspace: WorkspaceArgs,
    #[command(flatten)]
    plan: ratchet_ci::PlanArgs,
    /// `human` or `json` (one document with the shards and `matrix`).
    #[arg(long, value_enum, default_value_t)]
    message_format: MessageFormat,
}

/// Runs `plan`: the same selection `check` makes (every member, or `--since`), split.
pub fn run(args: Args) -> anyhow::Result<u8> {
    let ws = args.workspace.load()?;
    let inputs = crate::cmd::hash::read_inputs(&ws)?;
    let since = args.plan.since.as_deref().map(|r| (r, &inputs));
    let warn = |warning: &str| eprintln!("warning: {warning}");
    let selection = ratchet_check::select::select(&ws, (&[], &[], None), since, &warn)?;
    let plan = ratchet_ci::shard_plan(&ws, &selection, args.plan.shards)?;
    print(&ratchet_ci::render(
        &plan,
        args.message_format == MessageFormat::Json,
    ))?;
    Ok(ratchet_events::exit::OK)
}
