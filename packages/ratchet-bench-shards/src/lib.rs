//! The balance of affected shards with real run times: `plan --shards N` splits the fixture
//! by the times the last full `check` recorded; then, shard by shard, every package of the
//! fixture gets a comment appended to its `lib.rs` (`xtask`: its `main.rs`) and the shard is
//! checked (`check -p` each of its packages), timed. The figure is the slowest shard's time
//! over the mean (1.00x is a perfect split). Editing every package before every shard (a
//! comment never written before, so no earlier run's pass is served from the cache) makes
//! each shard start as a CI machine does after a change to the whole selection: it rebuilds
//! its own packages and every package they need, whichever shard ran before it; the row's
//! `finish` restores the sources.
//!
//! Owns: these rows' measurement and their log. Must not: be a dependency of ratchet itself
//! (`ratchet-bench` is its only user); it lives apart from `ratchet-bench` to keep that
//! package within its line budget.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::log::{Planned, Snapshot, line};

mod log;

/// The fixture the shards run in.
pub struct Fixture<'a> {
    /// Its root.
    pub dir: &'a Path,
    /// Each generated package's `lib.rs`, relative to `dir`, by package name.
    pub libs: &'a [(String, PathBuf)],
    /// `sh -c SCRIPT` in `dir`, with `$RATCHET` set, output to `/dev/null`.
    pub shell: &'a dyn Fn(&str) -> Command,
}

impl Fixture<'_> {
    /// Runs `script`; its wall time in seconds, or the first line of stderr when it fails.
    fn time(&self, script: &str) -> Result<f64, String> {
        let started = Instant::now();
        let out = (self.shell)(script)
            .stderr(Stdio::piped())
            .output()
            .map_err(|e| format!("cannot run sh: {e}"))?;
        let elapsed = started.elapsed().as_secs_f64();
        if out.status.success() {
            return Ok(elapsed);
        }
        let stderr = String::from_utf8_lossy(&out.stderr);
        Err(stderr.lines().next().unwrap_or("no message").to_string())
    }
}

/// The slowest of `count` shards over their mean, in wall time. The same ratio in CPU time
/// (the shard's whole process tree), which a machine shared with other work disturbs less,
/// goes to the log beside each shard's figures.
pub fn balance(context: &Fixture<'_>, count: usize) -> Result<f64, String> {
    // Untimed: a full check records every package's times (the cold check on a new fixture).
    context.time("$RATCHET check --manifest-path Cargo.toml")?;
    let shards = plan(context, count)?;
    let planned = Planned::read(context.dir);
    let every: Vec<String> = shards.iter().flat_map(|s| s.0.clone()).collect();
    let predicted: Vec<f64> = shards
        .iter()
        .filter(|s| !s.0.is_empty())
        .map(|s| s.1 as f64)
        .collect();
    let (mut times, mut cpu) = (Vec::new(), Vec::new());
    let shards = shards.iter().enumerate().filter(|(_, s)| !s.0.is_empty());
    for (index, (packages, predicted_ms)) in shards {
        // Every package changes before every shard, so each shard starts where a CI machine
        // starts after a change to the whole selection: it builds its own packages and every
        // package they need, whatever the shards before it built.
        for package in &every {
            edit(context, package, count)?;
        }
        // Untimed: the writes of the edits and of the run before go to disk first, not
        // during this shard's run.
        context.time("sync")?;
        let flags: Vec<String> = packages.iter().map(|p| format!("-p {p}")).collect();
        let script = format!(
            "$RATCHET check {} --manifest-path Cargo.toml",
            flags.join(" ")
        );
        let (recorded, before) = (Snapshot::read(context.dir), children_cpu()?);
        times.push(context.time(&script)?);
        let used = children_cpu()? - before;
        cpu.push(used);
        let after = Snapshot::read(context.dir);
        let shard = log::Shard {
            index: index + 1,
            predicted_ms: *predicted_ms,
            own: packages,
            cpu_ms: (used * 1000.0).round() as u64,
        };
        eprintln!("{}", line(&shard, &planned, &recorded, &after));
    }
    let shown = |v: &[f64]| {
        v.iter()
            .map(|t| format!("{t:.1}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    eprintln!(
        "bench: {count} shards took {} s wall ({:.2}x), {} s CPU ({:.2}x); predicted {:.2}x",
        shown(&times),
        slowest_over_mean(&times),
        shown(&cpu),
        slowest_over_mean(&cpu),
        slowest_over_mean(&predicted)
    );
    Ok(slowest_over_mean(&times))
}

fn slowest_over_mean(values: &[f64]) -> f64 {
    let mean = values.iter().sum::<f64>() / values.len().max(1) as f64;
    let slowest = values.iter().copied().fold(0.0, f64::max);
    if mean > 0.0 { slowest / mean } else { 1.0 }
}

/// CPU time (user + sys) of this process's reaped children, in seconds.
fn children_cpu() -> Result<f64, String> {
    use nix::sys::resource::{UsageWho, getrusage};
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).map_err(|e| format!("getrusage: {e}"))?;
    let secs = |t: nix::sys::time::TimeVal| t.tv_sec() as f64 + t.tv_usec() as f64 / 1e6;
    Ok(secs(usage.user_time()) + secs(usage.system_time()))
}

/// The packages of each shard and its predicted time, from `plan --shards count
/// --message-format json`.
fn plan(context: &Fixture<'_>, count: usize) -> Result<Vec<(Vec<String>, u64)>, String> {
    let script =
        format!("$RATCHET plan --shards {count} --message-format json --manifest-path Cargo.toml");
    let out = (context.shell)(&script)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run plan: {e}"))?;
    let doc: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("plan printed no JSON: {e}"))?;
    let shards = doc["shards"].as_array().ok_or("plan printed no shards")?;
    Ok(shards
        .iter()
        .map(|s| {
            let packages = s["packages"].as_array().cloned().unwrap_or_default();
            let names = packages
                .iter()
                .filter_map(|p| p.as_str().map(str::to_string))
                .collect();
            (names, s["predicted_ms"].as_u64().unwrap_or(0))
        })
        .collect())
}

/// Nanoseconds since the epoch: every edit is new content, never one whose passes an
/// earlier bench run left in the cache.
fn nonce() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

/// Appends a comment to `package`'s `lib.rs`, or for a package without one (the fixture's
/// `xtask`) to `PACKAGE/src/main.rs` when there is one: its recorded time counts in its
/// shard's prediction, so it must be rebuilt like the others.
fn edit(context: &Fixture<'_>, package: &str, round: usize) -> Result<(), String> {
    let lib = context.libs.iter().find(|(name, _)| name == package);
    let path = match lib {
        Some((_, lib)) => context.dir.join(lib),
        None => context.dir.join(package).join("src/main.rs"),
    };
    if lib.is_none() && !path.is_file() {
        return Ok(());
    }
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .and_then(|mut file| writeln!(file, "// shard bench, round {round}, {}", nonce()))
        .map_err(|e| format!("cannot edit {}: {e}", path.display()))
}
