//! GitHub Actions workflow commands: one `::error` per failure, where it happened.

use camino::{Utf8Path, Utf8PathBuf};
use ratchet_events::check as ev;

/// One `::error` annotation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    /// File relative to the repository's top directory.
    pub file: Option<String>,
    /// 1-based line.
    pub line: Option<usize>,
    /// 1-based column.
    pub column: Option<usize>,
    /// The title GitHub shows in bold.
    pub title: String,
    /// The text under it.
    pub message: String,
}

impl Annotation {
    /// The workflow command, one line ending with `\n`.
    pub fn command(&self) -> String {
        let mut properties = Vec::new();
        if let Some(file) = &self.file {
            properties.push(format!("file={}", escape_property(file)));
            if let Some(line) = self.line {
                properties.push(format!("line={line}"));
                if let Some(column) = self.column {
                    properties.push(format!("col={column}"));
                }
            }
        }
        properties.push(format!("title={}", escape_property(&self.title)));
        format!(
            "::error {}::{}\n",
            properties.join(","),
            escape_data(&self.message)
        )
    }

    /// The annotation of a compiler, clippy or rustfmt message; `prefix` is the workspace
    /// root's path inside the repository (empty when they are the same directory).
    pub fn of_diagnostic(d: &ev::Diagnostic, prefix: &Utf8Path) -> Annotation {
        let (file, line) = match &d.file {
            Some(file) => (repo_path(file, prefix), d.line),
            None => (None, None),
        };
        // rustc's rendering names the column: ` --> src/lib.rs:3:5`.
        let column = location_after(&d.rendered, "--> ")
            .filter(|(f, l, _)| Some(f) == d.file.as_ref() && Some(*l) == d.line)
            .and_then(|(_, _, c)| c);
        Annotation {
            file,
            line,
            column,
            title: format!(
                "{} failed in `{}`: {}",
                crate::record::name(d.step),
                d.package,
                d.message
            ),
            message: with_reproduce(&d.rendered, &d.command),
        }
    }

    /// The annotation of a failing test binary, at the first panic's location when its
    /// output names one (`panicked at src/lib.rs:10:5:`).
    pub fn of_test_failure(t: &ev::TestFailure, prefix: &Utf8Path) -> Annotation {
        let location = location_after(&t.output, "panicked at ");
        let tests = match t.tests.is_empty() {
            true => String::new(),
            false => format!(": {}", t.tests.join(", ")),
        };
        Annotation {
            file: location.as_ref().and_then(|(f, _, _)| repo_path(f, prefix)),
            line: location.as_ref().map(|(_, l, _)| *l),
            column: location.and_then(|(_, _, c)| c),
            title: format!(
                "{} failed in `{}` ({}){tests}",
                crate::record::name(t.step),
                t.package,
                t.binary
            ),
            message: with_reproduce(&t.output, &t.command),
        }
    }
}

fn with_reproduce(text: &str, command: &str) -> String {
    match command.is_empty() {
        true => text.trim_end().to_string(),
        false => format!("{}\nreproduce: {command}", text.trim_end()),
    }
}

/// A workspace-relative `file` as a path from the repository's top; `None` for a file outside
/// the repository (an absolute path: a dependency's source, the standard library).
fn repo_path(file: &str, prefix: &Utf8Path) -> Option<String> {
    let path = Utf8Path::new(file);
    if path.is_absolute() {
        return None;
    }
    Some(prefix.join(path).as_str().replace('\\', "/"))
}

/// The first `PATH:LINE[:COL]` after `marker` in `text`.
fn location_after(text: &str, marker: &str) -> Option<(String, usize, Option<usize>)> {
    text.lines().find_map(|line| {
        let rest = &line[line.find(marker)? + marker.len()..];
        let rest = rest.trim_end().trim_end_matches(':');
        let mut parts: Vec<&str> = rest.rsplitn(3, ':').collect();
        parts.reverse();
        match parts.as_slice() {
            [file, line, column] => match (line.parse(), column.parse()) {
                (Ok(l), Ok(c)) => Some((file.to_string(), l, Some(c))),
                // `PATH:LINE` where the path itself holds a colon.
                (_, Ok(l)) => Some((format!("{file}:{line}"), l, None)),
                _ => None,
            },
            [file, line] => Some((file.to_string(), line.parse().ok()?, None)),
            _ => None,
        }
    })
}

/// The workspace root's path inside its git repository (`crates/app` for a workspace in a
/// subdirectory; empty at the top, or when there is no repository).
pub fn repo_prefix(root: &Utf8Path) -> Utf8PathBuf {
    let Ok(repo) = ratchet_git::Repo::discover(root) else {
        return Utf8PathBuf::new();
    };
    let canonical = |p: &Utf8Path| p.canonicalize_utf8().unwrap_or_else(|_| p.to_path_buf());
    canonical(root)
        .strip_prefix(canonical(repo.root()))
        .map(Utf8Path::to_path_buf)
        .unwrap_or_default()
}

/// A workflow command's message, escaped as GitHub's runner reads it back.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value (`file=`, `title=`): the message's escapes plus `:`
/// and `,`, which would end the property.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnostic(file: &str, rendered: &str) -> ev::Diagnostic {
        ev::Diagnostic {
            version: ratchet_events::VERSION,
            step: ev::Step::Lint,
            package: "app".into(),
            level: ev::Level::Error,
            column: None,
            code: None,
            suggestions: Vec::new(),
            file: Some(file.into()),
            line: Some(3),
            message: "unused variable: `x`".into(),
            rendered: rendered.into(),
            command: "cargo clippy -p app -- -D warnings".into(),
        }
    }

    #[test]
    fn a_diagnostic_points_at_its_file_line_and_column_from_the_repository_top() {
        let d = diagnostic(
            "crates/app/src/lib.rs",
            "error: unused variable: `x`\n --> crates/app/src/lib.rs:3:9\n  |\n",
        );
        let a = Annotation::of_diagnostic(&d, Utf8Path::new("rust"));
        assert_eq!(
            a.command(),
            "::error file=rust/crates/app/src/lib.rs,line=3,col=9,title=lint failed in `app`%3A \
             unused variable%3A `x`::error: unused variable: `x`%0A --> \
             crates/app/src/lib.rs:3:9%0A  |%0Areproduce: cargo clippy -p app -- -D warnings\n"
        );
    }

    #[test]
    fn a_failing_test_points_at_its_panic() {
        let t = ev::TestFailure {
            version: ratchet_events::VERSION,
            step: ev::Step::Test,
            package: "app".into(),
            binary: "lib".into(),
            tests: vec!["tests::adds".into()],
            output: "thread 'tests::adds' panicked at crates/app/src/lib.rs:10:5:\n100% wrong, \r really\n".into(),
            command: String::new(),
        };
        let a = Annotation::of_test_failure(&t, Utf8Path::new(""));
        assert_eq!(a.file.as_deref(), Some("crates/app/src/lib.rs"));
        assert_eq!((a.line, a.column), (Some(10), Some(5)));
        let command = a.command();
        assert!(command.contains("100%25 wrong, %0D really"), "{command}");
        assert!(command.contains("title=test failed in `app` (lib)%3A tests%3A%3Aadds::"));
        assert_eq!(command.lines().count(), 1);
    }

    #[test]
    fn files_outside_the_repository_get_no_file_property() {
        let d = diagnostic("/rustc/library/core/src/lib.rs", "");
        let a = Annotation::of_diagnostic(&d, Utf8Path::new(""));
        assert!(a.command().starts_with("::error title="), "{}", a.command());
        assert_eq!(
            location_after("Diff in src/a.rs:12:", "Diff in "),
            Some(("src/a.rs".into(), 12, None))
        );
    }
}
