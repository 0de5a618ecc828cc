//! Tidy: the repository's own conventions, checked on every `cargo test`.
//!
//! Each failure names the file and says what to change.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

#[path = "tidy/cycles.rs"]
mod cycles;
#[path = "tidy/workflow.rs"]
mod workflow;

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

/// One line per package directory of `dirs` whose files import each other in a cycle. There is
/// no allow-list: a cycle in any package fails.
fn cycle_problems(root: &Path, dirs: &[PathBuf]) -> Vec<String> {
    dirs.iter()
        .filter_map(|dir| {
            let name = dir.file_name()?.to_string_lossy().into_owned();
            let cycle = cycles::cycle_in(&dir.join("src"))?;
            let files: Vec<String> = cycle
                .iter()
                .map(|p| p.strip_prefix(root).unwrap_or(p).display().to_string())
                .collect();
            Some(format!(
                "{name}: file import cycle {}: move what these files share into a file \
                 that imports none of them, or pass it in as a parameter",
                files.join(" -> ")
            ))
        })
        .collect()
}

#[test]
fn no_package_has_a_file_import_cycle() {
    let root = repo_root();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join("packages"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.extend([root.join("xtask"), root.join("tests")]);
    dirs.sort();
    let problems = cycle_problems(&root, &dirs);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_cycle_in_any_package_is_a_problem() {
    let root = tempfile::tempdir().unwrap();
    let (cyclic, clean) = (root.path().join("cyclic"), root.path().join("clean"));
    for dir in [&cyclic, &clean] {
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::write(dir.join("src/lib.rs"), "mod x;\nmod y;\n").unwrap();
        std::fs::write(dir.join("src/x.rs"), "pub struct X;\n").unwrap();
    }
    std::fs::write(cyclic.join("src/x.rs"), "use crate::y::Y;\npub struct X;\n").unwrap();
    std::fs::write(cyclic.join("src/y.rs"), "use crate::x::X;\npub struct Y;\n").unwrap();
    std::fs::write(clean.join("src/y.rs"), "use crate::x::X;\n").unwrap();
    let problems = cycle_problems(root.path(), &[clean, cyclic]);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("cyclic: file import cycle cyclic/src/x.rs -> cyclic/src/y.rs"),
        "{}",
        problems[0]
    );
}

#[test]
fn the_cycle_check_sees_a_cycle_through_groups_and_super() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir_all(src.join("a")).unwrap();
    std::fs::write(src.join("lib.rs"), "mod a;\nmod c;\n").unwrap();
    std::fs::write(src.join("a/mod.rs"), "mod b;\n").unwrap();
    std::fs::write(src.join("a/b.rs"), "//! B.\nfn f() { crate::c::g() }\n").unwrap();
    std::fs::write(src.join("c.rs"), "// use crate::a;\npub struct X;\n").unwrap();
    assert_eq!(cycles::cycle_in(&src), None, "a comment is not an import");
    std::fs::write(src.join("c.rs"), "use crate::{d, a::{b::Y, self}};\n").unwrap();
    let cycle = cycles::cycle_in(&src).unwrap();
    let names: Vec<String> = cycle
        .iter()
        .map(|p| p.strip_prefix(&src).unwrap().display().to_string())
        .collect();
    assert_eq!(names, ["a/b.rs", "c.rs", "a/b.rs"]);
}
