//! The `check` flags this package owns.

use camino::{Utf8Path, Utf8PathBuf};
use ratchet_shard::Partition;

/// CI flags of `check`, flattened into its clap arguments.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct CheckArgs {
    /// Run only shard K of N of the selection (e.g. `2/4`), split by the build and test times
    /// earlier runs recorded; see `plan --shards N`.
    #[arg(long, value_name = "K/N")]
    pub partition: Option<Partition>,
    /// Write a JUnit XML report of the run here (also `[check] junit` in ratchet.toml).
    #[arg(long, value_name = "PATH")]
    pub junit: Option<Utf8PathBuf>,
}

impl CheckArgs {
    /// The JUnit file to write: `--junit` as given (relative to the current directory), else
    /// `configured` (`[check] junit`) relative to the workspace `root`.
    pub fn junit_path(
        &self,
        configured: Option<&std::path::Path>,
        root: &Utf8Path,
    ) -> Option<Utf8PathBuf> {
        let configured = configured
            .and_then(Utf8Path::from_path)
            .map(|p| root.join(p));
        self.junit.clone().or(configured)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_wins_and_the_configured_path_is_under_the_workspace_root() {
        let root = Utf8Path::new("/ws");
        let configured = Some(std::path::Path::new("target/junit.xml"));
        let none = CheckArgs::default();
        assert_eq!(
            none.junit_path(configured, root),
            Some(Utf8PathBuf::from("/ws/target/junit.xml"))
        );
        let flag = CheckArgs {
            junit: Some("out.xml".into()),
            ..CheckArgs::default()
        };
        assert_eq!(flag.junit_path(configured, root), Some("out.xml".into()));
        assert_eq!(none.junit_path(None, root), None);
    }
}
