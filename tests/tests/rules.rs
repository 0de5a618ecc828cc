//! `rules` on generated workspaces: every rule kind with exact findings, the baseline life
//! cycle, bad input, annotations and the layered dot graph.

#![allow(clippy::unwrap_used)] // tests may unwrap

use std::path::Path;
use std::process::Command;

use ratchet_tests::{Run, ratchet};

const BIN: &str = env!("CARGO_BIN_EXE_ratchet");

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// A manifest whose `body` starts on line 6.
fn manifest(name: &str, body: &str) -> String {
    format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n{body}")
}

fn dep(name: &str) -> String {
    format!("{name} = {{ path = \"../{name}\" }}\n")
}

/// Eight packages. Edges: app -> m, t1, t2, secret, loose (renamed `lo`, unix only);
/// m -> t1, secret; t1 -> t2; t1 -dev-> m; t2 -build-> m2. `m` names its own layer (model),
/// `app` has no library, `orphan` has no dependents.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let app = format!(
        "[dependencies]\n{}{}{}{}\n[target.'cfg(unix)'.dependencies]\nlo = {{ path = \"../loose\", package = \"loose\" }}\n",
        dep("m"),
        dep("t1"),
        dep("t2"),
        dep("secret")
    );
    let m = format!(
        "[dependencies]\n{}{}\n[package.metadata.ratchet]\nlayer = \"model\"\n",
        dep("t1"),
        dep("secret")
    );
    let t1 = format!(
        "[dependencies]\n{}\n[dev-dependencies]\n{}",
        dep("t2"),
        dep("m")
    );
    let t2 = format!("[build-dependencies]\n{}", dep("m2"));
    let mut files: Vec<(String, String)> = vec![
        (
            "Cargo.toml".into(),
            "[workspace]\nmembers = [\"crates/*\"]\nresolver = \"2\"\n".into(),
        ),
        ("crates/app/Cargo.toml".into(), manifest("app", &app)),
        ("crates/app/src/main.rs".into(), "fn main() {}\n".into()),
        ("crates/m/Cargo.toml".into(), manifest("m", &m)),
        ("crates/t1/Cargo.toml".into(), manifest("t1", &t1)),
        ("crates/t2/Cargo.toml".into(), manifest("t2", &t2)),
    ];
    for name in ["loose", "m2", "orphan", "secret"] {
        files.push((format!("crates/{name}/Cargo.toml"), manifest(name, "")));
    }
    for name in ["loose", "m", "m2", "orphan", "secret", "t1", "t2"] {
        files.push((format!("crates/{name}/src/lib.rs"), String::new()));
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    write(dir.path(), &files);
    dir
}

/// `[rules.layers]` for the fixture, with `extra` keys in that table.
fn layers(extra: &str) -> String {
    format!(
        "[rules.layers]\norder = [\"types\", \"model\", \"app\"]\n{extra}\n\n[rules.layers.packages]\n\
         types = [\"t*\", \"secret\", \"orphan\"]\nmodel = [\"m2\"]\napp = [\"app\"]\n"
    )
}

fn rules(dir: &Path, config: &str, args: &[&str]) -> Run {
    write(dir, &[("ratchet.toml", config)]);
    let mut all = vec!["rules"];
    all.extend(args);
    ratchet(BIN, dir, &all)
}

/// The violation events of a run, as `rule subject manifest:line`, with ` (baselined)` when
/// the baseline accepts them.
fn findings(run: &Run) -> Vec<String> {
    run.stdout
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .filter(|e| e["event"] == "rule_violation")
        .map(|e| {
            let subject = match e["dependency"].as_str() {
                Some(dep) => format!("{} -> {dep}", e["package"].as_str().unwrap()),
                None => e["package"].as_str().unwrap().to_string(),
            };
            let baselined = if e["baselined"] == true {
                " (baselined)"
            } else {
                ""
            };
            format!(
                "{} {subject} {}:{}{baselined}",
                e["rule"].as_str().unwrap(),
                e["manifest"].as_str().unwrap(),
                e["line"]
            )
        })
        .collect()
}

fn check(dir: &Path, config: &str, expect: &[&str]) {
    let run = rules(dir, config, &["--message-format", "json"]);
    assert_eq!(
        findings(&run),
        expect,
        "config:\n{config}\nstderr:\n{}",
        run.stderr
    );
    let code = if expect.is_empty() { 0 } else { 1 };
    assert_eq!(run.code, code, "{}", run.stderr);
    let summary: serde_json::Value =
        serde_json::from_str(run.stdout.lines().last().unwrap()).unwrap();
    assert_eq!(summary["event"], "rules_summary");
    assert_eq!(summary["new"], expect.len());
}

#[test]
fn each_rule_reports_exactly_its_violations() {
    let ws = workspace();
    let dir = ws.path();
    // No [rules]: nothing to check.
    check(dir, "", &[]);
    // Layers: the build edge t2 -> m2 reaches up; the dev edge t1 -> m is not counted.
    let up = "layer t2 -> m2 crates/t2/Cargo.toml:7";
    let loose = "unlayered loose crates/loose/Cargo.toml:2";
    check(dir, &layers(""), &[up, loose]);
    check(dir, &layers("allow-unlayered = [\"lo*\"]"), &[up]);
    check(
        dir,
        &layers("allow-same-layer = false\nallow-unlayered = [\"loose\"]"),
        &["layer t1 -> t2 crates/t1/Cargo.toml:7", up],
    );
    check(
        dir,
        &layers("kinds = [\"normal\", \"build\", \"dev\"]\nallow-unlayered = [\"loose\"]"),
        &["layer t1 -> m crates/t1/Cargo.toml:10", up],
    );
    check(
        dir,
        &layers("kinds = [\"normal\"]\nallow-unlayered = [\"loose\"]"),
        &[],
    );
    // Forbidden: every matching edge, dev edges included by default.
    let forbidden =
        "[[rules.forbidden]]\nfrom = [\"app\", \"t1\"]\nto = [\"t*\", \"m\"]\nreason = \"r\"\n";
    check(
        dir,
        forbidden,
        &[
            "forbidden app -> m crates/app/Cargo.toml:7",
            "forbidden app -> t1 crates/app/Cargo.toml:8",
            "forbidden app -> t2 crates/app/Cargo.toml:9",
            "forbidden t1 -> m crates/t1/Cargo.toml:10",
            "forbidden t1 -> t2 crates/t1/Cargo.toml:7",
        ],
    );
    check(
        dir,
        "[[rules.forbidden]]\nfrom = [\"app\"]\nto = [\"loose\"]\nreason = \"r\"\nkinds = [\"dev\"]\n",
        &[],
    );
    // The renamed, platform-specific dependency is found under its alias.
    check(
        dir,
        "[[rules.forbidden]]\nfrom = [\"app\"]\nto = [\"loose\"]\nreason = \"r\"\n",
        &["forbidden app -> loose crates/app/Cargo.toml:13"],
    );
    // Private: only m may use secret.
    let private = "[[rules.private]]\npackages = [\"secret\"]\nallow = [\"m\"]\n";
    check(
        dir,
        private,
        &["private app -> secret crates/app/Cargo.toml:10"],
    );
    // A private set may use its own members; nobody else may use them.
    check(
        dir,
        "[[rules.private]]\npackages = [\"secret\", \"m\"]\nallow = []\n",
        &[
            "private app -> m crates/app/Cargo.toml:7",
            "private app -> secret crates/app/Cargo.toml:10",
            "private t1 -> m crates/t1/Cargo.toml:10",
        ],
    );
    // Fan-out: app has five direct dependencies, m two; dev edges are not counted.
    check(
        dir,
        "[rules.fan-out]\nmax = 2\noverrides = { m = 1 }\n",
        &[
            "fan-out app crates/app/Cargo.toml:7",
            "fan-out m crates/m/Cargo.toml:7",
        ],
    );
    check(dir, "[rules.fan-out]\nmax = 5\n", &[]);
    check(dir, "[rules.fan-out]\nmax = 1\nkinds = [\"dev\"]\n", &[]);
    // Unused: orphan has no dependents; app has no library, so it is not "unused".
    check(
        dir,
        "[rules.unused]\n",
        &["unused orphan crates/orphan/Cargo.toml:2"],
    );
    check(dir, "[rules.unused]\nentry-points = [\"orph*\"]\n", &[]);
    // Dev cycles: m -> t1 and t1 -dev-> m.
    check(
        dir,
        "[rules.dev-cycles]\n",
        &["dev-cycle t1 -> m crates/t1/Cargo.toml:10"],
    );
}

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
         rules: 1 new violation; fix it, or accept it with `cargo xtask rules baseline`\n"
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

fn baseline_text(dir: &Path) -> String {
    let text = std::fs::read_to_string(dir.join("ratchet-rules-baseline.toml")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn baseline_adopts_then_shrinks_and_never_grows_by_itself() {
    let ws = workspace();
    let dir = ws.path();
    let config = format!(
        "{}\n[rules.fan-out]\nmax = 4\n\n[rules.dev-cycles]\n",
        layers("")
    );
    let today = [
        "layer t2 -> m2 crates/t2/Cargo.toml:7",
        "unlayered loose crates/loose/Cargo.toml:2",
        "fan-out app crates/app/Cargo.toml:7",
        "dev-cycle t1 -> m crates/t1/Cargo.toml:10",
    ];
    check(dir, &config, &today);

    let adopt = rules(dir, &config, &["baseline"]);
    assert_eq!(
        (adopt.code, adopt.stdout.as_str()),
        (
            0,
            "rules: 4 violation(s) accepted in ratchet-rules-baseline.toml\n"
        )
    );
    let adopted = "version = 1\n\
        [[accepted]]\nrule = \"layer\"\npackage = \"t2\"\ndependency = \"m2\"\n\
        [[accepted]]\nrule = \"unlayered\"\npackage = \"loose\"\n\
        [[accepted]]\nrule = \"fan-out\"\npackage = \"app\"\ncount = 5\n\
        [[accepted]]\nrule = \"dev-cycle\"\npackage = \"t1\"\ndependency = \"m\"";
    assert_eq!(baseline_text(dir), adopted);
    let quiet = rules(dir, &config, &[]);
    assert_eq!(
        (quiet.code, quiet.stdout.as_str()),
        (0, ""),
        "{}",
        quiet.stderr
    );
    let accepted: Vec<String> = today.iter().map(|f| format!("{f} (baselined)")).collect();
    assert_eq!(
        findings(&rules(dir, &config, &["--message-format", "json"])),
        accepted
    );

    // Fixing the dev cycle shrinks the baseline on the next passing run.
    write(
        dir,
        &[(
            "crates/t1/Cargo.toml",
            &manifest("t1", &format!("[dependencies]\n{}", dep("t2"))),
        )],
    );
    let shrink = rules(dir, &config, &[]);
    assert_eq!(shrink.code, 0, "{}", shrink.stderr);
    assert_eq!(
        shrink.stdout,
        "rules: 1 fixed violation(s) removed from ratchet-rules-baseline.toml; commit it\n"
    );
    let shrunk = adopted.replace(
        "\n[[accepted]]\nrule = \"dev-cycle\"\npackage = \"t1\"\ndependency = \"m\"",
        "",
    );
    assert_eq!(baseline_text(dir), shrunk);

    // A new violation fails, and only it is reported; the baseline does not grow.
    let m2 = manifest("m2", "");
    write(
        dir,
        &[(
            "crates/secret/Cargo.toml",
            &manifest("secret", &format!("[dependencies]\n{}", dep("m2"))),
        )],
    );
    let run = rules(dir, &config, &["--message-format", "json"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        findings(&run),
        [
            "layer secret -> m2 crates/secret/Cargo.toml:7",
            "layer t2 -> m2 crates/t2/Cargo.toml:7 (baselined)",
            "unlayered loose crates/loose/Cargo.toml:2 (baselined)",
            "fan-out app crates/app/Cargo.toml:7 (baselined)",
        ]
    );
    assert_eq!(baseline_text(dir), shrunk);
    write(
        dir,
        &[
            ("crates/secret/Cargo.toml", &manifest("secret", "")),
            ("crates/m2/Cargo.toml", &m2),
        ],
    );

    // Fan-out is accepted up to the recorded count; one more dependency is new.
    let app = std::fs::read_to_string(dir.join("crates/app/Cargo.toml")).unwrap();
    write(
        dir,
        &[(
            "crates/app/Cargo.toml",
            &app.replace(
                "[dependencies]\n",
                &format!("[dependencies]\n{}", dep("orphan")),
            ),
        )],
    );
    let more = rules(dir, &config, &["--message-format", "json"]);
    assert_eq!(more.code, 1);
    assert_eq!(findings(&more)[0], "fan-out app crates/app/Cargo.toml:7");
    assert_eq!(baseline_text(dir), shrunk);
}

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
