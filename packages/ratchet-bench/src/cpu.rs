//! CPU use of one step of `ratchet check`: the CPU time (user + sys) that ratchet and every
//! child it waited for spent between the step's `step_started` and `step_finished` events,
//! over the wall time between them times the cores (for the test step, the `test_run` figures
//! its `step_finished` event carries: the binaries and ratchet's threads running them, while
//! they ran). Read from `/proc/<pid>/stat`, which counts
//! a child's time (and that of the children it waited for, such as cargo's rustc) once the
//! child is reaped, which happens before the step reports it finished.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ratchet_events::check::{CheckEvent, Step};

/// CPU time of process `pid` and its reaped children, from `/proc/<pid>/stat`.
fn cpu_time(pid: u32, ticks_per_second: f64) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces: fields are counted after its closing parenthesis,
    // where field 3 (state) comes first; utime, stime, cutime, cstime are fields 14 to 17.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields
        .get(11..15)?
        .iter()
        .map(|f| f.parse::<f64>().ok())
        .sum::<Option<f64>>()?;
    Some(Duration::from_secs_f64(ticks / ticks_per_second))
}

fn ticks_per_second() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}

/// Runs `command` (which must `exec` ratchet, so the child's pid is ratchet's) and returns the
/// CPU use of `step` as a fraction of the cores, or why it could not be measured.
pub fn step_cpu_use(mut command: Command, step: Step) -> Result<f64, String> {
    let ticks = ticks_per_second();
    let cores = std::thread::available_parallelism().map_or(1, usize::from) as f64;
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run sh: {e}"))?;
    let pid = child.id();
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut start = None;
    let mut share = None;
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        match serde_json::from_str::<CheckEvent>(&line) {
            Ok(CheckEvent::StepStarted(e)) if e.step == step => {
                start = cpu_time(pid, ticks).map(|cpu| (Instant::now(), cpu));
            }
            Ok(CheckEvent::StepFinished(e)) if e.step == step => {
                // The test step reports the phase that runs its binaries on its own, without
                // cargo's single-threaded freshness checks before it: that is the test phase.
                // Its CPU is the binaries' and that of the threads starting them, as the
                // xargs reference row counts xargs itself.
                if let Some(run) = e.test_run.filter(|r| r.wall_ms > 0) {
                    let cpu = (run.cpu_ms + run.runner_cpu_ms) as f64;
                    share = Some(cpu / (run.wall_ms as f64 * run.cores as f64));
                    continue;
                }
                let end = cpu_time(pid, ticks);
                if let (Some((at, before)), Some(after)) = (start, end) {
                    let wall = at.elapsed().as_secs_f64();
                    share = Some((after - before).as_secs_f64() / (wall * cores));
                }
            }
            _ => {}
        }
    }
    let status = child.wait().map_err(|e| format!("cannot wait: {e}"))?;
    if !status.success() {
        return Err(format!("ratchet check exited with {status}"));
    }
    share.ok_or_else(|| format!("no `{step:?}` step in the events"))
}

/// Runs `command` to its end and returns the CPU time of its whole process tree (every
/// process in it was reaped by its parent, so `getrusage` of our children counts it) over its
/// wall time times the cores.
pub fn command_cpu_use(mut command: Command) -> Result<f64, String> {
    use nix::sys::resource::{UsageWho, getrusage};
    let children_cpu = || {
        getrusage(UsageWho::RUSAGE_CHILDREN)
            .map(|u| {
                let secs = |t: nix::sys::time::TimeVal| {
                    t.tv_sec() as f64 + t.tv_usec() as f64 / 1_000_000.0
                };
                secs(u.user_time()) + secs(u.system_time())
            })
            .map_err(|e| format!("getrusage: {e}"))
    };
    let cores = std::thread::available_parallelism().map_or(1, usize::from) as f64;
    let before = children_cpu()?;
    let started = Instant::now();
    let status = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run sh: {e}"))?;
    let wall = started.elapsed().as_secs_f64();
    if !status.success() {
        return Err(format!("the command exited with {status}"));
    }
    Ok((children_cpu()? - before) / (wall * cores))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_cpu_time_of_a_live_process() {
        let spent = cpu_time(std::process::id(), ticks_per_second());
        assert!(spent.is_some());
        assert_eq!(cpu_time(u32::MAX, 100.0), None);
    }
}
