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
        level: match level {
            "warning" => Level::Warning,
            _ => Level::Error,
        },
        file: Some("base/src/lib.rs".into()),
        line: Some(1),
        column: Some(1),
        code: code.map(String::from),
        message: "m".into(),
        rendered: "r".into(),
        suggestions: Vec::new(),
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

fn seen(packages: &[&str]) -> std::collections::BTreeSet<String> {
    packages.iter().map(|p| p.to_string()).collect()
}

#[test]
fn an_error_in_a_library_fails_its_package_and_its_dependents_only() {
    let (_dir, ws) = workspace();
    let output = CargoOutput {
        success: false,
        diagnostics: vec![("base".into(), diagnostic("error", Some("E0308")))],
        lib_errors: ["base".to_string()].into(),
        units_seen: seen(&["lone"]),
        ..CargoOutput::default()
    };
    // cargo always ends a failed build with a line that names the crate; without one, cargo
    // stopped for some other reason too.
    assert!(passed(&ws, &output, false).is_empty());
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
        units_seen: seen(&["base", "lone", "mid"]),
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
        units_seen: seen(&["base", "mid"]),
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
fn a_failing_warning_fails_the_lint_of_dependents_only() {
    let (_dir, ws) = workspace();
    let output = CargoOutput {
        success: true,
        diagnostics: vec![("base".into(), diagnostic("warning", Some("dead_code")))],
        lib_findings: ["base".to_string()].into(),
        ..CargoOutput::default()
    };
    // `cargo clippy -p mid -- -D warnings` fails on base's warning: so does mid's lint.
    assert_eq!(passed(&ws, &output, true), ["lone"]);
    // The build itself succeeded: mid's tests were built and may pass.
    assert_eq!(passed(&ws, &output, false), ["base", "lone", "mid"]);
}

#[test]
fn every_error_stops_a_build_and_clippys_own_are_told_apart() {
    assert!(diagnostic("error", Some("E0308")).is_compile_error());
    assert!(diagnostic("error", None).is_compile_error());
    // A lint at level deny stops the target's build under clippy's driver.
    assert!(diagnostic("error", Some("clippy::absurd_extreme_comparisons")).is_compile_error());
    assert!(diagnostic("error", Some("unused_variables")).is_compile_error());
    assert!(!diagnostic("warning", Some("E0308")).is_compile_error());
    assert!(diagnostic("error", Some("clippy::absurd_extreme_comparisons")).is_clippy_error());
    assert!(!diagnostic("error", Some("unused_variables")).is_clippy_error());
    assert!(!diagnostic("warning", Some("clippy::needless_return")).is_clippy_error());
}

#[test]
fn an_error_before_compiling_that_names_one_package_fails_every_package() {
    let (_dir, ws) = workspace();
    for line in [
        "error: specification `base` is ambiguous",
        "error: failed to select a version for `base`.",
        "error: package `lone` does not have feature `nope`",
        "error: could not compile `serde` (lib) due to 1 previous error",
    ] {
        let output = CargoOutput {
            success: false,
            text: vec![line.into()],
            units_seen: seen(&["base", "lone", "mid"]),
            ..CargoOutput::default()
        };
        assert!(passed(&ws, &output, false).is_empty(), "{line}");
    }
    // One line tied to a member does not make another line's failure anyone's in particular.
    let output = CargoOutput {
        success: false,
        text: vec![
            "error: could not compile `base` (lib test) due to 1 previous error".into(),
            "error: failed to write `/w/target/x`".into(),
        ],
        units_seen: seen(&["base", "lone", "mid"]),
        ..CargoOutput::default()
    };
    assert!(passed(&ws, &output, false).is_empty());
}

#[test]
fn after_a_failure_a_package_with_no_unit_reported_fails() {
    let (_dir, ws) = workspace();
    let output = CargoOutput {
        success: false,
        text: vec!["error: could not compile `base` (lib test) due to 1 previous error".into()],
        units_seen: seen(&["base", "mid"]),
        ..CargoOutput::default()
    };
    assert_eq!(passed(&ws, &output, false), ["mid"]);
}

#[test]
fn doc_failures_go_to_the_package_cargo_names() {
    let (_dir, ws) = workspace();
    let text = [
        "   Doc-tests base",
        "running 1 test",
        "test src/lib.rs - f (line 3) ... FAILED",
        "error[E0425]: cannot find value `x` in this scope",
        "error: aborting due to 1 previous error",
        "test result: FAILED. 0 passed; 1 failed",
        "error: doctest failed, to rerun pass `-p base --doc`",
        "   Doc-tests lone",
        "running 0 tests",
        "test result: ok. 0 passed; 0 failed",
        "error: 1 target failed:",
        "    `-p base --doc`",
    ];
    let output = CargoOutput {
        success: false,
        text: text.iter().map(|l| l.to_string()).collect(),
        units_seen: seen(&["base", "lone", "mid"]),
        ..CargoOutput::default()
    };
    let all: Vec<String> = ["base", "lone", "mid"].map(String::from).to_vec();
    let verdicts = doc_verdicts(&ws, &all, &output, &|p: &str| p.to_string());
    assert!(verdicts["lone"].passed, "{verdicts:?}");
    assert!(!verdicts["base"].passed);
    assert!(matches!(
        &verdicts["base"].problems[..],
        [Problem::TestFailure { tests, .. }] if tests == &["src/lib.rs - f (line 3)"]
    ));
    // `mid` had no Doc-tests section: its doc tests did not run.
    assert!(!verdicts["mid"].passed);
    let cut = CargoOutput {
        text: output.text[..3].to_vec(),
        ..output
    };
    let verdicts = doc_verdicts(&ws, &all, &cut, &|p: &str| p.to_string());
    assert!(verdicts.values().all(|v| !v.passed), "{verdicts:?}");
}

#[test]
fn errors_of_an_unselected_dependency_are_shown_with_its_dependent() {
    let (_dir, ws) = workspace();
    let output = CargoOutput {
        success: false,
        diagnostics: vec![("base".into(), diagnostic("error", Some("E0308")))],
        lib_errors: ["base".to_string()].into(),
        text: vec!["error: could not compile `base` (lib) due to 1 previous error".into()],
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

#[test]
fn a_test_target_with_no_binary_is_missing() {
    let (_dir, ws) = workspace();
    let output = CargoOutput {
        success: false,
        executables: vec![crate::Executable {
            package: "base".into(),
            target: "base".into(),
            kind: "lib".into(),
            bench: false,
            path: "/t/base-123".into(),
        }],
        ..CargoOutput::default()
    };
    assert!(missing_test_binaries(&ws, &output, "base").is_empty());
    assert_eq!(missing_test_binaries(&ws, &output, "mid"), ["lib \"mid\""]);
}
