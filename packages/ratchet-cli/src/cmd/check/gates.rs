//! The gates around `check`'s steps: architecture rules before anything compiles, and with
//! `--ci` the budget gate (and `--tighten`) after the steps pass.

use ratchet_config::ConfigFile;
use ratchet_events::exit;
use ratchet_graph::Workspace;

use crate::common::{MessageFormat, print};

/// What `--ci`, `--forbid-loosen` and `--tighten` asked for.
#[derive(Debug, Clone)]
pub struct CiGate {
    /// Compare `ratchet.toml` with its version at the merge-base of this ref.
    pub since: Option<String>,
    /// Fail for a raised ceiling without a reason comment.
    pub forbid_loosen: bool,
    /// Lower ceilings that measures have fallen well below, after a green gate.
    pub tighten: bool,
    /// The command the user runs (`cargo ratchet`), named in remedies.
    pub tool: String,
}

/// The rules gate: returns `exit::OK` or `exit::FAILED` (findings already printed). When the
/// rules pass, the JSON stream gets nothing from them (check's own events follow); when they
/// fail, it gets the `rule_violation` events and a `rules_summary`, and nothing else. `tool`
/// is the command the user runs, named in remedies.
pub fn rules(
    ws: &Workspace,
    config: &ConfigFile,
    format: MessageFormat,
    tool: &str,
) -> anyhow::Result<u8> {
    let outcome = ratchet_rules::gate(ws, config, tool)?;
    crate::cmd::rules::report(
        &outcome,
        ws,
        format,
        crate::cmd::rules::Stream::Shared,
        tool,
    )
}

/// Runs the budget gate when `--ci` asked for it and the steps passed. A failed step wins
/// (exit 1): budgets measured on a broken build mean nothing.
pub fn budgets(
    ws: &Workspace,
    gate: Option<&CiGate>,
    steps_code: u8,
    format: MessageFormat,
) -> anyhow::Result<u8> {
    let Some(gate) = gate else {
        return Ok(steps_code);
    };
    if steps_code != exit::OK {
        return Ok(steps_code);
    }
    let options = ratchet_budget::GateOptions {
        since: gate.since.clone(),
        forbid_loosen: gate.forbid_loosen,
        tool: gate.tool.clone(),
        ..ratchet_budget::GateOptions::default()
    };
    let code = crate::cmd::budget::gate_and_report(ws, &options, format)?;
    if code == exit::OK && gate.tighten {
        tighten(ws, format)?;
    }
    Ok(code)
}

fn tighten(ws: &Workspace, format: MessageFormat) -> anyhow::Result<()> {
    let lowered = ratchet_budget::tighten(ws, false)?;
    match format {
        MessageFormat::Json => {
            let mut text = String::new();
            for event in lowered {
                let event = ratchet_events::Event::BudgetTightened(event);
                text.push_str(&serde_json::to_string(&event)?);
                text.push('\n');
            }
            print(&text)
        }
        MessageFormat::Human if lowered.is_empty() => Ok(()),
        MessageFormat::Human => print(&format!(
            "ratchet: lowered {} ceiling(s) in ratchet.toml: {}; commit it\n",
            lowered.len(),
            lowered
                .iter()
                .map(|t| t.key.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}
