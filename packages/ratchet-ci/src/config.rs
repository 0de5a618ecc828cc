//! The `check` flags and the `[check]` section of `ratchet.toml` that this package owns.

use camino::{Utf8Path, Utf8PathBuf};
use ratchet_shard::Partition;

use crate::CiError;

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

/// The `[check]` section of `ratchet.toml`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CheckConfig {
    /// The share (0 to 1) of cached package-steps every run runs again, as `--verify` does
    /// for all of them: a backstop for passes that depend on unfingerprinted inputs.
    #[serde(default)]
    pub verify_sample: Option<f64>,
    /// Where every `check` writes its JUnit XML report, relative to the workspace root.
    #[serde(default)]
    pub junit: Option<Utf8PathBuf>,
}

impl CheckConfig {
    /// The share of cached package-steps to verify: all with `--verify`, else the sample.
    pub fn verify_fraction(&self, verify_all: bool) -> Result<f64, CiError> {
        match self.verify_sample {
            Some(share) if !(0.0..=1.0).contains(&share) => Err(CiError::Config(format!(
                "verify-sample = {share}: must be between 0 and 1 (0.05 runs 5% of the cached \
                 package-steps again)"
            ))),
            _ if verify_all => Ok(1.0),
            share => Ok(share.unwrap_or(0.0)),
        }
    }

    /// The JUnit file to write: `--junit` as given (relative to the current directory), else
    /// `[check] junit` relative to the workspace `root`.
    pub fn junit_path(&self, args: &CheckArgs, root: &Utf8Path) -> Option<Utf8PathBuf> {
        args.junit
            .clone()
            .or_else(|| self.junit.as_ref().map(|p| root.join(p)))
    }
}
