//! The page on generated histories: ceilings drawn, the table's order, commits on the time
//! axis, build times comparable from run to run, and nothing loaded from the network.

use ratchet_budget::Budget;
use ratchet_events::budget::{BudgetSnapshot, PackageMeasures};
use ratchet_events::measure::{BuildCosts, CrateCost, PackageCost};

use crate::{Page, Standing, comparable, html, rows};

const TOML: &str = r#"
[budget]
calibration = "1000ms"
total-build-cpu = "10s"
critical-path = "4s"

[budget.defaults]
lines = "100 lines"
build-cpu = "5s"

[budget.packages]
big = { lines = "400 lines" }
"#;

fn budget() -> Budget {
    Budget::parse(
        std::path::Path::new("ratchet.toml"),
        TOML,
        &["big", "small", "leaf"],
    )
    .unwrap()
}

fn figures(lines: u64, cpu: u64) -> PackageMeasures {
    PackageMeasures {
        lines,
        longest_file: lines / 2,
        source_bytes: lines * 30,
        artifact_bytes: Some(lines * 1000),
        build_cpu_ms: Some(cpu),
    }
}

/// One gate run at `commit`: `check` recorded `raw` ms for big, small and leaf (reference
/// calibration 1000 ms), normalized by this run's calibration `calibration`.
fn run(at: u64, commit: &str, lines: u64, raw: [u64; 3], calibration: u64) -> BudgetSnapshot {
    let norm = |ms: u64| (ms as f64 * 1000.0 / calibration as f64).round() as u64;
    let mut s = BudgetSnapshot {
        recorded_at: 1_796_220_000 + at * 3600,
        commit: Some(commit.to_string()),
        calibration_ms: Some(calibration),
        critical_path: vec!["leaf".to_string(), "big".to_string()],
        costs_recorded_at: Some(1_796_000_000),
        ..Default::default()
    };
    s.packages
        .insert("big".into(), figures(lines, norm(raw[0])));
    s.packages.insert("small".into(), figures(90, norm(raw[1])));
    s.packages.insert("leaf".into(), figures(20, norm(raw[2])));
    s.total_build_cpu_ms = Some(raw.iter().map(|r| norm(*r)).sum());
    s.critical_path_ms = Some(norm(raw[0]) + norm(raw[2]));
    s
}

/// Four gate runs of one commit, no package rebuilt, the calibration drifting up by half.
fn same_commit() -> Vec<BudgetSnapshot> {
    [800, 1000, 1000, 1250]
        .iter()
        .enumerate()
        .map(|(i, cal)| run(i as u64, "a1b2c3d4e5f6", 300, [4000, 1000, 600], *cal))
        .collect()
}

#[test]
fn repeated_runs_of_one_commit_are_flat_after_calibration() {
    let history = same_commit();
    let recorded: Vec<_> = history.iter().map(|s| s.total_build_cpu_ms).collect();
    assert_eq!(
        recorded,
        [Some(7000), Some(5600), Some(5600), Some(4480)],
        "the noise"
    );
    let runs = comparable(&history);
    for s in &runs {
        assert_eq!(
            s.total_build_cpu_ms,
            Some(5600),
            "median calibration 1000 ms: raw"
        );
        assert_eq!(s.critical_path_ms, Some(4600));
        assert_eq!(s.packages["big"].build_cpu_ms, Some(4000));
        assert_eq!(s.packages["big"].lines, 300, "sizes untouched");
    }
    let page = html(&Page {
        history: &history,
        budget: Some(&budget()),
        costs: None,
        tool: "cargo ratchet",
    });
    let chart = section(&page, "total-build-cpu");
    let ys: Vec<&str> = chart
        .match_indices("<circle cx=")
        .map(|(at, _)| chart[at..].split('"').nth(3).unwrap())
        .collect();
    assert_eq!(ys.len(), 4);
    assert!(ys.iter().all(|y| *y == ys[0]), "a flat line: {ys:?}");
}

#[test]
fn a_remeasured_package_keeps_its_own_figure() {
    let mut history = same_commit();
    history[0].remeasured = vec!["big".to_string()];
    history[0].packages.get_mut("big").unwrap().build_cpu_ms = Some(4100);
    let runs = comparable(&history);
    assert_eq!(runs[0].packages["big"].build_cpu_ms, Some(4100));
    assert_eq!(runs[0].packages["small"].build_cpu_ms, Some(1000));
    assert_eq!(runs[0].total_build_cpu_ms, Some(5700), "summed again");
}

/// The part of `page` from the heading of `id` to the next heading.
fn section<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page.find(&format!("<h2 id=\"{id}\">")).unwrap();
    let rest = &page[start + 4..];
    &rest[..rest.find("<h2").unwrap_or(rest.len())]
}

#[test]
fn every_measure_with_a_ceiling_draws_it_and_commits_label_the_time_axis() {
    let history = vec![
        run(0, "1111111aaaa", 150, [3000, 900, 500], 1000),
        run(1, "2222222bbbb", 390, [3500, 900, 500], 1000),
    ];
    let page = html(&Page {
        history: &history,
        budget: Some(&budget()),
        costs: None,
        tool: "cargo ratchet",
    });
    for id in ["total-build-cpu", "critical-path", "build-cpu"] {
        let chart = section(&page, id);
        assert!(
            chart.contains("stroke-dasharray=\"6 4\" class=\"ceiling\""),
            "{id}"
        );
    }
    let lines = section(&page, "lines");
    assert_eq!(
        lines.matches("class=\"ceiling\"/>").count(),
        2,
        "big's own 400 lines, and the default shared by two: {lines}"
    );
    assert!(lines.contains("ceiling 100 lines (shared by 2)"), "{lines}");
    assert!(lines.contains(">1111111</text>") && lines.contains(">2222222</text>"));
    assert!(lines.contains(">12-02 14:00</text>") && lines.contains(">12-02 15:00</text>"));
    assert!(!page.contains("<script"), "no scripts");
    let links = page.matches("http").count();
    assert_eq!(
        links,
        page.matches("xmlns=\"http://www.w3.org/2000/svg\"").count()
    );
}

#[test]
fn the_table_puts_the_measure_closest_to_its_ceiling_first() {
    let last = run(0, "abc", 390, [5600, 900, 500], 1000);
    let rows = rows(&last, Some(&budget()));
    let shown: Vec<String> = rows
        .iter()
        .take(5)
        .map(|r| {
            let who = r.package.as_deref().unwrap_or("(workspace)");
            format!("{who} {} {:?}", r.measure.key(), r.standing)
        })
        .collect();
    insta::assert_snapshot!(shown.join("\n"), @r"
    (workspace) critical-path Over
    big build-cpu Near
    big lines Near
    small lines Ok
    (workspace) total-build-cpu Ok
    ");
    let ratios: Vec<f64> = rows.iter().filter_map(|r| r.ratio()).collect();
    assert!(ratios.windows(2).all(|w| w[0] >= w[1]), "{ratios:?}");
    let unbounded = rows.iter().position(|r| r.standing == Standing::Unbounded);
    assert!(
        rows[unbounded.unwrap()..]
            .iter()
            .all(|r| r.ceiling.is_none())
    );
    let table = crate::table::table(&rows[..2]);
    insta::assert_snapshot!(table.lines().skip(3).collect::<Vec<_>>().join("\n"), @r#"
    <tr class="over"><td>(workspace)</td><td>critical-path</td><td>6.1s</td><td>4s</td><td>152%</td><td>over</td></tr>
    <tr class="near"><td>big</td><td>build-cpu</td><td>5.6s</td><td>5s</td><td>112%</td><td>near (within tolerance)</td></tr>
    </table>
    "#);
}

#[test]
fn breakdown_and_critical_path_give_a_time_per_package() {
    let history = vec![run(0, "abc", 300, [4000, 1000, 600], 1000)];
    let call = |kind: &str, cpu_ms: u64| CrateCost {
        crate_name: "big".into(),
        kind: kind.into(),
        cpu_ms,
        wall_ms: cpu_ms,
    };
    let mut costs = BuildCosts::default();
    costs.packages.insert(
        "big".into(),
        PackageCost {
            crates: vec![
                call("lib", 3000),
                call("build-script", 1000),
                call("test", 2000),
            ],
            ..Default::default()
        },
    );
    let page = html(&Page {
        history: &history,
        budget: Some(&budget()),
        costs: Some(&costs),
        tool: "cargo ratchet",
    });
    let breakdown = section(&page, "breakdown");
    assert!(
        breakdown.contains("<title>big library: 3s</title>"),
        "{breakdown}"
    );
    assert!(breakdown.contains("<title>big build script: 1s</title>"));
    assert!(breakdown.contains("<title>big test builds: 2s</title>"));
    assert!(
        breakdown.contains(">4s + 2s tests</text>"),
        "build CPU, then tests"
    );
    let path = section(&page, "critical-path-packages");
    assert!(
        path.contains("<td>1</td><td>leaf</td><td>600ms</td><td>600ms</td>"),
        "{path}"
    );
    assert!(
        path.contains("<td>2</td><td>big</td><td>4s</td><td>4.6s</td>"),
        "{path}"
    );
}

#[test]
fn an_empty_history_says_what_to_run() {
    let page = html(&Page {
        history: &[],
        budget: None,
        costs: None,
        tool: "cargo ratchet",
    });
    assert!(
        page.contains("run <code>cargo ratchet budget gate</code>"),
        "{page}"
    );
}
