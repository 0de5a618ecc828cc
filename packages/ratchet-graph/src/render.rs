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
    /// The layers, lowest first, each with its colour: drawn as a legend, one row (rank) per
    /// layer, the lowest at the bottom. None: no legend, no ranks.
    fn layers(&self) -> Vec<(String, String)> {
        Vec::new()
    }
    /// The position of a package's layer in [`DotStyle::layers`].
    fn layer(&self, _ix: PkgIx) -> Option<usize> {
        None
    }
}

/// The plain style: no extra attributes.
impl DotStyle for () {}

/// The packages to draw and which of their edges to leave out.
struct View<'a> {
    workspace: &'a Workspace,
    subset: &'a BTreeSet<PkgIx>,
    hidden: BTreeSet<(PkgIx, PkgIx, crate::DepKind)>,
}

/// Renders the packages in `subset` and the edges between them; with `reduce`, without the
/// edges another path already implies ([`crate::implied_edges`]).
pub fn render(
    workspace: &Workspace,
    subset: &BTreeSet<PkgIx>,
    format: Format,
    style: &dyn DotStyle,
    reduce: bool,
) -> String {
    let view = View {
        workspace,
        subset,
        hidden: match reduce {
            true => crate::implied_edges(workspace, subset),
            false => BTreeSet::new(),
        },
    };
    match format {
        Format::Text => text(&view),
        Format::Dot => dot(&view, style),
        Format::Json => json(&view),
    }
}

fn edges_within<'a>(view: &'a View, from: PkgIx) -> impl Iterator<Item = (PkgIx, &'a Dep)> + 'a {
    let workspace = view.workspace;
    let mut edges: Vec<(PkgIx, &Dep)> = workspace
        .deps(from)
        .filter(|(to, dep)| {
            view.subset.contains(to) && !view.hidden.contains(&(from, *to, dep.kind))
        })
        .collect();
    edges.sort_by(|a, b| {
        let name = |ix: PkgIx| workspace.package(ix).name.as_str();
        (name(a.0), a.1.kind).cmp(&(name(b.0), b.1.kind))
    });
    edges.into_iter()
}

fn text(view: &View) -> String {
    let workspace = view.workspace;
    let mut out = String::new();
    for &ix in view.subset {
        let deps: Vec<String> = edges_within(view, ix)
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

fn dot(view: &View, style: &dyn DotStyle) -> String {
    let (workspace, subset) = (view.workspace, view.subset);
    let layers = style.layers();
    // With layers, one row per layer, the lowest at the bottom: dependencies point down.
    let direction = if layers.is_empty() { "LR" } else { "TB" };
    let mut out = format!("digraph workspace {{\n  rankdir={direction};\n  node [shape=box];\n");
    let attrs = |extra: Option<String>| extra.map(|a| format!(" [{a}]")).unwrap_or_default();
    for &ix in subset {
        let name = &workspace.package(ix).name;
        let _ = writeln!(out, "  \"{name}\"{};", attrs(style.node(ix)));
    }
    for &from in subset {
        for (to, dep) in edges_within(view, from) {
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
    out.push_str(&layer_ranks(view, style, &layers));
    out.push_str("}\n");
    out
}

/// The legend (a node per layer, in the layer's colour, in its row), a `rank=same`
/// group per layer holding its legend node and its packages, and an invisible chain from the
/// highest layer's legend node down to the lowest's that keeps the rows in layer order.
fn layer_ranks(view: &View, style: &dyn DotStyle, layers: &[(String, String)]) -> String {
    if layers.is_empty() {
        return String::new();
    }
    let legend = |name: &str| format!("\"layer: {name}\"");
    let mut out =
        String::from("  // layers, lowest at the bottom; the legend is a column beside the rows\n");
    for (i, (name, color)) in layers.iter().enumerate() {
        let _ = writeln!(
            out,
            "  {} [shape=note, style=filled, fillcolor=\"{color}\", label=\"layer {}: {name}\"];",
            legend(name),
            i + 1
        );
    }
    for (i, (name, _)) in layers.iter().enumerate() {
        let members: Vec<String> = view
            .subset
            .iter()
            .filter(|ix| style.layer(**ix) == Some(i))
            .map(|ix| format!("\"{}\"", view.workspace.package(*ix).name))
            .collect();
        let _ = writeln!(
            out,
            "  {{ rank=same; {}; {}}}",
            legend(name),
            members.iter().map(|m| format!("{m}; ")).collect::<String>()
        );
    }
    let chain: Vec<String> = layers.iter().rev().map(|(name, _)| legend(name)).collect();
    if chain.len() > 1 {
        let _ = writeln!(out, "  {} [style=invis, weight=100];", chain.join(" -> "));
    }
    out
}

fn json(view: &View) -> String {
    let (workspace, subset) = (view.workspace, view.subset);
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
        for (to, dep) in edges_within(view, from) {
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
