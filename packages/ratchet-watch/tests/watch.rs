//! The watcher on a real workspace with real file system events: what becomes a batch, what is
//! ignored, what is global, and when the cancel token is raised.

#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use ratchet_watch::{Outcome, WatchOptions, Watcher, run_loop};
use support::{Fixture, GUARD, next, packages, paths};

#[test]
fn an_edit_in_a_package_names_that_package() {
    let fx = Fixture::new();
    let watcher = fx.watch(50);
    fx.append("crates/beta/src/lib.rs", "pub fn more() {}\n");
    let batch = next(&watcher);
    assert_eq!(paths(&batch), ["crates/beta/src/lib.rs"]);
    assert_eq!(packages(&batch), ["beta"]);
    assert!(!batch.global);
}

#[test]
fn a_burst_of_edits_is_one_batch() {
    let fx = Fixture::new();
    // A long quiet period, so that a scheduler hiccup between two writes cannot split them.
    let watcher = fx.watch(1000);
    for i in 0..10 {
        fx.append("crates/alpha/src/lib.rs", &format!("pub fn f{i}() {{}}\n"));
        fx.write(
            &format!("crates/alpha/src/m{}.rs", i % 3),
            &format!("// {i}\n"),
        );
        fx.append("crates/beta/src/lib.rs", "\n");
    }
    let batch = next(&watcher);
    assert_eq!(
        paths(&batch),
        [
            "crates/alpha/src/lib.rs",
            "crates/alpha/src/m0.rs",
            "crates/alpha/src/m1.rs",
            "crates/alpha/src/m2.rs",
            "crates/beta/src/lib.rs",
        ]
    );
    assert_eq!(packages(&batch), ["alpha", "beta"]);
    // Nothing of the burst is left over: the next batch holds only the next edit.
    fx.append("crates/alpha/src/m0.rs", "// marker\n");
    assert_eq!(paths(&next(&watcher)), ["crates/alpha/src/m0.rs"]);
}

#[test]
fn target_git_ignored_scratch_and_unowned_files_yield_nothing() {
    let fx = Fixture::new();
    let watcher = fx.watch(50);
    let ignored = [
        "target/debug/deps/libalpha.rmeta",
        "target/debug/new/deeper/file.o",
        ".git/index",
        "scratch/notes.rs",
        "crates/alpha/build.log",
        "crates/alpha/generated/out.rs",
        "crates/alpha/settings.local",
        "crates/alpha/src/.lib.rs.swp",
        "crates/alpha/src/lib.rs~",
        "README.md",
    ];
    for path in ignored {
        fx.write(path, "changed\n");
    }
    let state = fx.ws.state_dir().join("run.json");
    std::fs::write(state, "{}").unwrap();
    // Whatever the ignored writes produced would come first (or together): the first batch
    // holding only the marker proves they produced nothing.
    fx.append("crates/alpha/src/lib.rs", "// marker\n");
    let batch = next(&watcher);
    assert_eq!(paths(&batch), ["crates/alpha/src/lib.rs"]);
}

#[test]
fn the_root_manifest_and_the_lockfile_are_global() {
    let fx = Fixture::new();
    let watcher = fx.watch(50);
    fx.append("Cargo.toml", "# a comment\n");
    let batch = next(&watcher);
    assert!(batch.global, "{batch:?}");
    assert_eq!(paths(&batch), ["Cargo.toml"]);
    fx.append("Cargo.lock", "# edited\n");
    let batch = next(&watcher);
    assert!(batch.global, "{batch:?}");
    assert_eq!(paths(&batch), ["Cargo.lock"]);
}

#[test]
fn a_new_cargo_config_directory_is_seen_and_global() {
    let fx = Fixture::new();
    let watcher = fx.watch(50);
    fx.write(".cargo/config.toml", "[build]\n");
    let batch = next(&watcher);
    assert!(batch.global, "{batch:?}");
    assert!(paths(&batch).contains(&".cargo/config.toml"), "{batch:?}");
}

#[test]
fn a_new_edit_during_a_run_raises_the_cancel_token() {
    let fx = Fixture::new();
    let watcher = fx.watch(50);
    fx.append("crates/alpha/src/lib.rs", "// first\n");
    let batch = next(&watcher);
    assert!(!batch.cancel.is_cancelled());
    // The run's own output lands in target/: that must not cancel it.
    fx.write("target/debug/deps/alpha.d", "deps\n");
    assert!(!batch.cancel.wait_timeout(Duration::from_secs(1)));
    fx.append("crates/beta/src/lib.rs", "// second\n");
    assert!(batch.cancel.wait_timeout(GUARD), "the token was not raised");
    assert_eq!(paths(&next(&watcher)), ["crates/beta/src/lib.rs"]);
}

#[test]
fn a_new_package_is_mapped_after_the_graph_is_reloaded() {
    let fx = Fixture::new();
    // Two writes that must make one batch: a long quiet period.
    let watcher = fx.watch(1000);
    fx.write("crates/gamma/src/lib.rs", "pub fn g() {}\n");
    fx.write(
        "crates/gamma/Cargo.toml",
        "[package]\nname = \"gamma\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    let batch = next(&watcher);
    assert_eq!(packages(&batch), ["gamma"], "{batch:?}");
    // Files only: the new directories themselves are no changes.
    assert_eq!(
        paths(&batch),
        ["crates/gamma/Cargo.toml", "crates/gamma/src/lib.rs"]
    );
    assert!(watcher.workspace().find("gamma").is_some());
    // Its directories are watched from now on.
    fx.write("crates/gamma/src/more.rs", "// more\n");
    assert_eq!(paths(&next(&watcher)), ["crates/gamma/src/more.rs"]);
}

#[test]
fn gitignore_edits_rebuild_the_rules() {
    let fx = Fixture::new();
    // Three writes that must land in one batch: a long quiet period, as above.
    let watcher = fx.watch(1000);
    // Ignore *.tmp, and stop ignoring generated/ (which had no watch until now).
    fx.write(".gitignore", "/target\n*.log\n/scratch/\n*.tmp\n");
    fx.write("crates/alpha/notes.tmp", "ignored now\n");
    fx.write("crates/alpha/generated/out.rs", "// seen now\n");
    let batch = next(&watcher);
    assert_eq!(
        paths(&batch),
        [".gitignore", "crates/alpha/generated/out.rs"],
        "{batch:?}"
    );
    assert!(
        batch.global,
        "the root .gitignore decides every package's inputs"
    );
}

#[test]
fn a_deleted_and_recreated_directory_is_watched_again() {
    let fx = Fixture::new();
    let watcher = fx.watch(50);
    std::fs::remove_dir_all(fx.root.join("crates/beta/src")).unwrap();
    let batch = next(&watcher);
    assert_eq!(packages(&batch), ["beta"]);
    fx.write("crates/beta/src/lib.rs", "pub fn b() {}\n");
    let batch = next(&watcher);
    assert_eq!(packages(&batch), ["beta"]);
    fx.append("crates/beta/src/lib.rs", "// again\n");
    assert_eq!(paths(&next(&watcher)), ["crates/beta/src/lib.rs"]);
}

#[test]
fn run_at_start_hands_out_a_global_batch_at_once() {
    let fx = Fixture::new();
    let options = WatchOptions {
        run_at_start: true,
        ..WatchOptions::default()
    };
    let watcher = Watcher::start(&fx.ws, options).unwrap();
    let batch = next(&watcher);
    assert!(batch.global && batch.paths.is_empty(), "{batch:?}");
}

#[test]
fn a_stopper_ends_a_blocked_next_batch() {
    let fx = Fixture::new();
    let watcher = fx.watch(50);
    let stopper = watcher.stopper();
    let stopping = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        stopper.stop();
    });
    assert!(watcher.next_batch().unwrap().is_none());
    stopping.join().unwrap();
}

#[test]
fn run_loop_carries_a_cancelled_batch_into_the_next() {
    let fx = Fixture::new();
    let watcher = fx.watch(50);
    fx.append("crates/alpha/src/lib.rs", "// first\n");
    let mut seen = Vec::new();
    run_loop(&watcher, |batch| {
        seen.push(batch.paths.clone());
        if seen.len() == 1 {
            fx.append("crates/beta/src/lib.rs", "// during the run\n");
            assert!(batch.cancel.wait_timeout(GUARD), "the token was not raised");
            return Outcome::Cancelled;
        }
        Outcome::Stop
    })
    .unwrap();
    let last: Vec<&str> = seen[1].iter().map(|p| p.as_str()).collect();
    assert_eq!(last, ["crates/alpha/src/lib.rs", "crates/beta/src/lib.rs"]);
}

#[test]
fn a_bad_extra_global_glob_is_an_error_that_names_it() {
    let fx = Fixture::new();
    let options = WatchOptions {
        extra_global_inputs: vec!["schema/[".into()],
        ..WatchOptions::default()
    };
    let error = Watcher::start(&fx.ws, options).err().unwrap().to_string();
    assert!(error.contains("`schema/[`"), "{error}");
}

#[test]
fn extra_global_inputs_are_global() {
    let fx = Fixture::new();
    let options = WatchOptions {
        debounce: Duration::from_millis(50),
        extra_global_inputs: vec!["schema/*.json".into()],
        ..WatchOptions::default()
    };
    let watcher = Watcher::start(&fx.ws, options).unwrap();
    fx.write("schema/api.json", "{}\n");
    let batch = next(&watcher);
    assert!(batch.global, "{batch:?}");
    assert_eq!(paths(&batch), ["schema/api.json"]);
}

#[test]
fn a_temporary_file_renamed_over_the_source_is_not_reported() {
    let fx = Fixture::new();
    let watcher = fx.watch(1000);
    // How sed -i and many editors save: write a temporary file, rename it over the original.
    fx.write(
        "crates/alpha/src/.lib.rs.tmp4242",
        "pub fn a() -> u8 { 1 }\n",
    );
    std::fs::rename(
        fx.root.join("crates/alpha/src/.lib.rs.tmp4242"),
        fx.root.join("crates/alpha/src/lib.rs"),
    )
    .unwrap();
    let batch = next(&watcher);
    assert_eq!(paths(&batch), ["crates/alpha/src/lib.rs"]);
    assert_eq!(packages(&batch), ["alpha"]);
}

#[test]
fn a_manifest_outside_the_members_neither_stops_a_run_nor_starts_one() {
    let fx = Fixture::new();
    let watcher = fx.watch(50);
    fx.append("crates/alpha/src/lib.rs", "// first\n");
    let batch = next(&watcher);
    fx.write(
        "tools/helper/Cargo.toml",
        "[package]\nname = \"helper\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    assert!(!batch.cancel.wait_timeout(Duration::from_secs(1)));
    fx.append("crates/beta/src/lib.rs", "// marker\n");
    assert_eq!(paths(&next(&watcher)), ["crates/beta/src/lib.rs"]);
}

#[test]
fn a_member_deleted_during_a_run_gives_a_global_batch() {
    let fx = Fixture::new();
    let watcher = fx.watch(50);
    fx.append("crates/beta/src/lib.rs", "// first\n");
    let batch = next(&watcher);
    // Nothing depends on beta, so the graph still loads without it.
    std::fs::remove_dir_all(fx.root.join("crates/beta")).unwrap();
    assert!(batch.cancel.wait_timeout(GUARD), "the token was not raised");
    // On a loaded machine the append's last event may come after the debounce window, as a
    // batch of its own: the deletion's batch follows it.
    let mut batch = next(&watcher);
    if !batch.global && paths(&batch) == ["crates/beta/src/lib.rs"] {
        batch = next(&watcher);
    }
    assert!(batch.global, "{batch:?}");
    assert!(watcher.workspace().find("beta").is_none());
}
