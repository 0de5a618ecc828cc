//! `check` with real cargo on small workspaces: verdicts, the verdict cache, concurrency,
//! interruption, JSON events, and peace with the user's own `cargo build`.
//!
//! Helpers live here; each module holds tests of one concern.
#![allow(clippy::unwrap_used)]

mod ci;
mod gates;
mod gc;
mod generated;
mod per_test;
mod runs;
mod shard_history;
mod shared_units;
mod steps;
mod units;
mod ux;
mod verdicts;

use std::path::Path;

use ratchet_events::check::CheckEvent;
use ratchet_tests::{Run, ratchet};

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_ratchet-check-under-test");

pub(crate) use ratchet_tests::{manifest, write};

pub(crate) const BASE_LIB: &str = "//! Base.\n\n/// Adds one.\n///\n/// ```\n/// assert_eq!(base::inc(1), 2);\n/// ```\npub fn inc(x: u32) -> u32 {\n    x + 1\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn inc_works() {\n        assert_eq!(super::inc(2), 3);\n    }\n}\n";
pub(crate) const MID_LIB: &str =
    "//! Mid.\n\n/// Adds two.\npub fn inc2(x: u32) -> u32 {\n    base::inc(base::inc(x))\n}\n";

/// base <- mid <- top (a binary); unit, integration and doc tests; formatted and lint-clean.
pub(crate) fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/*\"]\nresolver = \"2\"\n",
    );
    write(root, "crates/base/Cargo.toml", &manifest("base", ""));
    write(root, "crates/base/src/lib.rs", BASE_LIB);
    write(
        root,
        "crates/mid/Cargo.toml",
        &manifest("mid", "base = { path = \"../base\" }\n"),
    );
    write(root, "crates/mid/src/lib.rs", MID_LIB);
    write(
        root,
        "crates/mid/tests/it.rs",
        "#[test]\nfn adds_two() {\n    assert_eq!(mid::inc2(1), 3);\n}\n",
    );
    write(
        root,
        "crates/top/Cargo.toml",
        &manifest("top", "mid = { path = \"../mid\" }\n"),
    );
    write(
        root,
        "crates/top/src/main.rs",
        "fn main() {\n    println!(\"{}\", mid::inc2(0));\n}\n",
    );
    dir
}

pub(crate) fn check(dir: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["check"];
    args.extend_from_slice(extra);
    ratchet(BIN, dir, &args)
}

/// Every stdout line parsed as a documented event (panics on one that is not).
pub(crate) fn events(run: &Run) -> Vec<CheckEvent> {
    run.stdout
        .lines()
        .map(|l| {
            let raw: serde_json::Value = serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("not JSON ({e}): {l}\n{}", run.stderr));
            assert_eq!(
                raw["version"],
                ratchet_events::VERSION,
                "every event carries the version: {l}"
            );
            serde_json::from_value(raw)
                .unwrap_or_else(|e| panic!("not a documented event ({e}): {l}\n{}", run.stderr))
        })
        .collect()
}

pub(crate) fn json_check(dir: &Path, extra: &[&str]) -> (Run, Vec<CheckEvent>) {
    let mut args = vec!["--message-format", "json"];
    args.extend_from_slice(extra);
    let run = check(dir, &args);
    let events = events(&run);
    (run, events)
}

pub(crate) fn steps_started(events: &[CheckEvent]) -> Vec<(String, Vec<String>)> {
    events
        .iter()
        .filter_map(|e| match e {
            CheckEvent::StepStarted(s) => Some((step_name(s.step), s.packages.clone())),
            _ => None,
        })
        .collect()
}

pub(crate) fn planned(events: &[CheckEvent]) -> Vec<(String, Vec<String>)> {
    match &events[0] {
        CheckEvent::Plan(plan) => plan
            .steps
            .iter()
            .filter(|s| !s.run.is_empty())
            .map(|s| (step_name(s.step), s.run.clone()))
            .collect(),
        other => panic!("first event is not the plan: {other:?}"),
    }
}

/// The first `test_failure` event (panics when there is none).
pub(crate) fn first_test_failure(events: &[CheckEvent]) -> &ratchet_events::check::TestFailure {
    events
        .iter()
        .find_map(|e| match e {
            CheckEvent::TestFailure(t) => Some(t),
            _ => None,
        })
        .expect("a test_failure event")
}

/// The `step_finished` event of `step` (panics when there is none).
pub(crate) fn finished(events: &[CheckEvent], step: &str) -> ratchet_events::check::StepFinished {
    events
        .iter()
        .find_map(|e| match e {
            CheckEvent::StepFinished(f) if step_name(f.step) == step => Some(f.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no {step} step finished"))
}

/// A step's name as the protocol spells it (`lint`).
pub(crate) fn step_name(step: ratchet_events::check::Step) -> String {
    serde_json::to_value(step)
        .unwrap()
        .as_str()
        .unwrap()
        .to_string()
}

pub(crate) fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}
