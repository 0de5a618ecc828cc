//! Inputs of a package beyond its own files (learned from rustc and build scripts, observed at
//! run time, declared in its manifest; see `ratchet-learn`), turned into what its fingerprint
//! hashes: files through the stat cache, a directory's sorted entry names, variables' values.

use std::collections::BTreeMap;

use camino::Utf8PathBuf;
use ratchet_graph::{PkgIx, Workspace};
use ratchet_learn::Inputs;

use crate::digest::hex;
use crate::stat::Stat;
use crate::walk::Found;

/// Learned inputs still to hash: files for the stat cache, and what is already known.
pub(crate) struct Pending {
    /// Files that exist now, to hash with the own files; each with its package and key.
    pub found: Vec<Found>,
    pub keys: Vec<(PkgIx, String)>,
    /// Per package: key -> hash of what needs no stat cache (listings, variables).
    pub known: Vec<BTreeMap<String, String>>,
}

/// Gathers every package's learned inputs. A file that does not exist adds nothing: its
/// appearing later adds a line, which is a change.
pub(crate) fn gather(ws: &Workspace, inputs: &Inputs) -> Pending {
    let mut pending = Pending {
        found: Vec::new(),
        keys: Vec::new(),
        known: vec![BTreeMap::new(); ws.packages.len()],
    };
    for (ix, package) in ws.packages.iter().enumerate() {
        for key in inputs.files.get(&package.name).into_iter().flatten() {
            let path = ratchet_learn::absolute(&ws.root, key);
            if key.ends_with("/**") {
                for file in tree(&path) {
                    pending.add_file(ix, crate::record_key(ws, &file), file);
                }
            } else if key.ends_with('/') {
                if let Some(hash) = listing(&path) {
                    pending.known[ix].insert(key.clone(), hash);
                }
            } else {
                pending.add_file(ix, key.clone(), path);
            }
        }
        for name in inputs.env.get(&package.name).into_iter().flatten() {
            if let Some(value) = std::env::var_os(name) {
                let value = value.to_string_lossy();
                pending.known[ix].insert(format!("env:{name}"), hex(value.as_bytes()));
            }
        }
    }
    pending
}

impl Pending {
    fn add_file(&mut self, ix: PkgIx, key: String, path: Utf8PathBuf) {
        if let Some(meta) = std::fs::metadata(&path).ok().filter(|m| m.is_file()) {
            self.found.push(Found {
                path,
                owner: None,
                external: None,
                stat: Stat::of(&meta),
                dangling_target: None,
            });
            self.keys.push((ix, key));
        }
    }

    /// Per package: every learned key and its hash, given the hashes of `found` in order.
    pub(crate) fn finish(self, hashes: &[String]) -> Vec<BTreeMap<String, String>> {
        let mut out = self.known;
        for ((ix, key), hash) in self.keys.into_iter().zip(hashes) {
            out[ix].insert(key, hash.clone());
        }
        out
    }
}

/// Every file below `dir`, sorted (cargo watches a whole directory named by
/// `rerun-if-changed`).
fn tree(dir: &Utf8PathBuf) -> Vec<Utf8PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.clone()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = dir.read_dir_utf8() else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.into_path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The hash of a directory's sorted entry names (a test that lists a directory sees entries
/// come and go, not their content).
fn listing(dir: &Utf8PathBuf) -> Option<String> {
    let mut names: Vec<String> = dir
        .read_dir_utf8()
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string())
        .collect();
    names.sort();
    Some(hex(names.join("\n").as_bytes()))
}

/// `env:NAME` -> hash of the value for the variables read by crates that are not members.
pub(crate) fn global_env(inputs: &Inputs) -> BTreeMap<String, String> {
    inputs
        .global_env
        .iter()
        .filter_map(|name| {
            let value = std::env::var_os(name)?;
            Some((
                format!("env:{name}"),
                hex(value.to_string_lossy().as_bytes()),
            ))
        })
        .collect()
}
