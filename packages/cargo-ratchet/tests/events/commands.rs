//! Every command's JSON on one small workspace, against the protocol; the stream of `check`
//! with its rules and budget events; the size of a no-op.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use ratchet_events::Event;
use ratchet_events::check::{Plan, Summary};
use ratchet_tests::write;

use crate::{BASE_LIB, events, run, workspace};

const CONFIG: &str = "[rules.layers]\norder = [\"low\", \"high\"]\n\n[rules.layers.packages]\nlow = [\"base\"]\nhigh = [\"top\"]\n\n[budget.defaults]\nlongest-file = \"3 lines\"\nlines = \"1000 lines\"\n";

fn plan(events: &[Event]) -> &Plan {
    match events.first() {
        Some(Event::Plan(plan)) => plan,
        other => panic!("the first event is not the plan: {other:?}"),
    }
}

fn summary(events: &[Event]) -> &Summary {
    match events.last() {
        Some(Event::Summary(summary)) => summary,
        other => panic!("the last event is not the summary: {other:?}"),
    }
}

#[test]
fn every_command_prints_events_of_the_protocol() {
    let ws = workspace();
    let root = ws.path();
    write(root, "ratchet.toml", CONFIG);
    let json = ["--message-format", "json"];
    let first = run(root, &[&["check"][..], &json].concat(), &[]);
    assert_eq!(first.code, 0, "{}\n{}", first.stdout, first.stderr);
    assert_eq!(summary(&events(&first)).exit_code, 0);

    // A no-op prints counts, not lists: its size does not grow with the workspace.
    let noop = run(root, &[&["check"][..], &json].concat(), &[]);
    assert!(
        noop.stdout.len() < 1024,
        "{} bytes: {}",
        noop.stdout.len(),
        noop.stdout
    );
    let quiet = events(&noop);
    assert_eq!(
        (plan(&quiet).selected, plan(&quiet).selection.clone()),
        (2, None)
    );
    assert!(
        plan(&quiet)
            .steps
            .iter()
            .all(|s| s.cached == 2 && s.cached_packages.is_none())
    );
    let verbose = events(&run(root, &[&["check", "-v"][..], &json].concat(), &[]));
    let listed = plan(&verbose).steps[0].cached_packages.clone();
    assert_eq!(listed, Some(vec!["base".to_string(), "top".to_string()]));

    for args in [
        &["rules"][..],
        &["hash"],
        &["hash", "--explain", "top"],
        &["budget", "tighten", "--dry-run"],
    ] {
        let out = run(root, &[args, &json].concat(), &[]);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        assert!(!events(&out).is_empty(), "{args:?} printed nothing");
    }
    for args in [
        ["graph", "--format", "json"],
        ["graph", "--message-format", "json"],
    ] {
        let graph = run(root, &args, &[]);
        assert!(
            matches!(events(&graph)[..], [Event::Graph(_)]),
            "{}",
            graph.stdout
        );
    }
    let plan = run(root, &[&["plan", "--shards", "2"][..], &json].concat(), &[]);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    assert!(
        matches!(&events(&plan)[..], [Event::ShardPlan(p)] if p.shards.len() == 2),
        "{}",
        plan.stdout
    );
    let gate = run(root, &[&["budget", "gate"][..], &json].concat(), &[]);
    assert_eq!(gate.code, 3, "{}", gate.stderr);
    assert!(matches!(events(&gate).last(), Some(Event::BudgetSummary(s)) if s.exit_code == 3));

    // `check --ci`: the budget events are part of check's stream, the summary carries the
    // process's exit code, and under GitHub Actions the annotations go to stderr.
    let ci = run(
        root,
        &[&["check", "--ci"][..], &json].concat(),
        &[("GITHUB_ACTIONS", "true")],
    );
    assert_eq!(ci.code, 3, "{}", ci.stderr);
    let stream = events(&ci);
    assert!(
        stream.iter().any(|e| matches!(e, Event::BudgetFinding(_))),
        "{}",
        ci.stdout
    );
    assert_eq!(summary(&stream).exit_code, 3);
    assert!(ci.stderr.contains("::error file="), "{}", ci.stderr);

    affected_and_watch(root);
}

fn affected_and_watch(root: &std::path::Path) {
    let json = ["--message-format", "json"];
    write(
        root,
        "crates/base/src/lib.rs",
        &format!("{BASE_LIB}// edited\n"),
    );
    let affected = run(root, &[&["affected"][..], &json].concat(), &[]);
    assert!(
        matches!(events(&affected)[..], [Event::Affected(_)]),
        "{}",
        affected.stdout
    );
    let why = run(
        root,
        &[&["affected", "--why", "top"][..], &json].concat(),
        &[],
    );
    match &events(&why)[..] {
        [Event::AffectedWhy(why)] => {
            let path = &why.reason.as_ref().expect("top is affected").path;
            assert_eq!(path, &["base".to_string(), "top".to_string()]);
        }
        other => panic!("not one affected_why: {other:?}"),
    }
    write(root, "crates/base/src/lib.rs", BASE_LIB);
    // `watch` runs check at start (a no-op here) and prints its events, then a `watch_run`.
    let mut watch = Command::new(crate::BIN)
        .args(["watch", "--message-format", "json"])
        .current_dir(root)
        .env_remove("CARGO_TARGET_DIR")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = Vec::new();
    for line in BufReader::new(watch.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        let done = line.contains("\"event\":\"watch_run\"");
        lines.push(line);
        if done {
            break;
        }
    }
    watch.kill().unwrap();
    watch.wait().unwrap();
    let out = ratchet_tests::Run {
        code: 0,
        stdout: lines.join("\n"),
        stderr: String::new(),
    };
    assert!(
        matches!(events(&out).last(), Some(Event::WatchRun(_))),
        "{}",
        out.stdout
    );
}

#[test]
fn a_rules_failure_ends_check_with_a_summary_of_its_exit_code() {
    let ws = workspace();
    let swapped = CONFIG.replace(
        "low = [\"base\"]\nhigh = [\"top\"]",
        "low = [\"top\"]\nhigh = [\"base\"]",
    );
    write(ws.path(), "ratchet.toml", &swapped);
    let out = run(
        ws.path(),
        &["check", "--message-format", "json"],
        &[("GITHUB_ACTIONS", "true")],
    );
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    let stream = events(&out);
    assert!(
        matches!(stream[0], Event::RuleViolation(_)),
        "{}",
        out.stdout
    );
    assert_eq!(summary(&stream).exit_code, 1);
    assert!(
        out.stderr.contains("::error file=crates/top/Cargo.toml"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_dry_run_names_each_planned_step_when_one_is_disabled() {
    let ws = workspace();
    write(ws.path(), "ratchet.toml", "[steps.fmt]\nenabled = false\n");
    let out = run(ws.path(), &["check", "--dry-run"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let names: Vec<&str> = out
        .stdout
        .lines()
        .filter_map(|l| l.split(':').next())
        .collect();
    assert_eq!(names, ["lint", "test", "doc"], "{}", out.stdout);
}
