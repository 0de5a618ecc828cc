//! Under which key a pass is stored, and when. This file is the one place that decides it;
//! planning (is there a pass?) and recording (store this pass) both call [`StepKeys::key`].
//!
//! **The key** of step S on package P is `ratchet_cache::VerdictKey::of` these named parts:
//! - `fingerprint`: P's **full** fingerprint for lint, test and doc (its own files, everything
//!   it reaches through normal, build and dev dependencies, its resolved external dependencies
//!   and the global inputs: root manifest, cargo and toolchain configuration, `rustc -vV`,
//!   rustfmt/clippy configuration, `[inputs]`); P's **own** fingerprint for fmt (its own
//!   files and the global inputs), since formatting reads nothing else;
//! - `step`: S's name;
//! - `step_config`: what identifies S's configuration (`Runner::step_fingerprint`: its
//!   arguments, clippy versus cargo check, the test runner);
//! - `tool_version`: [`TOOL_VERSION`], so that a new ratchet never trusts an old one's passes;
//! - `build` (lint, test and doc; in `KeyParts::extra`): the target, the cargo profile and
//!   the features of every member P compiles when checked alone (`cargo test -p P` with the
//!   workspace's resolver, from `ratchet_run::features::Plan::key`), so that a pass under one
//!   feature set or profile is never served under another; further parts go into
//!   `KeyParts::extra` here, and only here.
//!
//! **When a pass is stored:** after S finished on P with a pass, and only if P's fingerprint
//! computed again after the step with the inputs known at the plan equals the one the plan was
//! made at (an edit made while S ran is never cached under the old content; P is reported
//! `changed_during_run`), under the fingerprint with every input learned so far, when each new
//! one held still (`ratchet_fingerprint::RunStart::recordable`; again at the end of the run).
//! The fingerprints are taken after the run lock, and before each compiling step ratchet's
//! build directory is made to see every content change (`ratchet_freshness`), so that the
//! step judged the content the key names.
//!
//! **When a pass is removed:** when S fails on P, every pass of P stored under the key of the
//! content it failed at is forgotten (a stale pass cannot survive a failure), and so is a
//! pass that `check --verify` found failing.
//!
//! A pass is *found* when P's file in the verdict store holds the key computed now; a missing
//! or corrupt file, or any differing part, is a miss.

use std::collections::BTreeMap;

use ratchet_cache::{KeyParts, VerdictKey};
use ratchet_fingerprint::Fingerprints;
use ratchet_run::Step;

/// The tool's identity in verdict keys: a new ratchet never trusts an old one's passes.
pub const TOOL_VERSION: &str = concat!("ratchet ", env!("CARGO_PKG_VERSION"));

/// Per package, the fingerprints the keys are made of, taken at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepKeys {
    full: BTreeMap<String, String>,
    own: BTreeMap<String, String>,
    build: BTreeMap<String, String>,
}

impl StepKeys {
    /// The keys of `fingerprints`, with each package's build configuration (`build`).
    pub fn of(fingerprints: &Fingerprints, build: &BTreeMap<String, String>) -> StepKeys {
        StepKeys {
            full: full_of(fingerprints),
            own: fingerprints.own(),
            build: build.clone(),
        }
    }

    /// The key of `step` (configured as `step_config`) on `package`; `None` for a package
    /// without fingerprints (never a pass).
    pub fn key(&self, package: &str, step: Step, step_config: &str) -> Option<VerdictKey> {
        let fingerprint = self.for_step(step).get(package)?;
        let build = [("build", self.build.get(package).map_or("", String::as_str))];
        Some(VerdictKey::of(&KeyParts {
            fingerprint,
            step: step.name(),
            step_config,
            tool_version: TOOL_VERSION,
            extra: if step == Step::Fmt { &[] } else { &build },
        }))
    }

    /// The fingerprints `step`'s verdicts are keyed by, by package name.
    fn for_step(&self, step: Step) -> &BTreeMap<String, String> {
        match step {
            Step::Fmt => &self.own,
            Step::Lint | Step::Test | Step::Doc => &self.full,
        }
    }
}

/// Each package's full fingerprint, by name.
fn full_of(fingerprints: &Fingerprints) -> BTreeMap<String, String> {
    fingerprints
        .packages
        .iter()
        .map(|(name, fp)| (name.clone(), fp.full.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(full: &str, own: &str) -> StepKeys {
        StepKeys {
            full: BTreeMap::from([("a".to_string(), full.to_string())]),
            own: BTreeMap::from([("a".to_string(), own.to_string())]),
            build: BTreeMap::from([("a".to_string(), "a:".to_string())]),
        }
    }

    #[test]
    fn fmt_follows_the_own_fingerprint_and_the_others_the_full_one() {
        let (before, dep_edited, own_edited) =
            (keys("F1", "O1"), keys("F2", "O1"), keys("F3", "O2"));
        let key = |k: &StepKeys, step| k.key("a", step, "cfg").unwrap();
        assert_eq!(key(&before, Step::Fmt), key(&dep_edited, Step::Fmt));
        assert_ne!(key(&before, Step::Fmt), key(&own_edited, Step::Fmt));
        for step in [Step::Lint, Step::Test, Step::Doc] {
            assert_ne!(key(&before, step), key(&dep_edited, step));
        }
        assert_ne!(key(&before, Step::Lint), key(&before, Step::Test));
        assert_ne!(
            before.key("a", Step::Lint, "cfg"),
            before.key("a", Step::Lint, "cfg2")
        );
        assert_eq!(before.key("b", Step::Lint, "cfg"), None);
        let featured = StepKeys {
            build: BTreeMap::from([("a".to_string(), "a:x".to_string())]),
            ..before.clone()
        };
        assert_eq!(key(&before, Step::Fmt), key(&featured, Step::Fmt));
        assert_ne!(key(&before, Step::Test), key(&featured, Step::Test));
    }
}
