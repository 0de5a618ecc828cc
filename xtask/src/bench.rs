//! `cargo xtask bench`: ratchet's commands timed against the commands a user would otherwise
//! run, on generated workspaces of 100 and 1000 packages. See `docs/benchmarks.md`.

mod measure;
mod report;
mod rows;
mod setup;

use std::process::ExitCode;

use clap::Parser;
use ratchet_fixture::Spec;

/// Time ratchet and the commands it replaces on synthetic workspaces.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask bench")]
struct Args {
    /// Timed runs per command (after one untimed warm-up).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..))]
    runs: u16,
    /// Only the 100-package workspace.
    #[arg(long)]
    quick: bool,
    /// Also write the results to docs/benchmarks.md.
    #[arg(long)]
    write: bool,
    /// Seed of the generated workspaces.
    #[arg(long, default_value_t = 1)]
    seed: u64,
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
    let machine = setup::machine();
    let root = setup::repo_root();
    let bin_dir = setup::release_binaries(&root)?;
    let ratchet = bin_dir.join("xtask");
    let sizes: &[usize] = if args.quick { &[100] } else { &[100, 1000] };
    let mut sections = Vec::new();
    for &packages in sizes {
        let spec = Spec {
            xtask: true,
            ..Spec::large(packages, args.seed)
        };
        let dir = setup::fixture(&root, &spec)?;
        let context = measure::Context {
            dir: &dir,
            ratchet: &ratchet,
            bin_dir: &bin_dir,
            vars: leaf_vars(&dir, &spec)?,
        };
        let mut results = Vec::new();
        for row in rows::ROWS {
            eprintln!("bench: {packages} packages: {}", row.label);
            results.push((*row, context.measure(row, usize::from(args.runs))));
        }
        sections.push(report::Section {
            packages,
            seed: args.seed,
            size: setup::size(&dir)?,
            results,
        });
    }
    let document = report::document(&machine, usize::from(args.runs), invocation, &sections);
    print!("{document}");
    if args.write {
        let path = root.join("docs/benchmarks.md");
        std::fs::create_dir_all(root.join("docs"))?;
        ratchet_store::write_atomic(&path, document.as_bytes())?;
        eprintln!("bench: wrote {}", path.display());
    }
    Ok(())
}

/// `LEAF_NAME` and `LEAF_LIB`: the last package that nothing depends on, and its `lib.rs`.
fn leaf_vars(dir: &std::path::Path, spec: &Spec) -> anyhow::Result<Vec<(&'static str, String)>> {
    let fixture = ratchet_fixture::open(dir, spec)?;
    let Some(leaf) = fixture.without_dependents().into_iter().last() else {
        anyhow::bail!("the fixture has no package without dependents: regenerate it");
    };
    Ok(vec![
        ("LEAF_NAME", leaf.name.clone()),
        ("LEAF_LIB", leaf.lib_rs().to_string_lossy().into_owned()),
    ])
}
