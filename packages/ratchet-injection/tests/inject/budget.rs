//! Inputs that used to break `check` for good: a dangling symlink in a package, a state
//! directory that cannot be written (a full disk), a malformed `[budget]`.

use ratchet_events::check::CheckEvent;

use crate::*;

#[test]
fn a_dangling_symlink_is_content_not_an_error() {
    let ws = two_packages();
    let root = ws.path();
    std::os::unix::fs::symlink("nowhere", root.join("crates/base/data")).unwrap();
    assert_agrees("dangling symlink in base", root, &[], &[], &["base", "app"]);
    let (again, _) = check(root, &[]);
    assert_eq!(again.code, 0, "served from the cache: {}", again.stderr);
    std::fs::remove_file(root.join("crates/base/data")).unwrap();
    std::os::unix::fs::symlink("elsewhere", root.join("crates/base/data")).unwrap();
    let (run, events) = check(root, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, CheckEvent::StepStarted(_))),
        "a new link target is a change of base: {}",
        run.stdout
    );
}

#[test]
fn a_state_write_that_fails_keeps_the_verdicts_and_exits_1() {
    let ws = two_packages();
    let root = ws.path();
    // A file where the verdict directory should be: every write of a pass fails, as on a full
    // disk (a tmpfs of our own needs root).
    write(root, "target/ratchet/verdicts", "not a directory");
    let (run, events) = check(root, &[]);
    assert_eq!(
        run.code, 1,
        "a failed record, not bad input: {}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("error: could not record this run's passes: ")
            && run.stderr.contains("verdicts"),
        "{}",
        run.stderr
    );
    let finished = events
        .iter()
        .filter(|e| matches!(e, CheckEvent::StepFinished(_)))
        .count();
    assert!(
        finished >= 3,
        "the verdicts are still reported: {}",
        run.stdout
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, CheckEvent::Summary(s) if s.failed == 0 && s.exit_code == 1)),
        "{}",
        run.stdout
    );
}
