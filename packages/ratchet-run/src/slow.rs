//! Tests named while they run long (`[steps.test] slow-after`, 60 s by default), as nextest
//! names slow tests, and the pool's per-test timeout. A test binary of the pool stalls when no
//! test of it has finished for a while: libtest starts a test only when another finishes, so
//! then every test it has not finished has run at least that long (or not started). A stall of
//! `slow-after` names the binary and its tests not finished; a stall of `timeout` kills it.
//! Under nextest an entry is one test, from its `started` event to its result.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use ratchet_attribution::libtest;

use crate::runner::{Progress, Runner};

/// What runs now, by slot (a binary's path, or a nextest test's name).
#[derive(Default)]
pub(crate) struct Running {
    entries: Mutex<BTreeMap<String, Entry>>,
}

struct Entry {
    name: String,
    /// When it started or (a pool binary) last finished a test.
    progress: Instant,
    noticed: bool,
    process: Option<Process>,
}

/// A pool binary: its process, what it said so far, its index.
struct Process {
    handle: ratchet_process::Running,
    so_far: libtest::SoFar,
    binary: usize,
}

impl Running {
    /// `name` started in `slot` (`process`: a pool binary's, with its index).
    pub(crate) fn start(
        &self,
        slot: String,
        name: String,
        process: Option<(ratchet_process::Running, usize)>,
    ) {
        let process = process.map(|(handle, binary)| Process {
            handle,
            so_far: libtest::SoFar::default(),
            binary,
        });
        let entry = Entry {
            name,
            progress: Instant::now(),
            noticed: false,
            process,
        };
        lock(&self.entries).insert(slot, entry);
    }

    /// The one in `slot` ended.
    pub(crate) fn end(&self, slot: &str) {
        lock(&self.entries).remove(slot);
    }

    /// The slots of what runs now.
    pub(crate) fn slots(&self) -> Vec<String> {
        lock(&self.entries).keys().cloned().collect()
    }

    /// What runs now, named (for an interrupt): binaries with the tests known not finished.
    pub(crate) fn names(&self) -> Vec<String> {
        lock(&self.entries).values().map(Entry::describe).collect()
    }

    /// Until every sender of `ended` is gone (the workers finished): names what stalls for
    /// `slow`, once per stall, and kills a pool binary that stalls for `timeout`. `list` gives
    /// the tests of the binary at an index (`--list`).
    pub(crate) fn watch(
        &self,
        runner: &Runner<'_>,
        (slow, timeout): (Duration, Option<Duration>),
        ended: Receiver<()>,
        list: &(dyn Fn(usize) -> Vec<String> + Sync),
    ) {
        let shortest = timeout.map_or(slow, |t| t.min(slow));
        let tick = (shortest / 4).clamp(Duration::from_millis(50), Duration::from_secs(1));
        while let Err(RecvTimeoutError::Timeout) = ended.recv_timeout(tick) {
            for entry in lock(&self.entries).values_mut() {
                entry.read_output();
                let stalled = entry.progress.elapsed();
                if let (Some(limit), Some(p)) = (timeout, &entry.process)
                    && stalled >= limit
                {
                    p.handle.kill_for_time();
                }
                if stalled >= slow && !entry.noticed {
                    entry.noticed = true;
                    if let Some(p) = entry.process.as_mut() {
                        p.so_far.listed.get_or_insert_with(|| list(p.binary));
                    }
                    let name = entry.describe();
                    (runner.progress)(Progress::Slow {
                        name: &name,
                        secs: stalled.as_secs(),
                    });
                }
            }
        }
    }
}

impl Entry {
    /// Reads what a pool binary wrote since the last look: a finished test is progress.
    fn read_output(&mut self) {
        if let Some(p) = self.process.as_mut()
            && p.so_far.feed(&p.handle.output_from(p.so_far.read))
        {
            self.progress = Instant::now();
            self.noticed = false;
        }
    }

    /// Its name, with the tests libtest says run long and those known not to have finished.
    fn describe(&self) -> String {
        let known = self.process.as_ref().map(|p| p.so_far.describe());
        format!("{}{}", self.name, known.unwrap_or_default())
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
