//! What lints and how: clippy's driver (or plain rustc where clippy is not installed), the lint
//! step's arguments taken apart, and setting the driver on a cargo command. No step runs here.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};

use crate::split_at_dashes;

/// What lints: clippy's driver, or plain rustc (`cargo check`) where clippy is not installed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LintTool {
    /// clippy's driver, at this path in the toolchain.
    Clippy(PathBuf),
    /// No clippy: rustc's own warnings. `expected` is where the toolchain would hold clippy's
    /// driver, so that installing it (which does not change `rustc -vV`) is noticed.
    Check {
        /// The driver's path in the sysroot, when the sysroot is known.
        expected: Option<PathBuf>,
    },
}

impl LintTool {
    /// `clippy` or `check`, as in verdict keys.
    pub fn name(&self) -> &'static str {
        match self {
            LintTool::Clippy(_) => "clippy",
            LintTool::Check { .. } => "check",
        }
    }

    /// Whether a remembered answer still holds: the driver is still there, or still missing.
    pub fn still_true(&self) -> bool {
        match self {
            LintTool::Clippy(driver) => driver.is_file(),
            LintTool::Check { expected } => expected.as_deref().is_none_or(|d| !d.is_file()),
        }
    }

    /// Finds clippy's driver in the sysroot of the workspace's toolchain (`rustc --print
    /// sysroot` run in `root`, so `rust-toolchain.toml` counts).
    pub fn find(root: &Path) -> LintTool {
        let driver = ratchet_toolchain::sysroot(root).map(|s| ratchet_toolchain::clippy_driver(&s));
        match driver {
            Some(driver) if driver.is_file() => LintTool::Clippy(driver),
            expected => LintTool::Check { expected },
        }
    }
}

/// The lint step's configured arguments, taken apart.
#[derive(Debug, Clone)]
pub struct LintArgs {
    /// Arguments for cargo (`--all-targets`, features, ...).
    pub cargo: Vec<String>,
    /// Arguments for clippy, without `-D warnings`.
    pub clippy: Vec<String>,
    /// Whether `-D warnings` was asked for (always, without clippy): a warning fails the step.
    pub warnings_fail: bool,
}

impl LintArgs {
    /// Splits `args` (cargo's, then `--` and clippy's) for `tool`.
    pub fn parse(args: &[String], tool: &LintTool) -> LintArgs {
        let (cargo_args, tool_args) = split_at_dashes(args);
        let mut clippy = Vec::new();
        let mut deny_warnings = false;
        let mut rest = tool_args.iter().peekable();
        while let Some(arg) = rest.next() {
            let joined = matches!(arg.as_str(), "-Dwarnings" | "--deny=warnings");
            let split = matches!(arg.as_str(), "-D" | "--deny")
                && rest.peek().is_some_and(|next| *next == "warnings");
            if split {
                rest.next();
            }
            if joined || split {
                deny_warnings = true;
            } else {
                clippy.push(arg.clone());
            }
        }
        LintArgs {
            cargo: cargo_args.to_vec(),
            clippy,
            warnings_fail: deny_warnings || matches!(tool, LintTool::Check { .. }),
        }
    }

    /// `CLIPPY_ARGS` as clippy's driver reads it.
    pub fn clippy_env(&self) -> String {
        self.clippy
            .iter()
            .map(|arg| format!("{arg}__CLIPPY_HACKERY__"))
            .collect()
    }

    /// The command that reproduces the lint step on one package (`selector`, what follows
    /// `-p`) in the user's own target dir.
    pub fn reproduce(&self, tool: &LintTool, selector: &str) -> String {
        let cargo = ratchet_toolchain::cargo_as_invoked();
        let mut parts = vec![format!("{cargo} {} -p {selector}", tool.name())];
        parts.extend(self.cargo.iter().cloned());
        if let LintTool::Clippy(_) = tool {
            let mut clippy = self.clippy.clone();
            if self.warnings_fail {
                clippy.extend(["-D".to_string(), "warnings".to_string()]);
            }
            if !clippy.is_empty() {
                parts.push("--".into());
                parts.extend(clippy);
            }
        }
        parts.join(" ")
    }
}

/// Sets clippy's driver and arguments on a cargo command in ratchet's target directory.
pub fn configure_lint(command: &mut Command, driver: &Path, args: &LintArgs) {
    command
        .env("RUSTC_WORKSPACE_WRAPPER", driver)
        .env("CLIPPY_ARGS", args.clippy_env());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn deny_warnings_is_taken_out_of_clippys_arguments() {
        let clippy = LintTool::Clippy(PathBuf::from("clippy-driver"));
        let args = strings(&[
            "--all-targets",
            "--",
            "-W",
            "clippy::pedantic",
            "-D",
            "warnings",
        ]);
        let parsed = LintArgs::parse(&args, &clippy);
        assert_eq!(parsed.cargo, ["--all-targets"]);
        assert_eq!(parsed.clippy, ["-W", "clippy::pedantic"]);
        assert!(parsed.warnings_fail);
        assert_eq!(
            parsed.clippy_env(),
            "-W__CLIPPY_HACKERY__clippy::pedantic__CLIPPY_HACKERY__"
        );
        assert_eq!(
            parsed.reproduce(&clippy, "a"),
            "cargo clippy -p a --all-targets -- -W clippy::pedantic -D warnings"
        );
        for deny in [
            &["-Dwarnings"][..],
            &["--deny", "warnings"],
            &["--deny=warnings"],
        ] {
            let mut args = strings(&["--"]);
            args.extend(strings(deny));
            let parsed = LintArgs::parse(&args, &clippy);
            assert!(parsed.warnings_fail && parsed.clippy.is_empty(), "{deny:?}");
        }
    }

    #[test]
    fn a_remembered_answer_holds_until_the_driver_appears_or_goes() {
        let dir = tempfile::tempdir().unwrap();
        let driver = dir.path().join("clippy-driver");
        let missing = LintTool::Check {
            expected: Some(driver.clone()),
        };
        let present = LintTool::Clippy(driver.clone());
        assert!(missing.still_true() && !present.still_true());
        std::fs::write(&driver, "").unwrap();
        assert!(!missing.still_true() && present.still_true());
        assert!(LintTool::Check { expected: None }.still_true());
    }

    #[test]
    fn warnings_pass_unless_denied_and_always_fail_without_clippy() {
        let clippy = LintTool::Clippy(PathBuf::from("clippy-driver"));
        let args = strings(&["--", "-W", "clippy::pedantic"]);
        assert!(!LintArgs::parse(&args, &clippy).warnings_fail);
        let check = LintArgs::parse(&args, &LintTool::Check { expected: None });
        assert!(check.warnings_fail);
        assert_eq!(
            check.reproduce(&LintTool::Check { expected: None }, "a"),
            "cargo check -p a"
        );
    }
}
