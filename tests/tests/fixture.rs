//! `ratchet graph` on generated workspaces agrees with the generator's own model: every edge
//! with its kind, rename, optional flag and target, and which packages use a path crate
//! outside the members.

use std::collections::BTreeSet;

use ratchet_fixture::{DepKind, Spec, generate};
use ratchet_tests::ratchet;

const BIN: &str = env!("CARGO_BIN_EXE_ratchet");

type Edge = (String, String, String, bool, Option<String>, Option<String>);

fn kind(kind: DepKind) -> &'static str {
    match kind {
        DepKind::Normal => "normal",
        DepKind::Build => "build",
        DepKind::Dev => "dev",
    }
}

#[test]
fn graph_json_matches_the_generated_model() {
    for seed in [1, 2] {
        let dir = tempfile::tempdir().unwrap();
        let fixture = generate(dir.path(), &Spec::small(15, seed)).unwrap();
        let run = ratchet(BIN, dir.path(), &["graph", "--format", "json"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let doc = run.json();
        let actual: BTreeSet<Edge> = doc["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let text = |k: &str| e[k].as_str().map(str::to_string);
                (
                    text("from").unwrap(),
                    text("to").unwrap(),
                    text("kind").unwrap(),
                    e["optional"] == true,
                    text("target"),
                    text("rename"),
                )
            })
            .collect();
        let expected: BTreeSet<Edge> = fixture
            .packages
            .iter()
            .flat_map(|p| p.deps.iter().map(move |d| (p, d)))
            .map(|(p, d)| {
                (
                    p.name.clone(),
                    d.name.clone(),
                    kind(d.kind).to_string(),
                    d.optional,
                    d.target.clone(),
                    d.rename.clone(),
                )
            })
            .collect();
        assert!(
            expected.len() >= 10,
            "seed {seed}: too few edges to compare"
        );
        assert_eq!(actual, expected, "seed {seed}");
        for package in doc["packages"].as_array().unwrap() {
            let name = package["name"].as_str().unwrap();
            let package_model = fixture.package(name).unwrap();
            // Optional ones count: the graph's closure covers every feature, as the lock does.
            let uses_vendor =
                package_model.vendor.is_some() || package_model.optional_vendor.is_some();
            assert_eq!(
                package["external_deps"] != 0,
                uses_vendor,
                "{name}: {package}"
            );
        }
    }
}
