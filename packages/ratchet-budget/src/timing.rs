//! Robust build-time measurement: CPU time of child processes, a calibration compile run on
//! this machine in this run, and re-measurement of a package's own build in a scratch target
//! directory.
//!
//! CPU time comes from `/proc/self/stat` (the user and system time of reaped children, which
//! includes cargo's rustc grandchildren). Where `/proc` is missing the wall time is used, and
//! the gate says so in docs/budgets.md.

use std::process::Command;
use std::time::Instant;

use std::cell::Cell;

use camino::{Utf8Path, Utf8PathBuf};
use ratchet_graph::Workspace;

use crate::error::BudgetError;

/// The fixed program compiled to calibrate: enough generic code and derives to keep rustc busy
/// for a few hundred milliseconds, and nothing that depends on the machine or the workspace.
fn calibration_source() -> String {
    let mut src = String::from("#![allow(dead_code)]\nuse std::collections::BTreeMap;\n");
    for i in 0..25 {
        src.push_str(&format!(
            "#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]\n\
             pub struct S{i}<T> {{ a: T, b: Vec<T>, c: BTreeMap<u32, String> }}\n\
             impl<T: Clone + std::fmt::Debug + Ord> S{i}<T> {{\n\
                 pub fn run(&self, n: u32) -> String {{\n\
                     let mut v: Vec<T> = self.b.iter().cloned().collect();\n\
                     v.sort();\n\
                     let s: String = (0..n).map(|x| format!(\"{{x}}{{:?}}\", v.first())).collect();\n\
                     match n % 3 {{ 0 => s, 1 => s.to_uppercase(), _ => format!(\"{{:?}}\", self.c) }}\n\
                 }}\n\
             }}\n\
             pub fn use{i}() -> String {{ S{i}::<u64>::default().run({i}) + &S{i}::<String>::default().run(2) }}\n"
        ));
    }
    src
}

/// CPU milliseconds spent by reaped children of this process so far, or `None` without `/proc`.
fn children_cpu_ms() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start at `)`; cutime and cstime
    // are fields 16 and 17 of the whole line, in clock ticks of 1/100 s (USER_HZ).
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let cutime: u64 = fields.get(13)?.parse().ok()?;
    let cstime: u64 = fields.get(14)?.parse().ok()?;
    Some((cutime + cstime) * 10)
}

/// Runs `cmd` to completion and returns its CPU time in ms (wall time without `/proc`).
fn timed(mut cmd: Command, what: &str) -> Result<u64, BudgetError> {
    let cpu_before = children_cpu_ms();
    let started = Instant::now();
    let out = cmd.output().map_err(|e| BudgetError::Measure {
        package: what.to_string(),
        message: format!("cannot run {:?}: {e}", cmd.get_program()),
    })?;
    let wall = started.elapsed().as_millis() as u64;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(BudgetError::Measure {
            package: what.to_string(),
            message: stderr
                .trim_end()
                .lines()
                .last()
                .unwrap_or("failed")
                .to_string(),
        });
    }
    match (cpu_before, children_cpu_ms()) {
        (Some(before), Some(after)) => Ok(after.saturating_sub(before)),
        _ => Ok(wall),
    }
}

/// The median of `values` (the lower middle for an even count); 0 for none.
pub fn median(values: &[u64]) -> u64 {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    sorted
        .get(sorted.len().saturating_sub(1) / 2)
        .copied()
        .unwrap_or(0)
}

/// A scratch area under the state directory, used only by the gate, so that the rustc flags
/// and wrappers it uses never disturb the user's own target directory.
/// Holding one locks the area: a second gate's `cargo clean` between this one's clean and build
/// would turn a rebuild into a no-op and a measurement into nonsense.
pub struct Scratch {
    dir: Utf8PathBuf,
    manifest: Utf8PathBuf,
    calibration_overhead: Cell<Option<u64>>,
    _lock: ratchet_store::Lock,
}

/// The calibration crate's name and manifest. Its own `[workspace]` keeps cargo from taking it
/// for a member of the workspace whose target directory holds it.
const CALIBRATION: &str = "ratchet-calibration";
const CALIBRATION_MANIFEST: &str = "[package]\nname = \"ratchet-calibration\"\nversion = \"0.0.0\"\n\
     edition = \"2021\"\npublish = false\n\n[workspace]\n";

impl Scratch {
    /// The scratch area of `ws` (created on first use), once no other gate holds it.
    pub fn open(ws: &Workspace) -> Result<Scratch, BudgetError> {
        let dir = ws.state_dir().join("budget-scratch");
        let lock = ratchet_store::Lock::acquire(dir.join("lock").as_std_path())?;
        Ok(Scratch {
            dir,
            manifest: ws.root.join("Cargo.toml"),
            calibration_overhead: Cell::new(None),
            _lock: lock,
        })
    }

    /// CPU ms of one rebuild of the calibration crate, made exactly as a package is re-measured
    /// (same cargo, profile and flags), so both respond alike to the machine and its load.
    pub fn calibrate_once(&self) -> Result<u64, BudgetError> {
        let manifest = self.calibration_manifest()?;
        let target = self.dir.join("calibration-target");
        let overhead = match self.calibration_overhead.get() {
            Some(overhead) => overhead,
            None => {
                let overhead = self.prepare_in(&manifest, &target, CALIBRATION)?;
                self.calibration_overhead.set(Some(overhead));
                overhead
            }
        };
        self.sample_in(&manifest, &target, CALIBRATION, overhead)
    }

    fn calibration_manifest(&self) -> Result<Utf8PathBuf, BudgetError> {
        let dir = self.dir.join("calibration");
        let files = [
            (dir.join("Cargo.toml"), CALIBRATION_MANIFEST.to_string()),
            (dir.join("src/lib.rs"), calibration_source()),
        ];
        for (path, text) in files {
            if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                ratchet_store::write_atomic(path.as_std_path(), text.as_bytes())?;
            }
        }
        Ok(dir.join("Cargo.toml"))
    }

    /// Median CPU ms of `samples` calibration builds, and every sample.
    pub fn calibrate(&self, samples: u32) -> Result<(u64, Vec<u64>), BudgetError> {
        let all = (0..samples.max(1))
            .map(|_| self.calibrate_once())
            .collect::<Result<Vec<_>, _>>()?;
        Ok((median(&all), all))
    }

    fn cargo(
        &self,
        manifest: &Utf8Path,
        target: &Utf8Path,
        args: &[&str],
        package: &str,
    ) -> Command {
        let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        cmd.args(args)
            .args([
                "--quiet",
                "-p",
                package,
                "--manifest-path",
                manifest.as_str(),
            ])
            .args(["--target-dir", target.as_str()])
            // A wrapper such as sccache would return cached work instead of compiling.
            .env_remove("RUSTC_WRAPPER")
            .env_remove("RUSTC_WORKSPACE_WRAPPER")
            .env_remove("CARGO_BUILD_RUSTC_WRAPPER")
            .env_remove("CARGO_TARGET_DIR");
        cmd
    }

    fn prepare_in(
        &self,
        manifest: &Utf8Path,
        target: &Utf8Path,
        package: &str,
    ) -> Result<u64, BudgetError> {
        timed(self.cargo(manifest, target, &["build"], package), package)?;
        timed(self.cargo(manifest, target, &["build"], package), package)
    }

    fn sample_in(
        &self,
        manifest: &Utf8Path,
        target: &Utf8Path,
        package: &str,
        overhead: u64,
    ) -> Result<u64, BudgetError> {
        timed(self.cargo(manifest, target, &["clean"], package), package)?;
        let cpu = timed(self.cargo(manifest, target, &["build"], package), package)?;
        Ok(cpu.saturating_sub(overhead))
    }

    /// Builds `package` (and, the first time, its dependencies) so that samples measure only
    /// the package itself. Returns the CPU ms of a no-op build: cargo's own overhead.
    pub fn prepare(&self, package: &str) -> Result<u64, BudgetError> {
        self.prepare_in(&self.manifest, &self.dir.join("target"), package)
    }

    /// CPU ms of one rebuild of `package`'s own crates, cargo's overhead `overhead` removed.
    pub fn sample(&self, package: &str, overhead: u64) -> Result<u64, BudgetError> {
        self.sample_in(&self.manifest, &self.dir.join("target"), package, overhead)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_takes_the_middle() {
        assert_eq!(median(&[]), 0);
        assert_eq!(median(&[5]), 5);
        assert_eq!(median(&[9, 1, 5]), 5);
        assert_eq!(median(&[4, 1, 9, 5]), 4);
    }
}
