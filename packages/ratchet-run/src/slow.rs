//! Test binaries named while they run long (`[steps.test] slow-after`, 60 s by default), as
//! nextest names slow tests: one notice per binary, while it still runs.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use crate::runner::{Progress, Runner};

/// The binaries running now, by path: their name, when they started, whether they were named.
#[derive(Default)]
pub(crate) struct Running {
    started: Mutex<BTreeMap<String, (String, Instant, bool)>>,
}

impl Running {
    /// Binary `name` started (`slot`: its path).
    pub(crate) fn start(&self, slot: String, name: String) {
        lock(&self.started).insert(slot, (name, Instant::now(), false));
    }

    /// The binary in `slot` ended.
    pub(crate) fn end(&self, slot: &str) {
        lock(&self.started).remove(slot);
    }

    /// Until every sender of `ended` is gone (the workers finished), names each binary once
    /// when it has run longer than `after`.
    pub(crate) fn watch(&self, runner: &Runner<'_>, after: Duration, ended: Receiver<()>) {
        let tick = (after / 4).clamp(Duration::from_millis(50), Duration::from_secs(1));
        while let Err(RecvTimeoutError::Timeout) = ended.recv_timeout(tick) {
            for (name, started, said) in lock(&self.started).values_mut() {
                let elapsed = started.elapsed();
                if elapsed >= after && !*said {
                    *said = true;
                    (runner.progress)(Progress::Slow {
                        name,
                        secs: elapsed.as_secs(),
                    });
                }
            }
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
