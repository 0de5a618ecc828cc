//! GitHub outputs of the gates that run beside `check`'s steps: rules and budgets.

use camino::{Utf8Path, Utf8PathBuf};
use ratchet_budget::GateOutcome;

use crate::CiError;
use crate::github::repo_prefix;

/// The budget gate's annotations (returned, for the caller to print where its output goes),
/// on manifests named from the repository's top; its table is appended to the step summary.
pub fn budget_github(outcome: &GateOutcome, root: &Utf8Path) -> Result<String, CiError> {
    let prefix = repo_prefix(root);
    let annotations = ratchet_report::text::github_annotations(outcome, prefix.as_str());
    append_step_summary(&ratchet_report::text::step_summary(outcome))?;
    Ok(annotations)
}

/// The top of the git repository holding the workspace at `root`, spelt from `root` (so that
/// paths under `root` strip to repository paths); `root` itself without a repository.
pub fn repo_root(root: &Utf8Path) -> Utf8PathBuf {
    let depth = repo_prefix(root).components().count();
    root.ancestors().nth(depth).unwrap_or(root).to_path_buf()
}

/// Appends `text` to the file `$GITHUB_STEP_SUMMARY` names (nothing when it is unset or
/// `text` is empty).
pub fn append_step_summary(text: &str) -> Result<(), CiError> {
    match std::env::var("GITHUB_STEP_SUMMARY") {
        Ok(path) if !path.is_empty() && !text.is_empty() => append(Utf8Path::new(&path), text),
        _ => Ok(()),
    }
}

/// Appends `text` to `path`.
pub(crate) fn append(path: &Utf8Path, text: &str) -> Result<(), CiError> {
    use std::io::Write;
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut file| file.write_all(text.as_bytes()))
        .map_err(|source| CiError::Write {
            path: path.to_path_buf(),
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workspace_in_a_subdirectory_is_named_from_the_repository_top() {
        let dir = tempfile::tempdir().unwrap();
        let top = Utf8Path::from_path(dir.path()).unwrap();
        let ws = top.join("code/rust");
        std::fs::create_dir_all(&ws).unwrap();
        assert_eq!(repo_root(&ws), ws, "no repository: the workspace itself");
        let status = std::process::Command::new("git")
            .args(["init", "-q"])
            .current_dir(top)
            .status()
            .unwrap();
        assert!(status.success());
        assert_eq!(repo_prefix(&ws), Utf8Path::new("code/rust"));
        assert_eq!(repo_root(&ws), top);
        assert_eq!(repo_prefix(top), Utf8Path::new(""));
    }
}
