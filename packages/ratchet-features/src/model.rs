//! What the resolver starts from: each member's request under the flags, the resolver
//! version, and the members-only model used when the full one was not kept.

use std::collections::{BTreeMap, BTreeSet};

use ratchet_graph::{FeatureEdge, FeatureModel, FeatureNode, PkgIx, Workspace};

use crate::{BuildFlags, FeatureError, Request, Resolved, resolve};

/// Each member's features when checked alone under `requests`.
pub(crate) fn alone_of(
    model: &FeatureModel,
    requests: &BTreeMap<PkgIx, Request>,
    resolver_2: bool,
) -> BTreeMap<PkgIx, Resolved> {
    requests
        .iter()
        .map(|(ix, request)| (*ix, resolve(model, &[(*ix, request)], resolver_2)))
        .collect()
}

/// The model of the members alone, from the graph (when the full one was not kept).
pub(crate) fn members_only(workspace: &Workspace) -> FeatureModel {
    let packages = workspace
        .packages
        .iter()
        .enumerate()
        .map(|(ix, package)| FeatureNode {
            name: package.name.clone(),
            features: package.features.clone(),
            proc_macro: package
                .targets
                .iter()
                .any(|t| t.kinds.iter().any(|k| k == "proc-macro")),
            deps: workspace
                .deps(ix)
                .map(|(to, dep)| FeatureEdge {
                    to,
                    name: dep
                        .rename
                        .clone()
                        .unwrap_or_else(|| workspace.package(to).name.clone()),
                    kind: dep.kind,
                    optional: dep.optional,
                    features: dep.features.clone(),
                    default_features: dep.default_features,
                    target: dep.target.clone(),
                })
                .collect(),
        })
        .collect();
    FeatureModel { packages }
}

/// What each member is asked for by `flags` when it is selected: a bare feature goes to every
/// member that has it, `NAME/f` to NAME.
pub(crate) fn requests(
    workspace: &Workspace,
    flags: &BuildFlags,
) -> Result<BTreeMap<PkgIx, Request>, FeatureError> {
    let request = Request {
        features: BTreeSet::new(),
        default: !flags.no_default_features,
        all: flags.all_features,
    };
    let mut requests: BTreeMap<PkgIx, Request> = (0..workspace.packages.len())
        .map(|ix| (ix, request.clone()))
        .collect();
    for feature in flags.feature_names() {
        let targets: Vec<PkgIx> = match feature.split_once('/') {
            Some((package, _)) => vec![workspace.find(package).ok_or_else(|| {
                FeatureError::UnknownPackage(feature.clone(), package.to_string())
            })?],
            None => (0..workspace.packages.len()).collect(),
        };
        let name = feature.rsplit('/').next().unwrap_or(&feature).to_string();
        let mut found = false;
        for ix in targets {
            if workspace.package(ix).features.contains_key(&name)
                && let Some(request) = requests.get_mut(&ix)
            {
                request.features.insert(name.clone());
                found = true;
            }
        }
        if !found {
            return Err(FeatureError::NoSuchFeature(feature));
        }
    }
    Ok(requests)
}

/// Whether the workspace uses resolver 2 or later: `resolver` in the root manifest's
/// `[workspace]` or `[package]`, else edition 2021 or later of a root package. Unreadable:
/// resolver 2 (cargo's default for every edition since 2021).
pub(crate) fn resolver_2(workspace: &Workspace) -> bool {
    let text = std::fs::read_to_string(workspace.root.join("Cargo.toml")).unwrap_or_default();
    let Ok(manifest) = text.parse::<toml::Table>() else {
        return true;
    };
    let section = |name: &str| manifest.get(name).and_then(|v| v.as_table());
    let resolver = ["workspace", "package"]
        .iter()
        .find_map(|s| section(s)?.get("resolver")?.as_str().map(String::from));
    match resolver {
        Some(version) => version != "1",
        None => {
            let own = section("package").and_then(|p| p.get("edition"));
            let inherited =
                section("workspace").and_then(|w| w.get("package")?.as_table()?.get("edition"));
            match own
                .and_then(|e| e.as_str())
                .or(inherited.and_then(|e| e.as_str()))
            {
                Some(edition) if own.is_some() => edition >= "2021",
                _ => false,
            }
        }
    }
}
