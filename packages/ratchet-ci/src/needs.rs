//! What a shard builds for one of its packages: the members its `--all-targets` build needs,
//! with the features cargo turns on. The graph holds every optional dependency (it is loaded
//! with `--all-features`, so that `affected` misses none), but a build with the default
//! features compiles an optional dependency only when a feature turns it on: counting the
//! others made a shard look dearer than it was by the builds it never does.

use std::collections::{BTreeMap, BTreeSet};

use ratchet_graph::{Dep, DepKind, PkgIx, Workspace};

/// The members `start`'s build compiles before it (its dependencies of every kind, then
/// theirs except dev-dependencies), following an optional dependency only when a feature
/// that is on names it (`dep:NAME`, `NAME`, `NAME/FEATURE`). `start` has its default
/// features; each edge turns on the features it lists, and the default ones unless it says
/// `default-features = false`. An approximation of cargo's resolver (it unifies the features
/// of the whole shard, this of one package): a prediction, never a verdict.
pub fn built_for(ws: &Workspace, start: PkgIx) -> BTreeSet<PkgIx> {
    let mut on: BTreeMap<PkgIx, BTreeSet<String>> = BTreeMap::new();
    let mut queue = vec![(start, BTreeSet::from(["default".to_string()]))];
    while let Some((ix, asked)) = queue.pop() {
        let known = on.entry(ix).or_default();
        let before = known.len();
        known.extend(asked);
        if before == known.len() && before > 0 {
            continue;
        }
        let (optional, forwarded) = expand(&ws.package(ix).features, known);
        for (dep, edge) in ws.deps(ix) {
            if edge.kind == DepKind::Dev && ix != start {
                continue;
            }
            let name = dep_name(ws, dep, edge);
            if edge.optional && !optional.contains(&name) {
                continue;
            }
            let mut features: BTreeSet<String> = edge.features.iter().cloned().collect();
            if edge.default_features {
                features.insert("default".to_string());
            }
            features.extend(forwarded.get(&name).into_iter().flatten().cloned());
            // An empty set still visits the package once (its edges are built).
            if features.is_empty() && on.contains_key(&dep) {
                continue;
            }
            queue.push((dep, features));
        }
    }
    on.remove(&start);
    on.into_keys().collect()
}

/// The name a package's `[features]` table calls the dependency of `edge`.
fn dep_name(ws: &Workspace, dep: PkgIx, edge: &Dep) -> String {
    edge.rename
        .clone()
        .unwrap_or_else(|| ws.package(dep).name.clone())
}

/// From the features that are on (extended with those they turn on, transitively): the
/// optional dependencies they turn on, and the features they ask of each dependency.
fn expand(
    table: &BTreeMap<String, Vec<String>>,
    on: &mut BTreeSet<String>,
) -> (BTreeSet<String>, BTreeMap<String, BTreeSet<String>>) {
    let mut optional = BTreeSet::new();
    let mut forwarded: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack: Vec<String> = on.iter().cloned().collect();
    while let Some(feature) = stack.pop() {
        for value in table.get(&feature).into_iter().flatten() {
            if let Some(dep) = value.strip_prefix("dep:") {
                optional.insert(dep.to_string());
            } else if let Some((dep, wanted)) = value.split_once('/') {
                // `NAME?/F` only forwards when NAME is on for another reason.
                let weak = dep.ends_with('?');
                let dep = dep.trim_end_matches('?');
                if !weak {
                    optional.insert(dep.to_string());
                }
                let asked = forwarded.entry(dep.to_string()).or_default();
                asked.insert(wanted.to_string());
            } else if on.insert(value.clone()) {
                stack.push(value.clone());
            }
        }
        // A feature not in the table is an optional dependency's implicit one.
        if !table.contains_key(&feature) {
            optional.insert(feature);
        }
    }
    (optional, forwarded)
}

#[cfg(test)]
#[path = "needs_tests.rs"]
mod tests;
