//! What is measured: one row per command. Adding a benchmark is adding a line here.
//!
//! Commands are `sh -c` scripts run in the fixture's root. `$RATCHET` is the release binary of
//! the CLI; `cargo ratchet` finds the release `cargo-ratchet` on `PATH`. `$LEAF_NAME` and
//! `$LEAF_LIB` name a package that nothing depends on and its `lib.rs`; `$ROOT_NAME` and
//! `$ROOT_LIB` a package near the root of the graph, with many dependents. Output goes to
//! `/dev/null`; a command that prints "not built yet" on stderr is skipped with a note, so rows
//! for commands still being written can sit here before they work.

/// One measured command.
#[derive(Debug, Clone, Copy)]
pub struct Row {
    /// What the row measures, for the table (and the key of [`super::targets`]).
    pub label: &'static str,
    /// The timed script.
    pub command: &'static str,
    /// An untimed script run before every sample (warm-up included), e.g. to empty a cache.
    pub prepare: Option<&'static str>,
    /// An untimed script run once after the row, e.g. to undo an edit.
    pub finish: Option<&'static str>,
    /// At most this many timed samples, for rows that take minutes (`--runs` still caps it).
    pub max_runs: Option<usize>,
    /// One sample only on workspaces of more than this many packages, where a sample takes
    /// minutes.
    pub one_run_above: Option<usize>,
    /// Whether one untimed run comes first. Heavy edit rows skip it: the rows before them
    /// leave everything built, and their `prepare` makes every sample the same edit.
    pub warm_up: bool,
    /// What a sample is.
    pub metric: Metric,
}

/// What a row's samples measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Wall time of the whole command.
    Wall,
    /// CPU time (user + sys, the process and its waited children) of the `test` step of a
    /// `ratchet check --message-format json` run with `exec`, over its wall time × cores.
    TestStepCpu,
    /// CPU time (user + sys) of the whole command's process tree over its wall time × cores,
    /// from `getrusage` of this process's reaped children.
    CommandCpu,
    /// Time from appending to `$LEAF_LIB` to the verdict of the run it starts, read from the
    /// `watch_run` events of a `watch --message-format json` that the command `exec`s.
    WatchLeaf,
    /// The slowest of this many shards over their mean, with real run times (package `ratchet-bench-shards`).
    ShardBalance(usize),
}

const fn row(label: &'static str, command: &'static str) -> Row {
    Row {
        label,
        command,
        prepare: None,
        finish: None,
        max_runs: None,
        one_run_above: None,
        warm_up: true,
        metric: Metric::Wall,
    }
}

const fn cold(label: &'static str, command: &'static str, prepare: &'static str) -> Row {
    Row {
        prepare: Some(prepare),
        ..row(label, command)
    }
}

const fn heavy(label: &'static str, command: &'static str, runs: usize) -> Row {
    Row {
        max_runs: Some(runs),
        ..row(label, command)
    }
}

/// Appends a comment to the leaf's `lib.rs` before each sample; restores it afterwards.
const fn after_leaf_edit(label: &'static str, command: &'static str) -> Row {
    Row {
        prepare: Some("echo \"// bench edit $$\" >> \"$LEAF_LIB\""),
        finish: Some("git checkout -q -- \"$LEAF_LIB\""),
        ..row(label, command)
    }
}

/// No warm-up, after a comment appended to the root package's `lib.rs`: all its dependents
/// rebuild. Three samples (a single one proved too noisy on small workspaces), one on the
/// large workspace, where a sample takes minutes.
const fn after_root_edit(label: &'static str, command: &'static str) -> Row {
    Row {
        prepare: Some("echo \"// bench edit $$\" >> \"$ROOT_LIB\""),
        finish: Some("git checkout -q -- \"$ROOT_LIB\""),
        max_runs: Some(3),
        one_run_above: Some(100),
        warm_up: false,
        ..row(label, command)
    }
}

/// A root edit checked the way a person would get ratchet's verdicts from cargo alone: lints
/// and tests. With one warm-up, since no row before it leaves clippy's results built.
const fn after_root_edit_warm(label: &'static str, command: &'static str) -> Row {
    Row {
        warm_up: true,
        ..after_root_edit(label, command)
    }
}

/// fmt and doc off (a temporary `ratchet.toml`), `--force` so every test binary runs. The lint
/// step stays on: lint and test then share the build the rows before left fresh (with lint
/// off, the tests would be built again without clippy's driver, an hour at 1000 packages).
const TEST_STEP_CPU: Row = Row {
    prepare: Some(
        "printf '[steps.fmt]\\nenabled = false\\n[steps.doc]\\nenabled = false\\n' > ratchet.toml",
    ),
    finish: Some("rm -f ratchet.toml"),
    metric: Metric::TestStepCpu,
    ..heavy(
        labels::TEST_CPU,
        "exec $RATCHET check --force --message-format json --manifest-path Cargo.toml",
        3,
    )
};

/// Only fmt and doc off (a temporary `ratchet.toml`, plus `extra` lines), every step run
/// (`--force`): lint finds its build fresh, so the time is the test step's, with or without the
/// observer of run-time reads (`RATCHET_OBSERVE=0` in `command`).
const fn test_step(label: &'static str, command: &'static str) -> Row {
    Row {
        prepare: Some(
            "printf '[steps.fmt]\\nenabled = false\\n[steps.doc]\\nenabled = false\\n' > ratchet.toml",
        ),
        finish: Some("rm -f ratchet.toml"),
        ..heavy(label, command, 5)
    }
}

/// A no-op `check` with a share of the cached passes run again on every run.
const VERIFY_SAMPLE: Row = Row {
    prepare: Some("printf '[check]\\nverify-sample = 0.05\\n' > ratchet.toml"),
    finish: Some("rm -f ratchet.toml"),
    ..heavy(labels::VERIFY_SAMPLE, RATCHET_CHECK, 5)
};

/// The reference for the CPU row: the same kind of test binaries (cargo's, listed by its
/// `--no-run` messages in an untimed `prepare`) run by `xargs -P<cores>`, the plainest pool.
const XARGS_CPU: Row = Row {
    prepare: Some(
        "cargo test --workspace --no-run --offline --message-format=json 2>/dev/null \
         | grep -o '\"executable\":\"[^\"]*\"' | cut -d'\"' -f4 > target/bench-test-binaries.txt",
    ),
    finish: Some("rm -f target/bench-test-binaries.txt"),
    metric: Metric::CommandCpu,
    ..heavy(
        labels::XARGS_CPU,
        "xargs -P \"$(nproc)\" -n 1 < target/bench-test-binaries.txt > /dev/null 2>&1",
        3,
    )
};

/// One `watch` for the whole row: its run at start is untimed, then each sample is a save.
const WATCH_LEAF: Row = Row {
    finish: Some("git checkout -q -- \"$LEAF_LIB\""),
    metric: Metric::WatchLeaf,
    ..row(
        labels::WATCH_LEAF,
        "exec $RATCHET watch --message-format json --manifest-path Cargo.toml",
    )
};

/// `plan --shards N`, then each shard's packages edited and checked in turn, timed; at most
/// three times (each run takes up to a minute), the median reported.
const fn shard_balance(label: &'static str, count: usize) -> Row {
    Row {
        metric: Metric::ShardBalance(count),
        max_runs: Some(3),
        finish: Some("git checkout -q -- ."),
        ..row(
            label,
            "$RATCHET check -p <each package of shard K of plan --shards N> after an edit of each",
        )
    }
}

/// Labels that [`super::targets`] refers to.
pub mod labels {
    /// Cold fingerprinting.
    pub const HASH_COLD: &str = "ratchet hash, cold (stat and listing caches deleted)";
    /// Warm `affected`.
    pub const AFFECTED_WARM: &str = "ratchet affected (warm, against the last record)";
    /// Plain read of the tracked files.
    pub const READ_ALL: &str = "read every tracked file";
    /// cargo check no-op.
    pub const CHECK_NOOP: &str = "cargo check --workspace, no-op";
    /// ratchet check no-op, binary.
    pub const RATCHET_NOOP: &str = "ratchet check, no-op (binary run directly)";
    /// ratchet check no-op, cargo subcommand.
    pub const CARGO_RATCHET_NOOP: &str = "cargo ratchet check, no-op (installed subcommand)";
    /// cargo test no-op.
    pub const TEST_NOOP: &str = "cargo test --workspace, no-op";
    /// nextest no-op.
    pub const NEXTEST_NOOP: &str = "cargo nextest run --workspace, no-op";
    /// ratchet check after a leaf edit.
    pub const RATCHET_LEAF: &str = "ratchet check after one leaf edit";
    /// The least cargo work after a leaf edit.
    pub const CARGO_LEAF: &str =
        "cargo check -p <leaf> && cargo test -p <leaf> after one leaf edit";
    /// ratchet check after a root edit.
    pub const RATCHET_ROOT: &str = "ratchet check after one root edit";
    /// cargo test after a root edit.
    pub const CARGO_ROOT: &str = "cargo test --workspace after one root edit";
    /// Lints and tests with cargo alone after a leaf edit (ratchet's verdicts, by hand).
    pub const CLIPPY_TEST_LEAF: &str = "lint and test by cargo alone after one leaf edit: cargo clippy -p <leaf> --all-targets, then cargo test -p <leaf>";
    /// Lints and tests with cargo alone after a root edit.
    pub const CLIPPY_TEST_ROOT: &str = "lint and test by cargo alone after one root edit: cargo clippy --workspace --all-targets, then cargo test --workspace";
    /// Watch mode after saving a leaf file.
    pub const WATCH_LEAF: &str = "ratchet watch: save of a leaf file to its verdict";
    /// CPU use of `xargs` running cargo's test binaries.
    pub const XARGS_CPU: &str =
        "CPU use of xargs -P<cores> running every test binary (cargo's build), for reference";
    /// `check --force` (fmt, doc off) with the observer of run-time reads.
    pub const TEST_OBSERVED: &str =
        "ratchet check --force, fmt and doc off: tests run with their file reads observed";
    /// The same without the observer.
    pub const TEST_UNOBSERVED: &str =
        "ratchet check --force, fmt and doc off: tests run unobserved (RATCHET_OBSERVE=0)";
    /// `check --verify` with nothing changed: every cached pass run again.
    pub const VERIFY_ALL: &str = "ratchet check --verify, nothing changed (every pass re-run)";
    /// A no-op with `verify-sample = 0.05`.
    pub const VERIFY_SAMPLE: &str = "ratchet check, nothing changed, [check] verify-sample = 0.05";
    /// Slowest of 2 shards over the mean.
    pub const SHARDS_2: &str =
        "affected shards: slowest of 2 shards over their mean (real run times)";
    /// Slowest of 4 shards over the mean.
    pub const SHARDS_4: &str =
        "affected shards: slowest of 4 shards over their mean (real run times)";
    /// Slowest of 8 shards over the mean.
    pub const SHARDS_8: &str =
        "affected shards: slowest of 8 shards over their mean (real run times)";
    /// CPU use while the test step runs its binaries.
    pub const TEST_CPU: &str = "CPU use while ratchet's test step runs the test binaries (`check --force`, fmt and doc off)";
}

use labels as l;

const GRAPH: &str = "$RATCHET graph --manifest-path Cargo.toml";
const HASH: &str = "$RATCHET hash --manifest-path Cargo.toml";
const CHECK: &str = "cargo check --workspace --offline -q";
const RATCHET_CHECK: &str = "$RATCHET check --manifest-path Cargo.toml";
const CARGO_TEST: &str = "cargo test --workspace --offline -q";
const CLIPPY_TEST_LEAF: &str = "cargo clippy -p \"$LEAF_NAME\" --all-targets --offline -q \
     && cargo test -p \"$LEAF_NAME\" --offline -q";
const CLIPPY_TEST_ROOT: &str =
    "cargo clippy --workspace --all-targets --offline -q && cargo test --workspace --offline -q";
const LEAST_CARGO: &str =
    "cargo check -p \"$LEAF_NAME\" --offline -q && cargo test -p \"$LEAF_NAME\" --offline -q";

/// Every row, in table order. Each runs once untimed (warm-up), then `--runs` times. The
/// first `ratchet check` warm-up is the cold full check of the fixture (many minutes at 1000
/// packages), the first `cargo test` one the cold test build; the rows after them rely on it.
/// Rows that need only ratchet's build come before the cold `cargo test` build, so a run
/// stopped early at 1000 packages still has them.
#[rustfmt::skip]
pub const ROWS: &[Row] = &[
    cold("ratchet graph, cold (snapshot deleted)", GRAPH, "rm -f target/ratchet/graph.json"),
    row("ratchet graph, cached", GRAPH),
    row("cargo metadata, full", "cargo metadata --format-version 1 --offline"),
    row("cargo metadata --no-deps", "cargo metadata --format-version 1 --no-deps --offline"),
    cold(l::HASH_COLD, HASH, "rm -f target/ratchet/stat-cache.json target/ratchet/listing.json"),
    row("ratchet hash, warm", HASH),
    row(l::AFFECTED_WARM, "$RATCHET affected --manifest-path Cargo.toml"),
    row("ratchet affected --since HEAD", "$RATCHET affected --since HEAD --manifest-path Cargo.toml"),
    after_leaf_edit("ratchet affected --since HEAD, one leaf edited", "$RATCHET affected --since HEAD --manifest-path Cargo.toml"),
    row(l::READ_ALL, "git ls-files -z | xargs -0 cat"),
    row("git diff --name-only HEAD", "git diff --name-only HEAD"),
    row("git status", "git status --porcelain"),
    row(l::CHECK_NOOP, CHECK),
    row("cargo check -p <leaf>, no-op", "cargo check -p \"$LEAF_NAME\" --offline -q"),
    after_leaf_edit("cargo check --workspace after one leaf edit", CHECK),
    row("launch: cargo run -p xtask (empty main, workspace member)", "cargo run -q -p xtask --offline"),
    row("launch: ratchet --version, binary run directly", "$RATCHET --version"),
    row("launch: cargo ratchet --version (installed subcommand)", "cargo ratchet --version"),
    row("cargo ratchet graph, cached", "cargo ratchet graph"),
    row(l::RATCHET_NOOP, RATCHET_CHECK),
    row(l::CARGO_RATCHET_NOOP, "cargo ratchet check"),
    after_leaf_edit(l::RATCHET_LEAF, RATCHET_CHECK),
    after_leaf_edit(l::CARGO_LEAF, LEAST_CARGO),
    after_leaf_edit(l::CLIPPY_TEST_LEAF, CLIPPY_TEST_LEAF),
    WATCH_LEAF,
    TEST_STEP_CPU,
    test_step(l::TEST_OBSERVED, "$RATCHET check --force --manifest-path Cargo.toml"),
    test_step(l::TEST_UNOBSERVED, "RATCHET_OBSERVE=0 $RATCHET check --force --manifest-path Cargo.toml"),
    heavy(l::VERIFY_ALL, "$RATCHET check --verify --manifest-path Cargo.toml", 3),
    VERIFY_SAMPLE,
    heavy(l::TEST_NOOP, CARGO_TEST, 3),
    XARGS_CPU,
    heavy(l::NEXTEST_NOOP, "cargo nextest run --workspace --offline --cargo-quiet --status-level none --final-status-level none", 3),
    after_root_edit(l::RATCHET_ROOT, RATCHET_CHECK),
    after_root_edit(l::CARGO_ROOT, CARGO_TEST),
    after_root_edit_warm(l::CLIPPY_TEST_ROOT, CLIPPY_TEST_ROOT),
    shard_balance(l::SHARDS_2, 2),
    shard_balance(l::SHARDS_4, 4),
    shard_balance(l::SHARDS_8, 8),
];
