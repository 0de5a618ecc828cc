//! Each member's key part, remembered per feature model in one small state file
//! (`<target>/ratchet/feature-keys.json`), so that a run that compiles nothing resolves
//! nothing: the model (every member's `[features]`, its edges with their features, which
//! members are proc-macros, the resolver and the flags) is hashed, and the keys are computed
//! again only when that hash changes. A missing or corrupt file is computed again.

use std::collections::BTreeMap;

use ratchet_graph::{PkgIx, Workspace};
use serde::{Deserialize, Serialize};

use crate::{BuildFlags, Request, Resolved};
use ratchet_graph::FeatureModel;

/// Bump when the model's hash or the keys' meaning changes.
const FORMAT: u32 = 2;

#[derive(Serialize, Deserialize)]
struct Remembered {
    format: u32,
    model: String,
    keys: BTreeMap<String, String>,
}

/// What the keys are resolved from, besides the workspace and the flags.
pub(crate) struct Model<'a> {
    /// What each member is asked for.
    pub requests: &'a BTreeMap<PkgIx, Request>,
    /// Resolver 2 or later.
    pub resolver_2: bool,
    /// External crates count.
    pub externals: bool,
}

/// Every member's key part: the remembered ones when the model is unchanged, else those
/// `compute` gives (by member name), which are then remembered.
pub(crate) fn keys(
    workspace: &Workspace,
    flags: &BuildFlags,
    model: &Model<'_>,
    compute: &dyn Fn() -> BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let model = model_hash(workspace, flags, model);
    let path = workspace.state_dir().join("feature-keys.json");
    if let Some(known) = ratchet_store::read_json::<Remembered>(path.as_std_path())
        && known.format == FORMAT
        && known.model == model
    {
        return known.keys;
    }
    let keys = compute();
    let remembered = Remembered {
        format: FORMAT,
        model,
        keys,
    };
    // A state write that fails costs a recomputation next time, never a verdict.
    let _ = ratchet_store::write_json(path.as_std_path(), &remembered);
    remembered.keys
}

/// The key part of one package: the target, the profile, and a hash of the features of every
/// package it compiles when checked alone.
pub(crate) fn key_of(model: &FeatureModel, flags: &BuildFlags, resolved: &Resolved) -> String {
    let text = describe(model, resolved);
    format!("{};features={}", flags.key(), blake3::hash(text.as_bytes()))
}

/// `NAME:f1,f2;` for every unit of `resolved` (`NAME host:` for a host build).
pub(crate) fn describe(model: &FeatureModel, resolved: &Resolved) -> String {
    let mut text = String::new();
    for ((ix, host), features) in resolved {
        let name = &model.packages[*ix].name;
        let host = if *host { " host" } else { "" };
        let list: Vec<&str> = features.iter().map(String::as_str).collect();
        text.push_str(&format!("{name}{host}:{};", list.join(",")));
    }
    text
}

/// A hash of everything the resolver reads, each part length-prefixed: the snapshot the
/// model was kept with (its id covers every manifest and `Cargo.lock`), the members' tables
/// and edges, the resolver, the flags and what each member is asked for.
fn model_hash(workspace: &Workspace, flags: &BuildFlags, model: &Model<'_>) -> String {
    let Model {
        requests,
        resolver_2,
        externals,
    } = model;
    let mut hasher = blake3::Hasher::new();
    let mut part = |text: &str| {
        hasher.update(&(text.len() as u64).to_le_bytes());
        hasher.update(text.as_bytes());
    };
    part(&format!(
        "{FORMAT} {resolver_2} {externals} {}",
        flags.key()
    ));
    part(&workspace.model_id);
    for (ix, package) in workspace.packages.iter().enumerate() {
        part(&package.name);
        for (feature, entries) in &package.features {
            part(feature);
            part(&entries.join("\n"));
        }
        let kinds: Vec<&str> = package
            .targets
            .iter()
            .flat_map(|t| t.kinds.iter().map(String::as_str))
            .collect();
        part(&kinds.join(","));
        for (to, dep) in workspace.deps(ix) {
            let dep_text = format!(
                "{} {:?} {} {:?} {:?} {}",
                workspace.package(to).name,
                dep.kind,
                dep.optional,
                dep.rename,
                dep.features,
                dep.default_features
            );
            part(&dep_text);
        }
        part(&format!("{:?}", requests.get(&ix)));
    }
    hasher.finalize().to_hex().to_string()
}
