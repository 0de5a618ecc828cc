//! The commands that write or remove files print one event of the protocol each with
//! `--message-format json`, and every command but `completions` takes the flag (and shows
//! examples under `--help`).

use ratchet_events::Event;
use ratchet_tests::write;

use crate::{events, run, workspace};

const JSON: [&str; 2] = ["--message-format", "json"];

/// The one event `args --message-format json` prints in `root` (exit 0).
fn one(root: &std::path::Path, args: &[&str]) -> Event {
    let out = run(root, &[args, &JSON].concat(), &[]);
    assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    match events(&out).as_slice() {
        [event] => event.clone(),
        other => panic!("{args:?}: not one event: {other:?}"),
    }
}

#[test]
fn budget_init_prints_the_section_it_wrote() {
    let ws = workspace();
    match one(ws.path(), &["budget", "init"]) {
        Event::BudgetInit(init) => {
            assert_eq!(init.file, "ratchet.toml");
            assert!(init.section.starts_with("[budget]"), "{}", init.section);
            assert!(!init.time_ceilings, "no check has recorded times yet");
            let written = std::fs::read_to_string(ws.path().join("ratchet.toml")).unwrap();
            assert!(written.contains(&init.section), "{written}");
        }
        other => panic!("not budget_init: {other:?}"),
    }
}

#[test]
fn budget_tighten_ends_with_a_summary_even_when_nothing_comes_down() {
    let ws = workspace();
    write(
        ws.path(),
        "ratchet.toml",
        "[budget.defaults]\nlines = \"1000 lines\"\n",
    );
    let out = run(
        ws.path(),
        &[&["budget", "tighten"][..], &JSON].concat(),
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    match events(&out).as_slice() {
        [.., Event::BudgetTightenSummary(s)] => {
            assert_eq!((s.lowered, s.dry_run), (events(&out).len() - 1, false));
        }
        other => panic!("no budget_tighten_summary last: {other:?}"),
    }
}

#[test]
fn rules_baseline_prints_what_it_accepted() {
    let ws = workspace();
    let swapped = "[rules.layers]\norder = [\"low\", \"high\"]\n\n[rules.layers.packages]\nlow = [\"top\"]\nhigh = [\"base\"]\n";
    write(ws.path(), "ratchet.toml", swapped);
    for args in [
        &["rules", "baseline"][..],
        &["rules", "--message-format", "json", "baseline"],
    ] {
        let args: Vec<&str> = args.iter().copied().filter(|a| !JSON.contains(a)).collect();
        match one(ws.path(), &args) {
            Event::RulesBaseline(b) => {
                assert_eq!(
                    (b.accepted, b.file.as_str()),
                    (1, "ratchet-rules-baseline.toml")
                );
            }
            other => panic!("not rules_baseline: {other:?}"),
        }
    }
}

#[test]
fn report_and_gc_say_what_they_wrote_and_removed() {
    let ws = workspace();
    match one(ws.path(), &["report", "--out", "page.html"]) {
        Event::ReportWritten(r) => {
            assert!(r.file.ends_with("page.html"), "{}", r.file);
            assert_eq!(r.runs, 0);
        }
        other => panic!("not report_written: {other:?}"),
    }
    match one(ws.path(), &["gc", "--max-size", "1GB", "--dry-run"]) {
        Event::Gc(gc) => assert_eq!(
            (gc.cap, gc.dry_run, gc.removed.len()),
            (Some(1_000_000_000), true, 0)
        ),
        other => panic!("not gc: {other:?}"),
    }
}

#[test]
fn every_command_but_completions_takes_message_format_and_shows_examples() {
    let dir = tempfile::tempdir().unwrap();
    let (mut missing, mut leaves) = (Vec::new(), 0);
    let mut todo = vec![Vec::<String>::new()];
    while let Some(path) = todo.pop() {
        let args: Vec<&str> = path.iter().map(String::as_str).chain(["--help"]).collect();
        let help = run(dir.path(), &args, &[]).stdout;
        let subcommands = subcommands(&help);
        leaves += usize::from(subcommands.is_empty());
        if path.len() == 1 && !help.contains("Examples:") {
            missing.push(format!("{} (no examples)", path[0]));
        }
        if subcommands.is_empty() && !help.contains("--message-format") {
            missing.push(path.join(" "));
        }
        for name in subcommands {
            if !matches!(name.as_str(), "help" | "completions") {
                todo.push(path.iter().cloned().chain([name]).collect());
            }
        }
    }
    assert!(missing.is_empty(), "no --message-format: {missing:?}");
    assert!(leaves >= 12, "only {leaves} commands found");
}

/// The names under `Commands:` in a `--help` text.
fn subcommands(help: &str) -> Vec<String> {
    let Some((_, rest)) = help.split_once("Commands:\n") else {
        return Vec::new();
    };
    rest.lines()
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.strip_prefix("  ")?.split_whitespace().next())
        .map(str::to_string)
        .collect()
}
