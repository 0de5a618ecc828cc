//! What a run reads from `ratchet.toml`, parsed once per `check` and passed down.

use ratchet_config::ConfigFile;
use ratchet_fingerprint::InputsConfig;
use ratchet_run::StepsConfig;

use crate::plan::CheckConfig;

/// The sections of `ratchet.toml` the engine uses.
#[derive(Debug, Default)]
pub struct Config {
    /// `[steps]`.
    pub steps: StepsConfig,
    /// `[check]`.
    pub check: CheckConfig,
    /// `[inputs]`.
    pub inputs: InputsConfig,
}

impl Config {
    /// The engine's sections of `file`; a malformed one is an input error.
    pub fn parse(file: &ConfigFile) -> anyhow::Result<Config> {
        let steps: StepsConfig = file.section("steps")?;
        if let Some(message) = steps.misplaced_runner() {
            anyhow::bail!(message);
        }
        Ok(Config {
            steps,
            check: file.section("check")?,
            inputs: file.section("inputs")?,
        })
    }
}
