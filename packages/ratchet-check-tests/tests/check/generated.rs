//! `check` on a generated workspace: a compile error and a failing test injected into seeded
//! random packages are caught, named and located; fixing them passes and is then cached.

use std::collections::BTreeSet;

use ratchet_events::check::CheckEvent;
use ratchet_fixture::{Spec, generate};

use crate::*;

fn failed_packages(events: &[CheckEvent]) -> BTreeSet<String> {
    match events.last() {
        Some(CheckEvent::Summary(s)) => s.failed_packages.iter().cloned().collect(),
        other => panic!("last event is not the summary: {other:?}"),
    }
}

#[test]
fn injected_errors_are_caught_named_and_fixed() {
    let seed = 7;
    let dir = tempfile::tempdir().unwrap();
    let fixture = generate(dir.path(), &Spec::small(6, seed)).unwrap();
    let root = dir.path();
    let (green, _) = json_check(root, &[]);
    assert_eq!(green.code, 0, "{}", green.stdout);

    let broken_pkg = fixture.packages[seed as usize % fixture.packages.len()].clone();
    let edit = fixture.inject_compile_error(&broken_pkg.name).unwrap();
    let (broken, events) = json_check(root, &[]);
    assert_eq!(broken.code, 1, "{}", broken.stdout);
    let diagnostic = events
        .iter()
        .find_map(|e| match e {
            CheckEvent::Diagnostic(d) if d.file.is_some() => Some(d),
            _ => None,
        })
        .expect("a located diagnostic");
    assert_eq!(diagnostic.package, broken_pkg.name);
    assert_eq!(
        diagnostic.file.as_deref(),
        Some(broken_pkg.lib_rs().to_str().unwrap())
    );
    assert_eq!(diagnostic.step, ratchet_events::check::Step::Lint);
    let may_fail: BTreeSet<String> = fixture.affected(&[&broken_pkg.name]);
    let failed = failed_packages(&events);
    assert!(
        failed.contains(&broken_pkg.name) && failed.is_subset(&may_fail),
        "{failed:?} vs {may_fail:?}"
    );
    edit.undo().unwrap();
    assert_eq!(json_check(root, &[]).0.code, 0);

    let failing_pkg = fixture.packages[(seed as usize + 1) % fixture.packages.len()].clone();
    let edit = fixture.inject_failing_test(&failing_pkg.name).unwrap();
    let (failing, events) = json_check(root, &[]);
    assert_eq!(failing.code, 1, "{}", failing.stdout);
    assert_eq!(
        failed_packages(&events),
        BTreeSet::from([failing_pkg.name.clone()])
    );
    let failure = first_test_failure(&events);
    assert_eq!(failure.tests, names(&["injected::injected_failure"]));
    edit.undo().unwrap();
    assert_eq!(json_check(root, &[]).0.code, 0);
    let (_, events) = json_check(root, &[]);
    assert!(
        steps_started(&events).is_empty(),
        "everything is cached again"
    );
}
