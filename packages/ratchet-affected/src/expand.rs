//! From directly changed packages (seeds, each with its cause) to the affected set, keeping for
//! every package the shortest chain that explains it.
//!
//! Build-affected: a breadth-first search from all seeds at once over reverse normal and build
//! edges, so each package's parent is on a shortest path from some seed. Affected adds, in the
//! same distance order, every package with a dev-dependency on a build-affected one; dev edges
//! stop there (a test-only change does not reach the dependents of the tester).

use std::collections::{BTreeMap, VecDeque};

use ratchet_events::affected::{Cause, Reason};
use ratchet_graph::{DepKind, PkgIx, Workspace};

/// A package changed directly, and why.
#[derive(Debug, Clone)]
pub struct Seed {
    /// The package.
    pub ix: PkgIx,
    /// What changed in it.
    pub cause: Cause,
}

/// The outcome of expanding seeds: names sorted, and a reason for every affected package.
#[derive(Debug, Default)]
pub(crate) struct Expanded {
    pub build_affected: Vec<String>,
    pub affected: Vec<String>,
    pub reasons: BTreeMap<String, Reason>,
}

#[derive(Clone)]
enum Via {
    Seed(usize),
    Edge(PkgIx, DepKind),
}

/// Expands `seeds` (the first cause given for a package wins) over the graph.
pub(crate) fn expand(ws: &Workspace, seeds: &[Seed]) -> Expanded {
    let mut via: Vec<Option<Via>> = vec![None; ws.packages.len()];
    let mut queue = VecDeque::new();
    for (i, seed) in seeds.iter().enumerate() {
        if via[seed.ix].is_none() {
            via[seed.ix] = Some(Via::Seed(i));
            queue.push_back(seed.ix);
        }
    }
    let mut build_order = Vec::new();
    while let Some(ix) = queue.pop_front() {
        build_order.push(ix);
        for (dependent, dep) in ws.rdeps(ix) {
            if dep.kind != DepKind::Dev && via[dependent].is_none() {
                via[dependent] = Some(Via::Edge(ix, edge_kind(ws, dependent, ix)));
                queue.push_back(dependent);
            }
        }
    }
    let mut dev_only = Vec::new();
    for &ix in &build_order {
        for (dependent, dep) in ws.rdeps(ix) {
            if dep.kind == DepKind::Dev && via[dependent].is_none() {
                via[dependent] = Some(Via::Edge(ix, DepKind::Dev));
                dev_only.push(dependent);
            }
        }
    }
    let name = |ix: PkgIx| ws.package(ix).name.clone();
    let mut out = Expanded {
        build_affected: build_order.iter().map(|&ix| name(ix)).collect(),
        ..Expanded::default()
    };
    out.affected = out.build_affected.clone();
    out.affected.extend(dev_only.iter().map(|&ix| name(ix)));
    out.build_affected.sort();
    out.affected.sort();
    for &ix in build_order.iter().chain(&dev_only) {
        out.reasons.insert(name(ix), reason(ws, seeds, &via, ix));
    }
    out
}

/// The kind of the edge from `dependent` to `dependency` that carries a build change: normal
/// when there is one, else build.
fn edge_kind(ws: &Workspace, dependent: PkgIx, dependency: PkgIx) -> DepKind {
    let kinds = ws
        .deps(dependent)
        .filter(|(to, d)| *to == dependency && d.kind != DepKind::Dev)
        .map(|(_, d)| d.kind);
    kinds.min().unwrap_or(DepKind::Normal)
}

fn reason(ws: &Workspace, seeds: &[Seed], via: &[Option<Via>], ix: PkgIx) -> Reason {
    let mut path = vec![ix];
    let mut kinds = Vec::new();
    let mut at = ix;
    loop {
        match &via[at] {
            Some(Via::Edge(from, kind)) => {
                kinds.push((*kind).into());
                path.push(*from);
                at = *from;
            }
            Some(Via::Seed(i)) => {
                path.reverse();
                kinds.reverse();
                return Reason {
                    cause: seeds[*i].cause.clone(),
                    path: path.iter().map(|&p| ws.package(p).name.clone()).collect(),
                    edge_kinds: kinds,
                };
            }
            // Unreachable by construction (every visited package has a `via`); a reason
            // without a chain is still better than a panic.
            None => {
                return Reason {
                    cause: Cause::Fingerprint {
                        detail: "reason unknown".to_string(),
                    },
                    path: vec![ws.package(ix).name.clone()],
                    edge_kinds: Vec::new(),
                };
            }
        }
    }
}
