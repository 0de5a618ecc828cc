//! The engine's only source of time: a run's wall time and the seed of `--verify`'s sample.
//! A trait, so that unit tests fix both.

use std::time::Duration;

/// The time now, as a duration since the Unix epoch.
pub trait Clock: Sync {
    /// Now.
    fn now(&self) -> Duration;

    /// Milliseconds from `start` (an earlier [`Clock::now`]) to now.
    fn ms_since(&self, start: Duration) -> u64 {
        self.now().saturating_sub(start).as_millis() as u64
    }
}

/// The system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
    }
}
