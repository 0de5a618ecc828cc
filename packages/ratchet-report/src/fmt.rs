//! Small pieces every part of the page shares: HTML escaping, a measure's value as people read
//! it, and a run's label on the time axis (its commit and its UTC date). Imports no other file
//! of this package.

use ratchet_budget::Measure;
use ratchet_budget::units::{Amount, format_amount};
use ratchet_events::budget::BudgetSnapshot;

/// Line colours, one per series (cycled).
pub const COLORS: [&str; 6] = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
];

/// `text` safe inside HTML and SVG text and attributes.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A value of `measure` as a person reads it ("2500 lines", "1.5s").
pub fn value(measure: Measure, value: u64) -> String {
    format_amount(Amount {
        kind: measure.kind(),
        value,
    })
}

/// The first 7 characters of the run's commit, or `-` outside git.
pub fn short_commit(run: &BudgetSnapshot) -> String {
    run.commit
        .as_deref()
        .map_or("-".to_string(), |c| c.chars().take(7).collect())
}

/// `YYYY-MM-DD HH:MM` (UTC) of seconds since the Unix epoch.
pub fn date_time(secs: u64) -> String {
    let days = secs / 86_400;
    let (y, m, d) = civil(days);
    let minute = secs % 86_400 / 60;
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}", minute / 60, minute % 60)
}

/// Year, month and day of `days` since 1970-01-01 (proleptic Gregorian calendar), by the
/// well-known era arithmetic: 400-year eras of 146097 days, years starting in March.
fn civil(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_utc_calendar_dates() {
        assert_eq!(date_time(0), "1970-01-01 00:00");
        assert_eq!(date_time(951_782_400), "2000-02-29 00:00", "a leap day");
        assert_eq!(date_time(1_796_220_000), "2026-12-02 14:00");
    }
}
