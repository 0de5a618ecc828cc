//! What is measured: one row per command. Adding a benchmark is adding a line here.
//!
//! Commands are `sh -c` scripts run in the fixture's root. `$RATCHET` is the release binary of
//! the CLI; `cargo ratchet` finds the release `cargo-ratchet` on `PATH`. Output goes to
//! `/dev/null`; a command that prints "not built yet" on stderr is skipped with a note, so rows
//! for commands still being written can sit here before they work.

/// One measured command.
#[derive(Debug, Clone, Copy)]
pub struct Row {
    /// What the row measures, for the table.
    pub label: &'static str,
    /// The timed script.
    pub command: &'static str,
    /// An untimed script run before every sample (warm-up included), e.g. to empty a cache.
    pub prepare: Option<&'static str>,
}

const fn row(label: &'static str, command: &'static str) -> Row {
    Row {
        label,
        command,
        prepare: None,
    }
}

const fn cold(label: &'static str, command: &'static str, prepare: &'static str) -> Row {
    Row {
        label,
        command,
        prepare: Some(prepare),
    }
}

/// Every row, in table order. Each runs once untimed (warm-up), then `--runs` times.
pub const ROWS: &[Row] = &[
    cold(
        "ratchet graph, cold (snapshot deleted)",
        "$RATCHET graph --manifest-path Cargo.toml",
        "rm -f target/ratchet/graph.json",
    ),
    row(
        "ratchet graph, cached",
        "$RATCHET graph --manifest-path Cargo.toml",
    ),
    row(
        "cargo metadata, full",
        "cargo metadata --format-version 1 --offline",
    ),
    row(
        "cargo metadata --no-deps",
        "cargo metadata --format-version 1 --no-deps --offline",
    ),
    row("ratchet hash", "$RATCHET hash --manifest-path Cargo.toml"),
    row(
        "ratchet affected",
        "$RATCHET affected --manifest-path Cargo.toml",
    ),
    row("read every tracked file", "git ls-files -z | xargs -0 cat"),
    row("git diff --name-only HEAD", "git diff --name-only HEAD"),
    row("git status", "git status --porcelain"),
    row(
        "cargo check --workspace, no-op",
        "cargo check --workspace --offline -q",
    ),
    row(
        "launch: cargo run -p xtask (empty main, workspace member)",
        "cargo run -q -p xtask --offline",
    ),
    row(
        "launch: ratchet --version, binary run directly",
        "$RATCHET --version",
    ),
    row(
        "launch: cargo ratchet --version (installed subcommand)",
        "cargo ratchet --version",
    ),
    row("cargo ratchet graph, cached", "cargo ratchet graph"),
];
