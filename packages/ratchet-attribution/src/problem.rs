//! What a step found wrong with one package, and its verdict: plain data for the caller to
//! cache, print or serialize.

use ratchet_events::Event;
use ratchet_events::check::{Diagnostic, Level, Step, Suggestion, TestFailure};

/// One package's outcome for one step.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PackageVerdict {
    /// Whether it passed. A package with problems of level warning only may still pass.
    pub passed: bool,
    /// What went wrong (errors, and warnings when the step treats them as failures).
    pub problems: Vec<Problem>,
    /// The command that reproduces this step on this package alone, in the user's own target
    /// directory.
    pub reproduce: String,
}

/// One thing a step found wrong.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// A compiler, clippy or rustfmt message.
    Diagnostic {
        /// `error` or `warning`.
        level: Level,
        /// File, relative to the workspace root when inside it.
        file: Option<String>,
        /// 1-based line.
        line: Option<usize>,
        /// 1-based column.
        column: Option<usize>,
        /// rustc's error code (`E0308`) or lint name (`clippy::needless_return`), if any.
        code: Option<String>,
        /// The one-line message.
        message: String,
        /// The full text as the tool rendered it.
        rendered: String,
        /// rustc's machine-applicable suggestions.
        suggestions: Vec<Suggestion>,
    },
    /// A test binary that failed.
    TestFailure {
        /// The binary's target name (`lib`, an integration test's name, or `doc`).
        binary: String,
        /// The failing tests' names, when the output names them.
        tests: Vec<String>,
        /// The failing part of the binary's output.
        output: String,
    },
    /// A failure with no finer attribution: the package was not built because a dependency
    /// failed, or the tool failed without saying where.
    Other {
        /// Explanation and whatever output there was.
        text: String,
    },
}

impl Problem {
    /// Whether this diagnostic stopped a target of the package from building, so that the
    /// package cannot be tested: any error, whether rustc's (`E....`, or none) or a lint at
    /// level `deny` (clippy's deny-by-default lints, a lint the configuration or the code
    /// denies), which stops the build under clippy's driver. ratchet never turns warnings into
    /// errors itself (`-D warnings` fails the verdict, not the build), so a warning is not one.
    pub fn is_compile_error(&self) -> bool {
        match self {
            Problem::Diagnostic { level, .. } => *level == Level::Error,
            Problem::TestFailure { .. } | Problem::Other { .. } => false,
        }
    }

    /// Whether this problem means the package's build did not complete, so its tests and doc
    /// tests cannot have run: a compile error (see [`Problem::is_compile_error`]) or a failure
    /// with no finer attribution (cargo failed, a dependency did not build). A warning or a
    /// failing test is not one.
    pub fn means_not_built(&self) -> bool {
        self.is_compile_error() || matches!(self, Problem::Other { .. })
    }

    /// Whether this is an error that only clippy's driver raises (a `clippy::` lint at level
    /// `deny`): plain rustc builds the target, so `cargo test` does not fail on it.
    pub fn is_clippy_error(&self) -> bool {
        matches!(self, Problem::Diagnostic { level, code: Some(code), .. }
            if *level == Level::Error && code.starts_with("clippy::"))
    }
}

impl Problem {
    /// This problem of `package` in `step` as its event (`diagnostic` or `test_failure`), with
    /// the command that reproduces the step on the package alone.
    pub fn to_event(&self, step: Step, package: &str, command: &str) -> Event {
        let (package, command) = (package.to_string(), command.to_string());
        let version = ratchet_events::VERSION;
        match self.clone() {
            Problem::Diagnostic {
                level,
                file,
                line,
                column,
                code,
                message,
                rendered,
                suggestions,
            } => Event::Diagnostic(Diagnostic {
                version,
                step,
                package,
                level,
                file,
                line,
                column,
                code,
                message,
                rendered,
                suggestions,
                command,
            }),
            Problem::TestFailure {
                binary,
                tests,
                output,
            } => Event::TestFailure(TestFailure {
                version,
                step,
                package,
                binary,
                tests,
                output,
                command,
            }),
            Problem::Other { text } => Event::Diagnostic(Diagnostic {
                version,
                step,
                package,
                level: Level::Error,
                file: None,
                line: None,
                column: None,
                code: None,
                message: text.lines().next().unwrap_or_default().to_string(),
                rendered: text,
                suggestions: Vec::new(),
                command,
            }),
        }
    }
}

impl PackageVerdict {
    /// A pass with nothing to say.
    pub fn pass(reproduce: String) -> PackageVerdict {
        PackageVerdict {
            passed: true,
            problems: Vec::new(),
            reproduce,
        }
    }

    /// A failure with these problems.
    pub fn fail(reproduce: String, problems: Vec<Problem>) -> PackageVerdict {
        PackageVerdict {
            passed: false,
            problems,
            reproduce,
        }
    }
}
