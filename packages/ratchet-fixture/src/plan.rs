//! The shape of a generated workspace: package names, directories and the dependency DAG.
//!
//! Everything here is drawn from one ChaCha stream seeded by `Spec::seed`, in a fixed order,
//! so the same spec always yields the same plan. Edges only go from a later package to an
//! earlier one, which makes the graph acyclic by construction.

use std::path::PathBuf;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::{DepKind, FixtureDep, FixturePackage, Spec};

/// Business domains: the first directory level under `crates/`.
const DOMAINS: &[&str] = &[
    "core", "auth", "billing", "search", "catalog", "orders", "users", "notify", "reports",
    "storage",
];

/// Layers in dependency order: lower packages (earlier indices) get earlier layers, and edges
/// only point to earlier packages, so the generated graph respects the layer direction.
const LAYERS: &[&str] = &["types", "config", "repo", "service", "runtime", "ui"];

/// The path crates outside the workspace members, used to change `Cargo.lock` offline.
pub(crate) const VENDORS: &[&str] = &["fixture-vendor-a", "fixture-vendor-b", OPTIONAL_VENDOR];

/// The vendor crates drawn as plain dependencies.
const PLAIN_VENDORS: &[&str] = &["fixture-vendor-a", "fixture-vendor-b"];

/// The vendor crate that one package uses as an optional dependency only (feature `extra`,
/// never enabled by default): `cargo metadata` leaves it out of a default-feature resolve,
/// while `Cargo.lock` holds it.
pub(crate) const OPTIONAL_VENDOR: &str = "fixture-vendor-opt";

/// Draws the packages of `spec` (files are filled in when they are written).
pub(crate) fn plan(spec: &Spec) -> Vec<FixturePackage> {
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let n = spec.packages;
    let mut packages: Vec<FixturePackage> = (0..n)
        .map(|i| {
            let domain = DOMAINS[rng.random_range(0..DOMAINS.len())];
            let layer = LAYERS[i * LAYERS.len() / n.max(1)];
            let name = format!("{domain}-{layer}-{i}");
            FixturePackage::new(
                name.clone(),
                PathBuf::from(format!("crates/{domain}/{name}")),
            )
        })
        .collect();
    for i in 1..n {
        packages[i].deps = draw_deps(&mut rng, &packages, i, spec.max_deps);
    }
    guarantee_every_edge_shape(&mut packages);
    nest_some(&mut rng, &mut packages);
    for (i, package) in packages.iter_mut().enumerate() {
        if rng.random_range(0..100) < 8 {
            package.vendor =
                Some(PLAIN_VENDORS[rng.random_range(0..PLAIN_VENDORS.len())].to_string());
        }
        package.integration_test = i % 3 == 0;
    }
    // No draw: the streams above stay as they were before this vendor existed.
    if let Some(package) = packages.iter_mut().rev().find(|p| p.vendor.is_none()) {
        package.optional_vendor = Some(OPTIONAL_VENDOR.to_string());
    }
    for vendor in PLAIN_VENDORS {
        if !packages
            .iter()
            .any(|p| p.vendor.as_deref() == Some(*vendor))
            && let Some(package) = packages.iter_mut().find(|p| p.vendor.is_none())
        {
            package.vendor = Some(vendor.to_string());
        }
    }
    packages
}

/// Up to `max_deps` distinct earlier packages: half near `i` (a chain of layers), half anywhere
/// (hubs), each with a kind and, for some, a rename, `optional` or a target condition.
fn draw_deps(
    rng: &mut ChaCha8Rng,
    packages: &[FixturePackage],
    i: usize,
    max_deps: usize,
) -> Vec<FixtureDep> {
    let count = rng.random_range(0..=max_deps.min(i));
    let mut chosen: Vec<usize> = Vec::with_capacity(count);
    while chosen.len() < count {
        let near = rng.random_bool(0.5);
        let j = if near {
            rng.random_range(i.saturating_sub(20)..i)
        } else {
            rng.random_range(0..i)
        };
        if !chosen.contains(&j) {
            chosen.push(j);
        }
    }
    chosen.sort_unstable();
    chosen
        .into_iter()
        .map(|j| draw_edge(rng, &packages[j].name))
        .collect()
}

fn draw_edge(rng: &mut ChaCha8Rng, name: &str) -> FixtureDep {
    let kind = match rng.random_range(0..100) {
        0..70 => DepKind::Normal,
        70..82 => DepKind::Build,
        _ => DepKind::Dev,
    };
    let mut dep = FixtureDep::plain(name, kind);
    if rng.random_range(0..100) < 10 {
        dep.rename = Some(format!("renamed-{name}"));
    }
    if kind == DepKind::Normal {
        match rng.random_range(0..100) {
            0..7 => dep.optional = true,
            7..14 => dep.target = Some("cfg(unix)".to_string()),
            _ => {}
        }
    }
    dep
}

/// The edge shapes tests rely on; each is added (to the latest package that can take one more
/// dependency) when the random draw produced none.
fn guarantee_every_edge_shape(packages: &mut [FixturePackage]) {
    type Shape = (fn(&FixtureDep) -> bool, fn(&str) -> FixtureDep);
    let shapes: [Shape; 6] = [
        (
            |d| d.kind == DepKind::Normal && d.is_plain(),
            |n| FixtureDep::plain(n, DepKind::Normal),
        ),
        (
            |d| d.kind == DepKind::Build,
            |n| FixtureDep::plain(n, DepKind::Build),
        ),
        (
            |d| d.kind == DepKind::Dev,
            |n| FixtureDep::plain(n, DepKind::Dev),
        ),
        (
            |d| d.rename.is_some(),
            |n| FixtureDep {
                rename: Some(format!("renamed-{n}")),
                ..FixtureDep::plain(n, DepKind::Normal)
            },
        ),
        (
            |d| d.optional,
            |n| FixtureDep {
                optional: true,
                ..FixtureDep::plain(n, DepKind::Normal)
            },
        ),
        (
            |d| d.target.is_some(),
            |n| FixtureDep {
                target: Some("cfg(unix)".to_string()),
                ..FixtureDep::plain(n, DepKind::Normal)
            },
        ),
    ];
    for (present, make) in shapes {
        if packages.iter().flat_map(|p| &p.deps).any(present) {
            continue;
        }
        if let Some((i, j)) = free_pair(packages) {
            let dep = make(&packages[j].name);
            packages[i].deps.push(dep);
        } else if let Some(edge) = spare_plain_edge(packages) {
            // Every pair is taken (tiny workspaces): reshape a plain edge instead.
            *edge = make(&edge.name);
        }
    }
}

/// The latest package `i` and an earlier `j` that `i` does not depend on yet.
fn free_pair(packages: &[FixturePackage]) -> Option<(usize, usize)> {
    (1..packages.len()).rev().find_map(|i| {
        (0..i)
            .rev()
            .find(|&j| !packages[i].deps.iter().any(|d| d.name == packages[j].name))
            .map(|j| (i, j))
    })
}

/// The last plain normal edge, when at least one other plain normal edge remains.
fn spare_plain_edge(packages: &mut [FixturePackage]) -> Option<&mut FixtureDep> {
    let mut plain: Vec<&mut FixtureDep> = packages
        .iter_mut()
        .flat_map(|p| &mut p.deps)
        .filter(|d| d.kind == DepKind::Normal && d.is_plain())
        .collect();
    if plain.len() < 2 {
        return None;
    }
    plain.pop()
}

/// Moves about one package in fifty (at least one) into an earlier package's directory, so the
/// rule "a nested package's files belong to it, not to the enclosing package" is exercised.
fn nest_some(rng: &mut ChaCha8Rng, packages: &mut [FixturePackage]) {
    if packages.len() < 2 {
        return;
    }
    let count = (packages.len() / 50).max(1);
    for _ in 0..count {
        let child = rng.random_range(1..packages.len());
        let parent = rng.random_range(0..child);
        let child_dir = packages[child].dir.clone();
        let child_is_parent = packages
            .iter()
            .any(|p| p.dir != child_dir && p.dir.starts_with(&child_dir));
        if packages[parent].is_nested() || packages[child].is_nested() || child_is_parent {
            continue;
        }
        let dir = packages[parent]
            .dir
            .join(format!("sub-{}", packages[child].name));
        packages[child].dir = dir;
    }
    if !packages.iter().any(FixturePackage::is_nested) {
        let dir = packages[0].dir.join(format!("sub-{}", packages[1].name));
        packages[1].dir = dir;
    }
}
