//! Each package's predicted time: what earlier runs recorded, else its size.

use std::collections::BTreeMap;

use crate::Job;

/// Where a package's predicted time comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// Build and test times an earlier `check` recorded.
    Recorded,
    /// Its source size, scaled by the recorded packages' time per byte (or in bytes when no
    /// package has a recorded time).
    Size,
}

/// The predicted times of a selection.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// One job per package, in the input's order.
    pub jobs: Vec<Job>,
    /// Where each package's time comes from.
    pub sources: BTreeMap<String, Source>,
    /// Whether the weights are milliseconds: false when nothing at all was recorded, so sizes
    /// are in bytes and only their ratios mean something.
    pub in_ms: bool,
}

/// Predicts each of `packages`: its time in `recorded_ms` when there is one; otherwise its
/// size in `size_bytes` times the time per byte of the packages that have both. Every weight
/// is at least 1, so an empty package still counts as one.
pub fn estimate(
    packages: &[String],
    recorded_ms: &BTreeMap<String, u64>,
    size_bytes: &BTreeMap<String, u64>,
) -> Estimate {
    let (mut ms, mut bytes) = (0u64, 0u64);
    for (name, time) in recorded_ms {
        if let Some(size) = size_bytes.get(name) {
            ms = ms.saturating_add(*time);
            bytes = bytes.saturating_add(*size);
        }
    }
    let per_byte = match (ms, bytes) {
        (0, _) | (_, 0) => None,
        _ => Some(ms as f64 / bytes as f64),
    };
    let mut sources = BTreeMap::new();
    let jobs = packages
        .iter()
        .map(|name| {
            let (weight, source) = match recorded_ms.get(name) {
                Some(time) => (*time, Source::Recorded),
                None => {
                    let size = size_bytes.get(name).copied().unwrap_or(0);
                    let scaled = per_byte.map_or(size, |rate| (size as f64 * rate).round() as u64);
                    (scaled, Source::Size)
                }
            };
            sources.insert(name.clone(), source);
            Job {
                name: name.clone(),
                weight: weight.max(1),
            }
        })
        .collect();
    Estimate {
        jobs,
        sources,
        in_ms: per_byte.is_some() || packages.iter().all(|p| recorded_ms.contains_key(p)),
    }
}

/// The test time of each package from the test runner's durations, which are keyed
/// `PACKAGE/KIND/TARGET` (one entry per test binary).
pub fn test_ms_by_package(durations: &BTreeMap<String, u64>) -> BTreeMap<String, u64> {
    let mut by_package: BTreeMap<String, u64> = BTreeMap::new();
    for (key, ms) in durations {
        if let Some((package, _)) = key.split_once('/') {
            let total = by_package.entry(package.to_string()).or_default();
            *total = total.saturating_add(*ms);
        }
    }
    by_package
}
