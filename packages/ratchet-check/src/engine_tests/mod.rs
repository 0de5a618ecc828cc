//! The engine without cargo: a fake step, fake fingerprints and a fake clock, over a real
//! verdict cache in a temporary directory. Plan, run, record, then plan again and see what
//! the cache serves.

#![allow(clippy::unwrap_used)]

mod fake;

use std::collections::BTreeSet;
use std::time::Duration;

use ratchet_cache::VerdictCache;
use ratchet_events::check::CheckEvent;
use ratchet_run::Step;

use crate::execute::{Context, Outcome, run_plan};
use crate::plan::{Planned, Reuse, plan};
use crate::source::KeySource;
use fake::{FakeClock, FakeKeys, FakeSteps, Heard};

/// One `check` of `a` and `b`: plan against `cache`, run, record.
fn check(
    steps: &FakeSteps<'_>,
    cache: &VerdictCache,
    reuse: Reuse,
    sink: &Heard,
) -> (Vec<Planned>, Outcome) {
    let before = steps.keys.keys().unwrap();
    let selection = BTreeSet::from(["a".to_string(), "b".to_string()]);
    let planned = plan(steps, cache, &before, &selection, reuse);
    let context = Context {
        runner: steps,
        fingerprinter: steps.keys,
        cache,
        reporter: sink,
        before: &before,
        fail_fast: false,
        filtered: false,
    };
    let outcome = run_plan(&context, &planned).unwrap();
    (planned, outcome)
}

/// A temporary state directory, fingerprints at their start, a sink that heard nothing.
fn setup() -> (tempfile::TempDir, FakeKeys, Heard) {
    (
        tempfile::tempdir().unwrap(),
        FakeKeys::new(),
        Heard::default(),
    )
}

fn cached() -> Reuse {
    Reuse::new(false, 0.0, &FakeClock(Duration::ZERO))
}

/// The packages a plan runs `step` on.
fn runs(planned: &[Planned], step: Step) -> Vec<&str> {
    let step = planned.iter().find(|p| p.step == step).unwrap();
    step.run.iter().map(String::as_str).collect()
}

fn names(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| n.to_string()).collect()
}

#[test]
fn passes_are_recorded_and_then_served_from_the_cache() {
    let (dir, keys, sink) = setup();
    let cache = VerdictCache::open(dir.path());
    let steps = FakeSteps::new(&keys);
    let (_, outcome) = check(&steps, &cache, cached(), &sink);
    assert_eq!((outcome.passed, outcome.failed), (6, 0));
    let (planned, outcome) = check(&steps, &cache, cached(), &sink);
    for step in [Step::Fmt, Step::Lint, Step::Test] {
        assert!(runs(&planned, step).is_empty(), "{step:?} should be cached");
    }
    assert_eq!(outcome.passed, 0);
    keys.edit("a");
    let (planned, _) = check(&steps, &cache, cached(), &sink);
    assert_eq!(runs(&planned, Step::Test), ["a"], "an edit is a miss");
}

#[test]
fn a_package_edited_while_its_step_ran_gets_no_pass() {
    let (dir, keys, sink) = setup();
    let cache = VerdictCache::open(dir.path());
    let mut steps = FakeSteps::new(&keys);
    steps.edit_during = Some((Step::Test, "a".to_string()));
    let (_, outcome) = check(&steps, &cache, cached(), &sink);
    assert_eq!(
        outcome.failed, 0,
        "the step passed; only its record is withheld"
    );
    // fmt runs beside the other steps, so it may see the edit too; `b` held still.
    let changed = sink.changed.lock().unwrap().clone();
    assert!(
        changed.contains(&("test".to_string(), "a".to_string())),
        "{changed:?}"
    );
    assert!(
        changed.iter().all(|(_, package)| package == "a"),
        "{changed:?}"
    );
    steps.edit_during = None;
    let (planned, _) = check(&steps, &cache, cached(), &sink);
    // The test pass of `a` was not stored under the old content, and `b` held still.
    assert_eq!(runs(&planned, Step::Test), ["a"]);
    assert_eq!(
        runs(&planned, Step::Lint),
        ["a"],
        "lint passed at the old content"
    );
}

#[test]
fn a_failed_step_removes_the_pass_at_the_same_content() {
    let (dir, keys, sink) = setup();
    let cache = VerdictCache::open(dir.path());
    let mut steps = FakeSteps::new(&keys);
    check(&steps, &cache, cached(), &sink);
    // `--all` runs everything again at the same fingerprints; the test of `b` fails now.
    steps.fail.insert((Step::Test, "b".to_string()));
    let (_, outcome) = check(&steps, &cache, Reuse::Ignore, &sink);
    assert_eq!(outcome.failed_packages, BTreeSet::from(["b".to_string()]));
    steps.fail.clear();
    let (planned, _) = check(&steps, &cache, cached(), &sink);
    assert_eq!(
        runs(&planned, Step::Test),
        ["b"],
        "the old pass of b must be gone"
    );
    assert!(runs(&planned, Step::Lint).is_empty());
}

#[test]
fn a_package_the_step_does_not_name_fails() {
    let (dir, keys, sink) = setup();
    let cache = VerdictCache::open(dir.path());
    let mut steps = FakeSteps::new(&keys);
    steps.unnamed.insert("b".to_string());
    let (_, outcome) = check(&steps, &cache, cached(), &sink);
    assert_eq!(outcome.failed_packages, BTreeSet::from(["b".to_string()]));
    assert_eq!(outcome.exit_code(), ratchet_events::exit::FAILED);
    let test = outcome
        .reports
        .iter()
        .find(|r| r.step == Step::Test)
        .unwrap();
    assert!(!test.packages["b"].passed);
    // The sink hears why, as a diagnostic of `b` before the step's verdicts.
    let events = sink.events.lock().unwrap().clone();
    let said = events.iter().position(|e| match e {
        CheckEvent::Diagnostic(d) => d.package == "b" && d.message.starts_with("no verdict"),
        _ => false,
    });
    let finished = events.iter().position(|e| match e {
        CheckEvent::StepFinished(f) => f.step.as_str() == "test" && f.failed == ["b"],
        _ => false,
    });
    assert!(said.unwrap() < finished.unwrap(), "{events:?}");
    steps.unnamed.clear();
    let (planned, _) = check(&steps, &cache, cached(), &sink);
    for step in [Step::Fmt, Step::Lint, Step::Test] {
        assert_eq!(
            runs(&planned, step),
            ["b"],
            "{step:?}: no pass without a verdict"
        );
    }
}

#[test]
fn a_corrupt_cache_entry_is_a_miss() {
    let (dir, keys, sink) = setup();
    let cache = VerdictCache::open(dir.path());
    let steps = FakeSteps::new(&keys);
    check(&steps, &cache, cached(), &sink);
    std::fs::write(cache.entry_path("a"), b"{\"not\": a verdict").unwrap();
    let (planned, outcome) = check(&steps, &cache, cached(), &sink);
    for step in [Step::Fmt, Step::Lint, Step::Test] {
        assert_eq!(runs(&planned, step), ["a"], "{step:?}");
    }
    assert_eq!(outcome.failed, 0);
    let (planned, _) = check(&steps, &cache, cached(), &sink);
    assert!(
        runs(&planned, Step::Test).is_empty(),
        "the entry is written again"
    );
}

#[test]
fn dependents_of_a_library_that_does_not_build_are_not_tested() {
    for share_build in [false, true] {
        let (dir, keys, sink) = setup();
        let cache = VerdictCache::open(dir.path());
        let mut steps = FakeSteps::new(&keys);
        steps.share_build = share_build;
        steps.unbuilt.insert("a".to_string());
        let (_, outcome) = check(&steps, &cache, cached(), &sink);
        assert!(
            steps.ran(Step::Test).is_empty(),
            "shared build: {share_build}"
        );
        assert_eq!(
            outcome.failed_packages,
            names(&["a", "b"]).into_iter().collect()
        );
        let test = outcome.reports.iter().find(|r| r.step == Step::Test);
        let verdict = &test.unwrap().packages["b"];
        let said = format!("{:?}", verdict.problems);
        assert!(said.contains("does not compile"), "{said}");
        let (planned, _) = check(&steps, &cache, cached(), &sink);
        assert_eq!(runs(&planned, Step::Test), ["a", "b"]);
        assert_eq!(runs(&planned, Step::Lint), ["a"], "b's lint passed");
    }
}

#[test]
fn verify_runs_cached_passes_again_and_drops_one_that_fails() {
    let (dir, keys, sink) = setup();
    let cache = VerdictCache::open(dir.path());
    let mut steps = FakeSteps::new(&keys);
    check(&steps, &cache, cached(), &sink);
    steps.fail.insert((Step::Lint, "a".to_string()));
    let verify = Reuse::new(false, 1.0, &FakeClock(Duration::from_secs(7)));
    let (planned, _) = check(&steps, &cache, verify, &sink);
    assert_eq!(runs(&planned, Step::Lint), ["a", "b"]);
    let heard = sink.non_hermetic.lock().unwrap().clone();
    assert_eq!(heard, [("lint".to_string(), "a".to_string())]);
    steps.fail.clear();
    let (planned, _) = check(&steps, &cache, cached(), &sink);
    assert_eq!(runs(&planned, Step::Lint), ["a"]);
}

#[test]
fn the_clock_fixes_the_verify_sample_of_a_run() {
    let draw = |seconds| match Reuse::new(false, 0.5, &FakeClock(Duration::from_secs(seconds))) {
        Reuse::Cached { seed, verify } => (seed, verify),
        Reuse::Ignore => unreachable!(),
    };
    assert_eq!(draw(3), draw(3));
    assert_ne!(draw(3).0, draw(4).0);
}
