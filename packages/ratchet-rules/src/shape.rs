//! Rules about the shape of the graph rather than single edges: fan-out, unused library
//! packages and cycles that only dev-dependencies make possible.

use std::collections::{BTreeSet, VecDeque};

use ratchet_graph::{DepKind, PkgIx, Workspace};

use crate::edges::{edge_finding, edges, names};
use crate::finding::{Finding, Rule, kinds_text};
use crate::locator::Locator;
use crate::resolve::{FanOut, Unused};

const ALL_KINDS: &[DepKind] = &[DepKind::Normal, DepKind::Build, DepKind::Dev];
/// Target kinds that other workspace packages can depend on.
const LIB_KINDS: &[&str] = &["lib", "rlib", "dylib", "proc-macro"];

/// Packages with more direct workspace dependencies than their limit.
pub(crate) fn fan_out(ws: &Workspace, rule: &FanOut) -> Vec<Finding> {
    let mut out = Vec::new();
    for ix in 0..ws.packages.len() {
        let deps: BTreeSet<PkgIx> = ws
            .deps(ix)
            .filter(|(to, d)| *to != ix && rule.kinds.contains(&d.kind))
            .map(|(to, _)| to)
            .collect();
        let limit = rule.overrides.get(&ix).copied().unwrap_or(rule.max);
        if deps.len() <= limit {
            continue;
        }
        let package = ws.package(ix);
        out.push(Finding {
            rule: Rule::FanOut,
            package: package.name.clone(),
            dependency: None,
            kinds: rule.kinds.clone(),
            manifest: package.manifest_path.clone(),
            line: None,
            message: format!(
                "`{}` depends directly on {} workspace packages ({} edges); the limit is {limit}",
                package.name,
                deps.len(),
                kinds_text(&rule.kinds)
            ),
            reason: rule.reason.clone(),
            fix: format!(
                "split `{}` so that each part needs fewer of {}, or move the code that uses only \
                 some of them into a package of its own",
                package.name,
                names(ws, &deps)
            ),
            count: Some(deps.len()),
            locator: Locator::Dependencies,
        });
    }
    out
}

/// Library packages that no other workspace package depends on and that are not entry points.
pub(crate) fn unused(ws: &Workspace, rule: &Unused) -> Vec<Finding> {
    let mut out = Vec::new();
    for (ix, package) in ws.packages.iter().enumerate() {
        let is_lib = package
            .targets
            .iter()
            .any(|t| t.kinds.iter().any(|k| LIB_KINDS.contains(&k.as_str())));
        let used = ws
            .rdeps(ix)
            .any(|(from, d)| from != ix && rule.kinds.contains(&d.kind));
        if !is_lib || used || rule.entry_points.contains(&ix) {
            continue;
        }
        out.push(Finding {
            rule: Rule::Unused,
            package: package.name.clone(),
            dependency: None,
            kinds: rule.kinds.clone(),
            manifest: package.manifest_path.clone(),
            line: None,
            message: format!("no workspace package depends on library `{}`", package.name),
            reason: rule.reason.clone(),
            fix: format!(
                "delete `{0}` if it is dead, depend on it where it was meant to be used, or list it \
                 in [rules.unused] entry-points if it is used from outside the workspace",
                package.name
            ),
            count: None,
            locator: Locator::Package,
        });
    }
    out
}

/// Dev-dependencies `a -> b` where `b` reaches `a` again: cargo accepts them, but `a`'s tests
/// then link a second copy of `a`, and every edit to `a` rebuilds `b` before they can run.
pub(crate) fn dev_cycles(ws: &Workspace, reason: Option<&String>) -> Vec<Finding> {
    let mut out = Vec::new();
    for edge in edges(ws, &[DepKind::Dev]) {
        if edge.from == edge.to {
            continue;
        }
        let Some(path) = shortest_path(ws, edge.to, edge.from) else {
            continue;
        };
        let (a, b) = (&ws.package(edge.from).name, &ws.package(edge.to).name);
        let chain: Vec<&str> = path
            .iter()
            .map(|&ix| ws.package(ix).name.as_str())
            .collect();
        let message = format!(
            "`{a}` dev-depends on `{b}`, which depends back on `{a}` ({}): `{a}`'s tests link a \
             second copy of `{a}` and every edit to `{a}` rebuilds `{b}` first",
            chain.join(" -> ")
        );
        let fix = format!(
            "move the tests of `{a}` that need `{b}` into `{b}` or into an integration-test \
             package that depends on both, or move what they need from `{b}` into `{a}`"
        );
        let mut finding = edge_finding(ws, &edge, Rule::DevCycle, message, fix);
        finding.reason = reason.cloned();
        out.push(finding);
    }
    out
}

/// The shortest dependency path from `start` to `goal` over every edge kind, both included.
fn shortest_path(ws: &Workspace, start: PkgIx, goal: PkgIx) -> Option<Vec<PkgIx>> {
    let mut previous: Vec<Option<PkgIx>> = vec![None; ws.packages.len()];
    let mut queue = VecDeque::from([start]);
    let mut seen = BTreeSet::from([start]);
    while let Some(ix) = queue.pop_front() {
        if ix == goal {
            let mut path = vec![goal];
            let mut at = goal;
            while let Some(before) = previous[at] {
                path.push(before);
                at = before;
            }
            path.reverse();
            return Some(path);
        }
        let mut next: Vec<PkgIx> = ws
            .deps(ix)
            .filter(|(_, d)| ALL_KINDS.contains(&d.kind))
            .map(|(to, _)| to)
            .collect();
        next.sort_unstable();
        for to in next {
            if seen.insert(to) {
                previous[to] = Some(ix);
                queue.push_back(to);
            }
        }
    }
    None
}
