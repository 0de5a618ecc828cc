//! ratchet's own test runner: the test binaries in parallel across the cores (each binary also
//! runs its tests on threads), slowest first by the durations ratchet-schedule keeps, each
//! process observed for what it reads.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

use ratchet_events::check::TestResult;

use ratchet_schedule::Durations;

use crate::RunError;
use crate::cargo::Executable;
use crate::outcome::ObservationStatus;
use crate::runner::{Progress, Runner};
use crate::test_binaries::{BinaryFailure, RunsTests, TestsRan};
use crate::test_process::TestProcesses;

/// The pool of test workers.
pub(crate) struct OwnPool;

impl RunsTests for OwnPool {
    fn run(
        &self,
        runner: &Runner<'_>,
        mut binaries: Vec<Executable>,
        test_args: &[String],
    ) -> Result<TestsRan, RunError> {
        Durations::load(&durations_file(runner)).longest_first(&mut binaries, duration_key);
        let pool = run_binaries(runner, &binaries, test_args)?;
        if !pool.durations.is_empty() {
            Durations::load(&durations_file(runner)).remember(pool.durations);
        }
        Ok(TestsRan {
            failures: pool.failures,
            commands: Vec::new(),
            runner_cpu_ms: pool.cpu_ms,
            reads: pool.reads,
            results: pool.results,
            observation: match pool.unobserved {
                Some(why) => ObservationStatus::Unavailable(why),
                None => ObservationStatus::Observed,
            },
        })
    }
}

/// What the pool of test workers did.
#[derive(Default)]
struct Pool {
    /// The binaries that failed.
    failures: Vec<BinaryFailure>,
    /// CPU time the workers themselves spent starting the binaries and reading their output.
    cpu_ms: u64,
    /// Each binary's wall time, in ms, by [`duration_key`].
    durations: Vec<(String, u64)>,
    /// What each package's binaries read at run time, under the workspace root (packages
    /// with a binary not observed are left out).
    reads: BTreeMap<String, BTreeSet<String>>,
    /// Why some binary's reads are not known, if one's are not.
    unobserved: Option<String>,
    /// Each test that ended, or did not in a binary killed for time.
    results: Vec<TestResult>,
}

/// Runs `binaries` on a pool of one worker more than the cores, in their order (longest
/// first, by the durations ratchet-schedule keeps).
fn run_binaries(
    runner: &Runner<'_>,
    binaries: &[Executable],
    test_args: &[String],
) -> Result<Pool, RunError> {
    let workers_cpu_us = AtomicU64::new(0);
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let durations = Mutex::new(Vec::new());
    let failures = Mutex::new(Vec::new());
    let reads = Mutex::new(BTreeMap::<String, BTreeSet<String>>::new());
    let unobserved = Mutex::new((BTreeSet::new(), None));
    let first_error = Mutex::new(None);
    let results = Mutex::new(Vec::new());
    let processes = TestProcesses::new(runner);
    // One more than the cores: while a worker waits for its binary to start or exit (or for
    // the pages of a binary the page cache lost), another keeps the core busy. Measured at
    // 1000 packages: 93-95% of the cores against 89-91% with one per core.
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get() + 1)
        .min(binaries.len().max(1));
    let running = crate::slow::Running::default();
    let (alive, ended) = std::sync::mpsc::channel::<()>();
    let limits = runner.config.test.limits();
    let list = |ix: usize| processes.list(runner, &binaries[ix], test_args);
    std::thread::scope(|scope| {
        scope.spawn(|| running.watch(runner, limits, ended, &list));
        for _ in 0..workers {
            let alive = alive.clone();
            scope.spawn(|| {
                let _alive = alive;
                let cpu_at_start = ratchet_process::thread_cpu_us();
                loop {
                    let ix = next.fetch_add(1, Ordering::SeqCst);
                    let Some(binary) = binaries.get(ix) else {
                        break;
                    };
                    if runner.cancel.is_cancelled() {
                        break;
                    }
                    let started = Instant::now();
                    let slot = binary.path.to_string();
                    let name = format!("test binary `{}` of `{}`", binary.target, binary.package);
                    let watch =
                        |process| running.start(slot.clone(), name.clone(), Some((process, ix)));
                    let ran = processes.run(runner, binary, test_args, &watch);
                    // Interrupted: what ran then is named in the summary.
                    if !runner.cancel.is_cancelled() {
                        running.end(&slot);
                    }
                    match ran {
                        Ok((failure, read, ended)) => {
                            lock(&failures).extend(failure);
                            lock(&results).extend(ended);
                            match read {
                                Ok(read) => lock(&reads)
                                    .entry(binary.package.clone())
                                    .or_default()
                                    .extend(read),
                                Err(why) => {
                                    let mut unobserved = lock(&unobserved);
                                    unobserved.0.insert(binary.package.clone());
                                    unobserved.1.get_or_insert(why);
                                }
                            }
                        }
                        Err(e) => {
                            lock(&first_error).get_or_insert(e);
                        }
                    }
                    let ms = started.elapsed().as_millis() as u64;
                    lock(&durations).push((duration_key(binary), ms));
                    let finished = done.fetch_add(1, Ordering::SeqCst) + 1;
                    (runner.progress)(Progress::TestBinaryDone {
                        package: &binary.package,
                        done: finished,
                        total: binaries.len(),
                    });
                }
                let spent = ratchet_process::thread_cpu_us().saturating_sub(cpu_at_start);
                workers_cpu_us.fetch_add(spent, Ordering::SeqCst);
            });
        }
        drop(alive);
    });
    if runner.cancel.is_cancelled() {
        (runner.progress)(Progress::Interrupted(&running.names()));
        return Err(RunError::Interrupted);
    }
    if let Some(error) = lock(&first_error).take() {
        return Err(error);
    }
    // Only a complete run's durations are kept: after Ctrl-C, a binary killed early would
    // look quick.
    let (unobserved_packages, unobserved) = std::mem::take(&mut *lock(&unobserved));
    let mut reads = std::mem::take(&mut *lock(&reads));
    // A package with a binary not observed has no complete answer: none.
    reads.retain(|package, _| !unobserved_packages.contains(package));
    Ok(Pool {
        failures: std::mem::take(&mut *lock(&failures)),
        cpu_ms: workers_cpu_us.load(Ordering::SeqCst) / 1000,
        durations: std::mem::take(&mut *lock(&durations)),
        reads,
        unobserved,
        results: std::mem::take(&mut *lock(&results)),
    })
}

/// Where the test binaries' last durations are kept (ratchet-schedule orders them by it).
fn durations_file(runner: &Runner<'_>) -> std::path::PathBuf {
    runner
        .workspace
        .state_dir()
        .join(ratchet_store::state::TEST_DURATIONS)
        .into_std_path_buf()
}

/// What names a test binary from one build to the next (its file name carries a hash that
/// changes with the profile and features).
fn duration_key(binary: &Executable) -> String {
    format!("{}/{}/{}", binary.package, binary.kind, binary.target)
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
