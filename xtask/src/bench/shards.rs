//! The balance of affected shards with real run times: `plan --shards N` splits the fixture
//! by the times the last full `check` recorded; then, shard by shard, each of its packages
//! gets a comment appended to its `lib.rs` and the shard is checked (`check -p` each of its
//! packages), timed. The figure is the slowest shard's time over the mean (1.00x is a perfect
//! split). Each round edits every package once more, so a shard rebuilds its own packages and
//! finds the others built; the row's `finish` restores the sources.

use std::io::Write;
use std::process::Stdio;

use super::measure::Context;

/// The slowest of `count` shards over their mean.
pub fn balance(context: &Context, count: usize) -> Result<f64, String> {
    // Untimed: a full check records every package's times (the cold check on a new fixture).
    context.time("$RATCHET check --manifest-path Cargo.toml")?;
    let shards = plan(context, count)?;
    let mut times = Vec::new();
    for packages in shards.iter().filter(|s| !s.is_empty()) {
        for package in packages {
            edit(context, package, count)?;
        }
        let flags: Vec<String> = packages.iter().map(|p| format!("-p {p}")).collect();
        let script = format!(
            "$RATCHET check {} --manifest-path Cargo.toml",
            flags.join(" ")
        );
        times.push(context.time(&script)?.as_secs_f64());
    }
    let mean = times.iter().sum::<f64>() / times.len().max(1) as f64;
    let slowest = times.iter().copied().fold(0.0, f64::max);
    let shown: Vec<String> = times.iter().map(|t| format!("{t:.1}")).collect();
    eprintln!("bench: {count} shards took {} s", shown.join(", "));
    Ok(if mean > 0.0 { slowest / mean } else { 1.0 })
}

/// The packages of each shard, from `plan --shards count --message-format json`.
fn plan(context: &Context, count: usize) -> Result<Vec<Vec<String>>, String> {
    let script =
        format!("$RATCHET plan --shards {count} --message-format json --manifest-path Cargo.toml");
    let out = context
        .shell(&script)
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
            packages
                .iter()
                .filter_map(|p| p.as_str().map(str::to_string))
                .collect()
        })
        .collect())
}

/// Appends a comment to `package`'s `lib.rs` (packages without one, such as `xtask`, are
/// checked unedited).
fn edit(context: &Context, package: &str, round: usize) -> Result<(), String> {
    let Some((_, lib)) = context.libs.iter().find(|(name, _)| name == package) else {
        return Ok(());
    };
    let path = context.dir.join(lib);
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .and_then(|mut file| writeln!(file, "// shard bench, round {round}"))
        .map_err(|e| format!("cannot edit {}: {e}", path.display()))
}
