//! Measures the watcher on a real workspace: start-up time, then the time from saving a file
//! to the batch that names it, over several saves.
//!
//! `cargo run -p ratchet-watch --example latency -- PATH/Cargo.toml [DEBOUNCE_MS] [SAMPLES]`
//! edits (and restores) the first library source of the workspace's last package.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use camino::Utf8PathBuf;
use ratchet_graph::LoadOptions;
use ratchet_watch::{WatchOptions, Watcher};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let manifest = Utf8PathBuf::from(args.first().expect("usage: latency MANIFEST [MS] [N]"));
    let debounce_ms: u64 = args.get(1).map_or(100, |a| a.parse().unwrap());
    let samples: usize = args.get(2).map_or(20, |a| a.parse().unwrap());
    let ws = ratchet_graph::load(&LoadOptions {
        manifest_path: Some(manifest),
        refresh: false,
        update_lock: false,
    })
    .unwrap();
    let package = ws.packages.last().unwrap();
    let file = package.targets[0].src_path.clone();
    let original = std::fs::read_to_string(&file).unwrap();

    let started = Instant::now();
    let options = WatchOptions {
        debounce: Duration::from_millis(debounce_ms),
        ..WatchOptions::default()
    };
    let watcher = Watcher::start(&ws, options).unwrap();
    let startup = started.elapsed();

    let mut latencies = Vec::new();
    for i in 0..samples {
        std::thread::sleep(Duration::from_millis(300));
        let saved = Instant::now();
        std::fs::write(&file, format!("{original}// edit {i}\n")).unwrap();
        let batch = watcher.next_batch_timeout(Duration::from_secs(30)).unwrap();
        let batch = batch.expect("a batch within 30 s");
        latencies.push(saved.elapsed());
        assert!(batch.packages.contains(&package.name), "{batch:?}");
    }
    std::fs::write(&file, original).unwrap();
    latencies.sort();
    println!(
        "{} packages: start-up {:.1} ms; save to batch with a {debounce_ms} ms debounce over \
         {samples} saves: min {:.1} ms, median {:.1} ms, max {:.1} ms",
        ws.packages.len(),
        ms(startup),
        ms(latencies[0]),
        ms(latencies[samples / 2]),
        ms(latencies[samples - 1]),
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
