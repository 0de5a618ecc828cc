//! File-import cycles inside a package: which of a package's files name which others through
//! `crate::x`, `super::x` or `self::x` (in `use` lines and in code), and a cycle in that graph.
//!
//! Known limits: a bare `x::` path (a parent naming its child module) and a re-export through
//! the crate root (`crate::Item`) are not followed; the crate root is never part of a cycle (it
//! is the table of contents); code after the first `#[cfg(test)]` line is left out, since
//! inline test modules use `super::*` of their own file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module path: `["cmd", "check"]` for `src/cmd/check.rs` or `src/cmd/check/mod.rs`.
type ModPath = Vec<String>;

/// The module path of a file under `src/` (`None` for a crate root or a binary).
fn module_of(relative: &Path) -> Option<ModPath> {
    let mut parts: Vec<String> = relative
        .with_extension("")
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if parts.first().is_some_and(|p| p == "bin") {
        return None;
    }
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    if parts.len() == 1 && (parts[0] == "lib" || parts[0] == "main") {
        return None;
    }
    Some(parts)
}

/// The paths named after a prefix, with `{a, b::c}` groups expanded.
fn tree(text: &str) -> Vec<Vec<String>> {
    let mut segments = Vec::new();
    let mut rest = text.trim_start();
    loop {
        if let Some(inner) = rest.strip_prefix('{') {
            let (mut depth, mut start, mut out) = (0, 0, Vec::new());
            for (i, c) in inner.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' | ',' if depth == 0 => {
                        for tail in tree(&inner[start..i]) {
                            out.push(segments.iter().cloned().chain(tail).collect());
                        }
                        start = i + 1;
                        if c == '}' {
                            break;
                        }
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            return out;
        }
        let len = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if len == 0 {
            return vec![segments];
        }
        segments.push(rest[..len].to_string());
        match rest[len..].trim_start().strip_prefix("::") {
            Some(next) => rest = next.trim_start(),
            None => return vec![segments],
        }
    }
}

/// The modules of `modules` that the code of the file at module `here` names.
fn references(here: &ModPath, code: &str, modules: &BTreeSet<ModPath>) -> BTreeSet<ModPath> {
    let mut out = BTreeSet::new();
    for prefix in ["crate::", "super::", "self::"] {
        for (at, _) in code.match_indices(prefix) {
            let before = code[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let mut base = match prefix {
                "crate::" => Vec::new(),
                "self::" => here.clone(),
                _ => here[..here.len().saturating_sub(1)].to_vec(),
            };
            let mut rest = &code[at + prefix.len()..];
            while let Some(next) = rest.strip_prefix("super::") {
                base.pop();
                rest = next;
            }
            for tail in tree(rest) {
                let full: ModPath = base.iter().cloned().chain(tail).collect();
                let target = (1..=full.len())
                    .rev()
                    .map(|n| full[..n].to_vec())
                    .find(|p| modules.contains(p));
                out.extend(target.filter(|t| t != here));
            }
        }
    }
    out
}

/// The first cycle of the package whose sources are in `src`, as files, if there is one.
pub fn cycle_in(src: &Path) -> Option<Vec<PathBuf>> {
    let mut files: BTreeMap<ModPath, PathBuf> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(src) {
        let path = entry.unwrap().into_path();
        if path.extension().is_some_and(|e| e == "rs")
            && let Some(module) = module_of(path.strip_prefix(src).unwrap())
        {
            files.insert(module, path);
        }
    }
    let modules: BTreeSet<ModPath> = files.keys().cloned().collect();
    let edges: BTreeMap<ModPath, BTreeSet<ModPath>> = files
        .iter()
        .map(|(module, path)| {
            let text = std::fs::read_to_string(path).unwrap();
            let code: String = text
                .lines()
                .take_while(|l| l.trim() != "#[cfg(test)]")
                .map(|l| l.split("//").next().unwrap_or("").to_string() + "\n")
                .collect();
            (module.clone(), references(module, &code, &modules))
        })
        .collect();
    let mut done = BTreeSet::new();
    for start in &modules {
        let mut stack = vec![start.clone()];
        if let Some(cycle) = dfs(&edges, &mut stack, &mut done) {
            return Some(cycle.iter().map(|m| files[m].clone()).collect());
        }
    }
    None
}

fn dfs(
    edges: &BTreeMap<ModPath, BTreeSet<ModPath>>,
    stack: &mut Vec<ModPath>,
    done: &mut BTreeSet<ModPath>,
) -> Option<Vec<ModPath>> {
    let here = stack.last()?.clone();
    if done.contains(&here) {
        return None;
    }
    for next in edges.get(&here).into_iter().flatten() {
        if let Some(at) = stack.iter().position(|m| m == next) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(next.clone());
            return Some(cycle);
        }
        stack.push(next.clone());
        let found = dfs(edges, stack, done);
        stack.pop();
        if found.is_some() {
            return found;
        }
    }
    done.insert(here);
    None
}
