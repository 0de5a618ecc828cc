//! Watch mode's latency: from saving a leaf's `lib.rs` to the `watch_run` event that gives
//! the verdict of the run it started, read from `watch --message-format json`.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

/// How long the run at start (a cached no-op, or a cold check) or one save's run may take.
const PATIENCE: Duration = Duration::from_secs(3600);

/// A `watch_run` event: when it arrived, what triggered it, its verdict.
struct WatchRun {
    at: Instant,
    trigger: Vec<String>,
    verdict: String,
}

/// Starts `command` (a `watch --message-format json`), waits for its run at start, then saves
/// `file` `1 + runs` times (the first untimed) and times each save to its verdict.
pub fn save_to_verdict(
    mut command: Command,
    file: &Path,
    runs: usize,
) -> Result<Vec<Duration>, String> {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run sh: {e}"))?;
    let result = measure(&mut child, file, runs);
    let _ = child.kill();
    let _ = child.wait();
    result
}

fn measure(child: &mut Child, file: &Path, runs: usize) -> Result<Vec<Duration>, String> {
    let events = watch_runs(child)?;
    let mut stderr = child.stderr.take().ok_or("no stderr")?;
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    if let Err(e) = next_verdict(&events, |_| true) {
        // Watch exited before its first run (not built yet, a bad manifest): say why.
        let _ = child.kill();
        let text = errors.join().unwrap_or_default();
        return Err(text
            .lines()
            .find(|l| !l.trim().is_empty())
            .map_or(e, |l| l.trim().to_string()));
    }
    // `trigger` paths are relative to the workspace root, `file` is absolute.
    let name = file.to_string_lossy().into_owned();
    let mut samples = Vec::with_capacity(runs);
    for i in 0..=runs {
        let saved = save(file, i)?;
        let run = next_verdict(&events, |run| {
            run.trigger.iter().any(|t| name.ends_with(t.as_str()))
        })?;
        if run.verdict != "passed" {
            return Err(format!("the run after the save ended `{}`", run.verdict));
        }
        if i > 0 {
            samples.push(run.at - saved);
        }
    }
    samples.sort();
    Ok(samples)
}

/// Appends a comment, as an editor's save would change the file.
fn save(file: &Path, i: usize) -> Result<Instant, String> {
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(file)
        .map_err(|e| format!("cannot edit {}: {e}", file.display()))?;
    writeln!(f, "// bench watch edit {i}").map_err(|e| format!("cannot edit: {e}"))?;
    Ok(Instant::now())
}

/// The next finished (not cancelled) run that `wanted` accepts.
fn next_verdict(
    events: &Receiver<WatchRun>,
    wanted: impl Fn(&WatchRun) -> bool,
) -> Result<WatchRun, String> {
    loop {
        let run = events
            .recv_timeout(PATIENCE)
            .map_err(|_| "watch stopped, or gave no verdict within an hour".to_string())?;
        if run.verdict != "cancelled" && wanted(&run) {
            return Ok(run);
        }
    }
}

/// `watch_run` events from the child's stdout, stamped as they arrive.
fn watch_runs(child: &mut Child) -> Result<Receiver<WatchRun>, String> {
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let at = Instant::now();
            let Ok(event) = serde_json::from_str::<serde_json::Value>(&line) else {
                continue;
            };
            if event["event"] != "watch_run" {
                continue;
            }
            let trigger = event["trigger"]
                .as_array()
                .map(|t| {
                    t.iter()
                        .filter_map(|p| p.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            let verdict = event["verdict"].as_str().unwrap_or("").to_string();
            if send
                .send(WatchRun {
                    at,
                    trigger,
                    verdict,
                })
                .is_err()
            {
                break;
            }
        }
    });
    Ok(receive)
}
