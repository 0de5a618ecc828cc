//! `check`: run fmt, lint, test and doc steps on the packages with no cached pass, in parallel,
//! and remember what passed.
//!
//! This file is the command line's part: the flags, the gates around the steps (rules before,
//! budgets after, both rendered here), and the summary. The engine (selection, plan, run,
//! record) is ratchet-check; what it tells goes to `report.rs`, which renders it.

mod gates;
mod report;

use ratchet_check::clock::{Clock, SystemClock};
use ratchet_check::config::Config;
use ratchet_check::plan::Reuse;
use ratchet_check::run::Request;
use ratchet_check::select;
use ratchet_check::{Cancel, Progress};
use ratchet_events::VERSION;
use ratchet_events::check as ev;

use crate::common::{MessageFormat, WorkspaceArgs};
use report::Reporter;

/// Flags of `check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    workspace: WorkspaceArgs,
    #[command(flatten)]
    build: ratchet_check::BuildFlags,
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

/// Runs `check`; `tool` is the command the user runs (`cargo ratchet`), named in remedies;
/// `cancel` is raised by the process's Ctrl-C handler, installed at the entry.
pub fn run(args: Args, tool: &str, cancel: Cancel) -> anyhow::Result<u8> {
    let clock = SystemClock;
    let started = clock.now();
    // `--locked`/`--frozen`: `cargo metadata` must not bring `Cargo.lock` up to date either.
    let workspace = match args.build.locked || args.build.frozen {
        true => args.workspace.load()?,
        false => args.workspace.load_for_build()?,
    };
    // `ratchet.toml` is read once per run: every section below comes from this read.
    let config_file = ratchet_config::ConfigFile::read(workspace.root.as_std_path())?;
    let mut config = Config::parse(&config_file)?;
    config.steps.filter_tests(&args.filters);
    // A malformed `[budget]` is an input error of every `check`, not only of `--ci`.
    let members: Vec<&str> = workspace.packages.iter().map(|p| p.name.as_str()).collect();
    ratchet_budget::Budget::parse(&config_file.path, &config_file.text, &members)?;
    let json = args.message_format == MessageFormat::Json;
    let sink = ratchet_ci::Sink::for_check(
        &args.outputs,
        config.check.junit.as_deref(),
        &workspace.root,
        json,
    )?;
    let verify_fraction = config.check.verify_fraction(args.verify)?;
    // Rules need only the graph: a layering mistake fails here, before anything compiles.
    let rules = gates::rules(&workspace, &config_file, args.message_format, tool)?;
    if rules != ratchet_events::exit::OK {
        if args.message_format == MessageFormat::Json {
            let summary = ev::Summary {
                version: VERSION,
                passed: 0,
                failed: 0,
                cached: 0,
                failed_packages: Vec::new(),
                interrupted: false,
                still_running: Vec::new(),
                wall_ms: clock.ms_since(started),
                exit_code: rules,
            };
            let event = ratchet_events::Event::Summary(summary);
            crate::common::print(&(serde_json::to_string(&event)? + "\n"))?;
        }
        return Ok(rules);
    }
    let ci_gate = args.ci_gate(tool);
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
        args.since.as_deref().map(|r| (r, &config.inputs)),
        &|warning| reporter.note(&format!("warning: {warning}")),
    )?;
    let selection = ratchet_ci::partition_selection(&workspace, selection, args.outputs.partition)?;
    let request = Request {
        workspace: &workspace,
        config: &config,
        selection: &selection,
        reuse: Reuse::new(args.force, verify_fraction, &clock),
        dry_run: args.dry_run,
        whole_workspace: args.whole_workspace(),
        build: &args.build,
        fail_fast: args.fail_fast,
        filtered: !args.filters.is_empty(),
        colored_diagnostics: args.message_format == MessageFormat::Human
            && ratchet_term::stdout_colored(),
        cancel,
        wrapper_exe: std::env::current_exe().ok(),
        started,
    };
    let progress = |p: Progress<'_>| reporter.progress(p);
    let finished = ratchet_check::run::run(&request, &reporter, &progress, &clock)?;
    if args.dry_run {
        return Ok(ratchet_events::exit::OK);
    }
    if let Some(e) = &finished.unrecorded {
        eprintln!("error: could not record this run's passes: {e}");
    }
    // The budget gate comes before the summary, which carries the process's exit code.
    let code = gates::budgets(
        &workspace,
        ci_gate.as_ref(),
        finished.exit_code,
        args.message_format,
    )?;
    let outcome = finished.outcome;
    let ran: Vec<&str> = outcome.reports.iter().map(|r| r.step.name()).collect();
    let summary = ev::Summary {
        version: VERSION,
        passed: outcome.passed,
        failed: outcome.failed,
        cached: finished.cached,
        failed_packages: outcome.failed_packages.into_iter().collect(),
        interrupted: outcome.interrupted,
        still_running: Vec::new(),
        wall_ms: clock.ms_since(started),
        exit_code: code,
    };
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
