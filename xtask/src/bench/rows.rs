//! What is measured: one row per command. Adding a benchmark is adding a line here.
//!
//! Commands are `sh -c` scripts run in the fixture's root. `$RATCHET` is the release binary of
//! the CLI; `cargo ratchet` finds the release `cargo-ratchet` on `PATH`. `$LEAF_NAME` and
//! `$LEAF_LIB` name a package that nothing depends on and its `lib.rs`. Output goes to
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
    /// An untimed script run once after the row, e.g. to undo an edit.
    pub finish: Option<&'static str>,
}

const fn row(label: &'static str, command: &'static str) -> Row {
    Row {
        label,
        command,
        prepare: None,
        finish: None,
    }
}

const fn cold(label: &'static str, command: &'static str, prepare: &'static str) -> Row {
    Row {
        label,
        command,
        prepare: Some(prepare),
        finish: None,
    }
}

/// Appends a comment to the leaf's `lib.rs` before each sample; restores it afterwards.
const fn after_leaf_edit(label: &'static str, command: &'static str) -> Row {
    Row {
        label,
        command,
        prepare: Some("echo \"// bench edit $$\" >> \"$LEAF_LIB\""),
        finish: Some("git checkout -q -- \"$LEAF_LIB\""),
    }
}

const GRAPH: &str = "$RATCHET graph --manifest-path Cargo.toml";
const HASH: &str = "$RATCHET hash --manifest-path Cargo.toml";
const CHECK: &str = "cargo check --workspace --offline -q";

/// Every row, in table order. Each runs once untimed (warm-up), then `--runs` times.
#[rustfmt::skip]
pub const ROWS: &[Row] = &[
    cold("ratchet graph, cold (snapshot deleted)", GRAPH, "rm -f target/ratchet/graph.json"),
    row("ratchet graph, cached", GRAPH),
    row("cargo metadata, full", "cargo metadata --format-version 1 --offline"),
    row("cargo metadata --no-deps", "cargo metadata --format-version 1 --no-deps --offline"),
    cold("ratchet hash, cold (stat and listing caches deleted)", HASH, "rm -f target/ratchet/stat-cache.json target/ratchet/listing.json"),
    row("ratchet hash, warm", HASH),
    row("ratchet affected (warm, against the last record)", "$RATCHET affected --manifest-path Cargo.toml"),
    row("ratchet affected --since HEAD", "$RATCHET affected --since HEAD --manifest-path Cargo.toml"),
    after_leaf_edit("ratchet affected --since HEAD, one leaf edited", "$RATCHET affected --since HEAD --manifest-path Cargo.toml"),
    row("read every tracked file", "git ls-files -z | xargs -0 cat"),
    row("git diff --name-only HEAD", "git diff --name-only HEAD"),
    row("git status", "git status --porcelain"),
    row("cargo check --workspace, no-op", CHECK),
    row("cargo check -p <leaf>, no-op", "cargo check -p \"$LEAF_NAME\" --offline -q"),
    after_leaf_edit("cargo check --workspace after one leaf edit", CHECK),
    row("launch: cargo run -p xtask (empty main, workspace member)", "cargo run -q -p xtask --offline"),
    row("launch: ratchet --version, binary run directly", "$RATCHET --version"),
    row("launch: cargo ratchet --version (installed subcommand)", "cargo ratchet --version"),
    row("cargo ratchet graph, cached", "cargo ratchet graph"),
];
