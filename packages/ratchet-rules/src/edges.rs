//! Rules about single edges: forbidden edges and private packages, plus the edge view that
//! every edge rule shares.

use std::collections::BTreeSet;

use ratchet_graph::{Dep, DepKind, PkgIx, Workspace};

use crate::finding::{Finding, Rule};
use crate::locator::Locator;
use crate::resolve::{Forbidden, Layers, Private};

/// All declarations of one dependent-to-dependency pair among the chosen kinds.
pub(crate) struct Edge<'a> {
    pub from: PkgIx,
    pub to: PkgIx,
    pub kinds: Vec<DepKind>,
    /// The first declaration (by kind), whose manifest line the finding shows.
    pub dep: &'a Dep,
}

/// Every member-to-member pair joined by an edge of one of `kinds`, in a stable order.
pub(crate) fn edges<'a>(ws: &'a Workspace, kinds: &[DepKind]) -> Vec<Edge<'a>> {
    let mut out: Vec<Edge<'a>> = Vec::new();
    for from in 0..ws.packages.len() {
        let mut deps: Vec<(PkgIx, &Dep)> = ws
            .deps(from)
            .filter(|(_, d)| kinds.contains(&d.kind))
            .collect();
        deps.sort_by_key(|(to, d)| (*to, d.kind));
        for (to, dep) in deps {
            match out.last_mut() {
                Some(last) if last.from == from && last.to == to => {
                    if !last.kinds.contains(&dep.kind) {
                        last.kinds.push(dep.kind);
                    }
                }
                _ => out.push(Edge {
                    from,
                    to,
                    kinds: vec![dep.kind],
                    dep,
                }),
            }
        }
    }
    out
}

/// A finding about `edge`, pointing at the manifest line that declares it.
pub(crate) fn edge_finding(
    ws: &Workspace,
    edge: &Edge,
    rule: Rule,
    message: String,
    fix: String,
) -> Finding {
    let from = ws.package(edge.from);
    let to = ws.package(edge.to);
    Finding {
        rule,
        package: from.name.clone(),
        dependency: Some(to.name.clone()),
        kinds: edge.kinds.clone(),
        manifest: from.manifest_path.clone(),
        line: None,
        message,
        reason: None,
        fix,
        count: None,
        locator: Locator::Dependency {
            name: to.name.clone(),
            rename: edge.dep.rename.clone(),
            kind: edge.dep.kind,
            target: edge.dep.target.clone(),
        },
    }
}

/// `` `a` (layer `x`) `` when layers are configured and `ix` has one, else `` `a` ``.
pub(crate) fn named(ws: &Workspace, layers: Option<&Layers>, ix: PkgIx) -> String {
    let name = &ws.package(ix).name;
    match layers.and_then(|l| l.of[ix].map(|layer| &l.names[layer])) {
        Some(layer) => format!("`{name}` (layer `{layer}`)"),
        None => format!("`{name}`"),
    }
}

/// `[[rules.forbidden]]`: the first entry that matches an edge reports it.
pub(crate) fn forbidden(
    ws: &Workspace,
    rules: &[Forbidden],
    layers: Option<&Layers>,
) -> Vec<Finding> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for rule in rules {
        for edge in edges(ws, &rule.kinds) {
            if !rule.from.contains(&edge.from)
                || !rule.to.contains(&edge.to)
                || !seen.insert((edge.from, edge.to))
            {
                continue;
            }
            let (a, b) = (&ws.package(edge.from).name, &ws.package(edge.to).name);
            let message = format!(
                "{} depends on {}, which [[rules.forbidden]] forbids",
                named(ws, layers, edge.from),
                named(ws, layers, edge.to)
            );
            let mut fix = format!("remove `{b}` from the dependencies of `{a}`");
            if let Some(instead) = rule.instead {
                fix.push_str(&format!(
                    " and depend on `{}` instead",
                    ws.package(instead).name
                ));
            }
            let mut finding = edge_finding(ws, &edge, Rule::Forbidden, message, fix);
            finding.reason = Some(rule.reason.clone());
            out.push(finding);
        }
    }
    out
}

/// `[[rules.private]]`: a private package's dependents must be allowed (or private with it).
pub(crate) fn private(ws: &Workspace, rules: &[Private], layers: Option<&Layers>) -> Vec<Finding> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for rule in rules {
        for edge in edges(ws, &rule.kinds) {
            let allowed = rule.allow.contains(&edge.from) || rule.packages.contains(&edge.from);
            if allowed || !rule.packages.contains(&edge.to) || !seen.insert((edge.from, edge.to)) {
                continue;
            }
            let (a, b) = (&ws.package(edge.from).name, &ws.package(edge.to).name);
            let (owners, fix) = if rule.allow.is_empty() {
                (
                    "its own private set".to_string(),
                    format!(
                        "no other package may depend on `{b}`: remove it from the dependencies of `{a}`"
                    ),
                )
            } else {
                let allow = names(ws, &rule.allow);
                let fix = format!(
                    "only {allow} may depend on `{b}`: use what they offer instead, or, if `{a}` \
                     belongs with them, add it to that [[rules.private]] entry's `allow`"
                );
                (allow, fix)
            };
            let message = format!(
                "{} depends on {}, which is private to {owners}",
                named(ws, layers, edge.from),
                named(ws, layers, edge.to)
            );
            let mut finding = edge_finding(ws, &edge, Rule::Private, message, fix);
            finding.reason = rule.reason.clone();
            out.push(finding);
        }
    }
    out
}

/// `` `a`, `b` `` for a set of packages.
pub(crate) fn names(ws: &Workspace, set: &BTreeSet<PkgIx>) -> String {
    let names: Vec<String> = set
        .iter()
        .map(|&ix| format!("`{}`", ws.package(ix).name))
        .collect();
    names.join(", ")
}
