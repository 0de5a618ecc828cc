//! The pawl, build-time re-measurement, GitHub output and the history report.

use std::process::Command;

use crate::support::{BIN, budget, costs, events, git, workspace};
use ratchet_tests::ratchet;

#[test]
fn raised_ceiling_is_reported_and_fails_with_forbid_loosen_until_explained() {
    let ws = workspace();
    let before = "[budget.defaults]\nlines = \"100 lines\"\n# an old note\n[budget.packages.big]\nlines = \"40 lines\"\n";
    budget(ws.path(), before);
    git(ws.path(), &["init", "-q", "-b", "main"]);
    git(ws.path(), &["add", "."]);
    git(ws.path(), &["commit", "-qm", "base"]);
    budget(
        ws.path(),
        &before
            .replace("\"40 lines\"", "\"60 lines\"")
            .replace("100 lines", "90 lines"),
    );

    let warned = ratchet(BIN, ws.path(), &["ratchet", "gate", "--since", "main"]);
    assert_eq!(warned.code, 0, "{}", warned.stderr);
    assert!(
        warned.stdout.contains(
            "warning: ceiling raised: budget.packages.big.lines from 40 lines to 60 lines"
        ),
        "{}",
        warned.stdout
    );
    assert!(
        !warned.stdout.contains("defaults.lines"),
        "a lowered ceiling is not reported"
    );

    let forbidden = ratchet(
        BIN,
        ws.path(),
        &["ratchet", "gate", "--since", "main", "--forbid-loosen"],
    );
    assert_eq!(forbidden.code, 3, "{}", forbidden.stdout);
    assert!(
        forbidden
            .stdout
            .contains("add a comment saying why on line 5"),
        "{}",
        forbidden.stdout
    );

    let explained = before.replace(
        "lines = \"40 lines\"",
        "# vendored the unicode tables\nlines = \"60 lines\"",
    );
    budget(ws.path(), &explained);
    let ok = strict_gate_json(ws.path());
    assert_eq!(ok.code, 0, "{}", ok.stdout);
    let loosened = events(&ok)
        .into_iter()
        .find(|e| e["event"] == "budget_loosened")
        .unwrap();
    assert_eq!(loosened["reason"], "vendored the unicode tables");
    assert_eq!(
        (loosened["old"].as_u64(), loosened["new"].as_u64()),
        (Some(40), Some(60))
    );
}

#[test]
fn a_removed_ceiling_a_raised_default_and_a_wider_tolerance_are_raises_too() {
    let ws = workspace();
    let before = "[budget.defaults]\nlines = \"100 lines\"\nsource-bytes = \"1 MiB\"\n\n[budget.packages.big]\nlongest-file = \"30 lines\"\n";
    budget(ws.path(), before);
    git(ws.path(), &["init", "-q", "-b", "main"]);
    git(ws.path(), &["add", "."]);
    git(ws.path(), &["commit", "-qm", "base"]);
    let after = "[budget.defaults]\nlines = \"200 lines\"\nsource-bytes = \"1 MiB\"\n\n[budget.tolerance]\nsource-bytes = \"5%\"\n";
    budget(ws.path(), after);
    let run = strict_gate_json(ws.path());
    assert_eq!(run.code, 3, "{}", run.stdout);
    let keys: Vec<String> = events(&run)
        .into_iter()
        .filter(|e| e["event"] == "budget_loosened")
        .map(|e| {
            format!(
                "{} {} -> {}",
                e["key"].as_str().unwrap(),
                e["old"],
                e["new"]
            )
        })
        .collect();
    assert_eq!(
        keys,
        [
            "budget.defaults.lines 100 -> 200",
            "budget.packages.big.longest-file 30 -> null",
            "budget.tolerance.source-bytes 0 -> 52429",
        ],
        "one event per key that raised a limit, for every package it covers"
    );
}

#[test]
fn build_time_is_re_measured_before_it_fails() {
    let ws = workspace();
    // The recorded figure says `small` took 100 s; a real rebuild takes well under 30 s.
    costs(ws.path(), &[("big", 500, 1), ("small", 100_000, 1)]);
    budget(
        ws.path(),
        "[budget]\nsamples = 2\n\n[budget.defaults]\nbuild-cpu = \"30s\"\n",
    );
    let cleared = ratchet(BIN, ws.path(), &["ratchet", "gate"]);
    assert_eq!(cleared.code, 0, "{}\n{}", cleared.stdout, cleared.stderr);

    // A ceiling no real build can meet fails after re-measuring, with the samples shown.
    budget(
        ws.path(),
        "[budget]\nsamples = 2\n\n[budget.packages.small]\nbuild-cpu = \"1ms\"\n[budget.tolerance]\nbuild-cpu = \"0ms\"\n",
    );
    let failed = ratchet(
        BIN,
        ws.path(),
        &["ratchet", "gate", "--message-format", "json"],
    );
    assert_eq!(failed.code, 3, "{}\n{}", failed.stdout, failed.stderr);
    let finding = events(&failed)
        .into_iter()
        .find(|e| e["measure"] == "build-cpu")
        .unwrap();
    assert_eq!(finding["samples"].as_array().unwrap().len(), 2, "{finding}");
    assert!(
        finding["value"].as_u64().unwrap() < 100_000,
        "the re-measured value replaces the recorded one"
    );
    let details = finding["details"].to_string();
    assert!(details.contains("critical path: small"), "{details}");
}

#[test]
fn github_actions_get_annotations_and_a_step_summary() {
    let ws = workspace();
    budget(ws.path(), "[budget.defaults]\nlines = \"5 lines\"\n");
    let summary = ws.path().join("summary.md");
    let out = Command::new(BIN)
        .args(["ratchet", "gate"])
        .current_dir(ws.path())
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout
            .contains("::error file=crates/big/Cargo.toml,title=budget::budget over: `big` lines"),
        "{stdout}"
    );
    let table = std::fs::read_to_string(summary).unwrap();
    assert!(
        table.contains("| over | big | lines | 30 lines | 5 lines |"),
        "{table}"
    );
}

#[test]
fn history_becomes_an_html_report() {
    let ws = workspace();
    costs(ws.path(), &[("big", 900, 40_000), ("small", 300, 9_000)]);
    for _ in 0..2 {
        assert_eq!(ratchet(BIN, ws.path(), &["ratchet", "gate"]).code, 0);
    }
    let history =
        std::fs::read_to_string(ws.path().join("target/ratchet/budget-history.jsonl")).unwrap();
    assert_eq!(history.lines().count(), 2);
    let out = ws.path().join("report.html");
    let run = ratchet(BIN, ws.path(), &["report", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = std::fs::read_to_string(out).unwrap();
    assert!(page.contains("<svg") && !page.contains("<script"));
    assert!(page.contains("small → big"), "critical path drawn: {page}");
    assert!(page.contains("class=\"ceiling\""), "ceilings drawn: {page}");
    assert!(page.contains("<h2 id=\"standing\">") && page.contains("<h2 id=\"breakdown\">"));
    assert!(history.contains("\"costs_recorded_at\":"), "{history}");
}

/// `ratchet gate --since main --forbid-loosen` with JSON events.
fn strict_gate_json(dir: &std::path::Path) -> ratchet_tests::Run {
    let args = ["ratchet", "gate", "--since", "main", "--forbid-loosen"];
    let json = ["--message-format", "json"];
    ratchet(BIN, dir, &[&args[..], &json[..]].concat())
}
