//! `--color auto|always|never`, as cargo reads it: the flag, else `CARGO_TERM_COLOR`, else
//! auto (a terminal, unless `NO_COLOR` is set or `CLICOLOR_FORCE` forces it, as anstream
//! decides).

use anstream::ColorChoice;
use anstyle::Style;

/// When to colour the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorWhen {
    /// On a terminal, unless `NO_COLOR` is set.
    Auto,
    /// Always, even into a pipe.
    Always,
    /// Never.
    Never,
}

impl ColorWhen {
    fn parse(text: &str) -> Option<ColorWhen> {
        match text.trim() {
            "auto" => Some(ColorWhen::Auto),
            "always" => Some(ColorWhen::Always),
            "never" => Some(ColorWhen::Never),
            _ => None,
        }
    }
}

/// Sets the process-wide choice from the flag, else `CARGO_TERM_COLOR` (cargo's variable; an
/// unknown value there is ignored, as auto). Returns what was chosen.
pub fn init_color(flag: Option<ColorWhen>) -> ColorWhen {
    let from_env = || {
        std::env::var("CARGO_TERM_COLOR")
            .ok()
            .and_then(|v| ColorWhen::parse(&v))
    };
    let when = flag.or_else(from_env).unwrap_or(ColorWhen::Auto);
    let choice = match when {
        ColorWhen::Auto => ColorChoice::Auto,
        ColorWhen::Always => ColorChoice::Always,
        ColorWhen::Never => ColorChoice::Never,
    };
    choice.write_global();
    when
}

/// Whether text written through `anstream::stdout()` keeps its colour.
pub fn stdout_colored() -> bool {
    colored(&std::io::stdout())
}

/// Whether text written through `anstream::stderr()` keeps its colour.
pub fn stderr_colored() -> bool {
    colored(&std::io::stderr())
}

fn colored<S: anstream::stream::RawStream>(stream: &S) -> bool {
    !matches!(anstream::AutoStream::choice(stream), ColorChoice::Never)
}

/// The styles of ratchet's text.
pub mod style {
    use anstyle::{AnsiColor, Style};

    /// A failure: `FAILED`, `error`.
    pub const ERROR: Style = AnsiColor::Red.on_default().bold();
    /// A success: `ok`.
    pub const OK: Style = AnsiColor::Green.on_default().bold();
    /// A warning or a slow test.
    pub const WARN: Style = AnsiColor::Yellow.on_default().bold();
    /// A heading or a name worth seeing.
    pub const BOLD: Style = Style::new().bold();
    /// Secondary text: how to reproduce, what was cached.
    pub const DIM: Style = Style::new().dimmed();
}

/// `text` in `style` (the codes are stripped on the way out where colour is off).
pub fn paint(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}
