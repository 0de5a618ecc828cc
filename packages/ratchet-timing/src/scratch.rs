//! The scratch area: CPU time of child processes, a calibration compile run on this machine in
//! this run, and rebuilds of a package's own crates in a scratch target directory.
//!
//! CPU time comes from `/proc/self/stat` (the user and system time of reaped children, which
//! includes cargo's rustc grandchildren). Where `/proc` is missing the wall time is used, and
//! docs/budgets.md says so.

use std::cell::Cell;
use std::process::Command;
use std::time::Instant;

use camino::{Utf8Path, Utf8PathBuf};

use crate::error::TimingError;
use crate::stats::{median, normalize, ratio};

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
fn timed(mut cmd: Command, what: &str) -> Result<u64, TimingError> {
    let cpu_before = children_cpu_ms();
    let started = Instant::now();
    let out = cmd.output().map_err(|e| TimingError::Measure {
        package: what.to_string(),
        message: format!("cannot run {:?}: {e}", cmd.get_program()),
    })?;
    let wall = started.elapsed().as_millis() as u64;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(TimingError::Measure {
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

/// A scratch area of its own (the budget gate keeps one under the state directory), so that the
/// rustc flags and wrappers it uses never disturb the user's own target directory.
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
    /// The scratch area `dir` (created on first use) for the packages of the workspace whose
    /// root manifest is `manifest`, once no other measurement holds it.
    pub fn open(dir: &Utf8Path, manifest: &Utf8Path) -> Result<Scratch, TimingError> {
        let lock = ratchet_store::Lock::acquire(dir.join("lock").as_std_path())?;
        Ok(Scratch {
            dir: dir.to_path_buf(),
            manifest: manifest.to_path_buf(),
            calibration_overhead: Cell::new(None),
            _lock: lock,
        })
    }

    /// CPU ms of one rebuild of the calibration crate, made exactly as a package is re-measured
    /// (same cargo, profile and flags), so both respond alike to the machine and its load.
    pub fn calibrate_once(&self) -> Result<u64, TimingError> {
        let manifest = self.calibration_manifest()?;
        let target = self.dir.join("calibration-target");
        let overhead = match self.calibration_overhead.get() {
            Some(overhead) => overhead,
            None => {
                // Its lock file is ours: one left corrupt (a crash, a full disk) would fail every
                // build from now on, so it is a miss, made again by cargo (no dependencies).
                let _ = std::fs::remove_file(self.dir.join("calibration/Cargo.lock"));
                let overhead = self.prepare_in(&manifest, &target, CALIBRATION)?;
                self.calibration_overhead.set(Some(overhead));
                overhead
            }
        };
        self.sample_in(&manifest, &target, CALIBRATION, overhead)
    }

    fn calibration_manifest(&self) -> Result<Utf8PathBuf, TimingError> {
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
    pub fn calibrate(&self, samples: u32) -> Result<(u64, Vec<u64>), TimingError> {
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
        let mut cmd = Command::new(ratchet_toolchain::cargo());
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
    ) -> Result<u64, TimingError> {
        timed(self.cargo(manifest, target, &["build"], package), package)?;
        timed(self.cargo(manifest, target, &["build"], package), package)
    }

    fn sample_in(
        &self,
        manifest: &Utf8Path,
        target: &Utf8Path,
        package: &str,
        overhead: u64,
    ) -> Result<u64, TimingError> {
        timed(self.cargo(manifest, target, &["clean"], package), package)?;
        let cpu = timed(self.cargo(manifest, target, &["build"], package), package)?;
        Ok(cpu.saturating_sub(overhead))
    }

    /// Builds `package` (and, the first time, its dependencies) so that samples measure only
    /// the package itself. Returns the CPU ms of a no-op build: cargo's own overhead.
    pub fn prepare(&self, package: &str) -> Result<u64, TimingError> {
        self.prepare_in(&self.manifest, &self.dir.join("target"), package)
    }

    /// CPU ms of one rebuild of `package`'s own crates, cargo's overhead `overhead` removed.
    pub fn sample(&self, package: &str, overhead: u64) -> Result<u64, TimingError> {
        self.sample_in(&self.manifest, &self.dir.join("target"), package, overhead)
    }

    /// `samples` rebuilds of `package`'s own crates, normalized to the machine whose
    /// calibration took `reference` ms. Each rebuild is preceded by a calibration build (none
    /// without a reference) and all samples share one ratio, from the median calibration.
    pub fn samples(
        &self,
        package: &str,
        samples: u32,
        reference: Option<u64>,
    ) -> Result<Vec<u64>, TimingError> {
        let overhead = self.prepare(package)?;
        let mut calibrations = Vec::new();
        let mut builds = Vec::new();
        for _ in 0..samples {
            if reference.is_some() {
                calibrations.push(self.calibrate_once()?);
            }
            builds.push(self.sample(package, overhead)?);
        }
        let ratio = ratio(reference, median(&calibrations));
        Ok(builds.into_iter().map(|b| normalize(b, ratio)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_corrupt_lock_file_of_the_calibration_crate_is_made_again() {
        let dir = tempfile::tempdir().unwrap();
        let dir = Utf8Path::from_path(dir.path()).unwrap();
        let lock = dir.join("calibration/Cargo.lock");
        std::fs::create_dir_all(lock.parent().unwrap()).unwrap();
        std::fs::write(&lock, "this is not a lock file [[[").unwrap();
        let scratch = Scratch::open(dir, &dir.join("Cargo.toml")).unwrap();
        scratch.calibrate_once().unwrap();
        let text = std::fs::read_to_string(&lock).unwrap();
        assert!(text.contains("ratchet-calibration"), "{text}");
    }
}
