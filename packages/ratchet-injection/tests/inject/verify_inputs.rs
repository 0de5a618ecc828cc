//! `check --verify` names the inputs that differ from a failing pass's record.

use ratchet_events::check::{CheckEvent, NonHermetic};

use crate::*;

/// `app`'s test reads the data file `DATA` names at run time (a variable ratchet does not
/// observe), `two.txt` by default.
const APP: &str = "//! App.\n\n/// Two.\npub fn two() -> u32 {\n    base::one() + 1\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn two_matches_the_data() {\n        let name = std::env::var(\"DATA\").unwrap_or_else(|_| \"two.txt\".into());\n        let dir = concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/../../testdata/\");\n        let text = std::fs::read_to_string(format!(\"{dir}{name}\")).unwrap();\n        assert_eq!(text.trim(), super::two().to_string());\n    }\n}\n";

fn non_hermetic(events: &[CheckEvent]) -> Vec<NonHermetic> {
    let found = events.iter().filter_map(|e| match e {
        CheckEvent::NonHermetic(n) => Some(n.clone()),
        _ => None,
    });
    found.collect()
}

#[test]
fn verify_names_the_inputs_that_differ_from_the_pass() {
    let ws = two_packages();
    let root = ws.path();
    write(root, "crates/app/src/lib.rs", APP);
    write(root, "testdata/two.txt", "2\n");
    write(root, "testdata/bad.txt", "3\n");
    let (run, _) = check(root, &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);

    let (run, events) = check_with_env(root, &["--verify"], &[("DATA", "bad.txt")]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let found = non_hermetic(&events);
    assert_eq!(found.len(), 1, "{}", run.stdout);
    assert_eq!(
        (found[0].package.as_str(), found[0].step),
        ("app", ratchet_events::check::Step::Test)
    );
    assert_eq!(
        found[0].differing_inputs,
        [
            "testdata/bad.txt (read now, not by the pass)",
            "testdata/two.txt (read by the pass; gone, or not read now)",
        ],
        "{}",
        run.stdout
    );
    assert!(found[0].message.contains("testdata/bad.txt"), "{found:?}");
}
