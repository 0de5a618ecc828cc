//! `check` for CI machines: `--partition K/N` runs only its shard, `plan --shards N` splits
//! the same selection, and a run under GitHub Actions annotates every failure (paths from the
//! repository's top), writes a JUnit file and appends a step summary.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use ratchet_events::check::CheckEvent;
use ratchet_events::measure::{BuildCosts, PackageCost};
use ratchet_fixture::{Spec, generate};
use ratchet_tests::Run;

use crate::*;

/// Records `times` (ms per package) as if earlier `check` runs had measured them.
fn record_times(root: &Path, times: &[(&str, u64)]) {
    let costs = BuildCosts {
        version: ratchet_events::measure::FILE_VERSION,
        recorded_at: 0,
        inner_loop_wall_ms: None,
        packages: times
            .iter()
            .map(|(name, ms)| {
                let cost = PackageCost {
                    cpu_ms: *ms,
                    ..PackageCost::default()
                };
                (name.to_string(), cost)
            })
            .collect(),
    };
    let text = serde_json::to_string(&costs).unwrap();
    write(root, "target/ratchet/build-costs.json", &text);
}

fn selection(events: &[CheckEvent]) -> BTreeSet<String> {
    match &events[0] {
        // `-v`: the plan lists the selection (it counts it otherwise).
        CheckEvent::Plan(plan) => plan.selection.iter().flatten().cloned().collect(),
        other => panic!("first event is not the plan: {other:?}"),
    }
}

fn plan_shards(root: &Path, extra: &[&str]) -> Vec<BTreeSet<String>> {
    let mut args = vec!["plan", "--message-format", "json"];
    args.extend_from_slice(extra);
    let doc = ratchet_tests::ratchet(BIN, root, &args).json();
    doc["shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let packages = s["packages"].as_array().unwrap();
            packages
                .iter()
                .map(|p| p.as_str().unwrap().to_string())
                .collect()
        })
        .collect()
}

/// The union of the shards is the unsharded selection, and no package is in two, for the
/// whole workspace and for `--since`; `check --partition K/N` selects exactly shard K.
#[test]
fn shards_cover_the_selection_once_and_partition_selects_one() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = generate(dir.path(), &Spec::small(9, 5)).unwrap();
    let root = dir.path();
    let names: Vec<&str> = fixture.packages.iter().map(|p| p.name.as_str()).collect();
    // One package recorded as slow: it has a shard to itself. One that no package depends
    // on: a shard holding a dependent would build it too, and these records do not say how
    // much of its time is its library.
    let times: Vec<(&str, u64)> = names.iter().map(|n| (*n, 100)).collect();
    let needed = |name: &str| {
        let by = |p: &ratchet_fixture::FixturePackage| p.deps.iter().any(|d| d.name == name);
        fixture.packages.iter().any(by)
    };
    let at = (0..names.len()).rev().find(|i| !needed(names[*i])).unwrap();
    let slow = names[at];
    let mut slow_times = times.clone();
    slow_times[at].1 = 5_000;
    record_times(root, &slow_times);
    let edit = fixture.inject_compile_error(names[0]).unwrap();
    for since in [None, Some("HEAD")] {
        let since_args: Vec<&str> = since.iter().flat_map(|r| ["--since", *r]).collect();
        let (_, whole) = json_check(root, &[&since_args[..], &["--dry-run", "-v"]].concat());
        let whole = selection(&whole);
        for count in [2usize, 3, 4] {
            let shards = plan_shards(
                root,
                &[&since_args[..], &["--shards", &count.to_string()]].concat(),
            );
            assert_eq!(shards.len(), count);
            let union: BTreeSet<String> = shards.iter().flatten().cloned().collect();
            assert_eq!(union, whole, "{since:?}, {count} shards");
            assert_eq!(
                shards.iter().map(BTreeSet::len).sum::<usize>(),
                whole.len(),
                "disjoint"
            );
            if since.is_none() {
                assert!(
                    shards.contains(&BTreeSet::from([slow.to_string()])),
                    "{shards:?}"
                );
            }
            for (k, shard) in shards.iter().enumerate() {
                let partition = format!("{}/{count}", k + 1);
                let args = [
                    &since_args[..],
                    &["--dry-run", "-v", "--partition", &partition],
                ]
                .concat();
                let (_, events) = json_check(root, &args);
                assert_eq!(&selection(&events), shard, "{since:?} {partition}");
            }
        }
    }
    edit.undo().unwrap();
    let bad = check(root, &["--partition", "3/2"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("expected K/N"), "{}", bad.stderr);
}

const MID_BADLY_FORMATTED: &str =
    "//! Mid.\n\n/// Adds two.\npub fn inc2(x: u32) -> u32 {   base::inc(base::inc(x)) }\n";

/// A workspace in `rust/` of a git repository, with `top` recorded as the slow package.
fn workspace_in_repo() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("rust");
    let generated = workspace();
    for entry in walkdir::WalkDir::new(generated.path()) {
        let entry = entry.unwrap();
        let relative = entry.path().strip_prefix(generated.path()).unwrap();
        if entry.file_type().is_file() {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            write(&ws, relative.to_str().unwrap(), &text);
        }
    }
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "-q"]);
    record_times(&ws, &[("top", 10_000), ("base", 10), ("mid", 10)]);
    (dir, ws)
}

fn github_check(ws: &Path, extra: &[&str], summary: &Path) -> Run {
    let out = Command::new(BIN)
        .args(["check", "--message-format", "json"])
        .args(extra)
        .current_dir(ws)
        .env_remove("CARGO_TARGET_DIR")
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", summary)
        .output()
        .unwrap();
    Run::from_output(out)
}

/// (classname, name, outcome) of every test case: `passed`, `failure`, or the skip message.
fn junit_cases(path: &Path) -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    doc.descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .map(|n| {
            let outcome = match n.children().find(|c| c.is_element()) {
                Some(c) if c.has_tag_name("skipped") => c.attribute("message").unwrap().to_string(),
                Some(c) => c.tag_name().name().to_string(),
                None => "passed".to_string(),
            };
            let attribute = |a: &str| n.attribute(a).unwrap().to_string();
            (attribute("classname"), attribute("name"), outcome)
        })
        .collect()
}

fn case(class: &str, name: &str, outcome: &str) -> (String, String, String) {
    (class.to_string(), name.to_string(), outcome.to_string())
}

#[test]
fn a_shard_under_github_actions_annotates_every_failure_and_reports_junit() {
    let (dir, ws) = workspace_in_repo();
    let summary = dir.path().join("summary.md");
    let junit = dir.path().join("reports/junit.xml");
    let junit_arg = junit.to_str().unwrap();
    let test_ok = "assert_eq!(super::inc(2), 3);";
    write(
        &ws,
        "crates/base/src/lib.rs",
        &BASE_LIB.replace(test_ok, "assert_eq!(super::inc(2), 4);"),
    );
    write(&ws, "crates/mid/src/lib.rs", MID_BADLY_FORMATTED);

    // `top` is recorded as slow: shard 1 of 2 is `top` alone, shard 2 is `base` and `mid`.
    let run = github_check(
        &ws,
        &["-v", "--partition", "2/2", "--junit", junit_arg],
        &summary,
    );
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let events = events(&run);
    assert_eq!(
        selection(&events),
        BTreeSet::from(["base".into(), "mid".into()])
    );
    for (step, packages) in steps_started(&events) {
        assert!(!packages.contains(&"top".to_string()), "{step} ran top");
    }
    let annotations: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("::error"))
        .collect();
    let test = annotations
        .iter()
        .find(|a| a.contains("title=test failed in `base` (base)%3A tests%3A%3Ainc_works"))
        .unwrap_or_else(|| panic!("{annotations:#?}"));
    assert!(
        test.starts_with("::error file=rust/crates/base/src/lib.rs,line="),
        "{test}"
    );
    assert!(test.contains(",col="), "{test}");
    let fmt = annotations
        .iter()
        .find(|a| a.contains("title=fmt failed in `mid`"))
        .unwrap_or_else(|| panic!("{annotations:#?}"));
    assert!(
        fmt.starts_with("::error file=rust/crates/mid/src/lib.rs,line=1,"),
        "{fmt}"
    );
    assert!(!run.stdout.contains("::error"), "stdout stays NDJSON");

    let cases = junit_cases(&junit);
    assert!(
        cases.contains(&case("base::base", "tests::inc_works", "failure")),
        "{cases:#?}"
    );
    assert!(cases.contains(&case("fmt", "mid", "failure")), "{cases:#?}");
    assert!(cases.contains(&case("fmt", "base", "passed")), "{cases:#?}");
    assert!(!cases.iter().any(|c| c.1 == "top"), "{cases:#?}");
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        text.contains("### ratchet check: FAILED (exit 1)"),
        "{text}"
    );
    assert!(text.contains("reproduce: cargo fmt"), "{text}");

    // Fixed: what reran passes; then a run with nothing to do says every case was cached,
    // never repeating the old file's results.
    write(&ws, "crates/base/src/lib.rs", BASE_LIB);
    write(&ws, "crates/mid/src/lib.rs", MID_LIB);
    let run = check(&ws, &["--partition", "2/2", "--junit", junit_arg]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let cases = junit_cases(&junit);
    assert!(cases.contains(&case("fmt", "mid", "passed")), "{cases:#?}");
    assert!(!cases.iter().any(|c| c.2 == "failure"), "{cases:#?}");
    let run = check(&ws, &["--partition", "2/2", "--junit", junit_arg]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let cases = junit_cases(&junit);
    assert!(
        cases.contains(&case("test", "base", "cached pass")),
        "{cases:#?}"
    );
    assert!(cases.iter().all(|c| c.2 == "cached pass"), "{cases:#?}");
}

/// Rules findings are annotated from the repository's top too, before anything compiles.
#[test]
fn rule_annotations_name_files_from_the_repository_top() {
    let (dir, ws) = workspace_in_repo();
    write(&ws, "ratchet.toml", "[rules.fan-out]\nmax = 0\n");
    let run = github_check(&ws, &[], &dir.path().join("summary.md"));
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("::error file=rust/crates/mid/Cargo.toml"),
        "{}",
        run.stderr
    );
}
