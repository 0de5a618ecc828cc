//! What individual steps run, and how their failures are attributed.

use ratchet_events::check::CheckEvent;

use crate::{finished, json_check, planned, workspace, write};

#[test]
fn the_doc_step_runs_only_for_packages_that_can_have_doc_tests() {
    let ws = workspace();
    // `base` has a fenced example in its docs; `mid` has plain docs only; `top` has no library.
    let (run, events) = json_check(ws.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let doc = finished(&events, "doc");
    assert_eq!(doc.commands.len(), 1, "{:?}", doc.commands);
    // Members are selected by package ID spec: `-p path+file:///.../crates/base#base@0.1.0`.
    assert!(
        doc.commands[0].contains("/crates/base#base@"),
        "{:?}",
        doc.commands
    );
    assert!(
        !doc.commands[0].contains("/crates/mid#"),
        "{:?}",
        doc.commands
    );
    assert!(
        doc.passed.contains(&"mid".to_string()),
        "no doc tests is a pass"
    );
}

#[test]
fn formatting_is_keyed_by_the_packages_own_files() {
    let ws = workspace();
    let (run, _) = json_check(ws.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    // A formatted edit to `base`: `mid` and `top` compile and test again, but none of their
    // files changed, so their formatting is not checked again.
    let edited = format!("{}\n/// One.\npub const ONE: u32 = 1;\n", crate::BASE_LIB);
    write(ws.path(), "crates/base/src/lib.rs", &edited);
    let (_, events) = json_check(ws.path(), &["--dry-run"]);
    let plan = planned(&events);
    assert_eq!(step_of(&plan, "fmt"), ["base"], "{plan:?}");
    assert_eq!(step_of(&plan, "lint"), ["base", "mid", "top"], "{plan:?}");
    // rustfmt's configuration is a global input: it re-checks everyone's formatting.
    write(ws.path(), "rustfmt.toml", "max_width = 100\n");
    let (_, events) = json_check(ws.path(), &["--dry-run"]);
    let plan = planned(&events);
    assert_eq!(step_of(&plan, "fmt"), ["base", "mid", "top"], "{plan:?}");
}

fn step_of(plan: &[(String, Vec<String>)], name: &str) -> Vec<String> {
    plan.iter()
        .find(|(step, _)| step == name)
        .map(|(_, run)| run.clone())
        .unwrap_or_default()
}

#[test]
fn rustfmt_runs_without_cargo_and_names_the_unformatted_file() {
    let ws = workspace();
    let messy = crate::MID_LIB.replace("pub fn inc2(x: u32) -> u32 {", "pub fn inc2(x:u32)->u32{");
    write(ws.path(), "crates/mid/src/lib.rs", &messy);
    let (run, events) = json_check(ws.path(), &[]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let fmt = finished(&events, "fmt");
    assert_eq!(fmt.failed, vec!["mid".to_string()]);
    assert!(
        fmt.commands
            .iter()
            .all(|c| c.starts_with("rustfmt --check")),
        "{:?}",
        fmt.commands
    );
    let located = events.iter().any(|e| {
        matches!(e, CheckEvent::Diagnostic(d) if d.step == ratchet_events::check::Step::Fmt
            && d.package == "mid"
            && d.file.as_deref().is_some_and(|f| f.ends_with("crates/mid/src/lib.rs")))
    });
    assert!(located, "{}", run.stdout);

    write(ws.path(), "crates/mid/src/lib.rs", crate::MID_LIB);
    let (fixed, _) = json_check(ws.path(), &[]);
    assert_eq!(fixed.code, 0, "{}", fixed.stdout);
}

#[test]
fn the_test_step_reports_cpu_use_while_its_binaries_ran() {
    let ws = workspace();
    let (run, events) = json_check(ws.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let usage = finished(&events, "test")
        .test_run
        .expect("test binaries ran");
    assert!(usage.cores >= 1);
    assert!(usage.cpu_ms > 0, "the test binaries' own time: {usage:?}");
    let cpu = usage.cpu_ms + usage.runner_cpu_ms;
    assert!(cpu <= usage.wall_ms * usage.cores as u64 + 50, "{usage:?}");
    // Each binary's duration is kept, so that the next run starts the slowest first.
    let durations = std::fs::read_to_string(ws.path().join("target/ratchet/test-durations.json"));
    let durations: serde_json::Value = serde_json::from_str(&durations.unwrap()).unwrap();
    for binary in ["base/lib/base", "mid/lib/mid", "mid/test/it", "top/bin/top"] {
        assert!(durations[binary].is_u64(), "{binary}: {durations}");
    }
    assert_eq!(finished(&events, "lint").test_run, None);
}

#[test]
fn lint_and_test_share_one_build_and_a_lint_warning_hides_no_test_failure() {
    let ws = workspace();
    // `helper` is used by the unit test only: dead code in the library itself, which only a
    // lint of the library target (not of its test harness) sees. The unit test now fails.
    let base = crate::BASE_LIB
        .replace("mod tests {\n", "mod tests {\n    use super::helper;\n")
        .replace(
            "assert_eq!(super::inc(2), 3);",
            "assert_eq!(super::inc(2), helper());",
        )
        .replace(
            "#[cfg(test)]",
            "fn helper() -> u32 {\n    4\n}\n\n#[cfg(test)]",
        );
    write(ws.path(), "crates/base/src/lib.rs", &base);
    let (run, events) = json_check(ws.path(), &[]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let lint = finished(&events, "lint");
    let test = finished(&events, "test");
    // `cargo clippy -p mid -- -D warnings` lints base too and fails on its warning, so mid and
    // top fail their lint as they would under cargo; their tests still run and pass.
    assert_eq!(
        lint.failed,
        crate::names(&["base", "mid", "top"]),
        "{}",
        run.stdout
    );
    let dead_code = events.iter().any(|e| {
        matches!(e, CheckEvent::Diagnostic(d) if d.step == ratchet_events::check::Step::Lint
            && d.package == "base"
            && d.message.contains("`helper` is never used"))
    });
    assert!(dead_code, "{}", run.stdout);
    assert_eq!(test.failed, vec!["base".to_string()], "{}", run.stdout);
    assert!(crate::first_test_failure(&events).tests[0].contains("inc_works"));
    // One cargo command built for both steps: the test step started no cargo of its own.
    assert_eq!(lint.commands.len(), 1, "{:?}", lint.commands);
    assert!(
        lint.commands[0].contains("cargo build"),
        "{:?}",
        lint.commands
    );
    assert!(
        lint.commands[0].contains("--all-targets"),
        "{:?}",
        lint.commands
    );
    assert_eq!(test.commands, lint.commands);
    assert_eq!((test.units_built, test.units_fresh), (0, 0));
}

#[test]
fn the_doc_step_reuses_the_libraries_the_shared_build_compiled() {
    let ws = workspace();
    let (run, events) = json_check(ws.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(finished(&events, "lint").units_built > 0);
    let doc = finished(&events, "doc");
    assert_eq!(doc.commands.len(), 1, "{:?}", doc.commands);
    // cargo's fingerprints include the compiler wrapper: had the doc step compiled `base`
    // another way than the build before it, it would have rebuilt it here.
    assert_eq!(doc.units_built, 0, "{}", run.stdout);
    assert!(doc.units_fresh > 0, "{}", run.stdout);
}

#[test]
fn nextest_is_the_default_runner_where_the_workspace_configures_it() {
    let ws = workspace();
    let (run, events) = json_check(ws.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(!ran_nextest(&events), "{}", run.stdout);

    // Its test groups, timeouts and retries must apply: nextest runs the tests, and the file
    // is a global input, so every test verdict is due again.
    let config = "[profile.default]\nslow-timeout = \"60s\"\n";
    write(ws.path(), ".config/nextest.toml", config);
    let (run, events) = json_check(ws.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(ran_nextest(&events), "{}", run.stdout);
    assert_eq!(finished(&events, "test").passed.len(), 3, "{}", run.stdout);

    // Set explicitly, ratchet's own pool wins over the file.
    let pool = "[steps.test]\nrunner = \"ratchet\"\n";
    write(ws.path(), "ratchet.toml", pool);
    let (run, events) = json_check(ws.path(), &[]);
    assert!(!ran_nextest(&events), "{}", run.stdout);
}

/// Whether the test step's commands include `cargo nextest run`.
fn ran_nextest(events: &[CheckEvent]) -> bool {
    let commands = finished(events, "test").commands;
    commands.iter().any(|c| c.contains("cargo nextest run"))
}

#[test]
fn nextest_runs_the_tests_when_configured_and_failures_keep_their_package() {
    let ws = workspace();
    write(
        ws.path(),
        "ratchet.toml",
        "[steps.test]\nrunner = \"nextest\"\n",
    );
    let failing = crate::BASE_LIB.replace("super::inc(2), 3", "super::inc(2), 4");
    write(ws.path(), "crates/base/src/lib.rs", &failing);
    let (run, events) = json_check(ws.path(), &[]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let test = finished(&events, "test");
    assert_eq!(test.failed, vec!["base".to_string()], "{}", run.stdout);
    assert!(ran_nextest(&events), "{:?}", test.commands);
    let failure = crate::first_test_failure(&events);
    assert_eq!(failure.package, "base");
    assert_eq!(failure.tests, vec!["tests::inc_works".to_string()]);
    // The reproduce command names the one failing test as nextest spells it, and runs it.
    let one = "cargo nextest run -p base -E 'binary(=base) & test(=tests::inc_works)'";
    assert_eq!(failure.command, one);
    let again = std::process::Command::new("sh")
        .args(["-c", one])
        .current_dir(ws.path())
        .output()
        .unwrap();
    let again = String::from_utf8_lossy(&again.stderr);
    assert!(again.contains("1 test run: 0 passed, 1 failed"), "{again}");

    write(ws.path(), "crates/base/src/lib.rs", crate::BASE_LIB);
    let (fixed, _) = json_check(ws.path(), &[]);
    assert_eq!(fixed.code, 0, "{}", fixed.stdout);

    write(
        ws.path(),
        "ratchet.toml",
        "[steps.doc]\nrunner = \"nextest\"\n",
    );
    let misplaced = crate::check(ws.path(), &[]);
    assert_eq!(misplaced.code, 2);
    assert!(
        misplaced.stderr.contains("[steps.test] only"),
        "{}",
        misplaced.stderr
    );
}

#[test]
fn code_under_cfg_clippy_is_tested_as_rustc_compiles_it() {
    let ws = workspace();
    // clippy's driver sets `cfg(clippy)`: were it to build the tests, this one would fail.
    let by_rustc = "/// Whether rustc, not clippy, compiled this.\n#[cfg(not(clippy))]\npub fn by_rustc() -> bool {\n    true\n}\n\n/// Whether rustc, not clippy, compiled this.\n#[cfg(clippy)]\npub fn by_rustc() -> bool {\n    false\n}\n\n#[cfg(test)]";
    let base = crate::BASE_LIB.replace("#[cfg(test)]", by_rustc).replace(
        "assert_eq!(super::inc(2), 3);",
        "assert_eq!(super::inc(2), 3);\n        assert!(super::by_rustc());",
    );
    write(ws.path(), "crates/base/src/lib.rs", &base);
    let (run, events) = json_check(ws.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let lint = finished(&events, "lint");
    assert!(
        lint.commands[0].contains("cargo check"),
        "{:?}",
        lint.commands
    );
    let test = finished(&events, "test");
    assert!(
        test.commands[0].contains("cargo test") && !test.commands[0].contains("CLIPPY"),
        "{:?}",
        test.commands
    );
}

#[test]
fn test_binaries_run_beside_the_doc_step() {
    let ws = workspace();
    // `base`'s doc test leaves a mark; `mid`'s integration test waits for it. Run one after
    // the other (test binaries, then doc tests), the wait ends in a failure after a minute;
    // run beside each other, both pass.
    let mark = "concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/../../doc-test-ran\")";
    let base = crate::BASE_LIB.replace(
        "/// assert_eq!(base::inc(1), 2);\n",
        &format!("/// assert_eq!(base::inc(1), 2);\n/// std::fs::write({mark}, \"\").unwrap();\n"),
    );
    write(ws.path(), "crates/base/src/lib.rs", &base);
    let waits = format!(
        "#[test]\nfn adds_two() {{\n    let mark = std::path::Path::new({mark});\n    \
         let mut waited = 0;\n    while !mark.exists() && waited < 600 {{\n        \
         std::thread::sleep(std::time::Duration::from_millis(100));\n        waited += 1;\n    \
         }}\n    assert!(mark.exists(), \"the doc test did not run meanwhile\");\n    \
         assert_eq!(mid::inc2(1), 3);\n}}\n"
    );
    write(ws.path(), "crates/mid/tests/it.rs", &waits);
    let (run, events) = json_check(ws.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        finished(&events, "test").failed.is_empty(),
        "{}",
        run.stdout
    );
    assert!(finished(&events, "doc").failed.is_empty(), "{}", run.stdout);
}
