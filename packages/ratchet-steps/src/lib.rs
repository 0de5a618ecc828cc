//! The steps of `check` (`fmt`, `lint`, `test`, `doc`) and the `[steps]` section of
//! `ratchet.toml` that configures them: which run, their arguments, the test runner, the
//! slow-test period and timeout, and the part of each step's configuration a verdict key holds.
//!
//! Also what lints and how ([`LintTool`]: clippy's driver or plain rustc, found in the
//! toolchain's sysroot) and the lint step's arguments taken apart ([`LintArgs`]).
//!
//! Must not: run a step, or know about verdicts; it is plain configuration that ratchet-run
//! (which runs the steps) and ratchet-check (which keys and plans them) share. The one process
//! it may start is `rustc --print sysroot`, through ratchet-toolchain, to find clippy.

mod lint_tool;

pub use lint_tool::{LintArgs, LintTool, configure_lint};

use serde::{Deserialize, Serialize};

/// One kind of work `check` does on a package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Step {
    /// `cargo fmt --check`.
    Fmt,
    /// `cargo clippy --all-targets -- -D warnings` (`cargo check` when clippy is absent).
    Lint,
    /// Build test binaries, then run them in parallel.
    Test,
    /// `cargo test --doc`.
    Doc,
}

impl From<Step> for ratchet_events::check::Step {
    fn from(step: Step) -> Self {
        match step {
            Step::Fmt => Self::Fmt,
            Step::Lint => Self::Lint,
            Step::Test => Self::Test,
            Step::Doc => Self::Doc,
        }
    }
}

impl Step {
    /// Every step, in the order `check` runs them.
    pub const ALL: [Step; 4] = [Step::Fmt, Step::Lint, Step::Test, Step::Doc];

    /// The name used in `ratchet.toml`, events and verdict keys.
    pub fn name(self) -> &'static str {
        match self {
            Step::Fmt => "fmt",
            Step::Lint => "lint",
            Step::Test => "test",
            Step::Doc => "doc",
        }
    }

    /// Arguments used when `ratchet.toml` gives none.
    pub fn default_args(self) -> Vec<String> {
        match self {
            Step::Lint => ["--all-targets", "--", "-D", "warnings"]
                .map(String::from)
                .to_vec(),
            Step::Fmt | Step::Test | Step::Doc => Vec::new(),
        }
    }
}

/// `[steps]`: one table per step.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct StepsConfig {
    /// `[steps.fmt]`
    #[serde(default)]
    pub fmt: StepConfig,
    /// `[steps.lint]`
    #[serde(default)]
    pub lint: StepConfig,
    /// `[steps.test]`
    #[serde(default)]
    pub test: StepConfig,
    /// `[steps.doc]`
    #[serde(default)]
    pub doc: StepConfig,
}

/// The configuration of one step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct StepConfig {
    /// `enabled = false` turns the step off.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Replaces the step's default arguments (for `lint`: `["--all-targets", "--", "-D",
    /// "warnings"]`; others have none). Cargo arguments first, then `--` and the tool's own.
    #[serde(default)]
    pub args: Option<Vec<String>>,
    /// The test step only: what runs the test binaries.
    #[serde(default)]
    pub runner: Option<TestRunner>,
    /// The test step only: seconds after which a running test is named as slow (default 60;
    /// ratchet's pool: a binary none of whose tests finished for that long, with the tests it
    /// has not finished).
    #[serde(default)]
    pub slow_after: Option<u64>,
    /// The test step only: seconds after which a test is killed and fails (ratchet's pool: a
    /// binary none of whose tests finished for that long, naming the tests it had not
    /// finished; nextest: each test).
    #[serde(default)]
    pub timeout: Option<u64>,
}

/// What runs the test binaries once they are built.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TestRunner {
    /// ratchet's own pool: every binary in its package's directory, one more at a time than
    /// the cores. The default, unless the workspace configures nextest.
    #[default]
    Ratchet,
    /// `cargo nextest run` over the built binaries: one process per test, nextest's own
    /// configuration (`.config/nextest.toml`: test groups, timeouts, retries). The default
    /// where that file exists and nextest is installed.
    Nextest,
}

fn yes() -> bool {
    true
}

impl Default for StepConfig {
    fn default() -> Self {
        StepConfig {
            enabled: true,
            args: None,
            runner: None,
            slow_after: None,
            timeout: None,
        }
    }
}

impl StepConfig {
    /// The slow-test period and the timeout, as durations.
    pub fn limits(&self) -> (std::time::Duration, Option<std::time::Duration>) {
        let secs = std::time::Duration::from_secs;
        (secs(self.slow_after.unwrap_or(60)), self.timeout.map(secs))
    }

    /// `slow-after` and `timeout` as nextest configuration (`slow-timeout` of its default
    /// profile), when either is set. nextest terminates a test after a whole number of
    /// periods: with a timeout, the period is shortened to divide it.
    pub fn nextest_config(&self) -> Option<String> {
        if self.slow_after.is_none() && self.timeout.is_none() {
            return None;
        }
        let slow = self.slow_after.unwrap_or(60).max(1);
        let value = match self.timeout.map(|t| t.max(1)) {
            Some(limit) => {
                let periods = limit.div_ceil(slow);
                let period = limit * 1000 / periods;
                format!("{{ period = \"{period}ms\", terminate-after = {periods} }}")
            }
            None => format!("\"{slow}s\""),
        };
        Some(format!(
            "# Written by ratchet from [steps.test] in ratchet.toml.\n\
             [profile.default]\nslow-timeout = {value}\n"
        ))
    }
}

impl StepsConfig {
    /// The configuration of `step`.
    pub fn get(&self, step: Step) -> &StepConfig {
        match step {
            Step::Fmt => &self.fmt,
            Step::Lint => &self.lint,
            Step::Test => &self.test,
            Step::Doc => &self.doc,
        }
    }

    /// The steps that are turned on, in run order.
    pub fn enabled(&self) -> Vec<Step> {
        Step::ALL
            .into_iter()
            .filter(|s| self.get(*s).enabled)
            .collect()
    }

    /// The arguments `step` runs with.
    pub fn args(&self, step: Step) -> Vec<String> {
        self.get(step)
            .args
            .clone()
            .unwrap_or_else(|| step.default_args())
    }

    /// Adds test-name filters (`check -- NAME`) to the tool arguments of the test and doc
    /// steps: only matching tests run, and the verdict keys differ from an unfiltered run's.
    pub fn filter_tests(&mut self, filters: &[String]) {
        if filters.is_empty() {
            return;
        }
        for step in [Step::Test, Step::Doc] {
            let mut args = self.args(step);
            if !args.iter().any(|a| a == "--") {
                args.push("--".into());
            }
            args.extend(filters.iter().cloned());
            match step {
                Step::Test => self.test.args = Some(args),
                _ => self.doc.args = Some(args),
            }
        }
    }

    /// What `[steps.test] runner` says runs the test binaries, if it is set.
    pub fn configured_test_runner(&self) -> Option<TestRunner> {
        self.test.runner
    }

    /// `runner` (or another test-only key) set on a step other than `test`, as an error
    /// message naming it.
    pub fn misplaced_runner(&self) -> Option<String> {
        let test_only =
            |c: &StepConfig| c.runner.is_some() || c.slow_after.is_some() || c.timeout.is_some();
        Step::ALL
            .into_iter()
            .find(|s| *s != Step::Test && test_only(self.get(*s)))
            .map(|s| {
                format!(
                    "ratchet.toml: `runner`, `slow-after` and `timeout` are settings of \
                     [steps.test] only; remove them from [steps.{}]",
                    s.name()
                )
            })
    }

    /// Everything about `step` that changes its verdict, as a stable string for the verdict key:
    /// its tool, its arguments, and for the test step the runner that runs it.
    pub fn fingerprint(&self, step: Step, tool: &str, test_runner: TestRunner) -> String {
        let mut key =
            serde_json::json!({"step": step.name(), "tool": tool, "args": self.args(step)});
        // Only a runner other than ratchet's own is part of the key, so passes recorded before
        // the setting existed stay valid.
        if step == Step::Test && test_runner != TestRunner::default() {
            key["runner"] = serde_json::json!(test_runner);
        }
        // A limit can fail a test that passed without one: part of the key when set.
        if let (Step::Test, Some(limit)) = (step, self.test.timeout) {
            key["timeout"] = serde_json::json!(limit);
        }
        key.to_string()
    }
}

/// Arguments before `--` (for cargo) and after it (for the tool).
pub fn split_at_dashes(args: &[String]) -> (&[String], &[String]) {
    match args.iter().position(|a| a == "--") {
        Some(at) => (&args[..at], &args[at + 1..]),
        None => (args, &[]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<StepsConfig, String> {
        ratchet_config::ConfigFile::from_text("ratchet.toml", text)
            .section::<StepsConfig>("steps")
            .map_err(|e| e.to_string())
    }

    #[test]
    fn defaults_enable_every_step() {
        let config = parse("").unwrap();
        assert_eq!(config.enabled(), Step::ALL.to_vec());
        assert_eq!(
            config.args(Step::Lint),
            ["--all-targets", "--", "-D", "warnings"]
        );
    }

    #[test]
    fn steps_can_be_disabled_and_given_args() {
        let config =
            parse("[steps.doc]\nenabled = false\n[steps.test]\nargs = [\"--features\", \"x\"]\n")
                .unwrap();
        assert_eq!(config.enabled(), vec![Step::Fmt, Step::Lint, Step::Test]);
        assert_eq!(config.args(Step::Test), ["--features", "x"]);
        assert_ne!(
            config.fingerprint(Step::Test, "t", TestRunner::Ratchet),
            parse("")
                .unwrap()
                .fingerprint(Step::Test, "t", TestRunner::Ratchet)
        );
    }

    #[test]
    fn the_test_runner_is_part_of_the_key_and_belongs_to_the_test_step() {
        let nextest = parse("[steps.test]\nrunner = \"nextest\"\n").unwrap();
        assert_eq!(nextest.configured_test_runner(), Some(TestRunner::Nextest));
        let default = parse("").unwrap();
        assert_eq!(default.configured_test_runner(), None);
        assert_ne!(
            default.fingerprint(Step::Test, "cargo", TestRunner::Nextest),
            default.fingerprint(Step::Test, "cargo", TestRunner::Ratchet)
        );
        assert_eq!(
            default.fingerprint(Step::Lint, "clippy", TestRunner::Nextest),
            default.fingerprint(Step::Lint, "clippy", TestRunner::Ratchet),
            "only the test step's key names the runner"
        );
        assert_eq!(default.misplaced_runner(), None);
        let misplaced = parse("[steps.lint]\nrunner = \"nextest\"\n").unwrap();
        assert!(
            misplaced
                .misplaced_runner()
                .unwrap()
                .contains("[steps.lint]")
        );
        assert!(parse("[steps.test]\nrunner = \"jest\"\n").is_err());
    }

    #[test]
    fn slow_period_and_timeout_become_nextest_configuration() {
        assert_eq!(parse("").unwrap().test.nextest_config(), None);
        let slow = parse("[steps.test]\nslow-after = 5\n").unwrap();
        let text = slow.test.nextest_config().unwrap();
        assert!(text.ends_with("slow-timeout = \"5s\"\n"), "{text}");
        let both = parse("[steps.test]\nslow-after = 60\ntimeout = 90\n").unwrap();
        let text = both.test.nextest_config().unwrap();
        assert!(
            text.contains("{ period = \"45000ms\", terminate-after = 2 }"),
            "{text}"
        );
    }

    #[test]
    fn misspelt_key_is_an_error_with_a_suggestion() {
        let err = parse("[steps.lint]\nenabeld = false\n").unwrap_err();
        assert!(err.contains("did you mean `enabled`?"), "{err}");
    }
}
