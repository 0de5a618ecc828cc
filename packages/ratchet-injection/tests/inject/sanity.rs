//! The judge itself: a green workspace agrees, and a plain failing test is caught by both.

use crate::*;

#[test]
fn green_then_failing_test_agree_with_cargo() {
    let ws = two_packages();
    let root = ws.path();
    let verdicts = assert_agrees("green workspace", root, &[], &[], &["base", "app"]);
    assert!(verdicts.values().all(|v| v.passed()), "{verdicts:?}");
    let (again, events) = check(root, &[]);
    assert_eq!(again.code, 0, "{}", again.stdout);
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, ratchet_events::check::CheckEvent::StepStarted(_))),
        "a second green run is served from the cache: {}",
        again.stdout
    );
    write(
        root,
        "crates/base/src/lib.rs",
        "//! Base.\n\n/// One.\npub fn one() -> u32 {\n    2\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn one_is_one() {\n        assert_eq!(super::one(), 1);\n    }\n}\n",
    );
    let verdicts = assert_agrees(
        "failing unit test in base",
        root,
        &[],
        &[],
        &["base", "app"],
    );
    assert!(!verdicts["base"].test, "the judge sees the failing test");
    assert!(!verdicts["app"].test, "app's test sees base's new value");
}
