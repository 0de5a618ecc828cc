//! `rules`: the architecture rules of `[rules]` in ratchet.toml, gated against the baseline;
//! `rules baseline` accepts today's violations.

use ratchet_config::ConfigFile;
use ratchet_events::Event;
use ratchet_events::exit;
use ratchet_events::files::RulesBaseline;
use ratchet_rules::render;

use crate::common::{MessageFormat, WorkspaceArgs, print, print_events};

/// Flags of `rules`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    workspace: WorkspaceArgs,
    /// Output format: text for people, or one JSON event per line.
    #[arg(long, value_enum, default_value_t)]
    message_format: MessageFormat,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Record today's violations in ratchet-rules-baseline.toml, so that only new ones fail.
    Baseline {
        #[command(flatten)]
        workspace: WorkspaceArgs,
        /// Output format; json prints one `rules_baseline` event.
        #[arg(long, value_enum, default_value_t)]
        message_format: MessageFormat,
    },
}

/// Runs `rules`: exit 0 when nothing is new, 1 on new violations, 2 on bad input. `tool` is
/// the command the user runs (`cargo ratchet`), named in remedies.
pub fn run(args: Args, tool: &str) -> anyhow::Result<u8> {
    match args.command {
        Some(Command::Baseline {
            workspace,
            message_format,
        }) => {
            let workspace = match workspace.manifest_path {
                Some(_) => workspace,
                None => args.workspace,
            };
            // `rules --message-format json baseline` means the same as after `baseline`.
            let format = match message_format {
                MessageFormat::Human => args.message_format,
                json => json,
            };
            baseline(&workspace, format, tool)
        }
        None => gate(&args.workspace, args.message_format, tool),
    }
}

fn gate(workspace: &WorkspaceArgs, format: MessageFormat, tool: &str) -> anyhow::Result<u8> {
    let ws = workspace.load()?;
    let config = ConfigFile::read(ws.root.as_std_path())?;
    let outcome = ratchet_rules::gate(&ws, &config, tool)?;
    if format == MessageFormat::Human && !config.has_section("rules") {
        print("rules: nothing configured: ratchet.toml has no [rules] section (docs/rules.md)\n")?;
    }
    report(&outcome, &ws, format, Stream::Own, tool)
}

/// Whose JSON stream the rules events go into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// `rules` alone: the summary event is always printed.
    Own,
    /// `check`'s stream: rules events appear only when the rules fail.
    Shared,
}

/// Prints a rules outcome (human text, or JSON events; plus GitHub annotations under
/// `GITHUB_ACTIONS=true`) and returns 0, or 1 when there are new violations.
pub fn report(
    outcome: &ratchet_rules::Outcome,
    ws: &ratchet_graph::Workspace,
    format: MessageFormat,
    stream: Stream,
    tool: &str,
) -> anyhow::Result<u8> {
    let mut out = match format {
        MessageFormat::Json if stream == Stream::Shared && outcome.passed() => String::new(),
        MessageFormat::Json => render::json_lines(outcome, &ws.root),
        MessageFormat::Human => render::human_report(outcome, &ws.root, tool),
    };
    if std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true") {
        let annotations = render::annotations(outcome, &ratchet_ci::repo_root(&ws.root));
        // Workflow commands inside an NDJSON stream would break its readers; the runner
        // reads stderr too.
        match format {
            MessageFormat::Human => out.push_str(&annotations),
            MessageFormat::Json => eprint!("{annotations}"),
        }
    }
    print(&out)?;
    Ok(if outcome.passed() {
        exit::OK
    } else {
        exit::FAILED
    })
}

fn baseline(workspace: &WorkspaceArgs, format: MessageFormat, tool: &str) -> anyhow::Result<u8> {
    let ws = workspace.load()?;
    let config = ConfigFile::read(ws.root.as_std_path())?;
    let (baseline, path) = ratchet_rules::record_baseline(&ws, &config, tool)?;
    let file = render::relative(&path, &ws.root).to_string();
    let accepted = baseline.accepted.len();
    match format {
        MessageFormat::Human => print(&format!(
            "rules: {accepted} violation(s) accepted in {file}\n"
        ))?,
        MessageFormat::Json => print_events(&[Event::RulesBaseline(RulesBaseline {
            version: ratchet_events::VERSION,
            accepted,
            file,
        })])?,
    }
    Ok(exit::OK)
}
