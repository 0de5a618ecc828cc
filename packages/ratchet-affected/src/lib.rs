//! Which workspace packages a change affects, and why.
//!
//! Owns: turning a change (files changed since a git ref, or fingerprints that differ from the
//! recorded ones) into seeds (directly changed packages, each with a cause: a file, a global
//! input, lockfile entries, a fingerprint), expanding them over the graph as the design's
//! definitions say (build-affected through reverse normal and build edges, affected adds
//! dev-dependents), and the shortest reason chain for each affected package.
//!
//! Must not: hash files (`ratchet-fingerprint` does), run cargo, or print (the CLI renders the
//! [`AffectedReport`] it gets from here).

mod expand;
mod lockfile;
mod recorded;
mod since;
mod why;

use std::collections::BTreeSet;

use camino::Utf8PathBuf;
use ratchet_events::affected::{AffectedReport, Cause, Mode};
use ratchet_fingerprint::{Fingerprints, InputsConfig};
use ratchet_graph::{PkgIx, Workspace};

pub use expand::Seed;
pub use why::{why, why_event};

/// Why the affected set could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum AffectedError {
    /// Git could not answer (no repository, unknown ref, shallow history, ...).
    #[error(transparent)]
    Git(#[from] ratchet_git::GitError),
    /// A file that exists but cannot be read.
    #[error("cannot read {path}: {source}")]
    Unreadable {
        /// The file.
        path: Utf8PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A pattern in `[inputs] files` that is not a valid glob.
    #[error("ratchet.toml: [inputs] files: invalid pattern `{pattern}`: {message}")]
    BadInput {
        /// The pattern.
        pattern: String,
        /// What is wrong with it.
        message: String,
    },
    /// A member's declared inputs (`[package.metadata.ratchet] inputs`) are wrong.
    #[error(transparent)]
    Declared(#[from] ratchet_fingerprint::LearnError),
}

/// What changed, before expansion over the graph.
#[derive(Debug, Default)]
pub(crate) struct Changes {
    base: Option<String>,
    changed_files: Vec<String>,
    /// Global inputs that changed; any makes every package a seed.
    global_inputs: Vec<String>,
    seeds: Vec<Seed>,
    unowned: Vec<String>,
    warnings: Vec<String>,
}

/// The packages affected by changes since the merge-base of `reference` and HEAD (committed,
/// staged, unstaged and untracked-but-not-ignored files).
pub fn since(
    ws: &Workspace,
    inputs: &InputsConfig,
    reference: &str,
) -> Result<AffectedReport, AffectedError> {
    let changes = since::changes(ws, inputs, reference)?;
    Ok(report(ws, Mode::Since, changes, |_| Vec::new()))
}

/// The packages whose fingerprints in `current` differ from `recorded` (everything when there
/// is no record).
pub fn from_fingerprints(
    ws: &Workspace,
    current: &Fingerprints,
    recorded: Option<&Fingerprints>,
) -> AffectedReport {
    let changes = recorded::changes(ws, current, recorded);
    report(ws, Mode::Fingerprint, changes, |affected| {
        recorded::leftovers(ws, current, recorded, affected)
    })
}

/// Expands `changes`, then adds the seeds `more` finds among what is still unaffected.
fn report(
    ws: &Workspace,
    mode: Mode,
    mut changes: Changes,
    more: impl Fn(&BTreeSet<&str>) -> Vec<Seed>,
) -> AffectedReport {
    if let Some(input) = changes.global_inputs.first() {
        let global = everything(
            ws,
            Cause::Global {
                input: input.clone(),
            },
        );
        changes.seeds.splice(0..0, global);
    }
    let mut expanded = expand::expand(ws, &changes.seeds);
    let affected: BTreeSet<&str> = expanded.affected.iter().map(String::as_str).collect();
    let extra = more(&affected);
    if !extra.is_empty() {
        changes.seeds.extend(extra);
        expanded = expand::expand(ws, &changes.seeds);
    }
    let mut warnings = changes.warnings;
    if !changes.unowned.is_empty() {
        warnings.push(unowned_warning(&changes.unowned));
    }
    changes.changed_files.sort();
    changes.changed_files.dedup();
    AffectedReport {
        version: ratchet_events::VERSION,
        mode,
        base: changes.base,
        changed_files: changes.changed_files,
        build_affected: expanded.build_affected,
        affected: expanded.affected,
        reasons: expanded.reasons,
        warnings,
        unowned_files: changes.unowned,
    }
}

fn unowned_warning(unowned: &[String]) -> String {
    const SHOWN: usize = 3;
    let mut list = unowned
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if unowned.len() > SHOWN {
        list.push_str(&format!(" and {} more", unowned.len() - SHOWN));
    }
    format!(
        "{} changed file(s) owned by no package affect nothing: {list} (list them under \
         [inputs] files in ratchet.toml, relative to the workspace root, if they matter)",
        unowned.len()
    )
}

/// The affected set, as names sorted, of packages that changed directly (for callers that
/// already know what changed, such as `watch`): the same expansion as `affected`.
pub fn affected_by(ws: &Workspace, changed: impl IntoIterator<Item = PkgIx>) -> Vec<String> {
    let seeds: Vec<Seed> = changed
        .into_iter()
        .map(|ix| Seed {
            ix,
            cause: Cause::Fingerprint {
                detail: "changed".to_string(),
            },
        })
        .collect();
    expand::expand(ws, &seeds).affected
}

/// Every package as a seed with `cause`.
pub(crate) fn everything(ws: &Workspace, cause: Cause) -> Vec<Seed> {
    (0..ws.packages.len())
        .map(|ix| Seed {
            ix,
            cause: cause.clone(),
        })
        .collect()
}
