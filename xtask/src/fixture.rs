//! `cargo xtask fixture`: writes a synthetic workspace by hand, to look at or to try commands on.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use ratchet_fixture::Spec;

/// Generate a synthetic Cargo workspace (deterministic for a given seed).
#[derive(Debug, Parser)]
#[command(name = "cargo xtask fixture")]
struct Args {
    /// Number of packages.
    #[arg(long, default_value_t = 20)]
    packages: usize,
    /// Seed: the same seed and sizes give the same workspace.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// About this many lines of Rust per package.
    #[arg(long, default_value_t = 520)]
    lines: usize,
    /// Module files per package besides `lib.rs`.
    #[arg(long, default_value_t = 1)]
    files: usize,
    /// At most this many workspace dependencies per package.
    #[arg(long, default_value_t = 6)]
    max_deps: usize,
    /// Do not create a git repository.
    #[arg(long)]
    no_git: bool,
    /// Also add a trivial `xtask` member.
    #[arg(long)]
    xtask: bool,
    /// Directory to create; must not exist or be empty.
    out_dir: PathBuf,
}

/// Runs `fixture`; `args[0]` is the program name.
pub fn main(args: Vec<std::ffi::OsString>) -> ExitCode {
    let args = match Args::try_parse_from(args) {
        Ok(args) => args,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &Args) -> anyhow::Result<()> {
    let non_empty = std::fs::read_dir(&args.out_dir).is_ok_and(|mut d| d.next().is_some());
    if non_empty {
        anyhow::bail!(
            "{} is not empty: pass a new directory",
            args.out_dir.display()
        );
    }
    let spec = Spec {
        packages: args.packages,
        seed: args.seed,
        lines_per_package: args.lines,
        files_per_package: args.files,
        max_deps: args.max_deps,
        git: !args.no_git,
        xtask: args.xtask,
    };
    let fixture = ratchet_fixture::generate(&args.out_dir, &spec)?;
    let files: usize = fixture.packages.iter().map(|p| p.files.len()).sum();
    println!(
        "wrote {} packages, {files} files, {} lines of Rust to {}",
        fixture.packages.len(),
        fixture.rust_lines()?,
        fixture.root.display()
    );
    Ok(())
}
