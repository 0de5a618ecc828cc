//! nextest's libtest-style JSON events (`--message-format libtest-json-plus`) read test by
//! test: nextest names a test `package::binary$test`.

use ratchet_events::check::{Step, TestResult, TestStatus};
use serde::Deserialize;

/// One event (only what ratchet reads).
#[derive(Debug, Deserialize)]
pub struct Event {
    /// `suite` or `test`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `started`, `ok`, `failed`, `ignored`, ...
    pub event: String,
    /// `package::binary$test`.
    #[serde(default)]
    pub name: String,
    /// The test's output, on failure.
    #[serde(default)]
    pub stdout: String,
    /// The test's own time, in seconds.
    pub exec_time: Option<f64>,
    /// Why it failed, when not a plain failure (`time limit exceeded`).
    pub reason: Option<String>,
}

impl Event {
    /// A test started: its binary (`package::binary`) and name.
    pub fn started(&self) -> Option<(&str, &str)> {
        (self.kind == "test" && self.event == "started")
            .then(|| self.name.split_once('$'))
            .flatten()
    }

    /// A test ended: its result.
    pub fn result(&self) -> Option<TestResult> {
        if self.kind != "test" {
            return None;
        }
        let status = match (self.event.as_str(), self.reason.as_deref()) {
            ("ok", _) => TestStatus::Passed,
            ("ignored", _) => TestStatus::Ignored,
            ("timeout", _) | ("failed", Some("time limit exceeded")) => TestStatus::TimedOut,
            ("failed", _) => TestStatus::Failed,
            _ => return None,
        };
        let ms = self.exec_time.map(|secs| (secs * 1000.0).round() as u64);
        test_result(&self.name, status, ms)
    }
}

/// nextest's own `SLOW [> 60.000s] (───) package::binary path::to::test` line (its human
/// status on stderr): the test named as ratchet names it, and the seconds.
pub fn slow_line(line: &str) -> Option<(String, u64)> {
    let rest = line.trim_start().strip_prefix("SLOW [>")?;
    let (secs, rest) = rest.split_once("s]")?;
    let secs = secs.trim().parse::<f64>().ok()? as u64;
    let rest = rest.trim_start();
    let rest = match rest.strip_prefix('(') {
        Some(counted) => counted.split_once(')')?.1.trim_start(),
        None => rest,
    };
    let (binary, test) = rest.trim_end().split_once(' ')?;
    Some((format!("test `{test}` of `{binary}`"), secs))
}

/// A result of the test nextest calls `name`.
pub fn test_result(name: &str, status: TestStatus, duration_ms: Option<u64>) -> Option<TestResult> {
    let (binary_id, test) = name.split_once('$')?;
    let (package, binary) = binary_id.split_once("::").unwrap_or((binary_id, binary_id));
    Some(TestResult {
        version: ratchet_events::VERSION,
        step: Step::Test,
        package: package.to_string(),
        binary: binary.to_string(),
        name: test.to_string(),
        status,
        duration_ms,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn event(line: &str) -> Event {
        serde_json::from_str(line).unwrap()
    }

    #[test]
    fn each_test_is_followed_from_its_start_to_its_result() {
        let started = event(r#"{"type":"test","event":"started","name":"ws::it$t::a"}"#);
        assert_eq!(started.started(), Some(("ws::it", "t::a")));
        assert!(started.result().is_none());
        let ok = event(r#"{"type":"test","event":"ok","name":"ws::it$t::a","exec_time":0.0125}"#);
        let ok = ok.result().unwrap();
        assert_eq!((ok.package.as_str(), ok.binary.as_str()), ("ws", "it"));
        assert_eq!((ok.status, ok.duration_ms), (TestStatus::Passed, Some(13)));
        let late = event(
            r#"{"type":"test","event":"failed","name":"ws::it$t::b","reason":"time limit exceeded"}"#,
        );
        assert_eq!(late.result().unwrap().status, TestStatus::TimedOut);
        assert!(
            event(r#"{"type":"suite","event":"failed"}"#)
                .result()
                .is_none()
        );
    }
}
