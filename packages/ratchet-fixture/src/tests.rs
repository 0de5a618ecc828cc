//! The generator's promises, checked without building: determinism, an acyclic graph with every
//! edge shape, nesting, and editing helpers that leave no dangling reference.

use std::collections::BTreeSet;
use std::path::Path;

use crate::{DepKind, Fixture, Spec, generate};

fn no_git(mut spec: Spec) -> Spec {
    spec.git = false;
    spec
}

/// Every file under `root` except `target/` and `.git/`, with its content.
fn tree(root: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if path.is_dir() {
                if name != "target" && name != ".git" {
                    stack.push(path);
                }
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.push((rel, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn generated(spec: &Spec) -> (tempfile::TempDir, Fixture) {
    let dir = tempfile::tempdir().unwrap();
    let fixture = generate(dir.path(), &no_git(spec.clone())).unwrap();
    (dir, fixture)
}

#[test]
fn same_spec_same_bytes_other_seed_other_bytes() {
    let (a, _) = generated(&Spec::small(12, 7));
    let (b, _) = generated(&Spec::small(12, 7));
    let (c, _) = generated(&Spec::small(12, 8));
    assert_eq!(tree(a.path()), tree(b.path()));
    assert_ne!(tree(a.path()), tree(c.path()));
    assert!(tree(a.path()).iter().any(|(p, _)| p == "Cargo.lock"));
}

#[test]
fn open_describes_what_generate_wrote() {
    let spec = no_git(Spec::small(9, 4));
    let (dir, written) = generated(&spec);
    let opened = crate::open(dir.path(), &spec).unwrap();
    assert_eq!(opened.packages, written.packages);
    assert!(crate::open(&dir.path().join("missing"), &spec).is_err());
}

#[test]
fn edges_point_to_earlier_packages_once_and_every_shape_occurs() {
    for seed in 0..20 {
        for n in [5, 8, 20, 200] {
            let packages = crate::plan::plan(&Spec::small(n, seed));
            let mut names = BTreeSet::new();
            for p in &packages {
                let mut deps = BTreeSet::new();
                for d in &p.deps {
                    assert!(
                        names.contains(&d.name),
                        "seed {seed}: {} -> {} is not backwards",
                        p.name,
                        d.name
                    );
                    assert!(
                        deps.insert(&d.name),
                        "seed {seed}: {} lists {} twice",
                        p.name,
                        d.name
                    );
                }
                assert!(names.insert(p.name.clone()), "duplicate name {}", p.name);
            }
            let edges: Vec<_> = packages.iter().flat_map(|p| &p.deps).collect();
            let shapes = [
                edges.iter().any(|d| d.kind == DepKind::Normal),
                edges.iter().any(|d| d.kind == DepKind::Build),
                edges.iter().any(|d| d.kind == DepKind::Dev),
                edges.iter().any(|d| d.rename.is_some()),
                edges.iter().any(|d| d.optional),
                edges.iter().any(|d| d.target.is_some()),
                packages.iter().any(|p| p.is_nested()),
                packages
                    .iter()
                    .any(|p| p.vendor.as_deref() == Some("fixture-vendor-a")),
                packages
                    .iter()
                    .any(|p| p.vendor.as_deref() == Some("fixture-vendor-b")),
                packages
                    .iter()
                    .any(|p| p.optional_vendor.as_deref() == Some("fixture-vendor-opt")),
            ];
            assert_eq!(shapes, [true; 10], "seed {seed}, {n} packages");
        }
    }
}

#[test]
fn nested_packages_sit_inside_another_package_and_are_members() {
    let (dir, fixture) = generated(&Spec::small(10, 3));
    let root = std::fs::read_to_string(dir.path().join("Cargo.toml")).unwrap();
    let nested: Vec<_> = fixture.packages.iter().filter(|p| p.is_nested()).collect();
    assert!(!nested.is_empty());
    for child in nested {
        let parent = child.dir.parent().unwrap();
        assert!(
            fixture.packages.iter().any(|p| p.dir == parent),
            "{} is not inside a package",
            child.name
        );
        assert!(
            root.contains(&format!("\"{}\"", child.dir.display())),
            "{root}"
        );
    }
}

#[test]
fn large_packages_meet_the_line_budget() {
    let (_dir, fixture) = generated(&Spec::large(10, 1));
    let per_package = fixture.rust_lines().unwrap() / 10;
    assert!(
        (500..700).contains(&per_package),
        "{per_package} lines per package"
    );
}

/// Independent of `dependents_closure`'s single pass: a depth-first search over dependents.
fn reaches(fixture: &Fixture, from: &str, to: &str, kinds: &[DepKind]) -> bool {
    from == to
        || fixture
            .package(from)
            .unwrap()
            .deps
            .iter()
            .any(|d| kinds.contains(&d.kind) && reaches(fixture, &d.name, to, kinds))
}

#[test]
fn affected_follows_the_design_definitions() {
    let fixture = Fixture::new(
        "/nowhere".into(),
        Spec::small(30, 5),
        crate::plan::plan(&Spec::small(30, 5)),
    );
    let build = [DepKind::Normal, DepKind::Build];
    for changed in &fixture.packages {
        let expected_build: BTreeSet<String> = fixture
            .packages
            .iter()
            .filter(|p| reaches(&fixture, &p.name, &changed.name, &build))
            .map(|p| p.name.clone())
            .collect();
        assert_eq!(fixture.build_affected(&[&changed.name]), expected_build);
        let affected = fixture.affected(&[&changed.name]);
        for p in &fixture.packages {
            let via_dev = p
                .deps
                .iter()
                .any(|d| d.kind == DepKind::Dev && expected_build.contains(&d.name));
            assert_eq!(
                affected.contains(&p.name),
                expected_build.contains(&p.name) || via_dev,
                "{} after {}",
                p.name,
                changed.name
            );
        }
    }
}

#[test]
fn delete_package_leaves_no_reference_and_add_package_writes_one() {
    let (dir, mut fixture) = generated(&Spec::small(12, 11));
    let victim = fixture
        .packages
        .iter()
        .find(|p| {
            !p.is_nested()
                && fixture
                    .packages
                    .iter()
                    .any(|q| q.deps.iter().any(|d| d.name == p.name))
        })
        .unwrap()
        .clone();
    fixture.delete_package(&victim.name).unwrap();
    assert!(fixture.package(&victim.name).is_err());
    for (path, text) in tree(dir.path()) {
        if path != "Cargo.lock" {
            assert!(
                !text.contains(&victim.name),
                "{path} still mentions {}",
                victim.name
            );
        }
    }
    let base = fixture.packages[0].name.clone();
    let added = fixture.add_package("added-one", &[&base]).unwrap().clone();
    assert!(added.depends_on(&base, DepKind::Normal));
    let manifest = std::fs::read_to_string(dir.path().join(added.dir.join("Cargo.toml"))).unwrap();
    assert!(
        manifest.contains(&format!("{base} = {{ path = ")),
        "{manifest}"
    );
    assert!(fixture.add_package("added-one", &[]).is_err());
    assert!(fixture.add_package("bad name", &[]).is_err());
}

#[test]
fn file_edits_can_be_undone() {
    let (dir, fixture) = generated(&Spec::small(5, 2));
    let name = fixture.packages[0].name.clone();
    let before = tree(dir.path());
    let edits = [
        fixture.edit_source(&name).unwrap(),
        fixture.edit_data(&name).unwrap(),
    ];
    assert_ne!(tree(dir.path()), before);
    for edit in edits.into_iter().rev() {
        edit.undo().unwrap();
    }
    assert_eq!(tree(dir.path()), before);
}
