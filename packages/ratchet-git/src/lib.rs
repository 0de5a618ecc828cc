//! The git questions ratchet asks, answered by running the real `git`.
//!
//! Owns: the merge-base of a ref and HEAD, the files changed since a commit (committed, staged,
//! unstaged, and untracked-but-not-ignored), a file's content at a revision, and whether the
//! history is shallow. Paths come back relative to the repository root, as git prints them.
//!
//! Must not: interpret paths (which package owns them is `ratchet-affected`'s job).

use std::process::Command;

use camino::{Utf8Path, Utf8PathBuf};

/// Git failed, or the repository cannot answer the question.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// `git` is not installed or could not start.
    #[error("cannot run git: {0}")]
    NotRunnable(String),
    /// The directory is not inside a git work tree.
    #[error("{0} is not inside a git repository: `--since` needs git history")]
    NotARepository(Utf8PathBuf),
    /// The ref does not name a commit.
    #[error("unknown git ref `{0}`: pass a branch, tag or commit that exists (try `git fetch`)")]
    UnknownRef(String),
    /// The ref exists but no merge-base can be found, typically in a shallow clone.
    #[error("no merge-base between `{reference}` and HEAD{hint}")]
    NoMergeBase {
        /// The ref asked for.
        reference: String,
        /// Extra advice when the history is shallow.
        hint: String,
    },
    /// Any other git failure, with git's own message.
    #[error("`git {args}` failed: {stderr}")]
    Failed {
        /// The arguments given to git.
        args: String,
        /// What git printed on stderr.
        stderr: String,
    },
}

/// A git work tree.
#[derive(Debug, Clone)]
pub struct Repo {
    root: Utf8PathBuf,
}

impl Repo {
    /// The repository containing `dir`.
    pub fn discover(dir: &Utf8Path) -> Result<Repo, GitError> {
        let out = git(dir, &["rev-parse", "--show-toplevel"])
            .map_err(|_| GitError::NotARepository(dir.to_path_buf()))?;
        Ok(Repo {
            root: Utf8PathBuf::from(out.trim_end()),
        })
    }

    /// The work tree's top directory.
    pub fn root(&self) -> &Utf8Path {
        &self.root
    }

    /// The full hash of the merge-base of `reference` and `HEAD`.
    pub fn merge_base(&self, reference: &str) -> Result<String, GitError> {
        let commit = format!("{reference}^{{commit}}");
        if git(&self.root, &["rev-parse", "--verify", "--quiet", &commit]).is_err() {
            return Err(GitError::UnknownRef(reference.to_string()));
        }
        match git(&self.root, &["merge-base", reference, "HEAD"]) {
            Ok(out) => Ok(out.trim_end().to_string()),
            Err(_) => Err(GitError::NoMergeBase {
                reference: reference.to_string(),
                hint: if self.is_shallow() {
                    ": this clone is shallow; fetch more history (`git fetch --unshallow`, or \
                     `fetch-depth: 0` in actions/checkout) instead of treating everything as affected"
                        .to_string()
                } else {
                    ": the two histories share no commit".to_string()
                },
            }),
        }
    }

    /// Whether this clone has truncated history.
    pub fn is_shallow(&self) -> bool {
        git(&self.root, &["rev-parse", "--is-shallow-repository"])
            .is_ok_and(|out| out.trim() == "true")
    }

    /// Files that differ between `base` and the working tree (committed since, staged or not,
    /// deleted and added), plus untracked files that are not ignored. Renames are reported as a
    /// deletion and an addition, so both paths appear. Sorted, without duplicates.
    pub fn changed_since(&self, base: &str) -> Result<Vec<Utf8PathBuf>, GitError> {
        let diff = git(
            &self.root,
            &["diff", "--name-only", "--no-renames", "-z", base, "--"],
        )?;
        let untracked = git(
            &self.root,
            &["ls-files", "--others", "--exclude-standard", "-z"],
        )?;
        let mut files: Vec<Utf8PathBuf> = diff
            .split('\0')
            .chain(untracked.split('\0'))
            .filter(|p| !p.is_empty())
            .map(Utf8PathBuf::from)
            .collect();
        files.sort();
        files.dedup();
        Ok(files)
    }

    /// The content of `path` (relative to the repository root) at `revision`, or `None` when the
    /// file does not exist there.
    pub fn show(&self, revision: &str, path: &Utf8Path) -> Result<Option<String>, GitError> {
        let spec = format!("{revision}:{path}");
        if git(&self.root, &["cat-file", "-e", &spec]).is_err() {
            return Ok(None);
        }
        git(&self.root, &["show", &spec]).map(Some)
    }
}

fn git(dir: &Utf8Path, args: &[&str]) -> Result<String, GitError> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| GitError::NotRunnable(e.to_string()))?;
    if !out.status.success() {
        return Err(GitError::Failed {
            args: args.join(" "),
            stderr: String::from_utf8_lossy(&out.stderr).trim_end().to_string(),
        });
    }
    String::from_utf8(out.stdout).map_err(|e| GitError::Failed {
        args: args.join(" "),
        stderr: format!("output is not UTF-8: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(dir: &Utf8Path, args: &[&str]) {
        let ok = Command::new("git")
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .current_dir(dir)
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    }

    fn repo() -> (tempfile::TempDir, Utf8PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = Utf8PathBuf::from_path_buf(tmp.path().to_path_buf()).unwrap();
        run(&dir, &["init", "-q", "-b", "main"]);
        std::fs::write(dir.join("a.txt"), "a").unwrap();
        std::fs::write(dir.join(".gitignore"), "ignored\n").unwrap();
        run(&dir, &["add", "."]);
        run(&dir, &["commit", "-qm", "one"]);
        (tmp, dir)
    }

    #[test]
    fn changed_since_sees_commits_edits_and_untracked_but_not_ignored() {
        let (_tmp, dir) = repo();
        let repo = Repo::discover(&dir).unwrap();
        let base = repo.merge_base("main").unwrap();
        std::fs::write(dir.join("b.txt"), "b").unwrap();
        run(&dir, &["add", "b.txt"]);
        run(&dir, &["commit", "-qm", "two"]);
        std::fs::write(dir.join("a.txt"), "edited").unwrap();
        std::fs::write(dir.join("new.txt"), "n").unwrap();
        std::fs::write(dir.join("ignored"), "i").unwrap();
        let changed = repo.changed_since(&base).unwrap();
        assert_eq!(changed, vec!["a.txt", "b.txt", "new.txt"]);
    }

    #[test]
    fn unknown_ref_and_show() {
        let (_tmp, dir) = repo();
        let repo = Repo::discover(&dir).unwrap();
        assert!(matches!(
            repo.merge_base("nope"),
            Err(GitError::UnknownRef(_))
        ));
        assert_eq!(
            repo.show("HEAD", "a.txt".into()).unwrap().as_deref(),
            Some("a")
        );
        assert_eq!(repo.show("HEAD", "missing".into()).unwrap(), None);
    }

    #[test]
    fn outside_a_repository_is_a_clear_error() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = Utf8PathBuf::from_path_buf(tmp.path().to_path_buf()).unwrap();
        assert!(matches!(
            Repo::discover(&dir),
            Err(GitError::NotARepository(_))
        ));
    }
}
