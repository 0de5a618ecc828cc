//! Without `--since`: the difference between the current fingerprints and the recorded ones,
//! turned into seeds with the finest cause that explains each difference.

use std::collections::{BTreeMap, BTreeSet};

use ratchet_events::affected::Cause;
use ratchet_fingerprint::{Fingerprints, external_key};
use ratchet_graph::{Package, Workspace};

use crate::Changes;
use crate::expand::Seed;

/// What changed between `recorded` and `current`.
pub(crate) fn changes(
    ws: &Workspace,
    current: &Fingerprints,
    recorded: Option<&Fingerprints>,
) -> Changes {
    let Some(recorded) = recorded else {
        let detail = "no fingerprints recorded yet, so every package counts (record them with \
                      `affected --record` or a passing `check`)";
        return Changes {
            seeds: crate::everything(
                ws,
                Cause::Fingerprint {
                    detail: detail.to_string(),
                },
            ),
            ..Changes::default()
        };
    };
    let mut global_inputs = changed_keys(&current.globals, &recorded.globals);
    // ratchet.toml: in no package's hash, an input of every verdict all the same.
    global_inputs.extend(changed_keys(&current.config, &recorded.config));
    let mut out = Changes {
        global_inputs,
        ..Changes::default()
    };
    let mut changed_files = BTreeSet::new();
    for (ix, package) in ws.packages.iter().enumerate() {
        let Some(now) = current.packages.get(&package.name) else {
            continue;
        };
        let Some(before) = recorded.packages.get(&package.name) else {
            out.seeds.push(Seed {
                ix,
                cause: Cause::Fingerprint {
                    detail: "the package is new since the last record".to_string(),
                },
            });
            continue;
        };
        let mut files = changed_keys(&now.files, &before.files);
        // A file or variable read beyond its own files (learned, observed, declared).
        files.extend(changed_keys(&now.learned, &before.learned));
        if let Some(first) = files.first() {
            out.seeds.push(Seed {
                ix,
                cause: Cause::File {
                    path: first.clone(),
                },
            });
        }
        if now.externals != before.externals {
            out.seeds.push(Seed {
                ix,
                cause: Cause::Lockfile {
                    packages: changed_externals(package, current, recorded),
                },
            });
        }
        changed_files.extend(files);
    }
    for name in recorded.packages.keys() {
        if !current.packages.contains_key(name) {
            out.warnings.push(format!(
                "package `{name}` was removed since the last record"
            ));
            let removed = &recorded.packages[name];
            changed_files.extend(removed.files.keys().cloned());
        }
    }
    out.changed_files = changed_files.into_iter().collect();
    out
}

/// Packages whose fingerprint differs from the record although no finer cause reached them
/// (belt and braces: the Merkle hash is the ground truth).
pub(crate) fn leftovers(
    ws: &Workspace,
    current: &Fingerprints,
    recorded: Option<&Fingerprints>,
    affected: &BTreeSet<&str>,
) -> Vec<Seed> {
    let Some(recorded) = recorded else {
        return Vec::new();
    };
    let mut seeds = Vec::new();
    for (ix, package) in ws.packages.iter().enumerate() {
        let name = package.name.as_str();
        let differs = match (current.packages.get(name), recorded.packages.get(name)) {
            (Some(now), Some(before)) => now.full != before.full,
            _ => false,
        };
        if differs && !affected.contains(name) {
            seeds.push(Seed {
                ix,
                cause: Cause::Fingerprint {
                    detail: "its fingerprint differs from the record".to_string(),
                },
            });
        }
    }
    seeds
}

/// The external dependencies of `package` that are new or differ since the record, as
/// `name version` (empty when only a removal changed its externals).
fn changed_externals(
    package: &Package,
    current: &Fingerprints,
    recorded: &Fingerprints,
) -> Vec<String> {
    package
        .external_deps
        .iter()
        .filter(|d| {
            let key = external_key(d);
            recorded.externals.get(&key) != current.externals.get(&key)
                || !recorded.externals.contains_key(&key)
        })
        .map(|d| format!("{} {}", d.name, d.version))
        .collect()
}

/// Keys added, removed or with another value, sorted.
fn changed_keys(now: &BTreeMap<String, String>, before: &BTreeMap<String, String>) -> Vec<String> {
    let mut keys: Vec<String> = now
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .chain(before.keys().filter(|k| !now.contains_key(*k)).cloned())
        .collect();
    keys.sort();
    keys
}
