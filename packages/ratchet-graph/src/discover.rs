//! The files whose mere presence adds or removes a target: cargo discovers `src/lib.rs`,
//! `src/main.rs`, `build.rs`, and `*.rs` or `*/main.rs` under `src/bin/`, `examples/`,
//! `tests/` and `benches/`, with no manifest change. Their names (never their contents) are
//! part of the snapshot key, so adding or deleting one reloads the graph.
//!
//! Cheap by design, as it runs on every warm load: three `stat`s and four directory listings
//! per member (a missing directory is one failed `open`), plus one `stat` per subdirectory of
//! those four. No file is read. Settings that turn discovery off (`autotests = false`, ...)
//! are ignored: listing more than cargo looks at only costs a reload.

use camino::Utf8Path;

/// Fixed paths, relative to the package directory, that are targets when they exist.
const FIXED: &[&str] = &["src/lib.rs", "src/main.rs", "build.rs"];

/// Directories whose `*.rs` files and `*/main.rs` files are targets.
const LISTED: &[&str] = &["src/bin", "examples", "tests", "benches"];

/// The auto-discoverable target files present in the package directory `dir`, relative to it,
/// sorted.
pub(crate) fn target_files(dir: &Utf8Path) -> Vec<String> {
    let mut out: Vec<String> = FIXED
        .iter()
        .filter(|rel| dir.join(rel).exists())
        .map(|rel| rel.to_string())
        .collect();
    for sub in LISTED {
        let listed = dir.join(sub);
        let Ok(entries) = std::fs::read_dir(&listed) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            // `file_type` comes with the listing; only a symlink costs a `stat` to follow.
            let is_dir = entry
                .file_type()
                .is_ok_and(|t| t.is_dir() || (t.is_symlink() && entry.path().is_dir()));
            if is_dir {
                if listed.join(&name).join("main.rs").exists() {
                    out.push(format!("{sub}/{name}/main.rs"));
                }
            } else if name.ends_with(".rs") {
                out.push(format!("{sub}/{name}"));
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_every_discoverable_target_file_and_nothing_else() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = Utf8Path::from_path(tmp.path()).unwrap();
        for file in [
            "src/lib.rs",
            "src/other.rs",
            "build.rs",
            "src/bin/a.rs",
            "src/bin/b/main.rs",
            "src/bin/c/helper.rs",
            "examples/e.rs",
            "examples/notes.txt",
            "tests/it.rs",
            "tests/common/mod.rs",
            "benches/x/main.rs",
        ] {
            let path = dir.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, "").unwrap();
        }
        assert_eq!(
            target_files(dir),
            [
                "benches/x/main.rs",
                "build.rs",
                "examples/e.rs",
                "src/bin/a.rs",
                "src/bin/b/main.rs",
                "src/lib.rs",
                "tests/it.rs",
            ]
        );
    }
}
