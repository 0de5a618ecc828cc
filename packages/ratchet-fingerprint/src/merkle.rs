//! Combining file hashes, external dependencies, global inputs and dependency fingerprints into
//! each package's `build` and `full` fingerprints.
//!
//! `build` follows normal and build edges only, in build order, so a dependency's `build` is
//! ready before its dependents need it. Dev edges may close cycles with normal ones (a dev-dep
//! on a package that depends on you is legal), so they feed only `full`, one level deep.

use std::collections::{BTreeMap, HashMap};

use camino::{Utf8Path, Utf8PathBuf};
use ratchet_graph::{DepKind, ExternalDep, PkgIx, Workspace};

use crate::PackageFingerprint;

/// Domain separation: changing how fingerprints are built must change every fingerprint.
const DOMAIN: &str = "ratchet fingerprint v1";

/// Own files of each package: path relative to the workspace root -> content hash.
pub(crate) type FilesByPackage = Vec<BTreeMap<String, String>>;

pub(crate) fn fingerprints(
    ws: &Workspace,
    globals: &BTreeMap<String, String>,
    files: FilesByPackage,
    learned: FilesByPackage,
    external_content: &HashMap<Utf8PathBuf, String>,
) -> BTreeMap<String, PackageFingerprint> {
    let globals_hash = hash_lines(globals.iter().map(|(k, v)| format!("{k}\t{v}")));
    let mut build: Vec<Option<String>> = vec![None; ws.packages.len()];
    let (mut files, mut learned) = (files, learned);
    let mut out = BTreeMap::new();
    for ix in ws.build_order() {
        let own = std::mem::take(&mut files[ix]);
        let beyond = std::mem::take(&mut learned[ix]);
        let externals = externals_hash(&ws.package(ix).external_deps, external_content);
        let deps = dep_lines(ws, ix, &build, |k| k != DepKind::Dev);
        let build_hash = hash_lines(
            std::iter::once(DOMAIN.to_string())
                .chain(own.iter().map(|(p, h)| format!("file\t{p}\t{h}")))
                // Absent when empty, so a package that reads nothing beyond its own files
                // keeps the fingerprint it had before inputs were learned.
                .chain(beyond.iter().map(|(p, h)| format!("learned\t{p}\t{h}")))
                .chain(std::iter::once(format!("externals\t{externals}")))
                .chain(std::iter::once(format!("globals\t{globals_hash}")))
                .chain(deps),
        );
        build[ix] = Some(build_hash.clone());
        out.insert(ix, (build_hash, own, externals, beyond));
    }
    let mut result = BTreeMap::new();
    for (ix, (build_hash, own, externals, learned)) in out {
        let dev = dep_lines(ws, ix, &build, |k| k == DepKind::Dev);
        let full = hash_lines(std::iter::once(format!("build\t{build_hash}")).chain(dev));
        result.insert(
            ws.package(ix).name.clone(),
            PackageFingerprint {
                build: build_hash,
                full,
                files: own,
                externals,
                learned,
            },
        );
    }
    result
}

/// A package's fingerprint from its own files and the global inputs, without its dependencies:
/// what a step that reads only the package's files (formatting) depends on.
/// Rust files beyond the package's directory (`#[path]` modules) count: rustfmt formats them.
pub(crate) fn own_hash(globals: &BTreeMap<String, String>, fp: &PackageFingerprint) -> String {
    let rust_beyond = fp.learned.iter().filter(|(p, _)| p.ends_with(".rs"));
    hash_lines(
        std::iter::once(format!("{DOMAIN} own"))
            .chain(globals.iter().map(|(k, v)| format!("global\t{k}\t{v}")))
            .chain(fp.files.iter().map(|(p, h)| format!("file\t{p}\t{h}")))
            .chain(rust_beyond.map(|(p, h)| format!("learned\t{p}\t{h}"))),
    )
}

/// `dep\tNAME\tKIND\tBUILD` for each selected edge, sorted, so edge order does not matter.
fn dep_lines(
    ws: &Workspace,
    ix: PkgIx,
    build: &[Option<String>],
    select: impl Fn(DepKind) -> bool,
) -> Vec<String> {
    let mut lines: Vec<String> = ws
        .deps(ix)
        .filter(|(_, dep)| select(dep.kind))
        .map(|(to, dep)| {
            // Build order guarantees a value for normal and build deps; a dev dep in a cycle
            // is looked up after every `build` is known, so `None` cannot occur either.
            let hash = build[to].as_deref().unwrap_or("unknown");
            format!(
                "dep\t{}\t{}\t{hash}",
                ws.package(to).name,
                dep.kind.as_str()
            )
        })
        .collect();
    lines.sort();
    lines.dedup();
    lines
}

/// blake3 over the resolved external dependencies (name, version, source), and for path
/// packages outside the workspace, the content of their files.
pub(crate) fn externals_hash(
    deps: &[ExternalDep],
    external_content: &HashMap<Utf8PathBuf, String>,
) -> String {
    hash_lines(deps.iter().map(|d| {
        let (key, content) = external_entry(d, external_content);
        format!("{key}\t{content}")
    }))
}

/// Every external dependency of any member: `name version (source)` -> the hash of its
/// files for a path package outside the workspace, `-` otherwise.
pub(crate) fn external_table(
    ws: &Workspace,
    external_content: &HashMap<Utf8PathBuf, String>,
) -> BTreeMap<String, String> {
    ws.packages
        .iter()
        .flat_map(|p| &p.external_deps)
        .map(|d| external_entry(d, external_content))
        .collect()
}

/// The key naming `dep` in [`crate::Fingerprints::externals`].
pub fn external_key(dep: &ExternalDep) -> String {
    format!(
        "{} {} ({})",
        dep.name,
        dep.version,
        dep.source.as_deref().unwrap_or("path")
    )
}

fn external_entry(
    dep: &ExternalDep,
    external_content: &HashMap<Utf8PathBuf, String>,
) -> (String, String) {
    let content = dep
        .path
        .as_ref()
        .and_then(|dir| external_content.get(dir))
        .cloned()
        .unwrap_or_else(|| "-".to_string());
    (external_key(dep), content)
}

/// blake3 over a set of (path, content hash) pairs.
pub(crate) fn files_hash(files: &BTreeMap<String, String>) -> String {
    hash_lines(files.iter().map(|(p, h)| format!("{p}\t{h}")))
}

fn hash_lines(lines: impl IntoIterator<Item = String>) -> String {
    let mut hasher = blake3::Hasher::new();
    for line in lines {
        hasher.update(line.as_bytes());
        hasher.update(b"\n");
    }
    hasher.finalize().to_hex().to_string()
}

/// A path as recorded in fingerprints: relative to the workspace root when under it.
pub(crate) fn display_path(root: &Utf8Path, path: &Utf8Path) -> String {
    path.strip_prefix(root)
        .map(|p| p.to_string())
        .unwrap_or_else(|_| path.to_string())
}
