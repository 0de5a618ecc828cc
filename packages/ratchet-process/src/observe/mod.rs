//! The observer of run-time reads: an `LD_PRELOAD` library (`interposer.c`, embedded here)
//! that logs the paths a process opens for reading (`open`, `open64`, `openat`, `openat64`,
//! `fopen`, `fopen64`), lists (`opendir`) or stats (`stat`, `lstat`, `stat64`, `lstat64`,
//! `fstatat`, `fstatat64`, `statx`, `access`, `faccessat`, `realpath`, `readlink`,
//! `readlinkat`), with relative paths
//! made absolute against the working directory (or the directory descriptor) of the call.
//! Rust's std reaches these on glibc: `File::open` calls `open64`, `read_dir` `opendir`,
//! `metadata` and `Path::exists` `statx` (looked up with `dlsym`, so interposable) or
//! `stat64`, `canonicalize` `realpath`.
//!
//! The library is compiled on first use with `cc -shared -fPIC -O2` into the state directory,
//! under a name that carries the source's hash; without `cc`, or on another OS, observation
//! is unavailable (a reason, never an error). A process that does not load the library (a
//! static or setuid binary) leaves no `+` line, and its log says so.
//!
//! A process tree where another program starts the test processes (`cargo nextest run`,
//! rustdoc running doc tests) is observed as a whole ([`ObservedRunner::observe_tree`]): each
//! test binary and each rustdoc picks its own log, the rest of the tree logs nothing.

mod reads;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};

pub use reads::{ObservedLog, Reads};

/// The variable naming the log file the library appends to; children inherit it.
pub const LOG_ENV: &str = "RATCHET_OBSERVE_LOG";

/// The variable naming the directory a tree observed as a whole logs to (see [`TreeLogs`]).
const DIR_ENV: &str = "RATCHET_OBSERVE_DIR";

/// The directory whose executables are the test binaries of such a tree.
const TESTS_ENV: &str = "RATCHET_OBSERVE_TESTS";

/// Set to `0` to run tests without the observer (for measuring its cost).
const SWITCH_ENV: &str = "RATCHET_OBSERVE";

const SOURCE: &str = include_str!("interposer.c");

/// A compiled observer library, ready to put on test processes.
#[derive(Debug, Clone)]
pub struct Observer {
    library: PathBuf,
    logs: PathBuf,
}

/// Numbers the logs of one ratchet process.
static NEXT_LOG: AtomicU64 = AtomicU64::new(0);

impl Observer {
    /// The observer library in `state_dir/observe/`, compiled now if this source was never
    /// compiled there; `Err` says why observation is unavailable.
    pub fn prepare(state_dir: &Path) -> Result<Observer, String> {
        if !cfg!(target_os = "linux") {
            return Err("the observer of reads works on Linux only".into());
        }
        if std::env::var_os(SWITCH_ENV).is_some_and(|v| v == "0") {
            return Err(format!("{SWITCH_ENV}=0"));
        }
        let dir = state_dir.join(ratchet_store::state::OBSERVE);
        let logs = dir.join("logs");
        std::fs::create_dir_all(&logs)
            .map_err(|e| format!("cannot create {}: {e}", logs.display()))?;
        let hash = blake3::hash(SOURCE.as_bytes()).to_hex();
        let library = dir.join(format!("reads-{}.so", &hash[..16]));
        // LD_PRELOAD separates its entries with spaces and colons.
        if library.to_string_lossy().contains([' ', ':']) {
            return Err(format!(
                "LD_PRELOAD cannot name {}, which holds a space or a colon",
                library.display()
            ));
        }
        if !library.is_file() {
            compile(&library)?;
        }
        Ok(Observer { library, logs })
    }

    /// A log file for one process tree, not yet created (one left by an earlier ratchet
    /// process of the same id is removed: its lines are not this tree's).
    pub fn new_log(&self) -> PathBuf {
        let n = NEXT_LOG.fetch_add(1, Ordering::SeqCst);
        let log = self.logs.join(format!("{}-{n}.log", std::process::id()));
        let _ = std::fs::remove_file(&log);
        log
    }

    /// Makes `command` (and every process it starts that keeps its environment) log its reads
    /// to `log`. An `LD_PRELOAD` the command inherits is kept, after ours.
    pub fn apply(&self, command: &mut Command, log: &Path) {
        let mut preload = self.library.as_os_str().to_os_string();
        if let Some(inherited) = std::env::var_os("LD_PRELOAD").filter(|v| !v.is_empty()) {
            preload.push(" ");
            preload.push(inherited);
        }
        command.env("LD_PRELOAD", preload).env(LOG_ENV, log);
    }
}

/// Which part of a tree observed as a whole a log belongs to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum TreePart {
    /// A test binary (by its file name) and what it started.
    Binary(String),
    /// The rustdoc cargo ran for a package's doc tests (by package name), the doc-test
    /// programs it compiled and ran, and what they started.
    Doc(String),
}

/// The logs of a process tree observed as a whole (`cargo nextest run`, `cargo test --doc`),
/// where one process starts the test processes: each test binary and each rustdoc that cargo
/// starts for a package picks its own log (see `interposer.c`); cargo, nextest and the
/// compilers log nothing.
#[derive(Debug)]
pub struct TreeLogs {
    dir: PathBuf,
}

impl TreeLogs {
    /// Every part's log, merged across its processes, removing the logs.
    pub fn read(self) -> std::collections::BTreeMap<TreePart, ObservedLog> {
        let mut out: std::collections::BTreeMap<TreePart, ObservedLog> = Default::default();
        let entries = std::fs::read_dir(&self.dir).into_iter().flatten();
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(part) = tree_part(&name) else {
                continue;
            };
            if let Some(log) = ObservedLog::read(&entry.path()) {
                let merged = out.entry(part).or_default();
                merged.processes += log.processes;
                merged.lost |= log.lost;
                merged.paths.extend(log.paths);
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
        out
    }
}

/// The part a log file name (`bin.NAME.PID.log`, `doc.PACKAGE.PID.log`) belongs to.
fn tree_part(file: &str) -> Option<TreePart> {
    let stem = file.strip_suffix(".log")?;
    let (rest, pid) = stem.rsplit_once('.')?;
    pid.parse::<u32>().ok()?;
    match rest.split_once('.')? {
        ("bin", name) => Some(TreePart::Binary(name.to_string())),
        ("doc", package) => Some(TreePart::Doc(package.to_string())),
        _ => None,
    }
}

/// Runs test processes under the observer when it is available, keeping the reads that count.
#[derive(Debug)]
pub struct ObservedRunner {
    observer: Result<Observer, String>,
    reads: Reads,
}

impl ObservedRunner {
    /// Observes with the library in `state_dir` (see [`Observer::prepare`]), keeping reads as
    /// `reads` says.
    pub fn new(state_dir: &Path, reads: Reads) -> ObservedRunner {
        let observer = Observer::prepare(state_dir);
        ObservedRunner { observer, reads }
    }

    /// Makes `command`'s tree log per test binary (executables in `tests_dir`, if any) and
    /// per rustdoc (see [`TreeLogs`]); `Err` says why it cannot be observed.
    pub fn observe_tree(
        &self,
        command: &mut Command,
        tests_dir: Option<&Path>,
    ) -> Result<TreeLogs, String> {
        let observer = self.observer.clone()?;
        let dir = observer.new_log().with_extension("tree");
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        observer.apply(command, Path::new(""));
        command.env_remove(LOG_ENV).env(DIR_ENV, &dir);
        if let Some(tests_dir) = tests_dir {
            let tests_dir = std::fs::canonicalize(tests_dir)
                .map_err(|e| format!("cannot resolve {}: {e}", tests_dir.display()))?;
            let mut prefix = tests_dir.into_os_string();
            prefix.push("/");
            command.env(TESTS_ENV, prefix);
        }
        Ok(TreeLogs { dir })
    }

    /// The reads of `log` that count, or why they are not known (`name` names the part).
    pub fn relevant(&self, log: &ObservedLog, name: &str) -> Result<BTreeSet<String>, String> {
        match log.complete() {
            true => Ok(self.reads.relevant(log)),
            false if log.processes > 0 => Err(format!("{name} read a path too long to log")),
            false => Err(format!("{name} did not load the observer")),
        }
    }

    /// Runs `command` to its exit ([`crate::run_to_exit_watched`] with `watch`); returns how
    /// it ended and what it read that counts, or why that is not known. `name` names it in
    /// that reason.
    pub fn run(
        &self,
        cancel: &crate::Cancel,
        mut command: Command,
        name: &str,
        watch: &dyn Fn(crate::Running),
    ) -> Result<(crate::Finished, Result<BTreeSet<String>, String>), crate::ProcessError> {
        let log = self.observer.clone().map(|observer| {
            let log = observer.new_log();
            observer.apply(&mut command, &log);
            log
        });
        let finished = crate::run_to_exit_watched(cancel, command, watch)?;
        let reads = log.and_then(|log| match ObservedLog::read(&log) {
            Some(observed) if observed.complete() => Ok(self.reads.relevant(&observed)),
            Some(observed) if observed.processes > 0 => {
                Err(format!("{name} read a path too long to log"))
            }
            _ => Err(format!(
                "{name} did not load the observer (a statically linked binary?)"
            )),
        });
        Ok((finished, reads))
    }
}

/// Compiles the library to `library`, through a temporary name and a rename, so that
/// concurrent runs never load a half-written file.
fn compile(library: &Path) -> Result<(), String> {
    // Names of this call's own: another run, or another step of this one (the test binaries
    // run beside the doc step), may be compiling too.
    static NEXT_BUILD: AtomicU64 = AtomicU64::new(0);
    let own = format!(
        "{}-{}",
        std::process::id(),
        NEXT_BUILD.fetch_add(1, Ordering::SeqCst)
    );
    let source = library.with_extension(format!("{own}.c"));
    std::fs::write(&source, SOURCE)
        .map_err(|e| format!("cannot write {}: {e}", source.display()))?;
    let partial = library.with_extension(format!("so.{own}.partial"));
    let output = Command::new("cc")
        .args(["-shared", "-fPIC", "-O2", "-o"])
        .arg(&partial)
        .arg(&source)
        .arg("-ldl")
        .output()
        .map_err(|e| format!("cannot run `cc` to build the observer: {e}"))?;
    let _ = std::fs::remove_file(&source);
    if !output.status.success() {
        let _ = std::fs::remove_file(&partial);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first = stderr.lines().next().unwrap_or("no message");
        return Err(format!("`cc` failed to build the observer: {first}"));
    }
    std::fs::rename(&partial, library)
        .map_err(|e| format!("cannot write {}: {e}", library.display()))
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_tree_log_is_named_after_its_binary_or_package() {
        let part = |name: &str| tree_part(name);
        assert_eq!(
            part("bin.app-1f2e.4242.log"),
            Some(TreePart::Binary("app-1f2e".into()))
        );
        assert_eq!(
            part("doc.my.pkg.7.log"),
            Some(TreePart::Doc("my.pkg".into()))
        );
        assert_eq!(part("doc.app.x.log"), None);
        assert_eq!(part("other.app.7.log"), None);
    }

    #[test]
    fn in_a_tree_only_test_binaries_log_and_their_children_with_them() {
        let state = tempfile::tempdir().unwrap();
        let Ok(observer) = Observer::prepare(state.path()) else {
            return; // no `cc` here: unavailable, which `prepare` said.
        };
        let work = tempfile::tempdir().unwrap();
        let root = work.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("deps")).unwrap();
        std::fs::copy("/bin/sh", root.join("deps/t-1")).unwrap();
        std::fs::write(root.join("x.txt"), "x").unwrap();
        std::fs::write(root.join("y.txt"), "y").unwrap();
        let runner = ObservedRunner {
            observer: Ok(observer),
            reads: Reads::new(&root, &[]),
        };
        // The outer shell is no test binary: its read of y.txt is not logged; the test
        // binary's child (cat) logs with it.
        let mut command = Command::new("sh");
        command
            .args([
                "-c",
                "cat y.txt >/dev/null; deps/t-1 -c 'cat x.txt >/dev/null'",
            ])
            .current_dir(&root);
        let logs = runner
            .observe_tree(&mut command, Some(&root.join("deps")))
            .unwrap();
        assert!(command.status().unwrap().success());
        let logs = logs.read();
        let log = &logs[&TreePart::Binary("t-1".into())];
        let reads = runner.relevant(log, "t-1").unwrap();
        assert!(reads.contains("x.txt"), "{reads:?}");
        assert!(!reads.contains("y.txt"), "{reads:?}");
        assert_eq!(logs.len(), 1, "{logs:?}");
    }

    #[test]
    fn reads_of_a_process_tree_are_logged_with_absolute_paths() {
        let state = tempfile::tempdir().unwrap();
        let Ok(observer) = Observer::prepare(state.path()) else {
            return; // no `cc` here: unavailable, which `prepare` said.
        };
        let work = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(work.path().join("data/sub")).unwrap();
        std::fs::write(work.path().join("data/x.txt"), "x").unwrap();
        let log = observer.new_log();
        let mut command = Command::new("sh");
        command
            .args([
                "-c",
                "cat data/sub/../x.txt >/dev/null; ls data >/dev/null; echo > written",
            ])
            .current_dir(work.path());
        observer.apply(&mut command, &log);
        assert!(command.status().unwrap().success());
        let observed = ObservedLog::read(&log).unwrap();
        assert!(observed.complete());
        let root = work.path().canonicalize().unwrap();
        let reads = Reads::new(&root, &[]).relevant(&observed);
        let reads: Vec<&str> = reads.iter().map(String::as_str).collect();
        assert!(reads.contains(&"data/x.txt"), "{reads:?}");
        assert!(reads.contains(&"data/"), "{reads:?}");
        assert!(!reads.contains(&"written"), "{reads:?}");
    }
}
