//! `check`: run fmt, lint, test and doc steps on the packages with no cached pass, in parallel,
//! and remember what passed.
//!
//! The order matters for correctness: the run lock is taken before fingerprints are computed
//! (so a second run waits and then finds the first one's passes), and a pass is recorded only
//! when the package's fingerprint after the step equals the one before it (an edit made while
//! the step ran is never cached under the old content).

mod gates;
mod report;

use std::collections::BTreeSet;
use std::time::Instant;

use ratchet_check::{VerdictCache, execute, plan, record, select};
use ratchet_events::VERSION;
use ratchet_events::check as ev;
use ratchet_run::{Cancel, Runner, StepsConfig};

use crate::common::{MessageFormat, WorkspaceArgs};
use report::Reporter;

/// Flags of `check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    workspace: WorkspaceArgs,
    #[command(flatten)]
    build: ratchet_run::features::BuildFlags,
    /// Only packages affected by the changes since the merge-base with REF (for CI).
    #[arg(long, value_name = "REF")]
    since: Option<String>,
    /// Only this package (repeatable).
    #[arg(short = 'p', long = "package", value_name = "NAME")]
    packages: Vec<String>,
    /// Leave this package out (repeatable).
    #[arg(long, value_name = "NAME")]
    exclude: Vec<String>,
    /// Every workspace member (the default when no `-p` is given); `--all` is cargo's
    /// deprecated spelling of it.
    #[arg(long = "workspace", visible_alias = "all", conflicts_with = "packages")]
    whole_workspace: bool,
    /// Run every selected step even where a pass is cached.
    #[arg(long, alias = "no-cache")]
    force: bool,
    /// Run the steps of packages served from the cache again; one that fails now is reported
    /// as not hermetic, its pass dropped, and the run fails.
    #[arg(long, conflicts_with = "force")]
    verify: bool,
    /// Set by `watch` on the runs it starts (their wall time is not the inner loop's).
    #[arg(long, hide = true)]
    from_watch: bool,
    /// Print the plan and run nothing.
    #[arg(long)]
    dry_run: bool,
    #[command(flatten)]
    verbosity: ratchet_term::Verbosity,
    /// Stop after the first step that fails (fmt, running beside, finishes).
    #[arg(long, overrides_with = "no_fail_fast")]
    fail_fast: bool,
    /// Run every step whatever fails (the default).
    #[arg(long)]
    no_fail_fast: bool,
    /// Test-name filters, as `cargo test -- NAME`: only matching tests run (test and doc
    /// steps), and no pass of those steps is recorded.
    #[arg(last = true, value_name = "TESTNAME")]
    filters: Vec<String>,
    /// `human` or `json` (NDJSON events, see docs/check.md).
    #[arg(long, value_enum, default_value_t)]
    message_format: MessageFormat,
    /// Also gate the budgets of ratchet.toml after the steps pass (exit 3 when one is exceeded).
    #[arg(long)]
    ci: bool,
    /// With --ci: fail for a ceiling raised since --since REF without a reason comment.
    #[arg(long, requires = "ci")]
    forbid_loosen: bool,
    /// With --ci: after a green gate, lower the ceilings that measures fell well below.
    #[arg(long, requires = "ci")]
    tighten: bool,
    #[command(flatten)]
    outputs: ratchet_ci::CheckArgs,
}

impl Args {
    /// Whether this run checks the whole workspace as asked by a person or CI (not a subset,
    /// not a `watch` run): only such a run measures the inner loop.
    fn whole_workspace(&self) -> bool {
        self.packages.is_empty()
            && self.exclude.is_empty()
            && self.since.is_none()
            && !self.from_watch
    }

    fn ci_gate(&self, tool: &str) -> Option<gates::CiGate> {
        self.ci.then(|| gates::CiGate {
            since: self.since.clone(),
            forbid_loosen: self.forbid_loosen,
            tighten: self.tighten,
            tool: tool.to_string(),
        })
    }
}

/// Runs `check`; `tool` is the command the user runs (`cargo ratchet`), named in remedies.
pub fn run(args: Args, tool: &str) -> anyhow::Result<u8> {
    let started = Instant::now();
    // `--locked`/`--frozen`: `cargo metadata` must not bring `Cargo.lock` up to date either.
    let workspace = match args.build.locked || args.build.frozen {
        true => args.workspace.load()?,
        false => args.workspace.load_for_build()?,
    };
    let config_file = ratchet_config::ConfigFile::read(workspace.root.as_std_path())?;
    let mut config: StepsConfig = config_file.section("steps")?;
    config.filter_tests(&args.filters);
    // A malformed `[budget]` is an input error of every `check`, not only of `--ci`.
    ratchet_budget::load_budget(&workspace)?;
    if let Some(message) = config.misplaced_runner() {
        anyhow::bail!(message);
    }
    let check_config: plan::CheckConfig = config_file.section("check")?;
    let json = args.message_format == MessageFormat::Json;
    let sink = ratchet_ci::Sink::for_check(
        &args.outputs,
        check_config.junit.as_deref(),
        &workspace.root,
        json,
    )?;
    let verify_fraction = check_config.verify_fraction(args.verify)?;
    // Rules need only the graph: a layering mistake fails here, before anything compiles.
    let rules = gates::rules(&workspace, &config_file, args.message_format, tool)?;
    if rules != ratchet_events::exit::OK {
        if args.message_format == MessageFormat::Json {
            let summary = summary(0, 0, 0, BTreeSet::new(), false, started, rules);
            let event = ratchet_events::Event::Summary(summary);
            crate::common::print(&(serde_json::to_string(&event)? + "\n"))?;
        }
        return Ok(rules);
    }
    let ci_gate = args.ci_gate(tool);
    let inputs = config_file.section("inputs")?;
    let fingerprinter = record::Fingerprinter::new(&workspace, inputs);
    let units_file = workspace
        .state_dir()
        .join("progress-units.json")
        .into_std_path_buf();
    let reporter = Reporter::new(args.message_format, args.verbosity, units_file, sink);
    let selection = select::select(
        &workspace,
        (
            &args.packages,
            &args.exclude,
            default_member(&args, &workspace),
        ),
        args.since.as_deref().map(|r| (r, fingerprinter.inputs())),
        &|warning| reporter.note(&format!("warning: {warning}")),
    )?;
    let selection = ratchet_ci::partition_selection(&workspace, selection, args.outputs.partition)?;
    let features = ratchet_run::features::Plan::new(
        &workspace,
        &args.build,
        check_config.exact_external_features(),
    )?;
    let names: Vec<String> = selection.iter().cloned().collect();
    let fingerprinter = fingerprinter.with_build(&features, &names);
    let cache = VerdictCache::open(workspace.state_dir().as_std_path()).keep_going();
    let _lock = match cache.try_lock()? {
        Some(lock) => lock,
        None => {
            reporter.note("check: waiting for another check run in this workspace to finish");
            cache.lock()?
        }
    };
    let cancel = Cancel::new();
    let handler_cancel = cancel.clone();
    // From here on, Ctrl-C (or SIGTERM from `watch`) kills our children's process groups; a
    // signal before any child exists makes the first spawn kill its child at once. Only one
    // handler per process may be set; a second `run` in the same process keeps the first.
    let _ = ctrlc::set_handler(move || handler_cancel.cancel());
    let progress = |p: ratchet_run::Progress<'_>| reporter.progress(p);
    let exe = std::env::current_exe().ok();
    let mut start = fingerprinter.start()?;
    let before = fingerprinter.keys_of(&start.fingerprints);
    let colored = args.message_format == MessageFormat::Human && ratchet_term::stdout_colored();
    let runner = Runner::new(&workspace, &config, cancel.clone(), exe, &progress)
        .with_colored_diagnostics(colored)
        .with_features(features);
    let reuse = plan::Reuse::new(args.force, verify_fraction);
    let plan = plan::plan(&runner, &cache, &before, &selection, reuse);
    reporter.plan(plan::plan_event(&selection, &plan, (args.dry_run, true)))?;
    if args.dry_run {
        if config.test.enabled {
            reporter.note(&runner.test_runner_choice());
        }
        return Ok(ratchet_events::exit::OK);
    }
    let cached: usize = plan.iter().map(|p| p.cached.len()).sum();
    if plan.iter().all(|p| p.run.is_empty()) {
        // The fast path: nothing to run, so no cargo, no wrapper log, no fingerprint record.
        let code = gates::budgets(
            &workspace,
            ci_gate.as_ref(),
            ratchet_events::exit::OK,
            args.message_format,
        )?;
        let summary = summary(0, 0, cached, BTreeSet::new(), false, started, code);
        reporter.summary(summary, &[])?;
        return Ok(code);
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
    start.mark(&workspace)?; // Inputs learned from here on are trusted if older.
    let context = execute::Context {
        runner: &runner,
        fingerprinter: &fingerprinter,
        cache: &cache,
        reporter: &reporter,
        before: (&before, &start),
        fail_fast: args.fail_fast,
        filtered: !args.filters.is_empty(),
    };
    let shared = runner.shares_lint_and_test_build();
    reporter
        .shared_build
        .store(shared, std::sync::atomic::Ordering::Relaxed);
    let outcome = execute::run_plan(&context, &plan)?;
    fingerprinter.rekey(&cache, &start)?;
    let wall_ms = started.elapsed().as_millis() as u64;
    // The inner loop is a complete run over every member, passed or failed: never a subset,
    // a `watch` run or an interrupted one.
    let inner_loop = args.whole_workspace()
        && selection.len() == workspace.packages.len()
        && outcome.complete_run(&plan);
    let artifacts = ratchet_run::StepReport::artifacts_of(&outcome.reports);
    ratchet_wrapper::record_costs(&workspace, &artifacts, inner_loop.then_some(wall_ms));
    let mut code = outcome.exit_code();
    let mut failed_write = None;
    if code == ratchet_events::exit::OK
        && args.filters.is_empty()
        && outcome.complete_run(&plan)
        && selection.len() == workspace.packages.len()
        && let Err(e) = start.record_baseline(&workspace, fingerprinter.inputs())
    {
        // Every package passed every step at `before`: `affected` starts from here.
        failed_write = Some(format!("{e:#}"));
    }
    // A state write that failed (a full disk) costs only the record, never the verdicts: they
    // are reported, and the run fails with 1 (not 2, which means bad input).
    if let Some(e) = cache.failed_write().or(failed_write) {
        eprintln!("error: could not record this run's passes: {e}");
        code = code.max(ratchet_events::exit::FAILED);
    }
    // The budget gate comes before the summary, which carries the process's exit code.
    let code = gates::budgets(&workspace, ci_gate.as_ref(), code, args.message_format)?;
    let ran: Vec<&str> = outcome.reports.iter().map(|r| r.step.name()).collect();
    let summary = summary(
        outcome.passed,
        outcome.failed,
        cached,
        outcome.failed_packages,
        outcome.interrupted,
        started,
        code,
    );
    reporter.summary(summary, &ran)?;
    Ok(code)
}

/// The member cargo would select from the directory (or `--manifest-path`) ratchet runs in.
fn default_member(args: &Args, workspace: &ratchet_graph::Workspace) -> Option<usize> {
    let path = args.workspace.manifest_path.as_deref();
    (!args.whole_workspace && !args.from_watch)
        .then(|| workspace.member_at(path))
        .flatten()
}

fn summary(
    passed: usize,
    failed: usize,
    cached: usize,
    failed_packages: BTreeSet<String>,
    interrupted: bool,
    started: Instant,
    exit_code: u8,
) -> ev::Summary {
    ev::Summary {
        version: VERSION,
        passed,
        failed,
        cached,
        failed_packages: failed_packages.into_iter().collect(),
        interrupted,
        wall_ms: started.elapsed().as_millis() as u64,
        exit_code,
    }
}
