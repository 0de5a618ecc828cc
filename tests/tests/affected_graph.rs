//! What `affected` reads besides the members' files: optional dependencies in `Cargo.lock`, an
//! out-of-date `Cargo.lock` (which a query must not rewrite), and `[inputs]` files below a
//! directory or outside the workspace root.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

#[path = "support/affected_fixture.rs"]
mod fixture;

use std::collections::BTreeSet;

use fixture::*;
use ratchet_fixture::{Spec, generate};

#[test]
fn bumping_an_optional_only_dependency_affects_its_user_in_both_modes() {
    let dir = tempfile::tempdir().unwrap();
    let mut fx = generate(dir.path(), &Spec::small(6, 11)).unwrap();
    let user = fx
        .packages
        .iter()
        .find(|p| p.optional_vendor.is_some())
        .unwrap()
        .name
        .clone();
    let vendor = fx.package(&user).unwrap().optional_vendor.clone().unwrap();
    report(dir.path(), &["--record"]);
    fx.bump_vendor(&vendor, "1.1.0").unwrap();
    let expected: BTreeSet<String> = fx.affected(&[user.as_str()]);
    let by_fingerprint = report(dir.path(), &[]);
    let by_git = since_head(dir.path());
    for doc in [&by_fingerprint, &by_git] {
        let affected: BTreeSet<String> = names(doc, "affected").into_iter().collect();
        assert_eq!(affected, expected, "{user} uses {vendor} optionally: {doc}");
    }
    assert!(
        by_git["reasons"][&user]["cause"]
            .to_string()
            .contains(&vendor),
        "{by_git}"
    );
}

#[test]
fn a_query_never_rewrites_an_out_of_date_lock_and_says_what_to_run() {
    let f = fixture();
    write(
        &f.ws,
        &[(
            "crates/c/Cargo.toml",
            &manifest("c", "[dependencies]\next = { path = \"../../../ext\" }\n"),
        )],
    );
    let lock = f.ws.join("Cargo.lock");
    let before = std::fs::read(&lock).unwrap();
    for args in [
        &["affected"][..],
        &["affected", "--since", "HEAD"],
        &["graph"],
    ] {
        let run = run(&f.ws, args);
        assert_usage_error(&run, "Cargo.lock is out of date with the manifests");
        assert!(
            run.stderr.contains("cargo update --workspace"),
            "{}",
            run.stderr
        );
        assert_eq!(
            std::fs::read(&lock).unwrap(),
            before,
            "{args:?} rewrote the lock"
        );
    }
    // `check` builds with cargo, which brings the lock up to date as cargo would.
    let check = run(&f.ws, &["check", "--dry-run"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert_ne!(std::fs::read(&lock).unwrap(), before);
    assert_eq!(run(&f.ws, &["affected"]).code, 0);
}

#[test]
fn inputs_pattern_ending_in_double_star_matches_every_file_below() {
    let f = fixture();
    write(
        &f.ws,
        &[
            ("ratchet.toml", "[inputs]\nfiles = [\"testdata/**\"]\n"),
            ("testdata/sub/case.txt", "one\n"),
        ],
    );
    commit_all(f.ws.parent().unwrap(), "testdata");
    report(&f.ws, &["--record"]);
    write(&f.ws, &[("testdata/sub/case.txt", "two\n")]);
    let by_fingerprint = report(&f.ws, &[]);
    assert_eq!(
        names(&by_fingerprint, "affected").len(),
        6,
        "{by_fingerprint}"
    );
    assert_eq!(
        by_fingerprint["reasons"]["a"]["cause"]["input"],
        "file:testdata/sub/case.txt"
    );
    let by_git = since_head(&f.ws);
    assert_eq!(names(&by_git, "affected").len(), 6, "{by_git}");
}

#[test]
fn since_sees_inputs_outside_the_workspace_root_and_outside_the_repository() {
    // The repository is the workspace's parent: `../shared` is in it, outside the workspace.
    let f = fixture();
    let repo = f.ws.parent().unwrap();
    write(repo, &[("shared/schema.json", "{}\n")]);
    commit_all(repo, "schema");
    write(repo, &[("shared/schema.json", "{\"v\": 2}\n")]);
    let unlisted = since_head(&f.ws);
    assert!(names(&unlisted, "affected").is_empty(), "{unlisted}");
    let warning = unlisted["warnings"][0].as_str().unwrap();
    assert!(
        warning.contains("relative to the workspace root"),
        "{warning}"
    );

    write(
        &f.ws,
        &[("ratchet.toml", "[inputs]\nfiles = [\"../shared/*.json\"]\n")],
    );
    git(repo, &["add", "ws/ratchet.toml"]);
    git(repo, &["commit", "-qm", "inputs", "--", "ws/ratchet.toml"]);
    let listed = since_head(&f.ws);
    assert_eq!(names(&listed, "affected").len(), 6, "{listed}");
    assert!(
        listed["unowned_files"].as_array().unwrap().is_empty(),
        "{listed}"
    );

    // A listed file outside the repository: git cannot see it change, so it always counts.
    let inside = fixture_with_repo_at(|ws| ws.to_path_buf());
    write(inside.ws.parent().unwrap(), &[("outside.txt", "x\n")]);
    write(
        &inside.ws,
        &[("ratchet.toml", "[inputs]\nfiles = [\"../outside.txt\"]\n")],
    );
    commit_all(&inside.ws, "inputs");
    let doc = since_head(&inside.ws);
    assert_eq!(names(&doc, "affected").len(), 6, "{doc}");
    let input = doc["reasons"]["a"]["cause"]["input"].as_str().unwrap();
    assert!(input.contains("outside the git repository"), "{input}");
}
