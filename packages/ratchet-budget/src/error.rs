//! Errors of the budget package, each carrying the file or package it concerns.

use std::path::PathBuf;

/// Something the budget commands cannot do, with what to fix.
#[derive(Debug, thiserror::Error)]
pub enum BudgetError {
    /// `ratchet.toml` is unreadable or malformed (with line:column from the parser).
    #[error(transparent)]
    Config(#[from] ratchet_config::ConfigError),
    /// `[budget.packages.NAME]` names no workspace member.
    #[error(
        "{}{at}: budget for `{name}`, which is not a package of this workspace{hint}; \
         fix the name or delete its budget",
        path.display()
    )]
    UnknownPackage {
        /// The file.
        path: PathBuf,
        /// `:line:col`, or empty.
        at: String,
        /// The unknown name.
        name: String,
        /// ` (did you mean ...)`, or empty.
        hint: String,
    },
    /// A value that parsed as TOML but means nothing for its key.
    #[error("{}{at}: `{key}`: {message}", path.display())]
    BadValue {
        /// The file.
        path: PathBuf,
        /// `:line:col`, or empty.
        at: String,
        /// The dotted key.
        key: String,
        /// What is wrong and how to write it.
        message: String,
    },
    /// `init` on a file that already has a budget.
    #[error(
        "{} already has a [budget] section: run `{tool} budget tighten` to lower it, or delete \
         the section to start over",
        path.display()
    )]
    AlreadyInitialized {
        /// `ratchet.toml`.
        path: PathBuf,
        /// The command the user runs (`cargo ratchet`).
        tool: String,
    },
    /// Reading a package's files failed.
    #[error("cannot read {path}: {message}")]
    Walk {
        /// The file or directory.
        path: PathBuf,
        /// The walker's message.
        message: String,
    },
    /// Writing a file failed; the old file is intact.
    #[error(transparent)]
    Store(#[from] ratchet_store::StoreError),
    /// A git question failed.
    #[error(transparent)]
    Git(#[from] ratchet_git::GitError),
    /// Measuring a build (or the calibration) failed.
    #[error(transparent)]
    Timing(#[from] ratchet_timing::TimingError),
}
