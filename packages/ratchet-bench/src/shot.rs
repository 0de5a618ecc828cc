//! `cargo xtask bench --report-shot OUT.png`: the HTML report of a generated workspace with a
//! few gate runs of history, as headless Chromium draws it. A person looks at the picture;
//! nothing here judges it. Chromium is needed only by this step, never by CI or the tests.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};
use ratchet_fixture::Spec;

/// Structs added to one package between commits, so the history has a step in it.
fn growth() -> String {
    let item = |i: usize| {
        format!(
            "#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]\n\
             pub struct Grown{i} {{\n    pub a: u64,\n    pub b: Vec<String>,\n}}\n\n"
        )
    };
    (0..40).map(item).collect()
}

/// Runs the step: fixture, `check`, `budget init`, gates on two commits, `report`, screenshot.
pub fn run(out: &Path, seed: u64) -> anyhow::Result<()> {
    let chromium = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find_map(on_path)
        .context(
            "chromium is not installed, and the screenshot needs it (`apt-get install -y \
             chromium` on Debian): the report itself needs no browser, and CI and the tests \
             never run this step",
        )?;
    let ratchet = std::env::current_exe().context("cannot find the running xtask")?;
    let spec = Spec {
        files_per_package: 2,
        ..Spec::large(10, seed)
    };
    let package = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = package.parent().and_then(Path::parent).unwrap_or(package);
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or(root.join("target"), PathBuf::from);
    let dir = target.join("bench-fixtures/report-shot");
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("report-shot: generating a workspace into {}", dir.display());
    let fixture = ratchet_fixture::generate(&dir, &spec)?;
    let step = |args: &[&str]| command(ratchet.as_os_str(), &dir, args);
    let gates = |n: usize| (0..n).try_for_each(|_| step(&["budget", "gate"]));
    step(&["check"])?;
    step(&["budget", "init"])?;
    gates(3)?;
    let Some(grown) = fixture.packages.first() else {
        bail!("the fixture has no packages");
    };
    // Before the test module: clippy wants no items after it.
    let lib = dir.join(grown.lib_rs());
    let text = std::fs::read_to_string(&lib)?;
    let text = match text.find("#[cfg(test)]") {
        Some(at) => format!("{}{}{}", &text[..at], growth(), &text[at..]),
        None => format!("{text}\n{}", growth().trim_end()),
    };
    std::fs::write(&lib, text)?;
    let identity = ["-c", "user.name=bench", "-c", "user.email=b@localhost"];
    command(
        "git".as_ref(),
        &dir,
        &[&identity[..], &["commit", "-qam", "grow"]].concat(),
    )?;
    step(&["check"])?;
    gates(2)?;
    let html = dir.join("report.html");
    step(&["report", "--out", &html.to_string_lossy()])?;
    print_history(&dir)?;
    let out = std::path::absolute(out)?;
    let shot = Command::new(&chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
        ])
        .arg(format!("--screenshot={}", out.display()))
        .arg("--window-size=1000,6400")
        .arg(format!("file://{}", html.display()))
        .output()
        .context("cannot run chromium")?;
    if !shot.status.success() || !out.is_file() {
        bail!(
            "chromium failed: {}",
            String::from_utf8_lossy(&shot.stderr).trim()
        );
    }
    println!("report: {}\nscreenshot: {}", html.display(), out.display());
    Ok(())
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Runs `program args` in `dir`; exit 0 passes, and 3 (a budget over its ceiling) too.
fn command(program: &std::ffi::OsStr, dir: &Path, args: &[&str]) -> anyhow::Result<()> {
    eprintln!(
        "report-shot: {} {}",
        program.to_string_lossy(),
        args.join(" ")
    );
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .with_context(|| format!("cannot run {}", program.to_string_lossy()))?;
    match out.status.code() {
        Some(0 | 3) => Ok(()),
        code => bail!(
            "`{} {}` exited {code:?}: {}{}",
            program.to_string_lossy(),
            args.join(" "),
            String::from_utf8_lossy(&out.stdout).trim(),
            String::from_utf8_lossy(&out.stderr).trim()
        ),
    }
}

/// Each gate run's calibration and `total-build-cpu` as the gate recorded it: the noise the
/// page's comparable values take out.
fn print_history(dir: &Path) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(dir.join("target/ratchet/budget-history.jsonl"))?;
    println!("run  commit   calibration  total-build-cpu (as recorded)");
    for (i, line) in text.lines().enumerate() {
        let run: ratchet_events::budget::BudgetSnapshot = serde_json::from_str(line)?;
        let commit: String = run.commit.unwrap_or_default().chars().take(7).collect();
        let ms = |v: Option<u64>| v.map_or("-".to_string(), |v| format!("{v} ms"));
        let (cal, total) = (ms(run.calibration_ms), ms(run.total_build_cpu_ms));
        println!("{:>3}  {commit}  {cal:>11}  {total}", i + 1);
    }
    Ok(())
}
