//! Running a row: one untimed warm-up (unless the row opts out), then N samples, each after
//! the row's `prepare`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::rows::{Metric, Row};
use super::{cpu, watch};

/// The outcome of one row.
#[derive(Debug)]
pub enum Outcome {
    /// Samples, sorted ascending.
    Measured(Vec<Duration>),
    /// Shares of the cores (1.0 = all of them busy), sorted ascending.
    CpuUse(Vec<f64>),
    /// Ratios (1.0 = as good as can be), sorted ascending.
    Ratio(Vec<f64>),
    /// Not measured, with the reason (command not built yet, or failed).
    Skipped(String),
}

impl Outcome {
    /// The median sample (the lower middle one for an even count).
    pub fn median<T: Copy>(samples: &[T]) -> T {
        samples[(samples.len() - 1) / 2]
    }

    /// The median wall time, when the row measured time.
    pub fn median_time(&self) -> Option<Duration> {
        match self {
            Outcome::Measured(samples) => Some(Outcome::median(samples)),
            _ => None,
        }
    }
}

/// `ratios` as an outcome: sorted, as [`Outcome::median`] and the table's minimum expect.
fn ratios_outcome(mut ratios: Vec<f64>) -> Outcome {
    ratios.sort_by(f64::total_cmp);
    Outcome::Ratio(ratios)
}

/// Where and how commands run.
pub struct Context<'a> {
    /// The fixture's root: every command's working directory.
    pub dir: &'a Path,
    /// The release ratchet binary, exported as `$RATCHET`.
    pub ratchet: &'a Path,
    /// Prepended to `PATH` so `cargo ratchet` finds the release `cargo-ratchet`.
    pub bin_dir: &'a Path,
    /// More variables for the scripts (`LEAF_NAME`, `LEAF_LIB`, `ROOT_NAME`, `ROOT_LIB`).
    pub vars: Vec<(&'static str, String)>,
    /// Each generated package's `lib.rs`, relative to `dir`, by package name.
    pub libs: Vec<(String, std::path::PathBuf)>,
}

impl Context<'_> {
    /// `sh -c script` in the workspace, with the bench's variables and `PATH`, and without
    /// the variables of the cargo that runs the bench.
    pub fn shell(&self, script: &str) -> Command {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let mut dirs = vec![self.bin_dir.to_path_buf()];
        dirs.extend(std::env::split_paths(&path));
        let mut command = Command::new("sh");
        command
            .args(["-c", script])
            .current_dir(self.dir)
            .env("RATCHET", self.ratchet)
            .envs(self.vars.iter().map(|(k, v)| (k, v)))
            .env("PATH", std::env::join_paths(dirs).unwrap_or(path))
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        // We run under `cargo run`: its variables would leak into the cargo we measure.
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy();
            if key.starts_with("CARGO") && key != "CARGO_HOME" {
                command.env_remove(&*key);
            }
        }
        command.env_remove("RUSTC_WRAPPER");
        command
    }

    /// Runs `script` once; its duration, or the first line of stderr when it fails.
    fn time(&self, script: &str) -> Result<Duration, String> {
        let start = Instant::now();
        let out = self
            .shell(script)
            .stderr(Stdio::piped())
            .output()
            .map_err(|e| format!("cannot run sh: {e}"))?;
        let elapsed = start.elapsed();
        if out.status.success() {
            return Ok(elapsed);
        }
        let stderr = String::from_utf8_lossy(&out.stderr);
        let first = stderr
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no message");
        Err(first.trim().to_string())
    }

    /// Measures `row`: warm-up, then `runs` samples, then its `finish`.
    pub fn measure(&self, row: &Row, runs: usize) -> Outcome {
        let runs = row.max_runs.map_or(runs, |max| max.min(runs));
        let outcome = match row.metric {
            Metric::Wall => self.samples(row, runs),
            Metric::TestStepCpu | Metric::CommandCpu => self.cpu_samples(row, runs),
            Metric::WatchLeaf => self.watch_samples(row, runs),
            Metric::ShardBalance(count) => self.shard_samples(count, runs),
        };
        if let Some(finish) = row.finish
            && let Err(e) = self.time(finish)
        {
            return Outcome::Skipped(format!("finish failed: {e}"));
        }
        outcome
    }

    /// `runs` balances of `count` shards (at least one), each after its own full check and
    /// split: one run is at the mercy of a change in the machine's speed while it lasts.
    fn shard_samples(&self, count: usize, runs: usize) -> Outcome {
        let fixture = ratchet_bench_shards::Fixture {
            dir: self.dir,
            libs: &self.libs,
            shell: &|script| self.shell(script),
        };
        let mut ratios = Vec::with_capacity(runs);
        for _ in 0..runs.max(1) {
            match ratchet_bench_shards::balance(&fixture, count) {
                Ok(ratio) => ratios.push(ratio),
                Err(e) => return Outcome::Skipped(format!("failed: {e}")),
            }
        }
        ratios_outcome(ratios)
    }

    fn samples(&self, row: &Row, runs: usize) -> Outcome {
        let mut samples = Vec::with_capacity(runs);
        let first = usize::from(!row.warm_up);
        for i in first..=runs {
            if let Some(prepare) = row.prepare
                && let Err(e) = self.time(prepare)
            {
                return Outcome::Skipped(format!("prepare failed: {e}"));
            }
            match self.time(row.command) {
                Ok(_) if i == 0 => {}
                Ok(elapsed) => samples.push(elapsed),
                Err(e) if e.contains("not built yet") || e.contains("no such command") => {
                    return Outcome::Skipped(format!("skipped: {e}"));
                }
                Err(e) => return Outcome::Skipped(format!("failed: {e}")),
            }
        }
        samples.sort();
        Outcome::Measured(samples)
    }

    fn cpu_samples(&self, row: &Row, runs: usize) -> Outcome {
        let mut samples = Vec::with_capacity(runs);
        for _ in 0..runs {
            if let Some(prepare) = row.prepare
                && let Err(e) = self.time(prepare)
            {
                return Outcome::Skipped(format!("prepare failed: {e}"));
            }
            let share = match row.metric {
                Metric::CommandCpu => cpu::command_cpu_use(self.shell(row.command)),
                _ => cpu::step_cpu_use(self.shell(row.command), ratchet_events::check::Step::Test),
            };
            match share {
                Ok(share) => samples.push(share),
                Err(e) => return Outcome::Skipped(format!("failed: {e}")),
            }
        }
        samples.sort_by(f64::total_cmp);
        Outcome::CpuUse(samples)
    }

    fn watch_samples(&self, row: &Row, runs: usize) -> Outcome {
        let Some((_, leaf)) = self.vars.iter().find(|(k, _)| *k == "LEAF_LIB") else {
            return Outcome::Skipped("no LEAF_LIB".to_string());
        };
        // The variable is relative to the fixture, which is not this process's directory.
        let file = self.dir.join(leaf);
        match watch::save_to_verdict(self.shell(row.command), &file, runs) {
            Ok(samples) => Outcome::Measured(samples),
            Err(e) if e.contains("not built yet") => Outcome::Skipped(format!("skipped: {e}")),
            Err(e) => Outcome::Skipped(format!("failed: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_are_sorted_so_that_the_median_is_the_middle_one() {
        // Shard rows arrive in run order: 1.08x, 1.02x, 1.10x has the median 1.08x.
        let outcome = ratios_outcome(vec![1.08, 1.02, 1.10]);
        let Outcome::Ratio(sorted) = outcome else {
            panic!("a ratio outcome");
        };
        assert_eq!(sorted, [1.02, 1.08, 1.10]);
        assert_eq!(Outcome::median(&sorted), 1.08);
    }
}
