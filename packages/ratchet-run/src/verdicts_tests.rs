//! Verdicts from cargo's output: what passes, what fails, and that nothing passes unseen.

use super::*;

/// base <- mid (normal), lone; loaded through `cargo metadata` (nothing is compiled).
fn workspace() -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    let manifest = |name: &str, deps: &str| {
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[dependencies]\n{deps}"
        )
    };
    write(
        "Cargo.toml",
        "[workspace]\nmembers = [\"base\", \"mid\", \"lone\"]\nresolver = \"2\"\n",
    );
    write("base/Cargo.toml", &manifest("base", ""));
    write(
        "mid/Cargo.toml",
        &manifest("mid", "base = { path = \"../base\" }\n"),
    );
    write("lone/Cargo.toml", &manifest("lone", ""));
    for package in ["base", "mid", "lone"] {
        write(&format!("{package}/src/lib.rs"), "");
    }
    let options = ratchet_graph::LoadOptions {
        manifest_path: Some(
            camino::Utf8PathBuf::from_path_buf(dir.path().join("Cargo.toml")).unwrap(),
        ),
        refresh: true,
        update_lock: false,
    };
    let workspace = ratchet_graph::load(&options).unwrap();
    (dir, workspace)
}

fn diagnostic(level: &str, code: Option<&str>) -> Problem {
    Problem::Diagnostic {
        level: level.into(),
        file: Some("base/src/lib.rs".into()),
        line: Some(1),
        code: code.map(String::from),
        message: "m".into(),
        rendered: "r".into(),
    }
}

fn passed(workspace: &Workspace, output: &CargoOutput, warnings_fail: bool) -> Vec<String> {
    let all: Vec<String> = ["base", "lone", "mid"].map(String::from).to_vec();
    compile_verdicts(workspace, &all, output, warnings_fail, &|p: &str| {
        format!("cargo x -p {p}")
    })
    .into_iter()
    .filter(|(_, v)| v.passed)
    .map(|(p, _)| p)
    .collect()
}

#[test]
fn success_passes_everything() {
    let (_dir, ws) = workspace();
    let output = CargoOutput {
        success: true,
        ..CargoOutput::default()
    };
    assert_eq!(passed(&ws, &output, false), ["base", "lone", "mid"]);
}

#[test]
fn an_unexplained_failure_passes_nothing() {
    let (_dir, ws) = workspace();
    let output = CargoOutput {
        success: false,
        text: vec!["error: the lock file needs to be updated".into()],
        ..CargoOutput::default()
    };
    assert!(passed(&ws, &output, false).is_empty());
}

#[test]
fn an_error_in_a_library_fails_its_package_and_its_dependents_only() {
    let (_dir, ws) = workspace();
    let output = CargoOutput {
        success: false,
        diagnostics: vec![("base".into(), diagnostic("error", Some("E0308")))],
        lib_errors: ["base".to_string()].into(),
        ..CargoOutput::default()
    };
    assert_eq!(passed(&ws, &output, false), ["lone"]);
    let said = CargoOutput {
        text: vec!["error: could not compile `base` (lib) due to 1 previous error".into()],
        ..output
    };
    assert_eq!(passed(&ws, &said, false), ["lone"]);
}

#[test]
fn an_error_in_a_test_target_fails_its_own_package_only() {
    let (_dir, ws) = workspace();
    // rustc calls a library's test harness a `lib` target too; cargo's line tells them apart.
    let output = CargoOutput {
        success: false,
        diagnostics: vec![("base".into(), diagnostic("error", Some("E0308")))],
        lib_errors: ["base".to_string()].into(),
        text: vec![
            "error: could not compile `base` (lib test) due to 1 previous error".into(),
            "error: could not compile `base` (test \"it\") due to 1 previous error".into(),
        ],
        ..CargoOutput::default()
    };
    assert_eq!(passed(&ws, &output, false), ["lone", "mid"]);
}

#[test]
fn a_package_named_in_cargos_error_lines_fails() {
    let (_dir, ws) = workspace();
    let output = CargoOutput {
        success: false,
        text: vec!["error: failed to run custom build command for `lone v0.1.0 (/w/lone)`".into()],
        ..CargoOutput::default()
    };
    assert_eq!(passed(&ws, &output, false), ["base", "mid"]);
}

#[test]
fn warnings_fail_only_when_asked() {
    let (_dir, ws) = workspace();
    let output = CargoOutput {
        success: true,
        diagnostics: vec![(
            "lone".into(),
            diagnostic("warning", Some("unused_variables")),
        )],
        ..CargoOutput::default()
    };
    assert_eq!(passed(&ws, &output, false), ["base", "lone", "mid"]);
    assert_eq!(passed(&ws, &output, true), ["base", "mid"]);
}

#[test]
fn a_failing_warning_does_not_fail_dependents_that_were_built() {
    let (_dir, ws) = workspace();
    let output = CargoOutput {
        success: true,
        diagnostics: vec![("base".into(), diagnostic("warning", Some("dead_code")))],
        ..CargoOutput::default()
    };
    assert_eq!(passed(&ws, &output, true), ["lone", "mid"]);
}

#[test]
fn compile_errors_are_told_apart_from_lints() {
    assert!(diagnostic("error", Some("E0308")).is_compile_error());
    assert!(diagnostic("error", None).is_compile_error());
    assert!(!diagnostic("error", Some("clippy::needless_return")).is_compile_error());
    assert!(!diagnostic("error", Some("unused_variables")).is_compile_error());
    assert!(!diagnostic("warning", Some("E0308")).is_compile_error());
}

#[test]
fn errors_of_an_unselected_dependency_are_shown_with_its_dependent() {
    let (_dir, ws) = workspace();
    let output = CargoOutput {
        success: false,
        diagnostics: vec![("base".into(), diagnostic("error", Some("E0308")))],
        lib_errors: ["base".to_string()].into(),
        ..CargoOutput::default()
    };
    let verdicts = compile_verdicts(&ws, &["mid".to_string()], &output, false, &|p: &str| {
        p.to_string()
    });
    let problems = &verdicts["mid"].problems;
    assert!(!verdicts["mid"].passed);
    assert!(
        problems.contains(&diagnostic("error", Some("E0308"))),
        "{problems:?}"
    );
}
