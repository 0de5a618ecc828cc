//! The build history that shard predictions smooth over: `check` adds each run's rustc calls
//! to it, `plan --shards` prices a call at the median of its samples, and a corrupt history is
//! a miss (the last record's figures), never a failure.

use ratchet_events::measure::{BuildCosts, CrateCost, PackageCost};

use crate::*;

fn call(crate_name: &str, kind: &str, cpu_ms: u64) -> CrateCost {
    CrateCost {
        crate_name: crate_name.into(),
        kind: kind.into(),
        cpu_ms,
        wall_ms: cpu_ms,
    }
}

/// The one shard's predicted time of `plan --shards 1`.
fn predicted(root: &std::path::Path) -> u64 {
    let run = ratchet(
        BIN,
        root,
        &["plan", "--shards", "1", "--message-format", "json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.json()["shards"][0]["predicted_ms"].as_u64().unwrap()
}

#[test]
fn plan_prices_each_call_at_the_median_of_its_recorded_runs() {
    let dir = workspace();
    let root = dir.path();
    let run = ratchet(BIN, root, &["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let history = std::fs::read_to_string(root.join("target/ratchet/build-history.json")).unwrap();
    let history: serde_json::Value = serde_json::from_str(&history).unwrap();
    let samples = history["packages"]["base"]["lib/base"].as_array().unwrap();
    assert_eq!(samples.len(), 1, "{history}");

    // The last record says 100 ms for each call; base's library ran 400 ms in most runs.
    let package = |calls: Vec<CrateCost>| PackageCost {
        cpu_ms: calls.iter().map(|c| c.cpu_ms).sum(),
        crates: calls,
        ..PackageCost::default()
    };
    let costs = BuildCosts {
        version: ratchet_events::measure::FILE_VERSION,
        recorded_at: 0,
        inner_loop_wall_ms: None,
        packages: [
            (
                "base",
                package(vec![call("base", "lib", 100), call("base", "test", 100)]),
            ),
            ("mid", package(vec![call("mid", "lib", 100)])),
            ("top", package(vec![call("top", "bin", 100)])),
        ]
        .into_iter()
        .map(|(name, cost)| (name.to_string(), cost))
        .collect(),
    };
    write(
        root,
        "target/ratchet/build-costs.json",
        &serde_json::to_string(&costs).unwrap(),
    );
    write(root, "target/ratchet/test-durations.json", "{}");
    let history = r#"{"version":1,"packages":{"base":{"lib/base":[400,90,400]}}}"#;
    write(root, "target/ratchet/build-history.json", history);
    // 80 ms a shard, 35 per package, and the calls: base 400 + 100, mid 100, top 100.
    assert_eq!(predicted(root), 80 + 3 * 35 + 700);

    write(
        root,
        "target/ratchet/build-history.json",
        r#"{"version":1,"packages":{"base":"#,
    );
    assert_eq!(
        predicted(root),
        80 + 3 * 35 + 400,
        "a corrupt history is the record"
    );
}
