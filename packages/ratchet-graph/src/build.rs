//! Turning `cargo metadata` output into a [`Workspace`].

use std::collections::{BTreeSet, HashMap};

use camino::Utf8PathBuf;
use cargo_metadata::{DependencyKind, Metadata, PackageId};
use petgraph::graph::{DiGraph, NodeIndex};

use crate::{Dep, DepKind, ExternalDep, Package, PkgIx, Target, Workspace};

/// Builds the graph from a full `cargo metadata` result (with its resolve section).
pub(crate) fn from_metadata(metadata: &Metadata) -> Workspace {
    let mut members: Vec<&cargo_metadata::Package> = metadata.workspace_packages();
    members.sort_by(|a, b| a.name.cmp(&b.name));
    let ix_by_id: HashMap<&PackageId, PkgIx> = members
        .iter()
        .enumerate()
        .map(|(ix, p)| (&p.id, ix))
        .collect();
    let ix_by_dir: HashMap<Utf8PathBuf, PkgIx> = members
        .iter()
        .enumerate()
        .map(|(ix, p)| (package_dir(p), ix))
        .collect();
    let externals = external_closures(metadata, &ix_by_id);
    let packages = members
        .iter()
        .map(|p| Package {
            name: p.name.to_string(),
            version: p.version.to_string(),
            edition: p.edition.to_string(),
            manifest_path: p.manifest_path.clone(),
            dir: package_dir(p),
            targets: p
                .targets
                .iter()
                .map(|t| Target {
                    name: t.name.clone(),
                    kinds: t.kind.iter().map(|k| k.to_string()).collect(),
                    src_path: t.src_path.clone(),
                    doctest: t.doctest,
                    test: t.test,
                })
                .collect(),
            external_deps: externals.get(&p.id).cloned().unwrap_or_default(),
            metadata: p.metadata.clone(),
            cargo_pkg_env: cargo_pkg_env(p),
            features: p.features.clone().into_iter().collect(),
        })
        .collect();
    let mut edges = Vec::new();
    for (from, package) in members.iter().enumerate() {
        for dep in &package.dependencies {
            let Some(path) = &dep.path else { continue };
            let Some(&to) = ix_by_dir.get(path) else {
                continue;
            };
            edges.push((
                from,
                to,
                Dep {
                    kind: match dep.kind {
                        DependencyKind::Build => DepKind::Build,
                        DependencyKind::Development => DepKind::Dev,
                        _ => DepKind::Normal,
                    },
                    optional: dep.optional,
                    target: dep.target.as_ref().map(|t| t.to_string()),
                    rename: dep.rename.clone(),
                    features: dep.features.clone(),
                    default_features: dep.uses_default_features,
                },
            ));
        }
    }
    edges.extend(resolve_only_edges(metadata, &ix_by_id, &edges));
    with_edges(
        metadata.workspace_root.clone(),
        metadata.target_directory.clone(),
        packages,
        edges,
    )
}

/// The `CARGO_PKG_*` variables cargo sets for `p`'s processes (its `fill_env`), each empty
/// when the manifest does not say. `rust-version` comes back from `cargo metadata` as a full
/// version: `1.89` and `1.89.0` both read `1.89.0`, shown as `1.89`.
fn cargo_pkg_env(p: &cargo_metadata::Package) -> std::collections::BTreeMap<String, String> {
    let text = |value: Option<&dyn ToString>| value.map(|v| v.to_string()).unwrap_or_default();
    let rust_version = p.rust_version.as_ref().map(|v| match v.patch {
        0 => format!("{}.{}", v.major, v.minor),
        _ => v.to_string(),
    });
    [
        ("VERSION", p.version.to_string()),
        ("VERSION_MAJOR", p.version.major.to_string()),
        ("VERSION_MINOR", p.version.minor.to_string()),
        ("VERSION_PATCH", p.version.patch.to_string()),
        ("VERSION_PRE", p.version.pre.to_string()),
        ("NAME", p.name.to_string()),
        ("AUTHORS", p.authors.join(":")),
        ("DESCRIPTION", text(p.description.as_ref().map(|v| v as _))),
        ("HOMEPAGE", text(p.homepage.as_ref().map(|v| v as _))),
        ("REPOSITORY", text(p.repository.as_ref().map(|v| v as _))),
        ("LICENSE", text(p.license.as_ref().map(|v| v as _))),
        (
            "LICENSE_FILE",
            text(p.license_file.as_ref().map(|v| v as _)),
        ),
        ("README", text(p.readme.as_ref().map(|v| v as _))),
        ("RUST_VERSION", rust_version.unwrap_or_default()),
    ]
    .into_iter()
    .map(|(key, value)| (format!("CARGO_PKG_{key}"), value))
    .collect()
}

fn package_dir(p: &cargo_metadata::Package) -> Utf8PathBuf {
    p.manifest_path
        .parent()
        .map(|d| d.to_path_buf())
        .unwrap_or_default()
}

/// Member-to-member edges that the resolver made but no `path` dependency declares, such as a
/// registry dependency `[patch]`ed to a member. Kept so nothing that links a member is missed.
fn resolve_only_edges(
    metadata: &Metadata,
    ix_by_id: &HashMap<&PackageId, PkgIx>,
    declared: &[(PkgIx, PkgIx, Dep)],
) -> Vec<(PkgIx, PkgIx, Dep)> {
    let known: BTreeSet<(PkgIx, PkgIx, DepKind)> =
        declared.iter().map(|(a, b, d)| (*a, *b, d.kind)).collect();
    let mut extra = Vec::new();
    let Some(resolve) = &metadata.resolve else {
        return extra;
    };
    for node in &resolve.nodes {
        let Some(&from) = ix_by_id.get(&node.id) else {
            continue;
        };
        for dep in &node.deps {
            let Some(&to) = ix_by_id.get(&dep.pkg) else {
                continue;
            };
            for info in &dep.dep_kinds {
                let kind = match info.kind {
                    DependencyKind::Build => DepKind::Build,
                    DependencyKind::Development => DepKind::Dev,
                    _ => DepKind::Normal,
                };
                if !known.contains(&(from, to, kind)) {
                    extra.push((
                        from,
                        to,
                        Dep {
                            kind,
                            optional: false,
                            target: info.target.as_ref().map(|t| t.to_string()),
                            rename: None,
                            features: Vec::new(),
                            default_features: true,
                        },
                    ));
                }
            }
        }
    }
    extra
}

/// For each member, the external packages it reaches through external packages only.
fn external_closures(
    metadata: &Metadata,
    ix_by_id: &HashMap<&PackageId, PkgIx>,
) -> HashMap<PackageId, Vec<ExternalDep>> {
    let mut result = HashMap::new();
    let Some(resolve) = &metadata.resolve else {
        return result;
    };
    let nodes: HashMap<&PackageId, &cargo_metadata::Node> =
        resolve.nodes.iter().map(|n| (&n.id, n)).collect();
    let packages: HashMap<&PackageId, &cargo_metadata::Package> =
        metadata.packages.iter().map(|p| (&p.id, p)).collect();
    for member in ix_by_id.keys() {
        let mut seen: BTreeSet<&PackageId> = BTreeSet::new();
        let mut stack: Vec<&PackageId> = vec![member];
        while let Some(id) = stack.pop() {
            let Some(node) = nodes.get(id) else { continue };
            for dep in &node.deps {
                if !ix_by_id.contains_key(&dep.pkg) && seen.insert(&dep.pkg) {
                    stack.push(&dep.pkg);
                }
            }
        }
        let mut deps: Vec<ExternalDep> = seen
            .iter()
            .filter_map(|id| packages.get(id))
            .map(|p| ExternalDep {
                name: p.name.to_string(),
                version: p.version.to_string(),
                source: p.source.as_ref().map(|s| s.repr.clone()),
                path: match p.source {
                    None => p.manifest_path.parent().map(|d| d.to_path_buf()),
                    Some(_) => None,
                },
            })
            .collect();
        deps.sort();
        result.insert((*member).clone(), deps);
    }
    result
}

/// Assembles a workspace from its parts (also used when loading a snapshot).
pub(crate) fn with_edges(
    root: Utf8PathBuf,
    target_dir: Utf8PathBuf,
    packages: Vec<Package>,
    edges: Vec<(PkgIx, PkgIx, Dep)>,
) -> Workspace {
    let mut graph = DiGraph::with_capacity(packages.len(), edges.len());
    for _ in &packages {
        graph.add_node(());
    }
    for (from, to, dep) in edges {
        graph.add_edge(NodeIndex::new(from), NodeIndex::new(to), dep);
    }
    let by_dir = packages
        .iter()
        .enumerate()
        .map(|(ix, p)| (p.dir.clone(), ix))
        .collect();
    Workspace {
        root,
        target_dir,
        packages,
        model_id: String::new(),
        graph,
        by_dir,
    }
}

/// The edges of a workspace as plain triples, for the snapshot.
pub(crate) fn snapshot_edges(workspace: &Workspace) -> Vec<(PkgIx, PkgIx, Dep)> {
    workspace
        .graph
        .edge_indices()
        .filter_map(|e| {
            let (a, b) = workspace.graph.edge_endpoints(e)?;
            Some((a.index(), b.index(), workspace.graph[e].clone()))
        })
        .collect()
}
