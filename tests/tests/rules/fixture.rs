//! The generated workspace every rules test runs on, and helpers to run `rules` on it.

use std::path::Path;

pub use ratchet_tests::write_files as write;
use ratchet_tests::{Run, ratchet};

pub const BIN: &str = env!("CARGO_BIN_EXE_ratchet");

/// A manifest whose `body` starts on line 6.
pub fn manifest(name: &str, body: &str) -> String {
    format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n{body}")
}

pub fn dep(name: &str) -> String {
    format!("{name} = {{ path = \"../{name}\" }}\n")
}

/// Eight packages. Edges: app -> m, t1, t2, secret, loose (renamed `lo`, unix only);
/// m -> t1, secret; t1 -> t2; t1 -dev-> m; t2 -build-> m2. `m` names its own layer (model),
/// `app` has no library, `orphan` has no dependents.
pub fn workspace() -> tempfile::TempDir {
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
pub fn layers(extra: &str) -> String {
    format!(
        "[rules.layers]\norder = [\"types\", \"model\", \"app\"]\n{extra}\n\n[rules.layers.packages]\n\
         types = [\"t*\", \"secret\", \"orphan\"]\nmodel = [\"m2\"]\napp = [\"app\"]\n"
    )
}

pub fn rules(dir: &Path, config: &str, args: &[&str]) -> Run {
    write(dir, &[("ratchet.toml", config)]);
    // Tests edit manifests between runs; `rules` only reads and never updates the lock itself.
    if dir.join("Cargo.lock").exists() {
        let update = std::process::Command::new("cargo")
            .args(["update", "--workspace", "--offline", "--quiet"])
            .current_dir(dir)
            .status()
            .unwrap();
        assert!(update.success());
    }
    let mut all = vec!["rules"];
    all.extend(args);
    ratchet(BIN, dir, &all)
}

/// The violation events of a run, as `rule subject manifest:line` (rule as in the config), with ` (baselined)` when
/// the baseline accepts them.
pub fn findings(run: &Run) -> Vec<String> {
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
                // The event spells rules in snake_case, the config and baseline in kebab-case.
                e["rule"].as_str().unwrap().replace('_', "-"),
                e["manifest"].as_str().unwrap(),
                e["line"]
            )
        })
        .collect()
}

pub fn check(dir: &Path, config: &str, expect: &[&str]) {
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
