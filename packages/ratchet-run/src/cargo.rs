//! Running one cargo command with `--message-format=json` and collecting
//! its messages, each handed to ratchet-attribution, which ties it to the workspace package it
//! concerns.

use std::io::BufReader;
use std::process::Command;

use cargo_metadata::Message;
use ratchet_graph::Workspace;

pub(crate) use ratchet_attribution::{CargoOutput, Executable, relative};

use crate::{Cancel, RunError};

/// The command as a person would type it.
pub(crate) fn display(command: &Command) -> String {
    // The variables that change what the command does (clippy as the compiler of workspace
    // members), not the timing wrapper's bookkeeping.
    let shown_env = ["RUSTC_WORKSPACE_WRAPPER", "CLIPPY_ARGS"];
    let mut parts: Vec<String> = command
        .get_envs()
        .filter(|(key, _)| shown_env.iter().any(|k| key == k))
        .filter_map(|(key, value)| {
            let value = value?.to_string_lossy();
            Some(format!("{}={}", key.to_string_lossy(), shell_word(&value)))
        })
        .collect();
    parts.push(command.get_program().to_string_lossy().into_owned());
    parts.extend(command.get_args().map(|a| shell_word(&a.to_string_lossy())));
    parts.join(" ")
}

fn shell_word(word: &str) -> String {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:+,@".contains(c))
    {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// [`ratchet_process::spawn_merged`], with errors that name the command `shown`.
pub(crate) fn spawn_merged(
    cancel: &Cancel,
    command: Command,
    shown: &str,
) -> Result<(std::process::Child, std::io::PipeReader), RunError> {
    ratchet_process::spawn_merged(cancel, command)
        .map_err(|error| crate::RunError::from_process(error, shown))
}

/// Runs `command` with stdout and stderr merged into one pipe (so that text keeps its order),
/// calling `on_text` for every non-JSON line as it arrives and `on_unit` with the number of
/// units (built or fresh) done so far.
pub(crate) fn run(
    workspace: &Workspace,
    command: Command,
    cancel: &Cancel,
    on_text: &dyn Fn(&str),
    on_unit: &dyn Fn(usize),
) -> Result<CargoOutput, RunError> {
    let shown = display(&command);
    let io_error = |source| RunError::Io {
        command: shown.clone(),
        source,
    };
    let (mut child, reader) = spawn_merged(cancel, command, &shown)?;
    let mut output = CargoOutput::default();
    for message in Message::parse_stream(BufReader::new(reader)) {
        let message = message.map_err(io_error)?;
        let units = output.units_built + output.units_fresh;
        output.absorb(workspace, message, on_text);
        if output.units_built + output.units_fresh > units {
            on_unit(output.units_built + output.units_fresh);
        }
    }
    let status = child.wait().map_err(io_error)?;
    cancel.forget(&child);
    if cancel.is_cancelled() {
        return Err(RunError::Interrupted);
    }
    output.success = status.success();
    Ok(output)
}
