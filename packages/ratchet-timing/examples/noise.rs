//! Measures the noise of the gate's timing method on this machine (numbers in docs/budgets.md):
//! `cargo run -p ratchet-timing --example noise -- [PACKAGE] [RUNS]` prints the calibration
//! compile's CPU time, the package's rebuild CPU time and their ratio, RUNS times each.

use ratchet_timing::{Scratch, median};

fn spread(values: &[u64]) -> String {
    let min = values.iter().min().copied().unwrap_or(0);
    let max = values.iter().max().copied().unwrap_or(0);
    let mid = median(values).max(1);
    format!(
        "min {min} median {mid} max {max} ms, spread {:.1}% of median",
        (max - min) as f64 * 100.0 / mid as f64
    )
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let package = args
        .first()
        .cloned()
        .unwrap_or_else(|| "ratchet-graph".to_string());
    let runs: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(10);
    let ws = ratchet_graph::load(&ratchet_graph::LoadOptions::default())?;
    // The budget gate's own scratch area, so a run warms the gate's builds and vice versa.
    let scratch = Scratch::open(
        &ws.state_dir().join(ratchet_store::state::BUDGET_SCRATCH),
        &ws.root.join("Cargo.toml"),
    )?;
    let overhead = scratch.prepare(&package)?;
    let (mut calibrations, mut builds, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let c = scratch.calibrate_once()?;
        let b = scratch.sample(&package, overhead)?;
        println!("calibration {c} ms, {package} {b} ms");
        calibrations.push(c);
        builds.push(b);
        ratios.push(b * 1000 / c.max(1));
    }
    println!("cargo no-op overhead: {overhead} ms");
    println!("calibration: {}", spread(&calibrations));
    println!("{package}: {}", spread(&builds));
    println!("{package} / calibration (x1000): {}", spread(&ratios));
    Ok(())
}
