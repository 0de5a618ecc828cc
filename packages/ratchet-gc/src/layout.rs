//! Where cargo keeps a unit in a build directory, and the hash that names it: `deps/` and
//! `examples/` files (`libNAME-HASH.rlib`, `NAME-HASH.d`, `NAME-HASH`), `.fingerprint/NAME-HASH/`
//! and `build/NAME-HASH/` directories, in each profile directory (`<profile>/` and
//! `<triple>/<profile>/`); and rustc's incremental directories (`incremental/CRATE-ID/`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The directories of a profile directory whose entries are named by a unit's hash.
pub(crate) const UNIT_DIRS: [&str; 4] = ["deps", "examples", ".fingerprint", "build"];

/// The `-HASH` cargo puts in a unit's names (16 lowercase hex digits, ending the name or
/// followed by `.`), the last one in `name`.
pub(crate) fn name_hash(name: &str) -> Option<&str> {
    name.match_indices('-').rev().find_map(|(at, _)| {
        let rest = &name[at + 1..];
        let hash = rest.get(..16)?;
        let hex = hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        let ends = rest.len() == 16 || rest.as_bytes()[16] == b'.';
        (hex && ends).then_some(hash)
    })
}

/// The unit hash of a path relative to the build directory (`debug/deps/libx-HASH.rlib`,
/// `debug/build/x-HASH/out`), if it lies in a directory of units.
pub(crate) fn unit_hash(relative: &str) -> Option<String> {
    let parts: Vec<&str> = relative.split('/').collect();
    let at = (1..parts.len().saturating_sub(1)).find(|&i| UNIT_DIRS.contains(&parts[i]))?;
    name_hash(parts[at + 1]).map(str::to_string)
}

/// The crate an incremental directory (`CRATE-ID`) belongs to.
pub(crate) fn incremental_crate(name: &str) -> &str {
    name.rsplit_once('-').map_or(name, |(krate, _)| krate)
}

/// Profile directories of a build directory: `<profile>` and `<triple>/<profile>`, those
/// that hold units.
pub(crate) fn profile_dirs(build: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for level1 in subdirs(build) {
        for dir in std::iter::once(level1.clone()).chain(subdirs(&level1)) {
            if dir.join(".fingerprint").is_dir() || dir.join("deps").is_dir() {
                found.push(dir);
            }
        }
    }
    found.sort();
    found
}

/// Every `incremental/CRATE-ID` directory of a build directory.
pub(crate) fn incremental_dirs(build: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = profile_dirs(build)
        .iter()
        .flat_map(|p| subdirs(&p.join("incremental")))
        .collect();
    dirs.sort();
    dirs
}

/// Per unit hash of `wanted`, when cargo last wrote its fingerprint (the newest file of its
/// `.fingerprint/NAME-HASH/` directory): when the unit last finished compiling or running.
pub(crate) fn fingerprint_times(
    build: &Path,
    wanted: &std::collections::BTreeSet<&str>,
) -> BTreeMap<String, SystemTime> {
    let mut times = BTreeMap::new();
    for profile in profile_dirs(build) {
        for dir in entries(&profile.join(".fingerprint")) {
            let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let Some(hash) = name_hash(name).filter(|h| wanted.contains(h)) else {
                continue;
            };
            let newest = (entries(&dir).iter())
                .filter_map(|f| std::fs::metadata(f).and_then(|m| m.modified()).ok())
                .max();
            if let Some(newest) = newest {
                times.insert(hash.to_string(), newest);
            }
        }
    }
    times
}

/// Entries of `dir` (files and directories), sorted; none when it is missing.
pub(crate) fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    found.sort();
    found
}

fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = entries(dir)
        .into_iter()
        .filter(|p| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir()))
        .collect();
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_read_from_cargo_names() {
        let h = "0123456789abcdef";
        assert_eq!(name_hash(&format!("libserde-{h}.rlib")), Some(h));
        assert_eq!(name_hash(&format!("proc-macro2-{h}")), Some(h));
        assert_eq!(name_hash(&format!("app-{h}.d")), Some(h));
        assert_eq!(name_hash("libapp.rlib"), None);
        assert_eq!(name_hash("app-0123456789ABCDEF"), None);
        assert_eq!(name_hash("app-0123456789abcdef0"), None);
        assert_eq!(
            unit_hash(&format!("debug/build/x-{h}/out")).as_deref(),
            Some(h)
        );
        assert_eq!(
            unit_hash(&format!("x86_64-unknown-linux-gnu/debug/deps/x-{h}")).as_deref(),
            Some(h)
        );
        assert_eq!(unit_hash(&format!("debug/x-{h}")), None);
        assert_eq!(unit_hash("debug/libx.rlib"), None);
        assert_eq!(
            incremental_crate("build_script_build-0g2q9cw06f4m9"),
            "build_script_build"
        );
    }
}
