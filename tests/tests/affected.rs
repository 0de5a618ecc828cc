//! `affected` with real cargo and git on small hand-written workspaces: each kind of change
//! (file, data file, nested package, root manifest, lockfile, unowned file, deleted and added
//! packages, path crates outside the workspace), both modes (`--since` and fingerprints), and
//! `--why`.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

#[path = "support/affected_fixture.rs"]
mod fixture;

use std::process::Command;

use fixture::*;

#[test]
fn leaf_edit_reaches_normal_build_and_dev_dependents_with_reasons() {
    let f = fixture();
    write(
        &f.ws,
        &[("crates/c/src/lib.rs", "pub const WORDS: &str = \"\";\n")],
    );
    let doc = since_head(&f.ws);
    assert_eq!(doc["version"], ratchet_events::VERSION);
    assert_eq!(names(&doc, "changed_files"), ["crates/c/src/lib.rs"]);
    assert_eq!(names(&doc, "build_affected"), ["a", "b", "c", "nested"]);
    assert_eq!(names(&doc, "affected"), ["a", "b", "c", "d", "nested"]);
    let d = &doc["reasons"]["d"];
    assert_eq!(d["cause"]["kind"], "file");
    assert_eq!(d["cause"]["path"], "crates/c/src/lib.rs");
    assert_eq!(d["path"], serde_json::json!(["c", "b", "d"]));
    assert_eq!(d["edge_kinds"], serde_json::json!(["build", "dev"]));
    let why = run(&f.ws, &["affected", "--since", "HEAD", "--why", "d"]);
    assert_eq!(
        why.stdout,
        "d is affected because crates/c/src/lib.rs changed in c; c -> b (build) -> d (dev)\n"
    );
}

#[test]
fn dev_only_change_stops_at_the_dev_dependent() {
    let f = fixture();
    write(&f.ws, &[("crates/d/src/lib.rs", "// edited\n")]);
    let doc = since_head(&f.ws);
    assert_eq!(names(&doc, "affected"), ["d"]);
    let why = run(&f.ws, &["affected", "--since", "HEAD", "--why", "a"]);
    assert_eq!(why.code, 0);
    assert!(
        why.stdout.starts_with("a is not affected"),
        "{}",
        why.stdout
    );
}

#[test]
fn data_file_and_nested_package_map_to_their_owners() {
    let f = fixture();
    write(&f.ws, &[("crates/c/data/words.txt", "three\n")]);
    assert_eq!(
        names(&since_head(&f.ws), "affected"),
        ["a", "b", "c", "d", "nested"]
    );
    git(&f.ws, &["checkout", "-q", "--", "."]);
    write(&f.ws, &[("crates/a/nested/src/lib.rs", "// edited\n")]);
    assert_eq!(names(&since_head(&f.ws), "affected"), ["nested"]);
}

#[test]
fn root_manifest_change_affects_everything_as_a_global_input() {
    let f = fixture();
    let root = std::fs::read_to_string(f.ws.join("Cargo.toml")).unwrap();
    write(
        &f.ws,
        &[(
            "Cargo.toml",
            &format!("{root}\n[profile.dev]\nopt-level = 1\n"),
        )],
    );
    let doc = since_head(&f.ws);
    assert_eq!(names(&doc, "affected"), ["a", "b", "c", "d", "e", "nested"]);
    assert_eq!(
        doc["reasons"]["e"]["cause"],
        serde_json::json!({"kind": "global", "input": "Cargo.toml"})
    );
}

fn active_toolchain() -> Option<String> {
    let out = Command::new("rustup")
        .args(["show", "active-toolchain"])
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    Some(text.split_whitespace().next()?.to_string()).filter(|_| out.status.success())
}

#[test]
fn cargo_config_toolchain_and_tool_configuration_files_are_global_in_both_modes() {
    let mut cases = vec![
        (
            ".cargo/config.toml",
            "[build]\nrustflags = [\"-Cdebuginfo=0\"]\n".to_string(),
        ),
        // Their verdicts (fmt, lint) change with these, whichever package they cover.
        ("rustfmt.toml", "max_width = 80\n".to_string()),
        ("clippy.toml", "msrv = \"1.70\"\n".to_string()),
        (".config/nextest.toml", "[profile.default]\n".to_string()),
        // ratchet's own configuration: `[steps]` and `[check]` change verdicts; `watch`
        // counts an edit of it as global too.
        (
            "ratchet.toml",
            "[steps.lint]\nargs = [\"--\", \"-D\", \"warnings\"]\n".to_string(),
        ),
    ];
    // Name the toolchain already in use, so rustup never tries to install one.
    if let Some(active) = active_toolchain() {
        let text = format!("[toolchain]\nchannel = \"{active}\"\n");
        cases.push(("rust-toolchain.toml", text));
    }
    for (file, text) in cases {
        let text = text.as_str();
        let f = fixture();
        report(&f.ws, &["--record"]);
        write(&f.ws, &[(file, text)]);
        let by_git = since_head(&f.ws);
        assert_eq!(names(&by_git, "affected").len(), 6, "{file}: {by_git}");
        assert_eq!(by_git["reasons"]["c"]["cause"]["input"], file);
        let by_fingerprint = report(&f.ws, &[]);
        assert_eq!(names(&by_fingerprint, "affected").len(), 6, "{file}");
        assert_eq!(by_fingerprint["reasons"]["c"]["cause"]["kind"], "global");
    }
}

#[test]
fn budget_rules_and_gc_edits_of_ratchet_toml_affect_nothing_in_both_modes() {
    let f = fixture();
    let steps = "[steps.lint]\nargs = [\"--\", \"-D\", \"warnings\"]\n";
    let config = format!("# ours\n{steps}\n[budget]\ninner-loop = \"5m\"\n");
    write(&f.ws, &[("ratchet.toml", &config)]);
    commit_all(&f.ws, "ratchet.toml");
    report(&f.ws, &["--record"]);
    // What `budget tighten` and a person tidying the file do: no verdict depends on it.
    let tightened = format!(
        "# ours, tightened\n{steps}\n[budget]\ninner-loop = \"4m\"\n\n[gc]\nkeep-runs = 2\n\n[rules.fan-out]\nmax = 9\n"
    );
    write(&f.ws, &[("ratchet.toml", &tightened)]);
    let by_git = since_head(&f.ws);
    assert_eq!(names(&by_git, "affected"), Vec::<String>::new(), "{by_git}");
    assert_eq!(names(&by_git, "unowned_files"), Vec::<String>::new());
    let by_fingerprint = report(&f.ws, &[]);
    assert_eq!(names(&by_fingerprint, "affected"), Vec::<String>::new());
    // A step's arguments are a verdict's input: every package.
    write(
        &f.ws,
        &[(
            "ratchet.toml",
            &format!("{tightened}\n[steps.doc]\nenabled = false\n"),
        )],
    );
    assert_eq!(names(&since_head(&f.ws), "affected").len(), 6);
    assert_eq!(names(&report(&f.ws, &[]), "affected").len(), 6);
}

#[test]
fn unowned_file_affects_nothing_unless_configured_as_an_input() {
    let f = fixture();
    write(&f.ws, &[("docs/notes.md", "changed\n")]);
    let doc = since_head(&f.ws);
    assert_eq!(names(&doc, "affected"), Vec::<String>::new());
    assert_eq!(names(&doc, "unowned_files"), ["docs/notes.md"]);
    assert!(
        doc["warnings"][0]
            .as_str()
            .unwrap()
            .contains("docs/notes.md")
    );
    let human = run(&f.ws, &["affected", "--since", "HEAD"]);
    assert_eq!(human.stdout, "");
    assert!(human.stderr.contains("warning:"), "{}", human.stderr);

    write(
        &f.ws,
        &[("ratchet.toml", "[inputs]\nfiles = [\"docs/*.md\"]\n")],
    );
    let doc = since_head(&f.ws);
    assert_eq!(names(&doc, "affected").len(), 6, "{doc}");
    assert_eq!(doc["reasons"]["a"]["cause"]["input"], "docs/notes.md");
}

#[test]
fn lockfile_change_affects_only_users_of_the_changed_external() {
    let f = fixture();
    write(
        &f.ext,
        &[("Cargo.toml", &manifest("ext", "").replace("0.1.0", "0.2.0"))],
    );
    // Committed alone: the lockfile that cargo then rewrites is the only change since HEAD.
    git(&f.ext, &["commit", "-qm", "ext 0.2.0", "--", "Cargo.toml"]);
    update_lock(&f.ws);
    let doc = since_head(&f.ws);
    assert_eq!(
        names(&doc, "changed_files"),
        ["Cargo.lock"],
        "cargo updated the lock: {doc}"
    );
    assert_eq!(names(&doc, "affected"), ["e"]);
    let cause = &doc["reasons"]["e"]["cause"];
    assert_eq!(cause["kind"], "lockfile");
    assert_eq!(cause["packages"], serde_json::json!(["ext 0.2.0"]));
}

#[test]
fn deleted_package_reaches_the_dependents_whose_manifests_changed() {
    let f = fixture();
    std::fs::remove_dir_all(f.ws.join("crates/c")).unwrap();
    write(
        &f.ws,
        &[
            ("crates/b/Cargo.toml", &manifest("b", "")),
            ("crates/a/nested/Cargo.toml", &manifest("nested", "")),
        ],
    );
    let doc = since_head(&f.ws);
    assert_eq!(names(&doc, "affected"), ["a", "b", "d", "nested"]);
    assert!(names(&doc, "unowned_files").contains(&"crates/c/src/lib.rs".to_string()));
}

#[test]
fn build_output_is_never_a_change_even_when_not_gitignored() {
    let f = fixture();
    write(&f.ws, &[(".gitignore", "")]);
    commit_all(&f.ws, "target is no longer ignored");
    assert_eq!(
        run(&f.ws, &["graph"]).code,
        0,
        "the target directory exists"
    );
    let doc = since_head(&f.ws);
    assert_eq!(names(&doc, "changed_files"), Vec::<String>::new(), "{doc}");
}

#[test]
fn added_package_is_affected_through_its_untracked_files() {
    let f = fixture();
    write(
        &f.ws,
        &[
            (
                "crates/f/Cargo.toml",
                &manifest("f", "[dependencies]\nc = { path = \"../c\" }\n"),
            ),
            ("crates/f/src/lib.rs", ""),
        ],
    );
    update_lock(&f.ws);
    let doc = since_head(&f.ws);
    assert_eq!(names(&doc, "affected"), ["f"]);
}

#[test]
fn committed_changes_on_a_branch_count_from_the_merge_base() {
    let f = fixture();
    git(&f.ws, &["checkout", "-q", "-b", "feature"]);
    write(&f.ws, &[("crates/b/src/lib.rs", "// b\n")]);
    commit_all(&f.ws, "b");
    git(&f.ws, &["checkout", "-q", "main"]);
    write(&f.ws, &[("crates/e/src/lib.rs", "// e\n")]);
    commit_all(&f.ws, "e on main");
    git(&f.ws, &["checkout", "-q", "feature"]);
    let doc = report(&f.ws, &["--since", "main"]);
    assert_eq!(
        names(&doc, "affected"),
        ["a", "b", "d"],
        "e changed on main only: {doc}"
    );
}

#[test]
fn fingerprint_mode_agrees_with_since_mode() {
    let f = fixture();
    let first = report(&f.ws, &["--record"]);
    assert_eq!(
        names(&first, "affected").len(),
        6,
        "no record yet: everything"
    );
    assert!(
        first["reasons"]["a"]["cause"]["detail"]
            .as_str()
            .unwrap()
            .contains("no fingerprints recorded")
    );
    assert_eq!(names(&report(&f.ws, &[]), "affected"), Vec::<String>::new());

    write(
        &f.ws,
        &[
            ("crates/c/data/words.txt", "changed\n"),
            ("docs/notes.md", "x\n"),
        ],
    );
    write(
        &f.ext,
        &[("Cargo.toml", &manifest("ext", "").replace("0.1.0", "0.3.0"))],
    );
    update_lock(&f.ws);
    let by_fingerprint = report(&f.ws, &[]);
    let by_git = since_head(&f.ws);
    for field in ["affected", "build_affected"] {
        assert_eq!(
            names(&by_fingerprint, field),
            names(&by_git, field),
            "{field}"
        );
    }
    assert_eq!(
        names(&by_fingerprint, "affected"),
        ["a", "b", "c", "d", "e", "nested"]
    );
    assert_eq!(
        by_fingerprint["reasons"]["e"]["cause"],
        serde_json::json!({"kind": "lockfile", "packages": ["ext 0.3.0"]})
    );
    assert_eq!(
        names(&by_fingerprint, "changed_files"),
        ["crates/c/data/words.txt"]
    );
}

#[test]
fn fingerprint_mode_sees_global_env_inputs() {
    let f = fixture();
    report(&f.ws, &["--record"]);
    let out = Command::new(BIN)
        .args(["affected", "--why", "e"])
        .current_dir(&f.ws)
        .env("RUSTFLAGS", "-Cdebuginfo=0")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text,
        "e is affected because the global input `env:RUSTFLAGS` changed\n"
    );
}

#[test]
fn external_path_crate_edits_affect_its_users_in_both_modes() {
    let f = fixture_with_repo_at(|ws| ws.parent().unwrap().to_path_buf());
    report(&f.ws, &["--record"]);
    write(&f.ext, &[("src/lib.rs", "// edited\n")]);
    let by_fingerprint = report(&f.ws, &[]);
    assert_eq!(names(&by_fingerprint, "affected"), ["e"]);
    let why = run(&f.ws, &["affected", "--why", "e"]).stdout;
    assert_eq!(
        why,
        "e is affected because the external dependencies of e changed: ext 0.1.0\n"
    );
    let by_git = since_head(&f.ws);
    assert_eq!(names(&by_git, "affected"), ["e"], "{by_git}");
    let changed = names(&by_git, "changed_files");
    assert!(
        changed.len() == 1 && changed[0].ends_with("/ext/src/lib.rs"),
        "{changed:?}"
    );
}

#[test]
fn since_counts_users_of_a_path_crate_outside_the_repository_as_affected() {
    // The repository is the workspace: git cannot see `ext`, so its user is always affected.
    let f = fixture_with_repo_at(|ws| ws.to_path_buf());
    let doc = since_head(&f.ws);
    assert_eq!(names(&doc, "affected"), ["e"], "{doc}");
    assert_eq!(doc["reasons"]["e"]["cause"]["kind"], "fingerprint");
    let detail = doc["reasons"]["e"]["cause"]["detail"].as_str().unwrap();
    assert!(
        detail.contains("`ext`") && detail.contains("outside the git repository"),
        "{detail}"
    );
    // With `ext` inside the repository, an unchanged tree affects nothing.
    let inside = fixture();
    assert!(names(&since_head(&inside.ws), "affected").is_empty());
}

#[test]
fn repository_above_the_workspace_maps_paths_and_ignores_files_outside() {
    let f = fixture_with_repo_at(|ws| ws.parent().unwrap().to_path_buf());
    write(&f.ws, &[("crates/b/src/lib.rs", "// b\n")]);
    write(
        f.ws.parent().unwrap(),
        &[("README.md", "outside the workspace\n")],
    );
    let doc = since_head(&f.ws);
    assert_eq!(names(&doc, "affected"), ["a", "b", "d"]);
    assert_eq!(doc["reasons"]["b"]["cause"]["path"], "crates/b/src/lib.rs");
    assert_eq!(names(&doc, "unowned_files").len(), 1, "{doc}");
}
