//! The CI outputs of one `check` run, fed with its events as they happen.

use std::sync::Mutex;

use camino::{Utf8Path, Utf8PathBuf};
use ratchet_events::check::CheckEvent;

use crate::github::{Annotation, repo_prefix};
use crate::record::Record;
use crate::{CheckArgs, CiError};

/// Turns `check`'s events into annotations at once, and the JUnit file and the step summary
/// at the end. Inert (it keeps nothing) when none of them is asked for.
#[derive(Debug)]
pub struct Sink {
    /// `GITHUB_ACTIONS=true`: annotate, with paths under this prefix (the workspace root's
    /// place in the repository).
    annotate: Option<Utf8PathBuf>,
    /// Print annotations on stderr (beside NDJSON on stdout) rather than stdout.
    stderr: bool,
    junit: Option<Utf8PathBuf>,
    step_summary: Option<Utf8PathBuf>,
    record: Mutex<Record>,
}

impl Sink {
    /// The outputs this environment asks for: annotations with `GITHUB_ACTIONS=true`, a step
    /// summary when `GITHUB_STEP_SUMMARY` names a file, a JUnit file at `junit`. An old JUnit
    /// file is removed now, so that a run that ends early leaves no stale result behind.
    pub fn from_env(
        root: &Utf8Path,
        junit: Option<Utf8PathBuf>,
        json: bool,
    ) -> Result<Sink, CiError> {
        let github = std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true");
        let step_summary = std::env::var("GITHUB_STEP_SUMMARY")
            .ok()
            .filter(|p| !p.is_empty())
            .map(Utf8PathBuf::from);
        let mut sink = Sink::new(github.then(|| repo_prefix(root)), junit, step_summary)?;
        sink.stderr = json;
        Ok(sink)
    }

    /// The outputs of a `check` with these flags and `[check] junit` (`configured`), in
    /// `root`; `json` when stdout carries NDJSON events.
    pub fn for_check(
        args: &CheckArgs,
        configured: Option<&std::path::Path>,
        root: &Utf8Path,
        json: bool,
    ) -> Result<Sink, CiError> {
        Sink::from_env(root, args.junit_path(configured, root), json)
    }

    /// Outputs as given: annotations under `annotate` (the workspace root's path inside the
    /// repository), a JUnit file, a step summary file to append to.
    pub fn new(
        annotate: Option<Utf8PathBuf>,
        junit: Option<Utf8PathBuf>,
        step_summary: Option<Utf8PathBuf>,
    ) -> Result<Sink, CiError> {
        if let Some(path) = &junit {
            match std::fs::remove_file(path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(CiError::Write {
                        path: path.clone(),
                        source: e,
                    });
                }
                _ => {}
            }
        }
        Ok(Sink {
            annotate,
            stderr: false,
            junit,
            step_summary,
            record: Mutex::default(),
        })
    }

    /// Takes in one event, and prints the annotation of a failure when annotating.
    pub fn observe(&self, event: &CheckEvent) {
        if let Some(annotation) = self.annotation(event) {
            use std::io::Write;
            // A closed pipe is not worth failing a run for; the verdicts stand.
            let _ = match self.stderr {
                true => std::io::stderr().lock().write_all(annotation.as_bytes()),
                false => std::io::stdout().lock().write_all(annotation.as_bytes()),
            };
        }
        if self.junit.is_some() || self.step_summary.is_some() {
            lock(&self.record).observe(event);
        }
    }

    /// The workflow command for `event` when it is a failure and this run annotates.
    pub fn annotation(&self, event: &CheckEvent) -> Option<String> {
        let prefix = self.annotate.as_deref()?;
        match event {
            CheckEvent::Diagnostic(d) => Some(Annotation::of_diagnostic(d, prefix).command()),
            CheckEvent::TestFailure(t) => Some(Annotation::of_test_failure(t, prefix).command()),
            _ => None,
        }
    }

    /// After the run's summary event: writes the JUnit file and appends the step summary.
    pub fn finish(&self) -> Result<(), CiError> {
        let record = lock(&self.record);
        if let Some(path) = &self.junit {
            let xml = crate::junit::junit_xml(&record);
            if let Some(parent) = path.parent().filter(|p| !p.as_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(|source| CiError::Write {
                    path: path.clone(),
                    source,
                })?;
            }
            ratchet_store::write_atomic(path.as_std_path(), xml.as_bytes()).map_err(|e| {
                CiError::Write {
                    path: path.clone(),
                    source: std::io::Error::other(e.to_string()),
                }
            })?;
        }
        if let Some(path) = &self.step_summary {
            crate::gates::append(path, &crate::summary::step_summary(&record))?;
        }
        Ok(())
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
