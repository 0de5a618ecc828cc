//! Tidy: the repository's own conventions, checked on every `cargo test`.
//!
//! Each failure names the file and says what to change.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

/// Files longer than this should be split; the budget gate enforces the same ceiling.
const MAX_LINES: usize = 400;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn rust_files() -> Vec<PathBuf> {
    let root = repo_root();
    let mut files = Vec::new();
    for top in ["packages", "xtask", "tests"] {
        for entry in walkdir::WalkDir::new(root.join(top))
            .into_iter()
            .filter_entry(|e| e.file_name() != "target" && e.file_name() != "snapshots")
        {
            let entry = entry.unwrap();
            if entry.path().extension().is_some_and(|e| e == "rs") {
                files.push(entry.into_path());
            }
        }
    }
    files.sort();
    files
}

fn relative(path: &Path) -> String {
    path.strip_prefix(repo_root())
        .unwrap()
        .display()
        .to_string()
}

#[test]
fn every_rust_file_starts_with_a_module_doc() {
    let offenders: Vec<String> = rust_files()
        .into_iter()
        .filter(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            !text.trim_start().starts_with("//!")
        })
        .map(|path| {
            format!(
                "{}:1: add a `//!` line saying what this file owns",
                relative(&path)
            )
        })
        .collect();
    assert!(offenders.is_empty(), "\n{}", offenders.join("\n"));
}

#[test]
fn no_rust_file_is_longer_than_the_limit() {
    let offenders: Vec<String> = rust_files()
        .into_iter()
        .filter_map(|path| {
            let lines = std::fs::read_to_string(&path).unwrap().lines().count();
            (lines > MAX_LINES).then(|| {
                format!(
                    "{}: {lines} lines (limit {MAX_LINES}): split it into modules with one job each",
                    relative(&path)
                )
            })
        })
        .collect();
    assert!(offenders.is_empty(), "\n{}", offenders.join("\n"));
}

#[test]
fn every_package_has_a_description_and_workspace_lints() {
    let root = repo_root();
    let mut manifests = vec![root.join("xtask/Cargo.toml"), root.join("tests/Cargo.toml")];
    for entry in std::fs::read_dir(root.join("packages")).unwrap() {
        manifests.push(entry.unwrap().path().join("Cargo.toml"));
    }
    let offenders: Vec<String> = manifests
        .iter()
        .filter_map(|path| {
            let doc: toml::Table = std::fs::read_to_string(path).unwrap().parse().unwrap();
            let package = doc.get("package")?;
            let dir_name = path.parent()?.file_name()?.to_str()?;
            let mut problems = Vec::new();
            if package.get("description").is_none() {
                problems.push("add `description = \"...\"` under [package]");
            }
            if doc.get("lints").and_then(|l| l.get("workspace")).is_none() {
                problems.push("add `[lints] workspace = true`");
            }
            let name = package.get("name")?.as_str()?;
            if name != dir_name && dir_name != "tests" {
                problems.push("rename the directory to the package name");
            }
            (!problems.is_empty()).then(|| format!("{}: {}", relative(path), problems.join("; ")))
        })
        .collect();
    assert!(offenders.is_empty(), "\n{}", offenders.join("\n"));
}
