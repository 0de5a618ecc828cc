//! `affected` error cases, each a one-line message and exit code 2: unknown ref, unknown
//! package, no repository, shallow history without the merge-base, broken manifest, symlink
//! loops and unreadable files.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

#[path = "support/affected_fixture.rs"]
mod fixture;

use fixture::*;

#[test]
fn errors_unknown_ref_unknown_package_and_no_repository() {
    let f = fixture_with_repo_at(|ws| ws.to_path_buf());
    assert_usage_error(
        &run(&f.ws, &["affected", "--since", "no-such-ref"]),
        "unknown git ref `no-such-ref`",
    );
    assert_usage_error(
        &run(&f.ws, &["affected", "--why", "nestd"]),
        "did you mean `nested`",
    );
    std::fs::remove_dir_all(f.ws.join(".git")).unwrap();
    assert_usage_error(
        &run(&f.ws, &["affected", "--since", "HEAD"]),
        "not inside a git repository",
    );
}

#[test]
fn error_shallow_clone_without_merge_base_says_to_fetch_more() {
    let f = fixture_with_repo_at(|ws| ws.to_path_buf());
    git(&f.ws, &["checkout", "-q", "-b", "feature"]);
    for i in 0..2 {
        write(&f.ws, &[("crates/b/src/lib.rs", &format!("// {i}\n"))]);
        commit_all(&f.ws, "feature work");
    }
    git(&f.ws, &["checkout", "-q", "main"]);
    write(&f.ws, &[("crates/e/src/lib.rs", "// main\n")]);
    commit_all(&f.ws, "main work");
    let clone = f.ws.parent().unwrap().join("clone");
    let url = format!("file://{}", f.ws.display());
    git(
        f.ws.parent().unwrap(),
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            "--no-single-branch",
            "--branch",
            "feature",
            &url,
            "clone",
        ],
    );
    let run = run(&clone, &["affected", "--since", "origin/main"]);
    assert_usage_error(&run, "shallow");
    assert!(run.stderr.contains("fetch"), "{}", run.stderr);
}

#[test]
fn error_broken_manifest_shows_cargos_message() {
    let f = fixture();
    write(&f.ws, &[("crates/b/Cargo.toml", "[package\n")]);
    let run = run(&f.ws, &["affected", "--since", "HEAD"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("crates/b/Cargo.toml"), "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn errors_symlink_loop_and_unreadable_file_name_the_path() {
    let f = fixture();
    let link = f.ws.join("crates/c/loop");
    std::os::unix::fs::symlink(&link, &link).unwrap();
    assert_usage_error(&run(&f.ws, &["affected"]), "crates/c/loop");
    std::fs::remove_file(&link).unwrap();

    // Opening a socket fails even for root, unlike a file without read permission.
    let socket = f.ws.join("crates/b/control.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    assert_usage_error(&run(&f.ws, &["affected"]), "cannot read");
    assert_usage_error(&run(&f.ws, &["affected"]), "crates/b/control.sock");
}

#[cfg(unix)]
#[test]
fn error_directory_symlink_loop_names_the_path() {
    let f = fixture();
    std::os::unix::fs::symlink("..", f.ws.join("crates/c/data/up")).unwrap();
    assert_usage_error(&run(&f.ws, &["affected"]), "symlink loop at");
}
