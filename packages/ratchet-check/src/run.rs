//! One `check` run, in the order correctness needs: the run lock, then the fingerprints (so a
//! second run waits and then finds the first one's passes), the plan, ratchet's build
//! directory made to see every content change, the steps, and what a run leaves behind (a
//! pass only for what held still, build costs, the baseline of `affected`).

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use ratchet_cache::VerdictCache;
use ratchet_graph::Workspace;
use ratchet_run::features::{BuildFlags, Plan};
use ratchet_run::{Cancel, Progress, Runner};

use crate::clock::Clock;
use crate::config::Config;
use crate::execute::{self, Outcome};
use crate::plan::{self, Planned, Reuse};
use crate::record::{self, Fingerprinter};
use crate::sink::Sink;

/// What one run is asked to do.
pub struct Request<'a> {
    /// The workspace, loaded for a build.
    pub workspace: &'a Workspace,
    /// `ratchet.toml`, read once for this run.
    pub config: &'a Config,
    /// The packages to check (see `select.rs`).
    pub selection: &'a BTreeSet<String>,
    /// What to do with cached passes.
    pub reuse: Reuse,
    /// Plan, tell the sink, and run nothing.
    pub dry_run: bool,
    /// A run over every member asked by a person or CI (not `-p`, `--since` or `watch`):
    /// only such a run, when complete, measures the inner loop.
    pub whole_workspace: bool,
    /// cargo's build flags (`--features`, `--profile`, `--target`, `--locked`, ...).
    pub build: &'a BuildFlags,
    /// Stop after the first step that fails (fmt, running beside, finishes).
    pub fail_fast: bool,
    /// Test-name filters narrow the test and doc steps: none of their passes is recorded,
    /// and the run is no baseline for `affected`.
    pub filtered: bool,
    /// Diagnostics rendered with rustc's colours (for a person at a colour terminal).
    pub colored_diagnostics: bool,
    /// Stops the steps' processes (the caller's Ctrl-C handler raises it).
    pub cancel: Cancel,
    /// The ratchet binary to use as `RUSTC_WRAPPER`; `None` runs without timing.
    pub wrapper_exe: Option<PathBuf>,
    /// When the run started, by the clock passed to [`run`].
    pub started: Duration,
}

/// How a run ended.
pub struct Finished {
    /// The steps that ran and their verdicts (empty when nothing ran).
    pub outcome: Outcome,
    /// Package-steps served from the cache.
    pub cached: usize,
    /// 0 when everything that ran passed and its passes were recorded, else 1.
    pub exit_code: u8,
    /// Why this run's passes or baseline could not be recorded (a full disk), if so: the
    /// verdicts stand, and the run fails with 1 (not 2, which means bad input).
    pub unrecorded: Option<String>,
}

/// Runs `request`: the plan goes to `sink` first, then each step's start and end.
pub fn run(
    request: &Request<'_>,
    sink: &dyn Sink,
    progress: &(dyn Fn(Progress<'_>) + Sync),
    clock: &dyn Clock,
) -> anyhow::Result<Finished> {
    let workspace = request.workspace;
    let exact = request.config.check.exact_external_features();
    let features = Plan::new(workspace, request.build, exact)?;
    let names: Vec<String> = request.selection.iter().cloned().collect();
    let fingerprinter =
        Fingerprinter::new(workspace, request.config.inputs.clone()).with_build(&features, &names);
    let cache = VerdictCache::open(workspace.state_dir().as_std_path()).keep_going();
    let _lock = match cache.try_lock()? {
        Some(lock) => lock,
        None => {
            sink.note("check: waiting for another check run in this workspace to finish");
            cache.lock()?
        }
    };
    let mut start = fingerprinter.start()?;
    let before = fingerprinter.keys_of(&start.fingerprints);
    let steps = &request.config.steps;
    let exe = request.wrapper_exe.clone();
    let runner = Runner::new(workspace, steps, request.cancel.clone(), exe, progress)
        .with_colored_diagnostics(request.colored_diagnostics)
        .with_features(features);
    let planned = plan::plan(&runner, &cache, &before, request.selection, request.reuse);
    let plan_event = plan::plan_event(request.selection, &planned, (request.dry_run, true));
    sink.event(ratchet_events::check::CheckEvent::Plan(plan_event))?;
    let cached = planned.iter().map(|p| p.cached.len()).sum();
    if request.dry_run && steps.test.enabled {
        sink.note(&runner.test_runner_choice());
    }
    if request.dry_run || planned.iter().all(|p| p.run.is_empty()) {
        // The fast path: nothing to run, so no cargo, no wrapper log, no fingerprint record.
        return Ok(Finished {
            outcome: Outcome::default(),
            cached,
            exit_code: ratchet_events::exit::OK,
            unrecorded: None,
        });
    }
    // Only a run that compiles may scan sources for `cfg(clippy)`: the no-op path above never
    // builds this map.
    let runner = runner.with_rust_file_hashes(start.fingerprints.rust_files());
    // Cargo judges freshness by mtime: make it rebuild, in ratchet's build directory, every
    // package whose content changed since it was last built there (docs/check.md).
    ratchet_freshness::sync(
        &runner.build_dir(),
        &workspace
            .state_dir()
            .join(ratchet_store::state::BUILD_INPUTS),
        &ratchet_freshness::build_inputs(&start.fingerprints),
    )?;
    start.mark(workspace)?; // Inputs learned from here on are trusted if older.
    let keys = record::RunKeys {
        fingerprinter: &fingerprinter,
        start: &start,
    };
    let context = execute::Context {
        runner: &runner,
        fingerprinter: &keys,
        cache: &cache,
        reporter: sink,
        before: &before,
        fail_fast: request.fail_fast,
        filtered: request.filtered,
    };
    sink.shared_build(runner.shares_lint_and_test_build());
    let steps_started = std::time::SystemTime::now();
    let outcome = execute::run_plan(&context, &planned)?;
    record_units_used(&runner, &outcome, steps_started, sink);
    fingerprinter.rekey(&cache, &start)?;
    let wall_ms = clock.ms_since(request.started);
    let unrecorded = leave_behind(request, &fingerprinter, &planned, &outcome, &start, wall_ms)
        .or(cache.failed_write());
    let exit_code = match unrecorded {
        Some(_) => outcome.exit_code().max(ratchet_events::exit::FAILED),
        None => outcome.exit_code(),
    };
    Ok(Finished {
        outcome,
        cached,
        exit_code,
        unrecorded,
    })
}

/// What this run used of ratchet's build directory, for `gc --keep-runs`: a record that
/// cannot be written only makes `gc` keep more.
fn record_units_used(
    runner: &Runner<'_>,
    outcome: &Outcome,
    started: std::time::SystemTime,
    sink: &dyn Sink,
) {
    let units: Vec<crate::gc::UnitFiles<'_>> = (outcome.reports.iter())
        .flat_map(|r| &r.units)
        .map(|u| crate::gc::UnitFiles {
            crate_name: &u.crate_name,
            built: u.built,
            files: &u.files,
        })
        .collect();
    let state = runner.workspace.state_dir();
    let build = runner.build_dir();
    let recorded = crate::gc::record_run(state.as_std_path(), build.as_std_path(), &units, started);
    if let Err(e) = recorded {
        sink.note(&format!(
            "check: cannot record the units this run used: {e}"
        ));
    }
}

/// Build costs, and after a complete green run over every member the baseline of `affected`;
/// why the baseline could not be written, if it could not.
fn leave_behind(
    request: &Request<'_>,
    fingerprinter: &Fingerprinter<'_>,
    planned: &[Planned],
    outcome: &Outcome,
    start: &ratchet_fingerprint::RunStart,
    wall_ms: u64,
) -> Option<String> {
    let workspace = request.workspace;
    let every_member = request.selection.len() == workspace.packages.len();
    // The inner loop is a complete run over every member, passed or failed: never a subset,
    // a `watch` run or an interrupted one.
    let inner_loop = request.whole_workspace && every_member && outcome.complete_run(planned);
    let artifacts = ratchet_run::StepReport::artifacts_of(&outcome.reports);
    ratchet_wrapper::record_costs(workspace, &artifacts, inner_loop.then_some(wall_ms));
    let green = outcome.exit_code() == ratchet_events::exit::OK && outcome.complete_run(planned);
    if !(green && every_member) || request.filtered {
        return None;
    }
    // Every package passed every step at `before`: `affected` starts from here.
    start
        .record_baseline(workspace, fingerprinter.inputs())
        .err()
        .map(|e| format!("{e:#}"))
}
