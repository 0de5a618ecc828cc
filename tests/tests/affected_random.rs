//! Randomized: generated workspaces (`ratchet-fixture`), random edits (sources, data files, new
//! files, vendor crates, lockfile bumps, added and deleted packages), and `affected` in both
//! modes compared with a reference computed here, from the fixture's own dependency list and
//! the definitions in DESIGN.md, without ratchet's libraries.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use std::collections::BTreeSet;
use std::path::Path;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use ratchet_fixture::{DepKind, Fixture, Spec, generate};
use ratchet_tests::ratchet;

const BIN: &str = env!("CARGO_BIN_EXE_ratchet");

/// What an edit changed, in the reference's terms.
#[derive(Default, Debug)]
struct Expected {
    /// Packages changed directly (owners of edited files, users of an edited vendor crate).
    seeds: BTreeSet<String>,
    /// A global input changed: everything is affected.
    global: bool,
}

/// Build-affected and affected, from the fixture's model only.
fn reference(fx: &Fixture, expected: &Expected) -> (BTreeSet<String>, BTreeSet<String>) {
    let all: BTreeSet<String> = fx.packages.iter().map(|p| p.name.clone()).collect();
    if expected.global {
        return (all.clone(), all);
    }
    let mut build: BTreeSet<String> = expected.seeds.intersection(&all).cloned().collect();
    loop {
        let before = build.len();
        for p in &fx.packages {
            if p.deps
                .iter()
                .any(|d| d.kind != DepKind::Dev && build.contains(&d.name))
            {
                build.insert(p.name.clone());
            }
        }
        if build.len() == before {
            break;
        }
    }
    let mut affected = build.clone();
    for p in &fx.packages {
        if p.deps
            .iter()
            .any(|d| d.kind == DepKind::Dev && build.contains(&d.name))
        {
            affected.insert(p.name.clone());
        }
    }
    (build, affected)
}

fn pick<'a>(rng: &mut ChaCha8Rng, fx: &'a Fixture) -> &'a str {
    &fx.packages[rng.random_range(0..fx.packages.len())].name
}

/// Applies one random edit and says what it changed.
fn random_edit(rng: &mut ChaCha8Rng, fx: &mut Fixture, edit: usize, expected: &mut Expected) {
    let root_manifest = std::fs::read_to_string(fx.root.join("Cargo.toml")).unwrap();
    match rng.random_range(0..8) {
        0 | 1 => {
            let name = pick(rng, fx).to_string();
            let _edit = fx.edit_source(&name).unwrap();
            expected.seeds.insert(name);
        }
        2 => {
            let name = pick(rng, fx).to_string();
            if let Ok(_edit) = fx.edit_data(&name) {
                expected.seeds.insert(name);
            }
        }
        3 => {
            let name = pick(rng, fx).to_string();
            let dir = fx.root.join(&fx.package(&name).unwrap().dir).join("notes");
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join(format!("todo-{edit}.md")), "a new, untracked file").unwrap();
            expected.seeds.insert(name);
        }
        4 => {
            let (vendor, _) = fx.vendors[rng.random_range(0..fx.vendors.len())].clone();
            fx.bump_vendor(&vendor, &format!("0.{}.0", edit + 10))
                .unwrap();
            expected
                .seeds
                .extend(fx.vendor_users(&vendor).iter().map(|p| p.name.clone()));
        }
        5 => {
            let (vendor, _) = fx.vendors[rng.random_range(0..fx.vendors.len())].clone();
            let lib = fx.root.join("vendor").join(&vendor).join("src/lib.rs");
            let text = std::fs::read_to_string(&lib).unwrap();
            std::fs::write(&lib, format!("{text}\n// edited\n")).unwrap();
            expected
                .seeds
                .extend(fx.vendor_users(&vendor).iter().map(|p| p.name.clone()));
        }
        6 => {
            let dep = pick(rng, fx).to_string();
            let name = format!("added-{edit}");
            fx.add_package(&name, &[dep.as_str()]).unwrap();
            expected.seeds.insert(name);
        }
        _ => {
            let name = pick(rng, fx).to_string();
            let dependents: Vec<String> = fx
                .packages
                .iter()
                .filter(|p| p.deps.iter().any(|d| d.name == name))
                .map(|p| p.name.clone())
                .collect();
            fx.delete_package(&name).unwrap();
            expected.seeds.extend(dependents);
        }
    }
    let root_after = std::fs::read_to_string(fx.root.join("Cargo.toml")).unwrap();
    expected.global |= root_after != root_manifest;
}

fn affected(dir: &Path, args: &[&str]) -> (BTreeSet<String>, BTreeSet<String>, serde_json::Value) {
    let mut all = vec!["affected", "--message-format", "json"];
    all.extend_from_slice(args);
    let run = ratchet(BIN, dir, &all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc = run.json();
    let set = |field: &str| {
        doc[field]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect::<BTreeSet<String>>()
    };
    (set("build_affected"), set("affected"), doc)
}

fn check_seed(seed: u64) {
    let tmp = tempfile::tempdir().unwrap();
    let mut fx = generate(&tmp.path().join("ws"), &Spec::small(15, seed)).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    for round in 0..6 {
        affected(&fx.root, &["--record"]);
        let base = fx.git(&["rev-parse", "HEAD"]).unwrap().trim().to_string();
        let mut expected = Expected::default();
        for i in 0..rng.random_range(1..=3) {
            random_edit(&mut rng, &mut fx, round * 10 + i, &mut expected);
        }
        let (build, all) = reference(&fx, &expected);
        let context = format!("seed {seed}, round {round}, {expected:?}");
        let (since_build, since_all, doc) = affected(&fx.root, &["--since", &base]);
        assert_eq!(
            since_build, build,
            "--since build_affected, {context}\n{doc}"
        );
        assert_eq!(since_all, all, "--since affected, {context}\n{doc}");
        for name in &all {
            assert!(
                doc["reasons"][name]["path"].is_array(),
                "reason for {name}: {doc}"
            );
        }
        let (fp_build, fp_all, doc) = affected(&fx.root, &[]);
        assert_eq!(
            fp_build, build,
            "fingerprint build_affected, {context}\n{doc}"
        );
        assert_eq!(fp_all, all, "fingerprint affected, {context}\n{doc}");
        fx.commit_all(&format!("round {round}")).unwrap();
    }
}

#[test]
fn random_edits_match_the_reference_seed_1() {
    check_seed(1);
}

#[test]
fn random_edits_match_the_reference_seed_2() {
    check_seed(2);
}

#[test]
fn random_edits_match_the_reference_seed_3() {
    check_seed(3);
}

fn modified(path: &Path) -> std::time::SystemTime {
    std::fs::metadata(path).unwrap().modified().unwrap()
}

/// Caches written more than two seconds after the last change are trusted (no file read, no
/// directory listed, nothing rewritten), and edits in place or new files are still seen.
#[test]
fn warm_caches_are_trusted_and_still_see_edits() {
    let tmp = tempfile::tempdir().unwrap();
    let fx = generate(&tmp.path().join("ws"), &Spec::small(15, 9)).unwrap();
    affected(&fx.root, &["--record"]);
    std::thread::sleep(std::time::Duration::from_millis(2100));
    affected(&fx.root, &[]); // rewrites the caches, now with every entry safely old
    let state = fx.root.join("target/ratchet");
    let stamps = |names: &[&str]| {
        names
            .iter()
            .map(|n| modified(&state.join(n)))
            .collect::<Vec<_>>()
    };
    let before = stamps(&["listing.json", "stat-cache.json"]);
    let (_, quiet, _) = affected(&fx.root, &[]);
    assert_eq!(quiet, BTreeSet::new());
    assert_eq!(
        stamps(&["listing.json", "stat-cache.json"]),
        before,
        "warm run rewrote a cache"
    );

    let edited = fx.packages[3].name.clone();
    let _edit = fx.edit_source(&edited).unwrap();
    let expected = Expected {
        seeds: [edited].into(),
        global: false,
    };
    let (build, all) = reference(&fx, &expected);
    let (fp_build, fp_all, doc) = affected(&fx.root, &[]);
    assert_eq!(
        (fp_build, fp_all),
        (build, all),
        "in-place edit, warm listing: {doc}"
    );
    assert_eq!(
        stamps(&["listing.json"]),
        before[..1],
        "an in-place edit keeps the listing"
    );

    let added_to = fx.packages[5].name.clone();
    let dir = fx
        .root
        .join(&fx.package(&added_to).unwrap().dir)
        .join("src");
    std::fs::write(dir.join("extra.txt"), "new file in an existing directory").unwrap();
    let mut expected = expected;
    expected.seeds.insert(added_to);
    let (build, all) = reference(&fx, &expected);
    let (fp_build, fp_all, doc) = affected(&fx.root, &[]);
    assert_eq!(
        (fp_build, fp_all),
        (build, all),
        "new file, stale listing: {doc}"
    );
}
