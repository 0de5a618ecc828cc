//! What a person sees of a ratchet run: whether to colour (`--color`, `CARGO_TERM_COLOR`,
//! `NO_COLOR`), the styles of failures and summaries, the one-line progress text cut to the
//! terminal's width, and the summary line of `check`.
//!
//! Owns text and styles only, built from plain values and ratchet-events' types the caller
//! passes in (plus the small file of last unit counts that [`Meter`] is given).
//! Must not: run anything, read the workspace, or decide a verdict. Colour goes out as
//! anstyle codes through anstream, which strips them where colour is off: never hand-made
//! escape codes.

mod color;
mod failure;
mod help;
mod meter;
mod progress;
mod summary;
mod tally;
mod verbosity;

pub use clap_complete::Shell;
pub use color::{ColorWhen, init_color, paint, stderr_colored, stdout_colored, style};
pub use failure::failure_text;
pub use help::{completions, examples};
pub use meter::Meter;
pub use progress::{ProgressLine, cut_to_width};
pub use summary::{Counts, summary_line};
pub use tally::Tally;
pub use verbosity::Verbosity;
