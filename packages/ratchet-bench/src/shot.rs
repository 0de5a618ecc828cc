//! `cargo xtask bench --report-shot OUT.png`: the HTML report of a generated workspace with a
//! few gate runs of history, as headless Chromium draws it. A person looks at the picture;
//! nothing here judges it. Chromium is needed only by this step, never by CI or the tests.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};
use ratchet_fixture::Spec;

/// A module added to one package between commits, so the history has a step in it.
fn growth() -> String {
    let mut out = String::from("//! Added by the report-shot bench step.\n");
    for i in 0..40 {
        out.push_str(&format!(
            "\n#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]\n\
             pub struct Grown{i} {{\n    pub a: u64,\n    pub b: Vec<String>,\n}}\n"
        ));
    }
    out
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
    if dir.exists() {
        std::fs::remove_dir_all(&dir)
            .with_context(|| format!("cannot remove {}", dir.display()))?;
    }
    eprintln!(
        "report-shot: generating {} packages into {}",
        spec.packages,
        dir.display()
    );
    let fixture = ratchet_fixture::generate(&dir, &spec)?;
    let step = |args: &[&str], ok: &[i32]| ratchet_step(&ratchet, &dir, args, ok);
    step(&["check"], &[0])?;
    step(&["budget", "init"], &[0])?;
    for _ in 0..3 {
        step(&["budget", "gate"], &[0, 3])?;
    }
    let Some(grown) = fixture.packages.first() else {
        bail!("the fixture has no packages");
    };
    let lib = dir.join(grown.lib_rs());
    let text = std::fs::read_to_string(&lib)?;
    // After the last `pub mod` line, where rustfmt keeps module declarations sorted.
    let at = text
        .rfind("\npub mod ")
        .and_then(|at| text[at + 1..].find('\n').map(|n| at + n + 2));
    let Some(at) = at else {
        bail!("{} declares no module", lib.display());
    };
    std::fs::write(
        &lib,
        format!("{}pub mod shot_grown;\n{}", &text[..at], &text[at..]),
    )?;
    std::fs::write(lib.with_file_name("shot_grown.rs"), growth())?;
    git(&dir, &["add", "-A"])?;
    git(&dir, &["commit", "-qam", "grow one package"])?;
    step(&["check"], &[0])?;
    for _ in 0..2 {
        step(&["budget", "gate"], &[0, 3])?;
    }
    let html = dir.join("report.html");
    step(&["report", "--out", &html.to_string_lossy()], &[0])?;
    print_history(&dir)?;
    let out = std::path::absolute(out)?;
    eprintln!(
        "report-shot: {} --headless --screenshot",
        chromium.display()
    );
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

fn ratchet_step(ratchet: &Path, dir: &Path, args: &[&str], ok: &[i32]) -> anyhow::Result<()> {
    eprintln!("report-shot: xtask {}", args.join(" "));
    let out = Command::new(ratchet)
        .args(args)
        .current_dir(dir)
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .with_context(|| format!("cannot run {}", ratchet.display()))?;
    let code = out.status.code().unwrap_or(-1);
    if !ok.contains(&code) {
        bail!(
            "`xtask {}` exited {code}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

fn git(dir: &Path, args: &[&str]) -> anyhow::Result<()> {
    let identity = ["-c", "user.name=bench", "-c", "user.email=bench@localhost"];
    let status = Command::new("git")
        .args(identity)
        .args(args)
        .current_dir(dir)
        .status()?;
    if !status.success() {
        bail!("git {} failed in {}", args.join(" "), dir.display());
    }
    Ok(())
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
        println!(
            "{:>3}  {commit}  {:>11}  {}",
            i + 1,
            ms(run.calibration_ms),
            ms(run.total_build_cpu_ms)
        );
    }
    Ok(())
}
