//! The flag a newer change raises while a run is in progress, so that the run stops at once
//! instead of finishing work whose result is already stale.

use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Raised (once, for good) when the run it was handed to should stop. Cheap to clone; every
/// clone sees the same flag. A runner either polls [`CancelToken::is_cancelled`] or sleeps in
/// [`CancelToken::wait_timeout`], which wakes as soon as the token is raised.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<Flag>);

#[derive(Debug, Default)]
struct Flag {
    raised: Mutex<bool>,
    wake: Condvar,
}

impl CancelToken {
    /// A token that is not raised.
    pub fn new() -> CancelToken {
        CancelToken::default()
    }

    /// Raises the token and wakes every thread waiting on it.
    pub fn cancel(&self) {
        let mut raised = self.0.raised.lock().unwrap_or_else(PoisonError::into_inner);
        *raised = true;
        self.0.wake.notify_all();
    }

    /// Whether the token was raised.
    pub fn is_cancelled(&self) -> bool {
        *self.0.raised.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Sleeps until the token is raised or `timeout` passes; returns whether it was raised.
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut raised = self.0.raised.lock().unwrap_or_else(PoisonError::into_inner);
        while !*raised {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            raised = self
                .0
                .wake
                .wait_timeout(raised, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        *raised
    }
}
