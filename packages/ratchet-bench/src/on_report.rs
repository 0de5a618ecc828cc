//! The Markdown that `bench --on` prints: per scenario, each command's median, min and max,
//! the ratio of ratchet to each cargo command taken round by round (the rounds alternate, so
//! a ratio compares samples taken under the same load), ratchet's time per step, and disk.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use super::on_subjects::Subjects;

/// One timed command: wall time, exit code (-1 when killed by a signal), and for ratchet
/// each step's figures from its `step_finished` events.
pub struct Sample {
    pub wall: Duration,
    pub exit: i32,
    pub steps: Vec<StepFigures>,
}

/// What one `step_finished` event says.
#[derive(Debug, Clone)]
pub struct StepFigures {
    step: String,
    wall_ms: u64,
    units_built: u64,
    units_fresh: u64,
    /// The test step: wall time of running the binaries, after cargo built them.
    run_ms: Option<u64>,
}

impl StepFigures {
    /// The `step_finished` events of a `check --message-format json` stream (a step that ran
    /// as several cargo runs, one per feature group, has one event per run).
    pub fn from_events(stdout: &str) -> Vec<StepFigures> {
        stdout
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter(|e| e["event"] == "step_finished")
            .map(|e| StepFigures {
                step: e["step"].as_str().unwrap_or_default().to_string(),
                wall_ms: e["wall_ms"].as_u64().unwrap_or(0),
                units_built: e["units_built"].as_u64().unwrap_or(0),
                units_fresh: e["units_fresh"].as_u64().unwrap_or(0),
                run_ms: e["test_run"]["wall_ms"].as_u64(),
            })
            .collect()
    }
}

/// A scenario (what was edited), its commands (ratchet's first) and its timed rounds:
/// `rounds[i][j]` is command `j` in round `i`.
pub struct ScenarioResult {
    pub label: String,
    pub commands: Vec<String>,
    pub rounds: Vec<Vec<Sample>>,
}

/// Bytes on disk after the last scenario: `target/ratchet` (state and build directory) and
/// `target/` without it (what cargo's own commands left), each with its incremental data.
pub struct Disk {
    pub ratchet: u64,
    pub ratchet_incremental: u64,
    pub cargo: u64,
    pub cargo_incremental: u64,
}

fn gb(bytes: u64) -> String {
    format!("{:.2} GB", bytes as f64 / 1e9)
}

/// The table of one scenario (or of each of several).
pub fn scenario<'a>(results: impl Iterator<Item = &'a ScenarioResult>) -> String {
    let mut out = String::new();
    for result in results {
        let _ = writeln!(
            out,
            "**{}** ({} alternated rounds)\n\n\
             | command | median | min | max | exit codes | ratchet's time / this one's (median of the rounds) |\n\
             |---|---:|---:|---:|---|---:|",
            result.label,
            result.rounds.len()
        );
        for (j, command) in result.commands.iter().enumerate() {
            let walls: Vec<Duration> = result.rounds.iter().map(|r| r[j].wall).collect();
            let mut exits: Vec<i32> = result.rounds.iter().map(|r| r[j].exit).collect();
            exits.dedup();
            let ratios: Vec<f64> = result
                .rounds
                .iter()
                .map(|r| r[0].wall.as_secs_f64() / r[j].wall.as_secs_f64().max(1e-9))
                .collect();
            let show = |d: Option<Duration>| d.map_or_else(String::new, seconds);
            let ratio = match (j, median(&ratios)) {
                (0, _) | (_, None) => String::new(),
                (_, Some(r)) => format!("{r:.2}x"),
            };
            let _ = writeln!(
                out,
                "| `{command}` | {} | {} | {} | {exits:?} | {ratio} |",
                show(median(&walls)),
                show(walls.iter().min().copied()),
                show(walls.iter().max().copied()),
            );
        }
        let _ = writeln!(out, "\n{}\n", steps(result));
    }
    out
}

/// ratchet's steps, median over the rounds.
fn steps(result: &ScenarioResult) -> String {
    let mut names: Vec<String> = Vec::new();
    for s in result.rounds.iter().flat_map(|r| &r[0].steps) {
        if !names.contains(&s.step) {
            names.push(s.step.clone());
        }
    }
    if names.is_empty() {
        return "ratchet ran no step (everything cached).".to_string();
    }
    let parts: Vec<String> = names
        .iter()
        .map(|name| {
            let of = |f: fn(&StepFigures) -> Option<u64>| -> Option<u64> {
                let values: Vec<u64> = result
                    .rounds
                    .iter()
                    // A step's runs (feature groups) summed, per round.
                    .filter_map(|r| {
                        let runs = r[0].steps.iter().filter(|s| &s.step == name);
                        runs.filter_map(f).reduce(|a, b| a + b)
                    })
                    .collect();
                median(&values)
            };
            let wall = of(|s| Some(s.wall_ms)).unwrap_or(0);
            let built = of(|s| Some(s.units_built)).unwrap_or(0);
            let fresh = of(|s| Some(s.units_fresh)).unwrap_or(0);
            let runs = of(|_| Some(1)).unwrap_or(0);
            let run = of(|s| s.run_ms)
                .map(|ms| format!(", of which running the test binaries {ms} ms"))
                .unwrap_or_default();
            format!("{name} {wall} ms in {runs} run(s) ({built} units built, {fresh} fresh{run})")
        })
        .collect();
    format!("ratchet's steps (medians): {}.", parts.join("; "))
}

/// The whole report.
pub fn document(
    dir: &Path,
    commit: &str,
    subjects: &Subjects,
    toolchain: Option<&str>,
    results: &[ScenarioResult],
    disk: &Disk,
) -> String {
    let mut out = String::new();
    let name = dir.file_name().map_or_else(
        || dir.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let toolchain = toolchain.map_or_else(
        || "its own (rust-toolchain file or default)".to_string(),
        |t| format!("`RUSTUP_TOOLCHAIN={t}`"),
    );
    let _ = writeln!(
        out,
        "### `{name}` at {commit}\n\n\
         {} members; toolchain {toolchain}; {}.\n\
         Leaf: `{}` ({}). Root: `{}` ({} members depend on it, directly or not).\n",
        subjects.members,
        super::setup::machine(),
        subjects.leaf.name,
        subjects.leaf.file.display(),
        subjects.root.name,
        subjects.root.dependents,
    );
    out.push_str(&scenario(results.iter()));
    let _ = writeln!(
        out,
        "Disk after the runs: `target/ratchet` {} (incremental {}); cargo's `target/` without \
         it {} (incremental {}): {:.2}x.",
        gb(disk.ratchet),
        gb(disk.ratchet_incremental),
        gb(disk.cargo),
        gb(disk.cargo_incremental),
        disk.ratchet as f64 / (disk.cargo.max(1)) as f64
    );
    out
}

/// The median of `values` (the lower middle one for an even count).
pub fn median<T: Copy + PartialOrd>(values: &[T]) -> Option<T> {
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    sorted.get(sorted.len().checked_sub(1)? / 2).copied()
}

/// Seconds, for the table.
pub fn seconds(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

#[cfg(test)]
#[test]
fn a_step_of_several_cargo_runs_is_summed() {
    let event =
        |ms| format!(r#"{{"event":"step_finished","step":"lint","wall_ms":{ms},"units_built":2}}"#);
    let figures = StepFigures::from_events(&format!("{}\n{}\n", event(10), event(5)));
    let sample = Sample {
        wall: Duration::ZERO,
        exit: 0,
        steps: figures,
    };
    let (label, commands, rounds) = (String::new(), Vec::new(), vec![vec![sample]]);
    let line = steps(&ScenarioResult {
        label,
        commands,
        rounds,
    });
    assert!(
        line.contains("lint 15 ms in 2 run(s) (4 units built"),
        "{line}"
    );
}
