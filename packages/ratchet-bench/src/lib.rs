//! `cargo xtask bench`: ratchet's commands timed against the commands a user would otherwise
//! run, on generated workspaces of 100 and 1000 packages and on real ones (`--on PATH`). See
//! `docs/benchmarks.md`. It only measures and reports: it is this repository's tool, never a
//! dependency of ratchet itself (`xtask` is its only user).

mod cpu;
mod measure;
mod on;
mod on_report;
mod on_subjects;
mod report;
mod rows;
mod setup;
mod shot;
mod targets;
mod watch;

use std::process::ExitCode;

use clap::Parser;
use ratchet_fixture::Spec;

/// Time ratchet and the commands it replaces on synthetic workspaces.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask bench")]
struct Args {
    /// Timed runs per command (after one untimed warm-up); default 5, with `--on` 3.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    runs: Option<u16>,
    #[command(flatten)]
    on: on::OnArgs,
    /// Only the 100-package workspace.
    #[arg(long)]
    quick: bool,
    /// Also write the results to docs/benchmarks.md.
    #[arg(long)]
    write: bool,
    /// Only these workspace sizes (repeatable; overrides `--quick`).
    #[arg(long = "packages", value_name = "N")]
    packages: Vec<usize>,
    /// Only the rows whose label contains this text (repeatable), e.g. to build a fixture's
    /// cold state ahead of a full run with `--only no-op --runs 1`.
    #[arg(long, value_name = "TEXT")]
    only: Vec<String>,
    /// Seed of the generated workspaces.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Instead of timing: write the HTML report of a small generated workspace with a few gate
    /// runs of history, and its screenshot by headless Chromium to this PNG.
    #[arg(long, value_name = "OUT.png", conflicts_with = "on")]
    report_shot: Option<std::path::PathBuf>,
}

/// Runs the benchmarks; `args[0]` is the program name.
pub fn main(args: Vec<std::ffi::OsString>) -> ExitCode {
    let invocation = std::iter::once("cargo xtask bench".to_string())
        .chain(
            args.iter()
                .skip(1)
                .map(|a| a.to_string_lossy().into_owned()),
        )
        .collect::<Vec<_>>()
        .join(" ");
    let args = match Args::try_parse_from(args) {
        Ok(args) => args,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match run(&args, &invocation) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &Args, invocation: &str) -> anyhow::Result<()> {
    if let Some(out) = &args.report_shot {
        return shot::run(out, args.seed);
    }
    let machine = setup::machine();
    let root = setup::repo_root();
    let bin_dir = setup::release_binaries(&root)?;
    let ratchet = bin_dir.join("xtask");
    if let Some(path) = &args.on.on {
        return run_on(args, path, &ratchet, &bin_dir, invocation);
    }
    let sizes = match (&args.packages[..], args.quick) {
        ([], true) => vec![100],
        ([], false) => vec![100, 1000],
        (sizes, _) => sizes.to_vec(),
    };
    let runs = usize::from(args.runs.unwrap_or(5));
    let mut sections: Vec<report::Section> = Vec::new();
    // Written after every row, so a run stopped early still leaves what it measured.
    let save = |sections: &[report::Section]| -> anyhow::Result<String> {
        let document = report::document(&machine, runs, invocation, sections);
        if args.write {
            report::save(&root.join("docs/benchmarks.md"), &document)?;
        }
        Ok(document)
    };
    for &packages in &sizes {
        let spec = Spec {
            xtask: true,
            ..Spec::large(packages, args.seed)
        };
        let dir = setup::fixture(&root, &spec)?;
        let subjects = Subjects::pick(&dir, &spec)?;
        let context = measure::Context {
            dir: &dir,
            ratchet: &ratchet,
            bin_dir: &bin_dir,
            vars: subjects.vars.clone(),
            libs: subjects.libs.clone(),
        };
        sections.push(report::Section {
            packages,
            seed: args.seed,
            size: setup::size(&dir)?,
            subjects: subjects.description,
            results: Vec::new(),
        });
        let selected = rows::ROWS.iter().filter(|row| {
            args.only.is_empty() || args.only.iter().any(|o| row.label.contains(o.as_str()))
        });
        for row in selected {
            eprintln!("bench: {packages} packages: {}", row.label);
            let runs = match row.one_run_above {
                Some(limit) if packages > limit => 1,
                _ => runs,
            };
            let outcome = context.measure(row, runs);
            // The log keeps the figures even when the run is stopped before it prints them.
            eprintln!(
                "bench: {packages} packages: {}: {}",
                row.label,
                report::summary(&outcome)
            );
            if let Some(section) = sections.last_mut() {
                section.results.push((*row, outcome));
            }
            save(&sections)?;
        }
    }
    print!("{}", save(&sections)?);
    Ok(())
}

/// `--on PATH`: prints the real workspace's report (never written to docs/ by itself).
fn run_on(
    args: &Args,
    path: &std::path::Path,
    ratchet: &std::path::Path,
    bin_dir: &std::path::Path,
    invocation: &str,
) -> anyhow::Result<()> {
    let path = std::fs::canonicalize(path)
        .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", path.display()))?;
    let context = measure::Context {
        dir: &path,
        ratchet,
        bin_dir,
        vars: Vec::new(),
        libs: Vec::new(),
    };
    let runs = usize::from(args.runs.unwrap_or(3));
    let report = on::run(&args.on, &path, runs, &args.only, &context)?;
    println!("Invocation: `{invocation}`\n\n{report}");
    Ok(())
}

/// The packages the edit rows touch, as script variables and as a sentence for the report.
struct Subjects {
    vars: Vec<(&'static str, String)>,
    libs: Vec<(String, std::path::PathBuf)>,
    description: String,
}

impl Subjects {
    /// `LEAF_*`: the last package that nothing depends on. `ROOT_*`: among the first ten
    /// packages (which the fixture lists dependencies first), the one with most dependents.
    fn pick(dir: &std::path::Path, spec: &Spec) -> anyhow::Result<Subjects> {
        let fixture = ratchet_fixture::open(dir, spec)?;
        let Some(leaf) = fixture.without_dependents().into_iter().last() else {
            anyhow::bail!("the fixture has no package without dependents: regenerate it");
        };
        let Some((affected, root)) = fixture
            .packages
            .iter()
            .take(10)
            .map(|p| (fixture.affected(&[p.name.as_str()]).len(), p))
            .max_by_key(|(affected, _)| *affected)
        else {
            anyhow::bail!("the fixture has no packages: regenerate it");
        };
        let description = format!(
            "Leaf: `{}` (nothing depends on it). Root: `{}`, whose edit affects {affected} \
             packages (itself, its reverse dependencies and their dev-dependents).",
            leaf.name, root.name
        );
        let lib = |p: &ratchet_fixture::FixturePackage| p.lib_rs().to_string_lossy().into_owned();
        Ok(Subjects {
            vars: vec![
                ("LEAF_NAME", leaf.name.clone()),
                ("LEAF_LIB", lib(leaf)),
                ("ROOT_NAME", root.name.clone()),
                ("ROOT_LIB", lib(root)),
            ],
            libs: fixture
                .packages
                .iter()
                .map(|p| (p.name.clone(), p.lib_rs()))
                .collect(),
            description,
        })
    }
}
