//! What cargo's feature resolution reads, for every package of the resolve (members and
//! external crates): each package's `[features]` table, whether it is a proc-macro, and each
//! dependency edge with the features it asks for. Kept beside the snapshot in
//! `<target>/ratchet/feature-model.json`, read only when feature sets are resolved (not on a
//! no-op), and valid only for the snapshot it was written with ([`Workspace::model_id`]).

use std::collections::{BTreeMap, HashMap};

use cargo_metadata::cargo_platform::{Cfg, Platform};
use cargo_metadata::{DependencyKind, Metadata, PackageId};
use serde::{Deserialize, Serialize};

use crate::{DepKind, Workspace};

/// Every package of the resolve; the first ones are the members, in [`Workspace::packages`]
/// order (so a member's index is its `PkgIx`), then external crates.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct FeatureModel {
    /// The packages.
    pub packages: Vec<FeatureNode>,
}

/// One package, as the feature resolver sees it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FeatureNode {
    /// `name` for a member, `name version` for an external crate.
    pub name: String,
    /// Its `[features]` table (implicit features of optional dependencies included).
    pub features: BTreeMap<String, Vec<String>>,
    /// Whether its library is a proc-macro (built for the host).
    pub proc_macro: bool,
    /// Its dependency edges as resolved.
    pub deps: Vec<FeatureEdge>,
}

/// A dependency edge, resolved to a package of the model.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FeatureEdge {
    /// Index of the dependency in [`FeatureModel::packages`].
    pub to: usize,
    /// The name the manifest gives it (its key: the rename, else the package name), as
    /// feature entries (`name/feat`, `dep:name`) spell it.
    pub name: String,
    /// Which manifest section declares it.
    pub kind: DepKind,
    /// `optional = true`.
    pub optional: bool,
    /// The features it turns on.
    pub features: Vec<String>,
    /// `default-features`.
    pub default_features: bool,
    /// A `[target.'cfg(..)'.dependencies]` platform, when there is one.
    pub target: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    id: String,
    model: FeatureModel,
}

impl Workspace {
    /// The feature model of this workspace's snapshot, when it was kept (a snapshot written by
    /// an older ratchet, or a failed write, has none: `None`).
    pub fn feature_model(&self) -> Option<FeatureModel> {
        let path = self.state_dir().join("feature-model.json");
        let stored = ratchet_store::read_json::<Stored>(path.as_std_path())?;
        let members = stored.model.packages.len() >= self.packages.len()
            && self
                .packages
                .iter()
                .zip(&stored.model.packages)
                .all(|(p, n)| p.name == n.name);
        (stored.id == self.model_id && members).then_some(stored.model)
    }
}

/// Writes the model of `metadata` for the snapshot `id`; a failed write costs only precision.
/// `toolchain` is `rustc -vV`: target-specific edges count only where they match the host
/// (as cargo's resolver 2 leaves the others out), when rustc says which `cfg`s hold there.
pub(crate) fn store(workspace: &Workspace, metadata: &Metadata, id: &str, toolchain: &str) {
    let host = toolchain.lines().find_map(|l| l.strip_prefix("host: "));
    let platform = host.zip(host_cfgs(workspace));
    let mut model = model_of(workspace, metadata);
    if let Some((host, cfgs)) = &platform {
        for node in &mut model.packages {
            node.deps.retain(|edge| applies(edge, host, cfgs));
        }
    }
    let stored = Stored {
        id: id.to_string(),
        model,
    };
    let path = workspace.state_dir().join("feature-model.json");
    let _ = ratchet_store::write_json(path.as_std_path(), &stored);
}

/// Whether a target-specific edge is built on `host` (an unreadable platform counts).
fn applies(edge: &FeatureEdge, host: &str, cfgs: &[Cfg]) -> bool {
    match edge.target.as_deref().map(str::parse::<Platform>) {
        Some(Ok(platform)) => platform.matches(host, cfgs),
        _ => true,
    }
}

/// `rustc --print cfg` with `RUSTFLAGS` (as cargo asks it), or `None` when it cannot run.
fn host_cfgs(workspace: &Workspace) -> Option<Vec<Cfg>> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    let flags = std::env::var("RUSTFLAGS").unwrap_or_default();
    let out = std::process::Command::new(rustc)
        .args(["--print", "cfg"])
        .args(flags.split_whitespace())
        .current_dir(&workspace.root)
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let cfgs: Result<Vec<Cfg>, _> = text.lines().map(str::parse::<Cfg>).collect();
    out.status.success().then_some(cfgs.ok()?)
}

fn model_of(workspace: &Workspace, metadata: &Metadata) -> FeatureModel {
    let members: Vec<&cargo_metadata::Package> = workspace
        .packages
        .iter()
        .filter_map(|m| {
            let in_ws = |p: &&cargo_metadata::Package| {
                p.name.as_str() == m.name && p.manifest_path == m.manifest_path
            };
            metadata.packages.iter().find(in_ws)
        })
        .collect();
    let mut externals: Vec<&cargo_metadata::Package> = metadata
        .packages
        .iter()
        .filter(|p| !members.iter().any(|m| m.id == p.id))
        .collect();
    externals.sort_by(|a, b| a.id.repr.cmp(&b.id.repr));
    let all: Vec<&cargo_metadata::Package> = members.iter().chain(&externals).copied().collect();
    let index: HashMap<&PackageId, usize> =
        all.iter().enumerate().map(|(i, p)| (&p.id, i)).collect();
    let nodes: HashMap<&PackageId, &cargo_metadata::Node> = metadata
        .resolve
        .iter()
        .flat_map(|r| &r.nodes)
        .map(|n| (&n.id, n))
        .collect();
    let packages = all
        .iter()
        .enumerate()
        .map(|(i, p)| FeatureNode {
            name: match i < members.len() {
                true => p.name.to_string(),
                false => format!("{} {}", p.name, p.version),
            },
            features: p.features.clone().into_iter().collect(),
            proc_macro: p.targets.iter().any(|t| t.is_proc_macro()),
            deps: edges(p, nodes.get(&p.id).copied(), &all, &index),
        })
        .collect();
    FeatureModel { packages }
}

/// `p`'s declared dependencies that the resolve holds, each tied to its package.
fn edges(
    p: &cargo_metadata::Package,
    node: Option<&cargo_metadata::Node>,
    all: &[&cargo_metadata::Package],
    index: &HashMap<&PackageId, usize>,
) -> Vec<FeatureEdge> {
    let Some(node) = node else { return Vec::new() };
    let mut out = Vec::new();
    for dep in &p.dependencies {
        let kind = dep_kind(dep.kind);
        let candidates: Vec<usize> = node
            .deps
            .iter()
            .filter_map(|d| {
                let to = *index.get(&d.pkg)?;
                let kinds_match = d.dep_kinds.iter().any(|k| dep_kind(k.kind) == kind);
                let named = match &dep.rename {
                    Some(rename) => d.name == rename.replace('-', "_"),
                    None => all[to].name.as_str() == dep.name,
                };
                (kinds_match && named).then_some(to)
            })
            .collect();
        // Two versions of one crate: the version requirement tells them apart.
        let resolved = match candidates.as_slice() {
            [one] => Some(*one),
            many => many
                .iter()
                .copied()
                .find(|to| dep.req.matches(&all[*to].version)),
        };
        let Some(to) = resolved else { continue };
        out.push(FeatureEdge {
            to,
            name: dep.rename.clone().unwrap_or_else(|| dep.name.clone()),
            kind,
            optional: dep.optional,
            features: dep.features.clone(),
            default_features: dep.uses_default_features,
            target: dep.target.as_ref().map(|t| t.to_string()),
        });
    }
    out
}

fn dep_kind(kind: DependencyKind) -> DepKind {
    match kind {
        DependencyKind::Build => DepKind::Build,
        DependencyKind::Development => DepKind::Dev,
        _ => DepKind::Normal,
    }
}
