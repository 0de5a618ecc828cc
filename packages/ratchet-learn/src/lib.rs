//! Inputs of a package beyond its own directory: what it was seen to read.
//!
//! Owns: reading rustc's dep-info files (every source file a compilation unit read, wherever it
//! lives, and the variables `env!`/`option_env!` looked up) and build scripts' `output` files
//! (`rerun-if-changed`, `rerun-if-env-changed`) in ratchet's build directory, tying each unit
//! to the workspace member it compiles, and remembering the result in one small state file
//! (`<target>/ratchet/learned-inputs.json`); the paths a package's tests were observed reading
//! at run time ([`Learned::record_runtime`]); the inputs a member declares in its manifest
//! (`[package.metadata.ratchet] inputs`); and the reverse question, which packages read a path
//! ([`Readers`]).
//!
//! Must not: hash anything (that is `ratchet-fingerprint`, which reads this package's answer),
//! run cargo, or decide what is affected. A missing or corrupt state file is an empty one: the
//! fingerprints then lack the learned inputs, which differ from the ones passes were recorded
//! under, so the packages run (and are learned) again.

mod declared;
mod depinfo;
mod paths;
mod readers;
mod scan;

use std::collections::{BTreeMap, BTreeSet};

use camino::{Utf8Path, Utf8PathBuf};
use ratchet_graph::Workspace;
use serde::{Deserialize, Serialize};

pub use declared::{DeclaredInput, declared_inputs};
pub use paths::absolute;
pub use readers::Readers;

/// Bump when the file's shape or meaning changes: an older file is then read as empty.
const FORMAT: u32 = 2;

/// What was learned about every package, as stored between runs.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Learned {
    format: u32,
    /// When the last complete scan of the build directory started (ns since the epoch): unit
    /// files changed since are read again by the next scan.
    scanned_ns: i128,
    /// Per unit file (dep-info or build-script output, relative to the build directory).
    units: BTreeMap<String, Unit>,
    /// Per package and step (`test`, `doc`): paths its tests were seen reading at run time
    /// (directories end with `/`).
    runtime: BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
}

/// What one compilation unit or build-script run recorded.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub(crate) struct Unit {
    /// The workspace member it belongs to; `None` for another crate (a registry dependency).
    pub package: Option<String>,
    /// For another crate: its name (`-` as `_`). Its variables are inputs of the members that
    /// use it, or of every package when none is known to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dependency: Option<String>,
    /// Files outside the member's own files: relative to the workspace root when under it,
    /// absolute otherwise; a directory whose whole tree counts ends with `/**`.
    pub files: BTreeSet<String>,
    /// Environment variables it read.
    pub env: BTreeSet<String>,
}

/// The inputs of every package beyond its own files, by package name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inputs {
    /// Per package: files (see [`Unit::files`]; a directory whose entry names count ends with
    /// `/`), learned, observed or declared.
    pub files: BTreeMap<String, BTreeSet<String>>,
    /// Per package: environment variables.
    pub env: BTreeMap<String, BTreeSet<String>>,
    /// Variables read by crates that are not members (build scripts of dependencies): inputs
    /// of every package.
    pub global_env: BTreeSet<String>,
}

/// Why learning or declared inputs failed.
#[derive(Debug, thiserror::Error)]
pub enum LearnError {
    /// A pattern under `[package.metadata.ratchet] inputs` that is not a valid glob.
    #[error("{manifest}: [package.metadata.ratchet] inputs: {message}")]
    BadDeclared {
        /// The manifest declaring it.
        manifest: Utf8PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The state file could not be written.
    #[error(transparent)]
    Store(#[from] ratchet_store::StoreError),
}

impl Learned {
    /// The state file of `ws`; empty when missing, corrupt or of another format.
    pub fn load(ws: &Workspace) -> Learned {
        ratchet_store::read_json::<Learned>(path(ws).as_std_path())
            .filter(|l| l.format == FORMAT)
            .unwrap_or_default()
    }

    /// Writes the state file atomically.
    pub fn save(&self, ws: &Workspace) -> Result<(), LearnError> {
        let mut me = self.clone();
        me.format = FORMAT;
        ratchet_store::write_json(path(ws).as_std_path(), &me)?;
        Ok(())
    }

    /// Records the paths `package`'s tests were observed reading at run time in `step`
    /// (relative to the workspace root, or absolute; directories end with `/`), replacing what
    /// its earlier run of that step recorded: each run observes everything it reads.
    pub fn record_runtime(&mut self, package: &str, step: &str, paths: &BTreeSet<String>) {
        let steps = self.runtime.entry(package.to_string()).or_default();
        if paths.is_empty() {
            steps.remove(step);
        } else {
            steps.insert(step.to_string(), paths.clone());
        }
        if steps.is_empty() {
            self.runtime.remove(package);
        }
    }

    /// Every package's learned and observed inputs (declared ones are added by [`inputs`]).
    pub fn inputs(&self, ws: &Workspace) -> Inputs {
        self.inputs_with(&|name| users_of(ws, name))
    }

    /// [`Learned::inputs`], with the members using a dependency given by `users`.
    fn inputs_with(&self, users: &dyn Fn(&str) -> Vec<String>) -> Inputs {
        let mut out = Inputs::default();
        for unit in self.units.values() {
            if let Some(package) = &unit.package {
                let files = out.files.entry(package.clone()).or_default();
                files.extend(unit.files.iter().cloned());
            }
            let readers = match (&unit.package, &unit.dependency) {
                (Some(package), _) => vec![package.clone()],
                (None, Some(name)) => users(name),
                (None, None) => Vec::new(),
            };
            if readers.is_empty() {
                out.global_env.extend(unit.env.iter().cloned());
            }
            for reader in readers {
                let env = out.env.entry(reader).or_default();
                env.extend(unit.env.iter().cloned());
            }
        }
        for (package, steps) in &self.runtime {
            let files = out.files.entry(package.clone()).or_default();
            files.extend(steps.values().flatten().cloned());
        }
        out.files.retain(|_, f| !f.is_empty());
        out.env.retain(|_, e| !e.is_empty());
        out
    }
}

/// The members that use the crate `name` (`-` as `_`), directly or through other crates.
fn users_of(ws: &Workspace, name: &str) -> Vec<String> {
    ws.packages
        .iter()
        .filter(|p| {
            p.external_deps
                .iter()
                .any(|d| d.name.replace('-', "_") == name)
        })
        .map(|p| p.name.clone())
        .collect()
}

/// Reads what the units built in `build_dir` (ratchet's cargo target directory) since the last
/// scan recorded, and stores it. Returns whether anything learned changed.
pub fn learn_from_build(ws: &Workspace, build_dir: &Utf8Path) -> Result<bool, LearnError> {
    let mut learned = Learned::load(ws);
    let changed = scan::update(ws, build_dir, &mut learned);
    learned.save(ws)?;
    Ok(changed)
}

/// Records what the tests of each package were observed reading in `step` (see
/// [`Learned::record_runtime`]), in one read-modify-write of the state file. The package's
/// own files (already in its fingerprint) and build output are left out.
pub fn record_runtime(
    ws: &Workspace,
    step: &str,
    observed: &BTreeMap<String, BTreeSet<String>>,
) -> Result<(), LearnError> {
    let mut learned = Learned::load(ws);
    let before = learned.clone();
    let skipped = paths::Skipped::new(ws);
    for (package, paths) in observed {
        let own = ws.find(package);
        let beyond: BTreeSet<String> = paths
            .iter()
            .filter(|p| {
                let path = absolute(&ws.root, p);
                own.is_none_or(|ix| ws.owner_of(&path) != Some(ix)) && !skipped.contains(&path)
            })
            .cloned()
            .collect();
        learned.record_runtime(package, step, &beyond);
    }
    if learned != before {
        learned.save(ws)?;
    }
    Ok(())
}

/// Every package's inputs beyond its own files: learned at compile time, observed at run time
/// and declared in its manifest (globs expanded now).
pub fn inputs(ws: &Workspace) -> Result<Inputs, LearnError> {
    let mut out = Learned::load(ws).inputs(ws);
    for (package, declared) in declared_inputs(ws)? {
        let files = out.files.entry(package).or_default();
        for input in &declared {
            files.extend(input.expand(ws));
        }
    }
    out.files.retain(|_, f| !f.is_empty());
    Ok(out)
}

/// Where the state file lives.
pub fn path(ws: &Workspace) -> Utf8PathBuf {
    ws.state_dir().join(ratchet_store::state::LEARNED_INPUTS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn runtime_reads_join_learned_ones_and_replace_the_earlier_run() {
        let mut learned = Learned::default();
        let unit = |package: Option<&str>, dependency: &str, files: &[&str], env: &[&str]| Unit {
            package: package.map(str::to_string),
            dependency: Some(dependency.to_string()).filter(|d| !d.is_empty()),
            files: set(files),
            env: set(env),
        };
        let units = &mut learned.units;
        units.insert(
            "debug/deps/a-1.d".into(),
            unit(Some("a"), "", &["x"], &["FOO"]),
        );
        units.insert("debug/deps/cc-1.d".into(), unit(None, "cc", &[], &["CC"]));
        units.insert(
            "debug/deps/odd-1.d".into(),
            unit(None, "odd", &[], &["ODD"]),
        );
        learned.record_runtime("a", "test", &set(&["docs/"]));
        learned.record_runtime("a", "test", &set(&["docs/guide.md"]));
        learned.record_runtime("a", "doc", &set(&["README.md"]));
        learned.record_runtime("b", "test", &set(&["b.txt"]));
        learned.record_runtime("b", "test", &set(&[]));
        // `cc` is used by `a`; nobody is known to use `odd`.
        let users = |name: &str| match name {
            "cc" => vec!["a".to_string()],
            _ => Vec::new(),
        };
        let inputs = learned.inputs_with(&users);
        assert_eq!(inputs.files["a"], set(&["README.md", "docs/guide.md", "x"]));
        assert!(!inputs.files.contains_key("b"), "{inputs:?}");
        assert_eq!(inputs.env["a"], set(&["CC", "FOO"]));
        assert_eq!(inputs.global_env, set(&["ODD"]));
    }
}
