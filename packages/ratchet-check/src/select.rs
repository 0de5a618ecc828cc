//! Which packages `check` considers: flags first, then `--since`.
//!
//! An empty selection from the flags is an error (a typo must not look like a green run); an
//! empty one from `--since` is not (nothing changed).

use std::collections::BTreeSet;

use ratchet_fingerprint::InputsConfig;
use ratchet_graph::{PkgIx, Workspace};

/// The selected package names, sorted: `-p` (or every member), less `--exclude`, and with
/// `--since` only the packages its diff affects.
pub fn select(
    workspace: &Workspace,
    packages: &[String],
    exclude: &[String],
    since: Option<(&str, &InputsConfig)>,
    warn: &dyn Fn(&str),
) -> anyhow::Result<BTreeSet<String>> {
    let mut selected: BTreeSet<PkgIx> = if packages.is_empty() {
        (0..workspace.packages.len()).collect()
    } else {
        packages
            .iter()
            .map(|p| workspace.require(p))
            .collect::<Result<_, _>>()?
    };
    let mut unknown = Vec::new();
    for name in exclude {
        match workspace.find(name) {
            Some(ix) => {
                selected.remove(&ix);
            }
            None => unknown.push(format!("`{name}`")),
        }
    }
    if !unknown.is_empty() {
        // As cargo says it: an unknown `--exclude` is a warning, not an error.
        warn(&format!(
            "excluded package(s) {} not found in workspace `{}`",
            unknown.join(", "),
            workspace.root
        ));
    }
    if selected.is_empty() {
        let selection = match packages.is_empty() {
            true => "every workspace member",
            false => "every package that `-p` selects",
        };
        anyhow::bail!("nothing to check: `--exclude` leaves out {selection}");
    }
    if let Some((reference, inputs)) = since {
        let affected = affected_since(workspace, reference, inputs, warn)?;
        selected.retain(|ix| affected.contains(ix));
    }
    Ok(selected
        .into_iter()
        .map(|ix| workspace.package(ix).name.clone())
        .collect())
}

/// The packages `ratchet-affected` finds affected by the diff since the merge-base with
/// `reference`; its warnings (a shallow clone, unowned files) go to `warn`.
fn affected_since(
    workspace: &Workspace,
    reference: &str,
    inputs: &InputsConfig,
    warn: &dyn Fn(&str),
) -> anyhow::Result<BTreeSet<PkgIx>> {
    let report = ratchet_affected::since(workspace, inputs, reference)?;
    for warning in &report.warnings {
        warn(warning);
    }
    Ok(report
        .affected
        .iter()
        .filter_map(|name| workspace.find(name))
        .collect())
}
