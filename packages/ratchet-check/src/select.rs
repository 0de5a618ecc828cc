//! Which packages `check` considers: flags first, then `--since`.
//!
//! An empty selection from the flags is an error (a typo must not look like a green run); an
//! empty one from `--since` is not (nothing changed).

use std::collections::BTreeSet;

use ratchet_fingerprint::InputsConfig;
use ratchet_graph::{PkgIx, Workspace};

/// The selected package names, sorted: `-p` (names, `name@version`, globs), else the member
/// the command runs in (`default`), else every member; less `--exclude`; and with `--since`
/// only the packages its diff affects.
pub fn select(
    workspace: &Workspace,
    flags: (&[String], &[String], Option<PkgIx>),
    since: Option<(&str, &InputsConfig)>,
    warn: &dyn Fn(&str),
) -> anyhow::Result<BTreeSet<String>> {
    let (packages, exclude, default) = flags;
    let mut selected = BTreeSet::new();
    for spec in packages {
        let found = workspace.matching(spec)?;
        anyhow::ensure!(
            !found.is_empty(),
            "package pattern `{spec}` not found in workspace"
        );
        selected.extend(found);
    }
    if packages.is_empty() {
        selected = match default {
            Some(ix) => BTreeSet::from([ix]),
            None => (0..workspace.packages.len()).collect(),
        };
    }
    let mut unknown = Vec::new();
    for spec in exclude {
        match workspace.matching(spec) {
            Ok(found) if !found.is_empty() => selected.retain(|ix| !found.contains(ix)),
            _ => unknown.push(format!("`{spec}`")),
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
