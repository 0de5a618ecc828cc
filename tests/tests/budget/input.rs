//! Every bad input: one clear line on stderr and exit 2.

use crate::support::{BIN, budget, workspace};
use ratchet_tests::ratchet;

fn bad(text: &str) -> String {
    let ws = workspace();
    budget(ws.path(), text);
    let run = ratchet(BIN, ws.path(), &["ratchet", "gate"]);
    assert_eq!(run.code, 2, "{text}: {}", run.stdout);
    assert_eq!(run.stderr.lines().count(), 1, "one line: {}", run.stderr);
    run.stderr
}

#[test]
fn every_bad_input_is_a_clear_usage_error() {
    let cases = [
        ("[budget\nlines = 1", "line 1"),
        (
            "[budget.defaults]\nlinez = \"3 lines\"\n",
            "did you mean `lines`?",
        ),
        (
            "[budget.packages.bigg]\nlines = \"3 lines\"\n",
            "`bigg`, which is not a package of this workspace (did you mean `big`?)",
        ),
        (
            "[budget.packages.bigg]\nlines = \"3 lines\"\n",
            "ratchet.toml:1:",
        ),
        ("[budget.defaults]\nlines = \"-3 lines\"\n", "is negative"),
        (
            "[budget.defaults]\nlines = 350\n",
            "350 has no unit: write it as a string with one, like \"350 lines\"",
        ),
        (
            "[budget.defaults]\nsource-bytes = \"4 MB0\"\n",
            "has no unit",
        ),
        (
            "[budget.defaults]\nsource-bytes = \"4 parsecs\"\n",
            "unknown unit `parsecs`",
        ),
        ("[budget.defaults]\nbuild-cpu = \"4 MiB\"\n", "takes ms"),
        ("[budget]\nnear = \"3s\"\n", "must be a percentage"),
        (
            "[budget.tolerance]\nlines = \"2s\"\n",
            "`budget.tolerance.lines`",
        ),
    ];
    for (text, expected) in cases {
        let stderr = bad(text);
        assert!(stderr.starts_with("error: "), "{stderr}");
        assert!(
            stderr.contains(expected),
            "{text:?}: expected {expected:?} in {stderr}"
        );
    }
}
