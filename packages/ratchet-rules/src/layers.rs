//! The layer rules: every dependency points to the same layer or a lower one, and every
//! package is in a layer unless it is allowed not to be.

use ratchet_graph::Workspace;

use crate::edges::{Edge, edge_finding, edges};
use crate::finding::{Finding, Rule};
use crate::locator::Locator;
use crate::resolve::Layers;

/// Layer-order violations and packages in no layer.
pub(crate) fn check(ws: &Workspace, layers: &Layers) -> Vec<Finding> {
    let mut out: Vec<Finding> = edges(ws, &layers.kinds)
        .iter()
        .filter_map(|edge| upward(ws, layers, edge))
        .collect();
    for (ix, layer) in layers.of.iter().enumerate() {
        if layer.is_some() || layers.unlayered_ok.contains(&ix) {
            continue;
        }
        let package = ws.package(ix);
        out.push(Finding {
            rule: Rule::Unlayered,
            package: package.name.clone(),
            dependency: None,
            kinds: Vec::new(),
            manifest: package.manifest_path.clone(),
            line: None,
            message: format!("`{}` is in no layer", package.name),
            reason: layers.reason.clone(),
            fix: format!(
                "add `{}` to one of the layers ({}) under [rules.layers.packages] in ratchet.toml, \
                 or set `[package.metadata.ratchet] layer = \"...\"` in its Cargo.toml, or list it \
                 in [rules.layers] allow-unlayered",
                package.name,
                quoted(&layers.names)
            ),
            count: None,
            locator: Locator::Package,
        });
    }
    out
}

fn upward(ws: &Workspace, layers: &Layers, edge: &Edge) -> Option<Finding> {
    let (from_layer, to_layer) = (layers.of[edge.from]?, layers.of[edge.to]?);
    let same = from_layer == to_layer;
    if to_layer < from_layer || (same && layers.allow_same_layer) {
        return None;
    }
    let (a, b) = (&ws.package(edge.from).name, &ws.package(edge.to).name);
    let (la, lb) = (&layers.names[from_layer], &layers.names[to_layer]);
    let message = if same {
        format!(
            "`{a}` depends on `{b}`, both in layer `{la}`, and [rules.layers] allow-same-layer is false"
        )
    } else {
        format!("`{a}` (layer `{la}`) depends on `{b}` (layer `{lb}`), a higher layer")
    };
    let allowed_end = if layers.allow_same_layer {
        from_layer + 1
    } else {
        from_layer
    };
    let allowed: Vec<String> = layers.names[..allowed_end].iter().rev().cloned().collect();
    let fix = if allowed.is_empty() {
        format!(
            "a package of layer `{la}` may not depend on any layered workspace package; move what \
             `{a}` uses from `{b}` into `{a}` itself"
        )
    } else {
        format!(
            "a package of layer `{la}` may depend only on layers {}; move what `{a}` uses from `{b}` \
             into `{a}` or into a package of one of those layers, or let `{b}` pass it in from \
             above (a trait or a callback that `{b}` implements)",
            quoted(&allowed)
        )
    };
    let mut finding = edge_finding(ws, edge, Rule::Layer, message, fix);
    finding.reason = layers.reason.clone();
    Some(finding)
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
