//! Bad input: each error names the file and line, and the exit code is 2.

use std::path::Path;

use crate::fixture::{rules, workspace};

/// Runs `rules` with `config` (and the given baseline file, if any) and expects exit 2 with a
/// one-line error that contains `expect`.
fn bad(dir: &Path, config: &str, baseline: Option<&str>, expect: &str) {
    let baseline_path = dir.join("ratchet-rules-baseline.toml");
    match baseline {
        Some(text) => std::fs::write(&baseline_path, text).unwrap(),
        None => {
            let _ = std::fs::remove_file(&baseline_path);
        }
    }
    let run = rules(dir, config, &[]);
    assert_eq!(
        run.code, 2,
        "config:\n{config}\nstdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
    assert!(
        run.stderr.contains(expect),
        "expected `{expect}` in:\n{}",
        run.stderr
    );
    assert_eq!(run.stdout, "");
}

#[test]
fn bad_input_names_the_place_and_exits_2() {
    let ws = workspace();
    let dir = ws.path();
    let two = "[rules.layers]\norder = [\"types\", \"model\"]\n[rules.layers.packages]\n";
    bad(
        dir,
        &format!("{two}typse = [\"t1\"]\n"),
        None,
        "ratchet.toml:4: [rules.layers.packages]: unknown layer `typse` (did you mean `types`?)",
    );
    bad(
        dir,
        "[rules.layers]\norder = [\"types\"]\n",
        None,
        "crates/m/Cargo.toml:11: [package.metadata.ratchet] layer: unknown layer `model`",
    );
    bad(
        dir,
        &format!("{two}types = [\"t*\"]\nmodel = [\"t1\"]\n"),
        None,
        "ratchet.toml:4: package `t1` is in two layers: `model` (at ",
    );
    bad(
        dir,
        &format!("{two}types = [\"m\"]\n"),
        None,
        "crates/m/Cargo.toml:11: package `m` is in two layers: `types` (at ",
    );
    bad(
        dir,
        "[rules.layers]\norder = [\"a\", \"b\", \"a\"]\n",
        None,
        "ratchet.toml:2: layer `a` is listed twice",
    );
    bad(
        dir,
        "[[rules.forbidden]]\nfrom = [\"app\"]\nto = [\"x*\"]\nreason = \"r\"\n",
        None,
        "ratchet.toml:3: glob `x*` matches no package; fix or remove it",
    );
    bad(
        dir,
        "[[rules.private]]\npackages = [\"secrte\"]\nallow = []\n",
        None,
        "ratchet.toml:2: no package named `secrte` in this workspace (did you mean `secret`?)",
    );
    bad(
        dir,
        "[rules.fan-out]\nmax = 1\noverrides = { apq = 3 }\n",
        None,
        "ratchet.toml:3: [rules.fan-out] overrides: no package named `apq`",
    );
    bad(
        dir,
        "[rules.unused]\nentry-point = []\n",
        None,
        "did you mean `entry-points`?",
    );
    bad(
        dir,
        "",
        Some("version = 1\n\n[[accepted]]\nrule = \"layers\"\npackage = \"a\"\n"),
        "ratchet-rules-baseline.toml:4: malformed baseline: unknown variant `layers`",
    );
    bad(
        dir,
        "",
        Some("version = 2\n"),
        "ratchet-rules-baseline.toml: malformed baseline: version 2 is not supported",
    );
    bad(
        dir,
        "",
        Some("accepted = 3\n"),
        "ratchet-rules-baseline.toml:1: malformed baseline:",
    );
}
