//! The dot style for `graph --format dot`: packages filled with their layer's colour and
//! labelled with their layer, one row per layer (lowest at the bottom) with a legend, edges
//! that violate a rule drawn in red.

use std::collections::BTreeSet;

use ratchet_config::ConfigFile;
use ratchet_graph::{Dep, DotStyle, PkgIx, Workspace};

use crate::RulesError;

/// Pale colours, one per layer (cycled when there are more layers).
const PALETTE: &[&str] = &[
    "#dbeafe", "#dcfce7", "#fef9c3", "#fde2e2", "#ede9fe", "#cffafe", "#ffedd5", "#f1f5f9",
];

/// Colours by layer and marks violating edges; built from the same evaluation as the gate.
#[derive(Debug, Clone, Default)]
pub struct LayerStyle {
    package_names: Vec<String>,
    layer_names: Vec<String>,
    layer_of: Vec<Option<usize>>,
    violating: BTreeSet<(PkgIx, PkgIx)>,
}

impl LayerStyle {
    /// Evaluates the rules of `config` on `ws` (every finding, accepted or not, is drawn).
    pub fn new(ws: &Workspace, config: &ConfigFile) -> Result<LayerStyle, RulesError> {
        let (rules, findings) = crate::evaluate_resolved(ws, config)?;
        let violating = findings
            .iter()
            .filter_map(|f| Some((ws.find(&f.package)?, ws.find(f.dependency.as_deref()?)?)))
            .collect();
        let (layer_names, layer_of) = match rules.layers {
            Some(layers) => (layers.names, layers.of),
            None => (Vec::new(), vec![None; ws.packages.len()]),
        };
        Ok(LayerStyle {
            package_names: ws.packages.iter().map(|p| p.name.clone()).collect(),
            layer_names,
            layer_of,
            violating,
        })
    }
}

impl DotStyle for LayerStyle {
    fn node(&self, ix: PkgIx) -> Option<String> {
        let layer = (*self.layer_of.get(ix)?)?;
        // The layer goes into the label: a rendered image has no tooltips.
        Some(format!(
            "style=filled, fillcolor=\"{}\", label=\"{}\\n({})\"",
            PALETTE[layer % PALETTE.len()],
            self.package_names.get(ix)?,
            self.layer_names[layer]
        ))
    }

    fn layers(&self) -> Vec<(String, String)> {
        self.layer_names
            .iter()
            .enumerate()
            .map(|(i, name)| (name.clone(), PALETTE[i % PALETTE.len()].to_string()))
            .collect()
    }

    fn layer(&self, ix: PkgIx) -> Option<usize> {
        *self.layer_of.get(ix)?
    }

    fn edge(&self, from: PkgIx, to: PkgIx, _dep: &Dep) -> Option<String> {
        self.violating
            .contains(&(from, to))
            .then(|| "color=red, penwidth=2".to_string())
    }
}
