//! The timing rustc wrapper and the build costs made from what it records.
//!
//! Owns: starting the compiler for cargo (chained to the user's own wrapper), the log of what
//! each call cost, and folding that log with artifact sizes into [`BuildCosts`] (and its calls
//! into ratchet-timing's build history). Must not:
//! decide when it is used (ratchet-run sets it on its own cargo commands) or judge the costs
//! (that is the budget's job).
//!
//! cargo runs `$RUSTC_WRAPPER rustc ARGS...`. ratchet sets its own binary there (only in its
//! own target directory, where it is always set, so cargo's fingerprints never flip) together
//! with [`LOG_ENV`]; the binary sees that variable and, instead of parsing a subcommand, runs
//! [`run_wrapped`]: it runs rustc (through the user's own wrapper, such as sccache, when one
//! was set), measures wall time and the CPU time of the child from `getrusage`, and appends one
//! JSON line per compiled crate to the log. [`build_costs`] then folds the log into
//! [`BuildCosts`] per workspace package.

mod merge;
mod user;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use camino::{Utf8Path, Utf8PathBuf};
use nix::sys::resource::{UsageWho, getrusage};
use ratchet_events::measure::{BuildCosts, CrateCost, PackageCost};
use ratchet_graph::Workspace;
use serde::{Deserialize, Serialize};

/// Names the log file; its presence tells the ratchet binary it was started as the wrapper.
pub const LOG_ENV: &str = "RATCHET_RUSTC_LOG";
/// The user's own `RUSTC_WRAPPER`, which the wrapper chains to.
pub const CHAINED_ENV: &str = "RATCHET_CHAINED_WRAPPER";

/// One rustc call, as logged.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RustcCall {
    /// `--crate-name`.
    pub crate_name: String,
    /// `lib`, `bin`, `test`, `build-script`, ...; `-check` appended for metadata-only calls.
    pub kind: String,
    /// The package's directory (`CARGO_MANIFEST_DIR`), which ties the call to its package.
    pub manifest_dir: String,
    /// User + system CPU time of rustc and its children, in ms.
    pub cpu_ms: u64,
    /// Wall time, in ms.
    pub wall_ms: u64,
}

/// The log the wrapper appends to: `<state_dir>/rustc-calls.jsonl`.
pub fn log_path(state_dir: &Utf8Path) -> Utf8PathBuf {
    state_dir.join(ratchet_store::state::RUSTC_CALLS)
}

/// Sets up `command` (a cargo command run in the workspace at `root`) to compile through `exe`
/// as the timing wrapper, chained to the user's own wrapper (from the environment or cargo's
/// configuration files).
pub fn configure(command: &mut Command, exe: &Path, root: &Utf8Path, state_dir: &Utf8Path) {
    let user_wrapper = user::find(root, ratchet_toolchain::cargo_home().as_deref())
        .filter(|w| Path::new(w) != exe);
    command
        .env("RUSTC_WRAPPER", exe)
        .env(LOG_ENV, log_path(state_dir))
        .env(CHAINED_ENV, user_wrapper.unwrap_or_default());
}

/// Whether this process was started by cargo as the wrapper: the log variable is set and the
/// first argument is not one of ratchet's subcommands but a compiler.
pub fn is_wrapper_call(args: &[OsString], subcommands: &[&str]) -> bool {
    std::env::var_os(LOG_ENV).is_some()
        && args
            .get(1)
            .is_some_and(|first| !subcommands.iter().any(|s| first == *s))
}

/// Runs the compiler `args[0]` with `args[1..]`, logs its cost, and returns its exit code.
pub fn run_wrapped(args: &[OsString]) -> i32 {
    let Some((rustc, rest)) = args.split_first() else {
        eprintln!("error: the ratchet rustc wrapper needs a compiler to run");
        return 2;
    };
    let chained = std::env::var_os(CHAINED_ENV).filter(|w| !w.is_empty());
    let mut command = match &chained {
        Some(wrapper) => {
            let mut c = Command::new(wrapper);
            c.arg(rustc);
            c
        }
        None => Command::new(rustc),
    };
    command
        .args(rest)
        .env_remove(LOG_ENV)
        .env_remove(CHAINED_ENV);
    let started = Instant::now();
    let status = match command.status() {
        Ok(status) => status,
        Err(e) => {
            eprintln!(
                "error: the ratchet rustc wrapper cannot run {}: {e}",
                rustc.to_string_lossy()
            );
            return 2;
        }
    };
    let wall_ms = started.elapsed().as_millis() as u64;
    if status.success()
        && let Some(call) = describe(rest, wall_ms)
    {
        append(&call);
    }
    status.code().unwrap_or(101)
}

/// The call's identity from rustc's arguments; `None` for calls that compile no crate
/// (cargo's `rustc -vV` and `--print` queries).
fn describe(args: &[OsString], wall_ms: u64) -> Option<RustcCall> {
    let args: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let value_of = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|at| args.get(at + 1).cloned())
    };
    let crate_name = value_of("--crate-name")?;
    let kind = if crate_name.starts_with("build_script_") {
        "build-script".to_string()
    } else if args.iter().any(|a| a == "--test") {
        "test".to_string()
    } else {
        value_of("--crate-type").unwrap_or_else(|| "bin".into())
    };
    let metadata_only = args
        .iter()
        .filter_map(|a| a.strip_prefix("--emit="))
        .any(|emit| !emit.contains("link"));
    let cpu_ms = children_cpu_ms();
    Some(RustcCall {
        crate_name,
        kind: if metadata_only {
            format!("{kind}-check")
        } else {
            kind
        },
        manifest_dir: std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default(),
        cpu_ms,
        wall_ms,
    })
}

/// User + system time of every child this process has waited for (in the wrapper: the one
/// compiler call).
pub fn children_cpu_ms() -> u64 {
    getrusage(UsageWho::RUSAGE_CHILDREN)
        .map(|usage| {
            let ms =
                |t: nix::sys::time::TimeVal| t.tv_sec() as u64 * 1000 + t.tv_usec() as u64 / 1000;
            ms(usage.user_time()) + ms(usage.system_time())
        })
        .unwrap_or(0)
}

fn append(call: &RustcCall) {
    let Some(path) = std::env::var_os(LOG_ENV).map(PathBuf::from) else {
        return;
    };
    let Ok(mut line) = serde_json::to_vec(call) else {
        return;
    };
    line.push(b'\n');
    // One write of one short line on an O_APPEND file: concurrent rustc calls do not mix.
    // A lost measurement must never fail the build, so errors are ignored.
    if let Ok(mut file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
    {
        let _ = file.write_all(&line);
    }
}

/// Reads and clears the wrapper's log. Unparseable lines are skipped.
pub fn take_calls(state_dir: &Utf8Path) -> Vec<RustcCall> {
    let path = log_path(state_dir);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let _ = std::fs::remove_file(&path);
    text.lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// Folds the log and `artifacts` (per package: path and size) into `build-costs.json` in the
/// state directory; nothing when neither holds anything. Costs are a measurement, not a
/// verdict: failing to store them is ignored.
pub fn record_costs(
    workspace: &Workspace,
    artifacts: &BTreeMap<String, BTreeMap<Utf8PathBuf, u64>>,
    wall_ms: Option<u64>,
) {
    let state_dir = workspace.state_dir();
    let calls = take_calls(&state_dir);
    if calls.is_empty() && artifacts.is_empty() {
        return;
    }
    let path = state_dir.join(ratchet_store::state::BUILD_COSTS);
    let previous = ratchet_store::read_json(path.as_std_path());
    let costs = build_costs(previous, workspace, &calls, artifacts, wall_ms);
    let _ = ratchet_store::write_json(path.as_std_path(), &costs);
    record_history(workspace, &calls);
}

/// Adds this run's calls (with code generation) to the build history that shard predictions
/// smooth over; like the costs, failing to store it is ignored.
fn record_history(workspace: &Workspace, calls: &[RustcCall]) {
    let state_dir = workspace.state_dir();
    let mut history = ratchet_timing::History::read(state_dir.as_std_path());
    let mut added = false;
    for call in calls.iter().filter(|c| !c.kind.ends_with("-check")) {
        let Some(owner) = workspace.owner_of(Utf8Path::new(&call.manifest_dir)) else {
            continue;
        };
        let cost = CrateCost {
            crate_name: call.crate_name.clone(),
            kind: call.kind.clone(),
            cpu_ms: call.cpu_ms,
            wall_ms: call.wall_ms,
        };
        history.add(&workspace.package(owner).name, &cost);
        added = true;
    }
    if added {
        history.retain(|name| workspace.find(name).is_some());
        let _ = history.write(state_dir.as_std_path());
    }
}

/// The new build costs: packages compiled (with code generation) in this run get this run's
/// calls (and keep their recorded calls of crates this run did not build) and artifact
/// sizes; the others keep what `previous` said.
pub fn build_costs(
    previous: Option<BuildCosts>,
    workspace: &Workspace,
    calls: &[RustcCall],
    artifacts: &BTreeMap<String, BTreeMap<Utf8PathBuf, u64>>,
    wall_ms: Option<u64>,
) -> BuildCosts {
    let mut costs = previous.unwrap_or_default();
    let mut fresh: BTreeMap<String, PackageCost> = BTreeMap::new();
    // Metadata-only calls (clippy's, `cargo check`'s) are left out: the build cost of a
    // package is what compiling it for real costs, and counting both would double it.
    for call in calls.iter().filter(|c| !c.kind.ends_with("-check")) {
        let Some(owner) = workspace.owner_of(Utf8Path::new(&call.manifest_dir)) else {
            continue;
        };
        let entry = fresh
            .entry(workspace.package(owner).name.clone())
            .or_default();
        entry.cpu_ms += call.cpu_ms;
        entry.wall_ms += call.wall_ms;
        entry.crates.push(CrateCost {
            crate_name: call.crate_name.clone(),
            kind: call.kind.clone(),
            cpu_ms: call.cpu_ms,
            wall_ms: call.wall_ms,
        });
    }
    for (package, mut cost) in fresh {
        merge::keep_unrebuilt(costs.packages.get(&package), &mut cost);
        cost.artifact_bytes = artifacts.get(&package).map_or(0, distinct_bytes);
        costs.packages.insert(package, cost);
    }
    for (package, files) in artifacts {
        if let Some(cost) = costs.packages.get_mut(package) {
            cost.artifact_bytes = distinct_bytes(files);
        }
    }
    costs.version = ratchet_events::measure::FILE_VERSION;
    costs.recorded_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    if wall_ms.is_some() {
        costs.inner_loop_wall_ms = wall_ms;
    }
    costs
        .packages
        .retain(|name, _| workspace.find(name).is_some());
    costs
}

/// The bytes of the distinct files among `files`: cargo names one library by its `deps/` path
/// in some commands (`cargo test`) and by its hard link in the profile directory in others
/// (`cargo build`), and a run may hold both.
fn distinct_bytes(files: &BTreeMap<Utf8PathBuf, u64>) -> u64 {
    let mut seen = std::collections::BTreeSet::new();
    files
        .iter()
        .filter(|(path, _)| seen.insert(file_identity(path)))
        .map(|(_, size)| size)
        .sum()
}

/// What tells two paths to one file apart from two files: the device and inode where there
/// are such, else the path.
fn file_identity(path: &Utf8Path) -> Result<(u64, u64), Utf8PathBuf> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let Ok(meta) = std::fs::metadata(path) {
            return Ok((meta.dev(), meta.ino()));
        }
    }
    Err(path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn a_file_under_two_names_is_counted_once() {
        let dir = tempfile::tempdir().unwrap();
        let root = Utf8PathBuf::from_path_buf(dir.path().to_path_buf()).unwrap();
        std::fs::write(root.join("libx-1.rlib"), [0u8; 100]).unwrap();
        std::fs::hard_link(root.join("libx-1.rlib"), root.join("libx.rlib")).unwrap();
        std::fs::write(root.join("libx-1.rmeta"), [0u8; 10]).unwrap();
        let files: BTreeMap<Utf8PathBuf, u64> = ["libx-1.rlib", "libx.rlib", "libx-1.rmeta"]
            .iter()
            .map(|name| {
                (
                    root.join(name),
                    if name.ends_with("rmeta") { 10 } else { 100 },
                )
            })
            .collect();
        assert_eq!(distinct_bytes(&files), 110);
    }

    #[test]
    fn describes_crate_calls_and_skips_queries() {
        let lib = describe(
            &args(&[
                "--crate-name",
                "foo",
                "--crate-type",
                "lib",
                "--emit=dep-info,metadata,link",
            ]),
            5,
        )
        .unwrap();
        assert_eq!((lib.crate_name.as_str(), lib.kind.as_str()), ("foo", "lib"));
        let check = describe(
            &args(&[
                "--crate-name",
                "foo",
                "--crate-type",
                "lib",
                "--emit=dep-info,metadata",
            ]),
            5,
        )
        .unwrap();
        assert_eq!(check.kind, "lib-check");
        let test = describe(&args(&["--crate-name", "foo", "--test", "--emit=link"]), 5).unwrap();
        assert_eq!(test.kind, "test");
        let build = describe(
            &args(&["--crate-name", "build_script_build", "--crate-type", "bin"]),
            5,
        )
        .unwrap();
        assert_eq!(build.kind, "build-script");
        assert!(describe(&args(&["-vV"]), 1).is_none());
    }
}
