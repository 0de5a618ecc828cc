//! Which packages `check` considers: flags first, then `--since`.

use std::collections::BTreeSet;

use camino::Utf8Path;
use ratchet_graph::{DepKind, PkgIx, Workspace};

/// Files at the workspace root whose change affects every package.
const GLOBAL_FILES: &[&str] = &[
    "Cargo.toml",
    "Cargo.lock",
    "ratchet.toml",
    "rust-toolchain",
    "rust-toolchain.toml",
    ".cargo/config",
    ".cargo/config.toml",
];

/// The selected package names, sorted: `-p` (or every member), less `--exclude`, and with
/// `--since` only the packages its diff affects.
pub fn select(
    workspace: &Workspace,
    packages: &[String],
    exclude: &[String],
    since: Option<&str>,
) -> anyhow::Result<BTreeSet<String>> {
    let mut selected: BTreeSet<PkgIx> = if packages.is_empty() {
        (0..workspace.packages.len()).collect()
    } else {
        packages
            .iter()
            .map(|p| workspace.require(p))
            .collect::<Result<_, _>>()?
    };
    for name in exclude {
        selected.remove(&workspace.require(name)?);
    }
    if let Some(reference) = since {
        let affected = affected_since(workspace, reference)?;
        selected.retain(|ix| affected.contains(ix));
    }
    Ok(selected
        .into_iter()
        .map(|ix| workspace.package(ix).name.clone())
        .collect())
}

/// Owners of the files changed since the merge-base with `reference`, their reverse
/// normal/build closure, and dev-dependents of those. A changed global file affects all.
fn affected_since(workspace: &Workspace, reference: &str) -> anyhow::Result<BTreeSet<PkgIx>> {
    let repo = ratchet_git::Repo::discover(&workspace.root)?;
    let base = repo.merge_base(reference)?;
    let everything = (0..workspace.packages.len()).collect();
    let mut owners = BTreeSet::new();
    for file in repo.changed_since(&base)? {
        let path = repo.root().join(&file);
        let relative = path.strip_prefix(&workspace.root).unwrap_or(&path);
        if GLOBAL_FILES.iter().any(|g| relative == Utf8Path::new(g)) {
            return Ok(everything);
        }
        owners.extend(workspace.owner_of(&path));
    }
    let mut build_affected = owners.clone();
    for &owner in &owners {
        build_affected.extend(workspace.rdep_closure(owner, &[DepKind::Normal, DepKind::Build]));
    }
    let mut affected = build_affected.clone();
    for &ix in &build_affected {
        affected.extend(
            workspace
                .rdeps(ix)
                .filter(|(_, dep)| dep.kind == DepKind::Dev)
                .map(|(dependent, _)| dependent),
        );
    }
    Ok(affected)
}
