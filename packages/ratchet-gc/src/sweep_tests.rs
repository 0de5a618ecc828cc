//! `--keep-runs` on a hand-made build directory: what goes, what stays, and a record that
//! proves nothing removes nothing.

use super::*;
use crate::record::RunUse;

const USED: &str = "0123456789abcdef";
const STALE: &str = "fedcba9876543210";

fn layout(state: &Path) {
    let debug = state.join("build/debug");
    for dir in [
        format!(".fingerprint/a-{USED}"),
        format!(".fingerprint/a-{STALE}"),
        format!("build/a-{STALE}/out"),
        "incremental/a-used1".to_string(),
        "incremental/a-stale2".to_string(),
        "incremental/b-other3".to_string(),
    ] {
        std::fs::create_dir_all(debug.join(dir)).unwrap();
    }
    for file in [
        format!("deps/liba-{USED}.rlib"),
        format!("deps/liba-{STALE}.rlib"),
        "deps/no-hash".to_string(),
        "liba.rlib".to_string(),
    ] {
        let path = debug.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "x").unwrap();
    }
    std::fs::create_dir_all(state.join("verdicts")).unwrap();
}

fn record(state: &Path, runs: usize) {
    let mut record = Record::default();
    for _ in 0..runs {
        let mut run = RunUse::default();
        run.units.insert(USED.to_string(), "a".to_string());
        record.runs.push(run);
    }
    let tie = |h: &str| std::iter::once(h.to_string()).collect();
    record
        .incremental
        .insert("debug/incremental/a-used1".into(), tie(USED));
    record
        .incremental
        .insert("debug/incremental/a-stale2".into(), tie(STALE));
    record.write(state).unwrap();
}

fn names(sweep: &Sweep, state: &Path) -> Vec<String> {
    let build = state.join("build/debug");
    (sweep.outcome.removed.iter())
        .map(|(p, _)| p.strip_prefix(&build).unwrap().display().to_string())
        .collect()
}

#[test]
fn removes_exactly_what_no_kept_run_used() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path();
    layout(state);
    record(state, 2);
    let dry = keep_runs(state, 2, true).unwrap();
    let expected = [
        format!("deps/liba-{STALE}.rlib"),
        format!(".fingerprint/a-{STALE}"),
        format!("build/a-{STALE}"),
        "incremental/a-stale2".to_string(),
        "incremental/b-other3".to_string(),
    ];
    assert_eq!(names(&dry, state), expected);
    assert!(state.join("build/debug/incremental/a-stale2").is_dir());
    let done = keep_runs(state, 2, false).unwrap();
    assert_eq!(names(&done, state), expected);
    let debug = state.join("build/debug");
    assert!(debug.join(format!("deps/liba-{USED}.rlib")).is_file());
    assert!(debug.join("deps/no-hash").is_file());
    assert!(debug.join("liba.rlib").is_file());
    assert!(debug.join("incremental/a-used1").is_dir());
    assert!(!debug.join("incremental/a-stale2").exists());
    assert!(state.join("verdicts").is_dir());
}

#[test]
fn too_few_runs_or_a_corrupt_record_remove_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path();
    layout(state);
    record(state, 1);
    let short = keep_runs(state, 2, false).unwrap();
    assert_eq!(short.short_of_runs, Some(1));
    assert!(short.outcome.removed.is_empty());
    std::fs::write(state.join(ratchet_store::state::GC_RUNS), "[1, 2").unwrap();
    let corrupt = keep_runs(state, 1, false).unwrap();
    assert_eq!(corrupt.short_of_runs, Some(0));
    assert!(corrupt.outcome.removed.is_empty());
}

#[test]
fn a_unit_never_seen_compiling_keeps_every_incremental_directory_of_its_crate() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path();
    layout(state);
    record(state, 1);
    let mut record = Record::read(state);
    record.incremental.clear();
    record.write(state).unwrap();
    let sweep = keep_runs(state, 1, true).unwrap();
    let removed = names(&sweep, state);
    assert!(
        !removed.iter().any(|n| n.starts_with("incremental/a-")),
        "{removed:?}"
    );
    assert!(removed.contains(&"incremental/b-other3".to_string()));
}

#[test]
fn a_run_that_used_files_outside_the_build_directory_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path();
    layout(state);
    let build = state.join("build");
    let inside = build.join(format!("debug/deps/liba-{USED}.rlib"));
    let inside = camino::Utf8PathBuf::from_path_buf(inside).unwrap();
    let files = [inside, camino::Utf8PathBuf::from("/elsewhere/liba.rlib")];
    let unit = crate::UnitFiles {
        crate_name: "a",
        built: false,
        files: &files,
    };
    let now = std::time::SystemTime::now();
    crate::record_run(state, &build, &[], now).unwrap();
    assert_eq!(
        Record::read(state).runs.len(),
        0,
        "a run without units is not recorded"
    );
    crate::record_run(state, &build, std::slice::from_ref(&unit), now).unwrap();
    let sweep = keep_runs(state, 1, true).unwrap();
    assert_eq!(sweep.short_of_runs, Some(1));
    assert!(sweep.outcome.removed.is_empty());
    let unit = crate::UnitFiles {
        files: &files[..1],
        ..unit
    };
    crate::record_run(state, &build, &[unit], now).unwrap();
    let sweep = keep_runs(state, 1, true).unwrap();
    assert!(names(&sweep, state).contains(&format!("deps/liba-{STALE}.rlib")));
}
