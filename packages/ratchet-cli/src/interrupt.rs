//! The process's one Ctrl-C (and SIGTERM) handler for `check`, installed at the entry rather
//! than inside the command, so that no library sets process-wide state.

use ratchet_check::Cancel;

/// A cancellation handle that Ctrl-C and SIGTERM (from `watch`) raise: from then on the
/// running steps' process groups are stopped, and a signal before any child exists makes the
/// first spawn stop its child at once. When the handler cannot be installed (one is already
/// set in this process), says so and goes on: the run works, but Ctrl-C then ends ratchet
/// without stopping cargo first.
pub fn cancel_on_interrupt() -> Cancel {
    let cancel = Cancel::new();
    let raised = cancel.clone();
    if let Err(e) = ctrlc::set_handler(move || raised.cancel()) {
        eprintln!(
            "warning: cannot handle Ctrl-C ({e}); an interrupted check may leave cargo running"
        );
    }
    cancel
}
