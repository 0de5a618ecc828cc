//! Cargo's feature resolution over a [`FeatureModel`] (every package of the resolve, or the
//! members only when the model was not kept): which features each package is compiled with
//! when a given set of members is built together (`cargo test -p A -p B`).
//!
//! Resolver 2 (and 3) keeps build-dependencies and proc-macros (built for the host) apart
//! from the rest, and turns on dev-dependencies only for the packages being tested; resolver
//! 1 unifies everything. A feature entry is `name` (another feature), `dep:name` (an
//! optional dependency), `name/feat` (a dependency's feature, turning an optional one on) or
//! `name?/feat` (the feature only if the dependency is on anyway).

use std::collections::{BTreeMap, BTreeSet};

use ratchet_graph::{DepKind, FeatureModel, PkgIx};

/// A compilation of a package (its index in the model; a member's is its `PkgIx`), and whether
/// it is built for the host (a build dependency or proc-macro under resolver 2).
pub type Unit = (usize, bool);

/// The features each unit reached from the roots is compiled with.
pub type Resolved = BTreeMap<Unit, BTreeSet<String>>;

/// What is asked for a root package on the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    /// Features named for it (`--features f` where it has `f`, or `--features NAME/f`).
    pub features: BTreeSet<String>,
    /// `--no-default-features` not given.
    pub default: bool,
    /// `--all-features`.
    pub all: bool,
}

/// The features of every unit when `roots` are built (and tested) together.
pub fn resolve(model: &FeatureModel, roots: &[(PkgIx, &Request)], resolver_2: bool) -> Resolved {
    let root_set: BTreeSet<PkgIx> = roots.iter().map(|(ix, _)| *ix).collect();
    let mut on: Resolved = BTreeMap::new();
    let mut queue: Vec<Unit> = Vec::new();
    for (ix, request) in roots {
        let table = &model.packages[*ix].features;
        let mut wanted: BTreeSet<String> = request.features.clone();
        if request.all {
            wanted.extend(table.keys().cloned());
        }
        if request.default {
            wanted.insert("default".to_string());
        }
        let unit = (*ix, resolver_2 && model.packages[*ix].proc_macro);
        add(&mut on, &mut queue, unit, wanted);
    }
    while let Some(unit) = queue.pop() {
        let (_, active, dep_features) = expand(model, unit.0, &on[&unit]);
        for dep in &model.packages[unit.0].deps {
            // Dev-dependencies count only for the packages being tested (a member's
            // index in the model is its `PkgIx`).
            if dep.kind == DepKind::Dev && !root_set.contains(&unit.0) {
                continue;
            }
            let name = &dep.name;
            if dep.optional && !active.contains(name) {
                continue;
            }
            let to = dep.to;
            let host = match resolver_2 {
                true => unit.1 || dep.kind == DepKind::Build || model.packages[to].proc_macro,
                false => false,
            };
            let mut wanted: BTreeSet<String> = dep.features.iter().cloned().collect();
            if dep.default_features {
                wanted.insert("default".to_string());
            }
            wanted.extend(dep_features.get(name).into_iter().flatten().cloned());
            add(&mut on, &mut queue, (to, host), wanted);
        }
    }
    // What was asked of each unit, as the features of its table it turns on.
    on.into_iter()
        .map(|(unit, requested)| (unit, expand(model, unit.0, &requested).0))
        .collect()
}

/// Adds `wanted` to what is asked of `unit`; queues it when that is news.
fn add(on: &mut Resolved, queue: &mut Vec<Unit>, unit: Unit, wanted: BTreeSet<String>) {
    let known = on.entry(unit).or_default();
    let before = known.len();
    known.extend(wanted);
    if known.len() != before || before == 0 {
        queue.push(unit);
    }
}

/// From the features requested of `ix`: the features it is compiled with (names of its
/// `[features]` table), the optional dependencies they turn on, and the features they ask of
/// each dependency (by the name the manifest gives it).
fn expand(
    model: &FeatureModel,
    ix: usize,
    requested: &BTreeSet<String>,
) -> (
    BTreeSet<String>,
    BTreeSet<String>,
    BTreeMap<String, BTreeSet<String>>,
) {
    let table = &model.packages[ix].features;
    let mut features = BTreeSet::new();
    let mut active = BTreeSet::new();
    let mut dep_features: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut weak = Vec::new();
    let mut stack: Vec<String> = requested.iter().cloned().collect();
    while let Some(entry) = stack.pop() {
        if let Some(dep) = entry.strip_prefix("dep:") {
            active.insert(dep.to_string());
        } else if let Some((dep, feature)) = entry.split_once('/') {
            match dep.strip_suffix('?') {
                Some(dep) => weak.push((dep.to_string(), feature.to_string())),
                None => {
                    active.insert(dep.to_string());
                    dep_features
                        .entry(dep.to_string())
                        .or_default()
                        .insert(feature.to_string());
                    // The implicit feature of an optional dependency turns on with it.
                    if table.contains_key(dep) {
                        stack.push(dep.to_string());
                    }
                }
            }
        } else if let Some(entries) = table.get(&entry)
            && features.insert(entry.clone())
        {
            stack.extend(entries.iter().cloned());
        }
    }
    for (dep, feature) in weak {
        if active.contains(&dep) || is_required(model, ix, &dep) {
            dep_features.entry(dep).or_default().insert(feature);
        }
    }
    (features, active, dep_features)
}

/// Whether `ix` has a non-optional dependency named `name`.
fn is_required(model: &FeatureModel, ix: usize, name: &str) -> bool {
    model.packages[ix]
        .deps
        .iter()
        .any(|dep| !dep.optional && dep.name == name)
}
