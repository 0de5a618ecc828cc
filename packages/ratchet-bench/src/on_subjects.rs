//! `bench --on`: which packages of a real workspace the edit rows touch, and the edits
//! themselves, each undone before the next command runs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};

/// A member as the edit rows see it.
#[derive(Debug, Clone)]
pub struct Member {
    /// Its package name.
    pub name: String,
    /// The file the edits append to: its library root, else its first target's root.
    pub file: PathBuf,
    /// Members that reach it through any dependency edge (normal, build, dev), transitively.
    pub dependents: usize,
}

/// The leaf and the root of the edit rows.
#[derive(Debug)]
pub struct Subjects {
    /// A member nothing in the workspace depends on.
    pub leaf: Member,
    /// The member with the most dependents.
    pub root: Member,
    /// How many members the workspace has.
    pub members: usize,
}

/// Reads the members with `cargo metadata --no-deps` (run by `command`, the bench's shell
/// with its environment) and picks the leaf and root: `leaf`/`root` by name when given; else
/// the leaf with a library and the most dependencies, and the member with most dependents.
pub fn pick(metadata: Command, leaf: Option<&str>, root: Option<&str>) -> anyhow::Result<Subjects> {
    let members = members(metadata)?;
    let by_name = |name: &str| {
        members
            .iter()
            .find(|m| m.0.name == name)
            .map(|m| m.0.clone())
            .with_context(|| format!("`{name}` is not a member of this workspace"))
    };
    let leaf = match leaf {
        Some(name) => by_name(name)?,
        None => members
            .iter()
            .filter(|(m, has_lib, _)| m.dependents == 0 && *has_lib)
            .max_by_key(|(m, _, deps)| (*deps, std::cmp::Reverse(m.name.clone())))
            .or_else(|| members.iter().find(|(m, _, _)| m.dependents == 0))
            .map(|m| m.0.clone())
            .context("every member has a dependent: name a leaf with --leaf")?,
    };
    let root = match root {
        Some(name) => by_name(name)?,
        None => members
            .iter()
            .max_by_key(|(m, _, _)| (m.dependents, std::cmp::Reverse(m.name.clone())))
            .map(|m| m.0.clone())
            .context("the workspace has no members")?,
    };
    Ok(Subjects {
        leaf,
        root,
        members: members.len(),
    })
}

/// Every member, whether it has a library, and how many members it depends on (transitively).
fn members(mut metadata: Command) -> anyhow::Result<Vec<(Member, bool, usize)>> {
    let out = metadata.output().context("cannot run cargo metadata")?;
    if !out.status.success() {
        bail!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let packages = doc["packages"].as_array().cloned().unwrap_or_default();
    let names: BTreeSet<String> = packages
        .iter()
        .filter_map(|p| p["name"].as_str().map(str::to_string))
        .collect();
    // Edges member -> member, by path dependencies naming a member.
    let mut deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for p in &packages {
        let name = p["name"].as_str().unwrap_or_default().to_string();
        let edges = p["dependencies"].as_array().cloned().unwrap_or_default();
        let entry = deps.entry(name).or_default();
        for d in edges {
            if d["path"].is_string()
                && let Some(dep) = d["name"].as_str().filter(|n| names.contains(*n))
            {
                entry.insert(dep.to_string());
            }
        }
    }
    let closure = |start: &str| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![start.to_string()];
        while let Some(n) = stack.pop() {
            for d in deps.get(&n).into_iter().flatten() {
                if d != start && seen.insert(d.clone()) {
                    stack.push(d.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&String, BTreeSet<String>> =
        names.iter().map(|n| (n, closure(n))).collect();
    let mut result = Vec::new();
    for p in &packages {
        let name = p["name"].as_str().unwrap_or_default().to_string();
        let targets = p["targets"].as_array().cloned().unwrap_or_default();
        let lib = targets.iter().find(|t| {
            t["kind"].as_array().is_some_and(|k| {
                k.iter().any(|k| {
                    k.as_str()
                        .is_some_and(|k| k.ends_with("lib") || k == "proc-macro")
                })
            })
        });
        let Some(file) = lib.or(targets.first()).and_then(|t| t["src_path"].as_str()) else {
            continue;
        };
        let dependents = reaches.values().filter(|r| r.contains(&name)).count();
        let depends_on = reaches.get(&name).map_or(0, BTreeSet::len);
        let member = Member {
            name,
            file: PathBuf::from(file),
            dependents,
        };
        result.push((member, lib.is_some(), depends_on));
    }
    Ok(result)
}

/// What an edit appends to a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditKind {
    /// A line comment: rustc's output does not change, but cargo and ratchet rebuild.
    Comment,
    /// An unnamed constant: a change to the code that leaves the public API as it was.
    Code,
}

/// An edit in place; [`Edit::restore`] (or dropping it) puts the file's bytes back.
pub struct Edit {
    file: PathBuf,
    original: Vec<u8>,
    restored: bool,
}

impl Edit {
    /// Appends `kind`'s text, made unique by `serial`, to `file`.
    pub fn apply(file: &Path, kind: EditKind, serial: u64) -> anyhow::Result<Edit> {
        let original =
            std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
        let line = match kind {
            EditKind::Comment => format!("// bench edit {serial}\n"),
            EditKind::Code => format!("const _: u64 = {serial};\n"),
        };
        let mut edited = original.clone();
        if !edited.ends_with(b"\n") && !edited.is_empty() {
            edited.push(b'\n');
        }
        edited.extend_from_slice(line.as_bytes());
        std::fs::write(file, &edited).with_context(|| format!("cannot edit {}", file.display()))?;
        Ok(Edit {
            file: file.to_path_buf(),
            original,
            restored: false,
        })
    }

    /// Writes the original bytes back.
    pub fn restore(mut self) -> anyhow::Result<()> {
        self.restored = true;
        std::fs::write(&self.file, &self.original)
            .with_context(|| format!("cannot restore {}", self.file.display()))
    }
}

impl Drop for Edit {
    /// An early return (a failed command) restores the file too.
    fn drop(&mut self) {
        if !self.restored {
            let _ = std::fs::write(&self.file, &self.original);
        }
    }
}

/// `git status --porcelain --untracked-files=no` of `dir`: what tracked files differ from
/// the commit. The bench refuses a workspace where this is not empty and checks it again at
/// the end.
pub fn tracked_changes(dir: &Path) -> anyhow::Result<String> {
    let out = Command::new("git")
        .args(["status", "--porcelain", "--untracked-files=no"])
        .current_dir(dir)
        .output()
        .context("cannot run git status")?;
    if !out.status.success() {
        bail!("{} is not a git work tree", dir.display());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `git rev-parse HEAD` of `dir`.
pub fn commit(dir: &Path) -> String {
    Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(dir)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}
