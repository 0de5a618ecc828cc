//! What `rules` prints: human text, GitHub annotations, and the layered dot graph.

use std::process::Command;

use ratchet_tests::ratchet;

use crate::fixture::{BIN, layers, rules, workspace, write};

#[test]
fn human_output_says_where_why_and_how_to_fix_and_is_silent_on_success() {
    let ws = workspace();
    let config = layers("allow-unlayered = [\"loose\"]\nreason = \"data flows down\"");
    let run = rules(ws.path(), &config, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "error[layer] t2 -> m2: `t2` (layer `types`) depends on `m2` (layer `model`), a higher layer\n\
         \x20 --> crates/t2/Cargo.toml:7\n\
         \x20 reason: data flows down\n\
         \x20 fix: a package of layer `types` may depend only on layers `types`; move what `t2` uses \
         from `m2` into `t2` or into a package of one of those layers, or let `m2` pass it in from \
         above (a trait or a callback that `m2` implements)\n\
         rules: 1 new violation; fix it, or accept it with `cargo ratchet rules baseline`\n"
    );
    let fixed = rules(
        ws.path(),
        &layers("kinds = [\"normal\"]\nallow-unlayered = [\"loose\"]"),
        &[],
    );
    assert_eq!(
        (fixed.code, fixed.stdout.as_str(), fixed.stderr.as_str()),
        (0, "", "")
    );
}

#[test]
fn github_actions_gets_error_annotations() {
    let ws = workspace();
    write(
        ws.path(),
        &[(
            "ratchet.toml",
            "[rules.unused]\nreason = \"dead code, 100%\"\n",
        )],
    );
    let out = Command::new(BIN)
        .arg("rules")
        .current_dir(ws.path())
        .env("GITHUB_ACTIONS", "true")
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let annotation = stdout
        .lines()
        .find(|l| l.starts_with("::error"))
        .expect(&stdout);
    assert_eq!(
        annotation,
        "::error file=crates/orphan/Cargo.toml,line=2,title=rules%3A unused orphan::no workspace \
         package depends on library `orphan`%0Areason: dead code, 100%25%0Afix: delete `orphan` if it \
         is dead, depend on it where it was meant to be used, or list it in [rules.unused] \
         entry-points if it is used from outside the workspace"
    );
    assert_eq!(out.status.code(), Some(1));
    // With JSON on stdout, the annotations go to stderr, in `rules` and in `check` alike.
    for args in [&["rules"][..], &["check"]] {
        let out = Command::new(BIN)
            .args(args)
            .args(["--message-format", "json"])
            .current_dir(ws.path())
            .env("GITHUB_ACTIONS", "true")
            .env_remove("CARGO_TARGET_DIR")
            .output()
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        for line in stdout.lines() {
            assert!(
                serde_json::from_str::<serde_json::Value>(line).is_ok(),
                "{args:?}: not JSON on stdout: {line}"
            );
        }
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(
            stderr.contains("::error file=crates/orphan/Cargo.toml"),
            "{stderr}"
        );
    }
}

#[test]
fn dot_colours_layers_and_draws_violations_red() {
    let ws = workspace();
    write(ws.path(), &[("ratchet.toml", &layers(""))]);
    let run = ratchet(BIN, ws.path(), &["graph", "--format", "dot"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines.contains(&"  \"t2\" [style=filled, fillcolor=\"#dbeafe\", label=\"t2\\n(types)\"];"),
        "{}",
        run.stdout
    );
    assert!(
        lines.contains(&"  \"m\" [style=filled, fillcolor=\"#dcfce7\", label=\"m\\n(model)\"];"),
        "{}",
        run.stdout
    );
    assert!(lines.contains(&"  \"loose\";"), "{}", run.stdout);
    assert!(
        lines.contains(&"  \"t2\" -> \"m2\" [style=dashed, color=red, penwidth=2];"),
        "{}",
        run.stdout
    );
    assert!(lines.contains(&"  \"m\" -> \"t1\";"), "{}", run.stdout);
}

#[test]
fn manifest_path_selects_the_workspace_for_the_gate_and_the_baseline() {
    let ws = workspace();
    write(ws.path(), &[("ratchet.toml", "[rules.unused]\n")]);
    let elsewhere = tempfile::tempdir().unwrap();
    let manifest = ws.path().join("Cargo.toml");
    let manifest = manifest.to_str().unwrap();
    let gate = ratchet(
        BIN,
        elsewhere.path(),
        &["rules", "--manifest-path", manifest],
    );
    assert_eq!(gate.code, 1, "{}", gate.stderr);
    assert!(
        gate.stdout.contains("error[unused] orphan"),
        "{}",
        gate.stdout
    );
    let adopt = ratchet(
        BIN,
        elsewhere.path(),
        &["rules", "baseline", "--manifest-path", manifest],
    );
    assert_eq!(adopt.code, 0, "{}", adopt.stderr);
    assert!(ws.path().join("ratchet-rules-baseline.toml").is_file());
    let again = ratchet(
        BIN,
        elsewhere.path(),
        &["rules", "--manifest-path", manifest],
    );
    assert_eq!((again.code, again.stdout.as_str()), (0, ""));
}

#[test]
fn dot_ranks_layers_lowest_at_the_bottom_with_a_legend() {
    let ws = workspace();
    write(ws.path(), &[("ratchet.toml", &layers(""))]);
    let run = ratchet(BIN, ws.path(), &["graph", "--format", "dot"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines.contains(&"  rankdir=TB;"), "{}", run.stdout);
    let legend: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("  \"layer: ") || l.starts_with("  { rank=same"))
        .collect();
    insta::assert_snapshot!(legend.join("\n"), @r##"
      "layer: types" [shape=note, style=filled, fillcolor="#dbeafe", label="layer 1: types"];
      "layer: model" [shape=note, style=filled, fillcolor="#dcfce7", label="layer 2: model"];
      "layer: app" [shape=note, style=filled, fillcolor="#fef9c3", label="layer 3: app"];
      { rank=same; "layer: types"; "orphan"; "secret"; "t1"; "t2"; }
      { rank=same; "layer: model"; "m"; "m2"; }
      { rank=same; "layer: app"; "app"; }
      "layer: app" -> "layer: model" -> "layer: types" [style=invis, weight=100];
    "##);
    assert!(
        !run.stdout.contains("\"loose\"; }"),
        "a package in no layer has no rank"
    );
    // Without layers: no legend, no ranks, left to right as before.
    write(ws.path(), &[("ratchet.toml", "")]);
    let plain = ratchet(BIN, ws.path(), &["graph", "--format", "dot"]);
    assert!(plain.stdout.contains("rankdir=LR;") && !plain.stdout.contains("rank=same"));
}

#[test]
fn reduce_leaves_out_exactly_the_implied_edges() {
    let ws = workspace();
    let full = ratchet(BIN, ws.path(), &["graph"]);
    assert_eq!(
        full.stdout,
        "app -> loose, m, secret, t1, t2\nloose\nm -> secret, t1\nm2\norphan\nsecret\n\
         t1 -> m (dev), t2\nt2 -> m2 (build)\n"
    );
    // app -> t1 (through m), app -> t2 (through t1), app -> secret (through m) are implied;
    // t1's dev edge to m is not (nothing else leads from t1 to m).
    let reduced = ratchet(BIN, ws.path(), &["graph", "--reduce"]);
    assert_eq!(reduced.code, 0, "{}", reduced.stderr);
    assert_eq!(
        reduced.stdout,
        "app -> loose, m\nloose\nm -> secret, t1\nm2\norphan\nsecret\nt1 -> m (dev), t2\n\
         t2 -> m2 (build)\n"
    );
    let dot = ratchet(BIN, ws.path(), &["graph", "--format", "dot", "--reduce"]);
    assert!(dot.stdout.contains("  \"app\" -> \"m\";"), "{}", dot.stdout);
    assert!(
        !dot.stdout.contains("  \"app\" -> \"t1\""),
        "{}",
        dot.stdout
    );
}
