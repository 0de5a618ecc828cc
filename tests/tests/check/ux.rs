//! Flags spelt as cargo spells them (issue 13): `--all`, `--force`, selection, verbosity.

use super::*;

#[test]
fn all_is_cargos_workspace_and_force_ignores_the_cache() {
    let dir = workspace();
    let root = dir.path();
    // `--all` is `--workspace`, so it conflicts with `-p` exactly as cargo's does.
    let run = check(root, &["--all", "-p", "base", "--dry-run"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--package"), "{}", run.stderr);
    let (run, events) = json_check(root, &["--all", "--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(planned(&events).iter().all(|(_, p)| p.len() == 3));
    for force in ["--force", "--no-cache"] {
        let (run, _) = json_check(root, &[force, "--dry-run"]);
        assert_eq!(run.code, 0, "{force}: {}", run.stderr);
    }
}
