//! Generated workspaces are real: they build, their tests pass, clippy and rustfmt are silent, and each
//! editing helper changes what cargo and git see. One workspace, built once, keeps it fast.

use std::process::Output;

use ratchet_fixture::{Fixture, Spec, generate};

fn cargo(fixture: &Fixture, args: &[&str]) -> Output {
    fixture.cargo(args).output().expect("cargo runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn eight_packages_build_test_lint_clean_and_edits_bite() {
    let dir = tempfile::tempdir().unwrap();
    let mut fixture = generate(dir.path(), &Spec::small(8, 42)).unwrap();
    fixture.cargo_test().unwrap();
    let clippy = cargo(
        &fixture,
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--offline",
            "-q",
            "--",
            "-D",
            "warnings",
        ],
    );
    assert!(clippy.status.success(), "{}", stderr(&clippy));
    // `ratchet check` runs rustfmt first: a generated workspace must start formatted.
    let fmt = cargo(&fixture, &["fmt", "--all", "--check"]);
    assert!(fmt.status.success(), "{}", stdout(&fmt));
    assert_eq!(
        fixture.git(&["status", "--porcelain"]).unwrap(),
        "",
        "the committed Cargo.lock is up to date"
    );

    let base = fixture.without_deps()[0].name.clone();
    let edit = fixture.inject_compile_error(&base).unwrap();
    let check = cargo(&fixture, &["check", "--workspace", "--offline"]);
    assert!(!check.status.success());
    assert!(
        stderr(&check).contains("mismatched types") && stderr(&check).contains(&base),
        "{}",
        stderr(&check)
    );
    edit.undo().unwrap();
    assert!(
        cargo(&fixture, &["check", "--workspace", "--offline"])
            .status
            .success()
    );

    let _ = fixture.inject_failing_test(&base).unwrap();
    let test = cargo(&fixture, &["test", "-p", &base, "--offline", "--lib"]);
    assert!(!test.status.success());
    assert!(
        stdout(&test).contains("injected failing test"),
        "{}",
        stdout(&test)
    );
    fixture.restore(&base).unwrap();
    assert_eq!(fixture.git(&["status", "--porcelain"]).unwrap(), "");

    let vendor = fixture.vendors[0].0.clone();
    fixture.bump_vendor(&vendor, "1.1.0").unwrap();
    let lock_diff = fixture.git(&["diff", "--", "Cargo.lock"]).unwrap();
    assert!(lock_diff.contains("+version = \"1.1.0\""), "{lock_diff}");

    let victim = fixture.packages[1].name.clone();
    fixture.delete_package(&victim).unwrap();
    fixture.add_package("added-late", &[&base]).unwrap();
    let check = cargo(
        &fixture,
        &["check", "--workspace", "--all-targets", "--offline"],
    );
    assert!(check.status.success(), "{}", stderr(&check));
    let metadata = stdout(&cargo(
        &fixture,
        &[
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ],
    ));
    assert!(
        metadata.contains("\"name\":\"added-late\"")
            && !metadata.contains(&format!("\"name\":\"{victim}\""))
    );
}
