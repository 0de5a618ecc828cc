//! The resolver and the grouping on small real workspaces (loaded with `cargo metadata`).

use super::*;

fn write(dir: &std::path::Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn member(dir: &std::path::Path, name: &str, extra: &str) {
    let manifest =
        format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n{extra}");
    write(dir, &format!("{name}/Cargo.toml"), &manifest);
    write(dir, &format!("{name}/src/lib.rs"), "");
}

/// `a` has feature `x` (default off) and `y = ["x"]`; `b` turns on `a/x`; `c` has nothing to
/// do with `a`; `d` dev-depends on `b`, so testing `d` turns `a/x` on too.
fn workspace() -> (tempfile::TempDir, Workspace) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(
        dir,
        "Cargo.toml",
        "[workspace]\nmembers = [\"a\", \"b\", \"c\", \"d\"]\nresolver = \"2\"\n",
    );
    member(dir, "a", "[features]\nx = []\ny = [\"x\"]\n");
    let on_a = "[dependencies]\na = { path = \"../a\", features = [\"x\"] }\n";
    member(dir, "b", on_a);
    member(dir, "c", "[features]\nz = []\n");
    let d =
        "[dependencies]\na = { path = \"../a\" }\n[dev-dependencies]\nb = { path = \"../b\" }\n";
    member(dir, "d", d);
    let manifest = camino::Utf8PathBuf::from_path_buf(dir.join("Cargo.toml")).unwrap();
    let options = ratchet_graph::LoadOptions {
        manifest_path: Some(manifest),
        update_lock: true,
        ..Default::default()
    };
    let workspace = ratchet_graph::load(&options).unwrap();
    (tmp, workspace)
}

fn names(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn a_package_alone_keeps_its_own_features_and_runs_apart_from_one_that_adds_some() {
    let (_tmp, ws) = workspace();
    let all = names(&["a", "b", "c", "d"]);
    let plan = Plan::new(&ws, &BuildFlags::default(), true).unwrap();
    assert!(
        plan.describe(&ws, "a").ends_with("a:;"),
        "{}",
        plan.describe(&ws, "a")
    );
    assert!(
        plan.describe(&ws, "b").starts_with("a:x;"),
        "{}",
        plan.describe(&ws, "b")
    );
    assert!(
        plan.describe(&ws, "d").starts_with("a:x;"),
        "dev-dependency features count"
    );
    let list: Vec<String> = all.iter().cloned().collect();
    let groups = plan.groups(&ws, &list);
    assert_eq!(groups, [vec!["a", "c"], vec!["b", "d"]]);
    let together = plan.groups(&ws, &["b".into(), "c".into(), "d".into()]);
    assert_eq!(together, [vec!["b", "c", "d"]], "nothing unifies: one run");
}

#[test]
fn requested_features_are_keyed_and_named_per_package() {
    let (_tmp, ws) = workspace();
    let flags = BuildFlags {
        features: vec!["y".into()],
        ..BuildFlags::default()
    };
    let plan = Plan::new(&ws, &flags, true).unwrap();
    assert!(
        plan.describe(&ws, "a").starts_with("a:x,y;"),
        "{}",
        plan.describe(&ws, "a")
    );
    assert!(plan.describe(&ws, "c").starts_with("c:;"));
    let run = plan.cargo_args(&ws, &["a".into(), "c".into()], "--profile");
    assert_eq!(run, ["--features", "a/y"]);
    assert_eq!(
        plan.cargo_args(&ws, &["a".into()], "--profile"),
        ["--features", "y"]
    );
    let unknown = BuildFlags {
        features: vec!["nope".into()],
        ..BuildFlags::default()
    };
    assert!(Plan::new(&ws, &unknown, true).is_err());
    let plain = Plan::new(&ws, &BuildFlags::default(), true).unwrap();
    assert_ne!(plan.key("a"), plain.key("a"), "the features are keyed");
    assert_eq!(plan.key("c"), plain.key("c"), "c has no `y`: its key stays");
    let all_features = BuildFlags {
        all_features: true,
        ..BuildFlags::default()
    };
    let plan = Plan::new(&ws, &all_features, true).unwrap();
    assert!(plan.describe(&ws, "a").starts_with("a:x,y;"));
}

#[test]
fn a_run_that_compiled_other_features_than_alone_is_caught() {
    let (_tmp, ws) = workspace();
    let plan = Plan::new(&ws, &BuildFlags::default(), true).unwrap();
    let seen = |a: &[&str]| {
        let list: Vec<String> = a.iter().map(|s| s.to_string()).collect();
        BTreeMap::from([
            ("a".to_string(), BTreeSet::from([list])),
            ("c".to_string(), BTreeSet::from([Vec::new()])),
        ])
    };
    let run = ["a".to_string(), "b".to_string(), "c".to_string()];
    assert_eq!(plan.mismatched(&ws, &run, &seen(&["x"])), names(&["a"]));
    assert_eq!(plan.mismatched(&ws, &run, &seen(&[])), names(&["b"]));
}

#[test]
fn features_one_member_turns_on_in_an_external_crate_keep_the_runs_apart() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ws");
    // `ext` is a path crate outside the workspace: an external package of the resolve.
    let ext =
        "[package]\nname = \"ext\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[features]\ne = []\n";
    write(tmp.path(), "ext/Cargo.toml", ext);
    write(tmp.path(), "ext/src/lib.rs", "");
    write(
        &dir,
        "Cargo.toml",
        "[workspace]\nmembers = [\"a\", \"b\"]\nresolver = \"2\"\n",
    );
    member(
        &dir,
        "a",
        "[dependencies]\next = { path = \"../../ext\" }\n",
    );
    let with_e = "[dependencies]\next = { path = \"../../ext\", features = [\"e\"] }\n";
    member(&dir, "b", with_e);
    let manifest = camino::Utf8PathBuf::from_path_buf(dir.join("Cargo.toml")).unwrap();
    let options = ratchet_graph::LoadOptions {
        manifest_path: Some(manifest),
        update_lock: true,
        ..Default::default()
    };
    let ws = ratchet_graph::load(&options).unwrap();
    let plan = Plan::new(&ws, &BuildFlags::default(), true).unwrap();
    assert!(
        plan.describe(&ws, "a").contains("ext 0.1.0:;"),
        "{}",
        plan.describe(&ws, "a")
    );
    assert!(plan.describe(&ws, "b").contains("ext 0.1.0:e;"));
    assert_ne!(plan.key("a"), plan.key("b"));
    let groups = plan.groups(&ws, &["a".into(), "b".into()]);
    assert_eq!(groups, [vec!["a"], vec!["b"]]);
    // `[check] features = "members"`: external crates unify, one run.
    let members = Plan::new(&ws, &BuildFlags::default(), false).unwrap();
    assert_eq!(
        members.groups(&ws, &["a".into(), "b".into()]),
        [vec!["a", "b"]]
    );
    assert_ne!(members.key("a"), plan.key("a"));
}
