//! A failure of `check` as text for a person: what and where, the tool's own rendering, and
//! the command that reproduces it.

use ratchet_events::check::CheckEvent;

use crate::{paint, style};

/// A failure of `step` as text: what and where, the tool's own rendering, and how to
/// reproduce it.
pub fn failure_text(event: &CheckEvent, step: &str) -> String {
    match event {
        CheckEvent::Diagnostic(d) => {
            let place = match (&d.file, d.line) {
                (Some(file), Some(line)) => format!(" at {file}:{line}"),
                (Some(file), None) => format!(" at {file}"),
                _ => String::new(),
            };
            format!(
                "{step} {} in `{}`{place}\n{}\n{}\n",
                paint(style::ERROR, "failed"),
                d.package,
                d.rendered.trim_end(),
                reproduce_line(&d.command)
            )
        }
        CheckEvent::TestFailure(t) => format!(
            "{step} {} in `{}` ({}): {}\n{}\n{}\n",
            paint(style::ERROR, "failed"),
            t.package,
            t.binary,
            t.tests.join(", "),
            t.output.trim_end(),
            reproduce_line(&t.command)
        ),
        _ => String::new(),
    }
}

fn reproduce_line(command: &str) -> String {
    if command.is_empty() {
        String::new()
    } else {
        format!(
            "{}\n",
            paint(style::DIM, &format!("  reproduce: {command}"))
        )
    }
}
