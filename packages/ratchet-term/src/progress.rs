//! The one progress line of a terminal run: `[2/4] build 37/120 units 12s Compiling foo`, cut
//! to the terminal's width, never wrapped.

use std::time::Duration;

/// What the progress line shows.
#[derive(Debug, Clone, Default)]
pub struct ProgressLine<'a> {
    /// `[i/n] label (k packages)`: what is happening.
    pub label: &'a str,
    /// Units (or test binaries) done so far.
    pub done: usize,
    /// The expected total (the last run's count), when known.
    pub total: Option<usize>,
    /// What is counted: `units`, `test binaries`.
    pub counting: &'a str,
    /// Time since the step began.
    pub elapsed: Duration,
    /// The latest thing seen (`Compiling foo v0.1.0`).
    pub latest: &'a str,
}

impl ProgressLine<'_> {
    /// The label and the count: `[2/4] build [===       ] 37/120 units`.
    pub fn counts(&self) -> String {
        let count = match (self.done, self.total) {
            (0, _) => String::new(),
            (done, Some(total)) if total >= done => {
                format!(" {} {done}/{total} {}", bar(done, total), self.counting)
            }
            (done, _) => format!(" {done} {}", self.counting),
        };
        format!("{}{count}", self.label)
    }

    /// The line, at most `width` columns wide.
    pub fn render(&self, width: usize) -> String {
        let line = format!(
            "{} {}s {}",
            self.counts(),
            self.elapsed.as_secs(),
            self.latest
        );
        cut_to_width(line.trim_end(), width)
    }
}

/// A bar of ten cells.
fn bar(done: usize, total: usize) -> String {
    let filled = (done * 10).checked_div(total).unwrap_or(10).min(10);
    format!("[{}{}]", "=".repeat(filled), " ".repeat(10 - filled))
}

/// `text` cut to `width` characters (an ellipsis marks the cut); one line, never wrapped.
pub fn cut_to_width(text: &str, width: usize) -> String {
    let text = text.lines().next().unwrap_or_default();
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_shows_units_of_the_expected_total_and_fits_the_width() {
        let line = ProgressLine {
            label: "[2/4] build (3 packages)",
            done: 37,
            total: Some(120),
            counting: "units",
            elapsed: Duration::from_secs(12),
            latest: "Compiling foo v0.1.0",
        };
        insta::assert_snapshot!(line.render(200), @"[2/4] build (3 packages) [===       ] 37/120 units 12s Compiling foo v0.1.0");
        assert_eq!(line.render(30).chars().count(), 30);
        let more = ProgressLine {
            total: Some(10),
            ..line
        };
        assert!(
            more.render(200).contains(" 37 units "),
            "more than expected: no bar"
        );
    }
}
