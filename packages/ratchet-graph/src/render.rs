//! Printing the graph, or the part of it induced by a set of packages, as text, Graphviz dot
//! or JSON.

use std::collections::BTreeSet;
use std::fmt::Write;

use ratchet_events::graph::{Graph, GraphEdge, GraphPackage};

use crate::{Dep, PkgIx, Workspace};

/// Output formats for [`render`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One line per package: `name -> dep, dep (build), dep (dev)`.
    Text,
    /// Graphviz dot.
    Dot,
    /// One `graph` event of the protocol (`ratchet_events::graph::Graph`, docs/json.md).
    Json,
}

/// Extra dot attributes, so that other packages (rules, say) can colour nodes and edges.
pub trait DotStyle {
    /// Attributes for a package's node, such as `fillcolor="#ddeeff", style=filled`.
    fn node(&self, _ix: PkgIx) -> Option<String> {
        None
    }
    /// Attributes for an edge, such as `color=red`.
    fn edge(&self, _from: PkgIx, _to: PkgIx, _dep: &Dep) -> Option<String> {
        None
    }
}

/// The plain style: no extra attributes.
impl DotStyle for () {}

/// Renders the packages in `subset` and the edges between them.
pub fn render(
    workspace: &Workspace,
    subset: &BTreeSet<PkgIx>,
    format: Format,
    style: &dyn DotStyle,
) -> String {
    match format {
        Format::Text => text(workspace, subset),
        Format::Dot => dot(workspace, subset, style),
        Format::Json => json(workspace, subset),
    }
}

fn edges_within<'a>(
    workspace: &'a Workspace,
    subset: &'a BTreeSet<PkgIx>,
    from: PkgIx,
) -> impl Iterator<Item = (PkgIx, &'a Dep)> + 'a {
    let mut edges: Vec<(PkgIx, &Dep)> = workspace
        .deps(from)
        .filter(|(to, _)| subset.contains(to))
        .collect();
    edges.sort_by(|a, b| {
        let name = |ix: PkgIx| workspace.package(ix).name.as_str();
        (name(a.0), a.1.kind).cmp(&(name(b.0), b.1.kind))
    });
    edges.into_iter()
}

fn text(workspace: &Workspace, subset: &BTreeSet<PkgIx>) -> String {
    let mut out = String::new();
    for &ix in subset {
        let deps: Vec<String> = edges_within(workspace, subset, ix)
            .map(|(to, dep)| {
                let name = &workspace.package(to).name;
                match dep.kind {
                    crate::DepKind::Normal => name.clone(),
                    kind => format!("{name} ({})", kind.as_str()),
                }
            })
            .collect();
        let name = &workspace.package(ix).name;
        if deps.is_empty() {
            let _ = writeln!(out, "{name}");
        } else {
            let _ = writeln!(out, "{name} -> {}", deps.join(", "));
        }
    }
    out
}

fn dot(workspace: &Workspace, subset: &BTreeSet<PkgIx>, style: &dyn DotStyle) -> String {
    let mut out = String::from("digraph workspace {\n  rankdir=LR;\n  node [shape=box];\n");
    let attrs = |extra: Option<String>| extra.map(|a| format!(" [{a}]")).unwrap_or_default();
    for &ix in subset {
        let name = &workspace.package(ix).name;
        let _ = writeln!(out, "  \"{name}\"{};", attrs(style.node(ix)));
    }
    for &from in subset {
        for (to, dep) in edges_within(workspace, subset, from) {
            let kind_style = match dep.kind {
                crate::DepKind::Normal => None,
                crate::DepKind::Build => Some("style=dashed".to_string()),
                crate::DepKind::Dev => Some("style=dotted".to_string()),
            };
            let extra = [kind_style, style.edge(from, to, dep)]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>();
            let extra = (!extra.is_empty()).then(|| extra.join(", "));
            let _ = writeln!(
                out,
                "  \"{}\" -> \"{}\"{};",
                workspace.package(from).name,
                workspace.package(to).name,
                attrs(extra)
            );
        }
    }
    out.push_str("}\n");
    out
}

fn json(workspace: &Workspace, subset: &BTreeSet<PkgIx>) -> String {
    let packages = subset
        .iter()
        .map(|&ix| {
            let p = workspace.package(ix);
            GraphPackage {
                name: p.name.clone(),
                package_version: p.version.clone(),
                manifest_path: p.manifest_path.to_string(),
                external_deps: p.external_deps.len(),
            }
        })
        .collect();
    let mut edges = Vec::new();
    for &from in subset {
        for (to, dep) in edges_within(workspace, subset, from) {
            edges.push(GraphEdge {
                from: workspace.package(from).name.clone(),
                to: workspace.package(to).name.clone(),
                kind: dep.kind.into(),
                optional: dep.optional,
                target: dep.target.clone(),
                rename: dep.rename.clone(),
            });
        }
    }
    let graph = Graph {
        version: ratchet_events::VERSION,
        packages,
        edges,
    };
    let event = ratchet_events::Event::Graph(graph);
    serde_json::to_string(&event).unwrap_or_default() + "\n"
}
