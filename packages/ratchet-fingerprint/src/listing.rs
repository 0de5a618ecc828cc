//! The walk's answer, remembered (as git's untracked cache does) so a warm run stats files and
//! directories instead of reading every directory and matching every gitignore rule.
//!
//! A directory's mtime changes whenever an entry is added, removed or renamed in it, so while
//! every walked directory and every ignore file (`.gitignore`s in and above the walked
//! directories, `.git/info/exclude`, the global git config and excludes file) has the stat it
//! had, the set of files is the same. Anything else (a changed stat, a racy timestamp, a file
//! that cannot be stat'ed, another set of members) means a full walk, which also reports
//! errors properly.

use camino::{Utf8Path, Utf8PathBuf};
use ratchet_graph::{PkgIx, Workspace};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::FingerprintError;
use crate::stat::{Stat, nanos};
use crate::walk::{self, Found};

/// Bump when the shape or meaning changes.
const FORMAT: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Listing {
    format: u32,
    /// What the walk depended on besides the filesystem: members, externals, target dir.
    key: String,
    scan_start_ns: i128,
    dirs: Vec<(Utf8PathBuf, Stat)>,
    ignore_files: Vec<(Utf8PathBuf, Option<Stat>)>,
    files: Vec<(Utf8PathBuf, Option<PkgIx>, Option<usize>)>,
}

/// Own files of every member (and of external path packages), from the listing cache at
/// `cache_path` when it is still valid, else from a full walk, which then refreshes it.
pub(crate) fn own_files(
    ws: &Workspace,
    externals: &[Utf8PathBuf],
    cache_path: &Utf8Path,
) -> Result<Vec<Found>, FingerprintError> {
    let key = key(ws, externals);
    let scan_start = nanos(std::time::SystemTime::now());
    if let Some(listing) = ratchet_store::read_json::<Listing>(cache_path.as_std_path())
        && listing.format == FORMAT
        && listing.key == key
        && let Some(found) = revalidate(&listing)
    {
        return Ok(found);
    }
    let walked = walk::own_files(ws, externals)?;
    let trustworthy =
        !walked.incomplete && walked.found.iter().all(|f| f.dangling_target.is_none());
    let listing = Listing {
        format: FORMAT,
        key,
        scan_start_ns: scan_start,
        dirs: walked.dirs,
        ignore_files: ignore_files(ws, externals, walked.gitignores),
        files: walked
            .found
            .iter()
            .map(|f| (f.path.clone(), f.owner, f.external))
            .collect(),
    };
    // Dangling symlinks have no stable stat to check, and a directory without a stat could
    // change unseen: leave both to the full walk.
    if trustworthy {
        // A listing that cannot be written only costs speed next time.
        let _ = ratchet_store::write_json(cache_path.as_std_path(), &listing);
    }
    Ok(walked.found)
}

fn revalidate(listing: &Listing) -> Option<Vec<Found>> {
    let trusted = |stat: &Stat| stat.settled_before(listing.scan_start_ns);
    let dirs_ok = listing
        .dirs
        .par_iter()
        .all(|(dir, stat)| stat_of(dir) == Some(*stat) && trusted(stat));
    let ignores_ok = listing
        .ignore_files
        .par_iter()
        .all(|(path, stat)| stat_of(path) == *stat && stat.as_ref().is_none_or(trusted));
    if !dirs_ok || !ignores_ok {
        return None;
    }
    listing
        .files
        .par_iter()
        .map(|(path, owner, external)| {
            Some(Found {
                stat: stat_of(path)?,
                path: path.clone(),
                owner: *owner,
                external: *external,
                dangling_target: None,
            })
        })
        .collect()
}

fn stat_of(path: &Utf8Path) -> Option<Stat> {
    std::fs::metadata(path).ok().map(|m| Stat::of(&m))
}

fn key(ws: &Workspace, externals: &[Utf8PathBuf]) -> String {
    let mut hasher = blake3::Hasher::new();
    let mut add = |s: &str| {
        hasher.update(s.as_bytes());
        hasher.update(b"\n");
    };
    add(ws.root.as_str());
    add(ws.target_dir.as_str());
    for package in &ws.packages {
        add(package.dir.as_str());
    }
    add("externals");
    for dir in externals {
        add(dir.as_str());
    }
    hasher.finalize().to_hex().to_string()
}

/// Every file whose content can change which files the walk keeps: `.gitignore`s met in the
/// walk and above its roots, git's exclude files, and the global git configuration.
fn ignore_files(
    ws: &Workspace,
    externals: &[Utf8PathBuf],
    met: Vec<Utf8PathBuf>,
) -> Vec<(Utf8PathBuf, Option<Stat>)> {
    let mut paths = met;
    let roots = std::iter::once(&ws.root).chain(externals);
    for root in roots {
        for dir in root.ancestors() {
            paths.push(dir.join(".gitignore"));
            paths.extend(git_excludes(dir));
        }
    }
    paths.extend(global_git_files());
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .map(|p| {
            let stat = stat_of(&p);
            (p, stat)
        })
        .collect()
}

/// `.git/info/exclude` for a repository at `dir`, following a worktree's `.git` file to its
/// git directory and that one's common directory.
fn git_excludes(dir: &Utf8Path) -> Vec<Utf8PathBuf> {
    let dot_git = dir.join(".git");
    let mut out = vec![dot_git.join("info/exclude")];
    if let Ok(text) = std::fs::read_to_string(&dot_git)
        && let Some(gitdir) = text.trim().strip_prefix("gitdir:")
    {
        let gitdir = dir.join(gitdir.trim());
        out.push(gitdir.join("info/exclude"));
        out.push(gitdir.join("../../info/exclude"));
        out.push(gitdir.join("commondir"));
    }
    out
}

/// The user's git configuration files and excludes files (`core.excludesFile`).
fn global_git_files() -> Vec<Utf8PathBuf> {
    let home = std::env::var("HOME").map(Utf8PathBuf::from).ok();
    let xdg = std::env::var("XDG_CONFIG_HOME")
        .map(Utf8PathBuf::from)
        .ok()
        .or_else(|| home.as_ref().map(|h| h.join(".config")));
    let mut configs = Vec::new();
    if let Some(home) = &home {
        configs.push(home.join(".gitconfig"));
    }
    if let Some(xdg) = &xdg {
        configs.push(xdg.join("git/config"));
    }
    let mut out = configs.clone();
    if let Some(xdg) = &xdg {
        out.push(xdg.join("git/ignore"));
    }
    for config in configs {
        let Ok(text) = std::fs::read_to_string(&config) else {
            continue;
        };
        for line in text.lines() {
            let line = line.trim();
            if line.to_ascii_lowercase().starts_with("excludesfile")
                && let Some((_, value)) = line.split_once('=')
            {
                let value = value.trim().trim_matches('"');
                let expanded = match (value.strip_prefix("~/"), &home) {
                    (Some(rest), Some(home)) => home.join(rest),
                    _ => Utf8PathBuf::from(value),
                };
                out.push(expanded);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace() -> (tempfile::TempDir, Workspace) {
        let tmp = tempfile::tempdir().unwrap();
        let root = Utf8PathBuf::from_path_buf(tmp.path().to_path_buf()).unwrap();
        let write = |path: &str, text: &str| {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("Cargo.toml", "[workspace]\nmembers = [\"a\"]\n");
        write(
            "a/Cargo.toml",
            "[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        );
        write("a/src/lib.rs", "");
        write("a/.gitignore", "*.log\n");
        write("a/src/old.log", "ignored");
        let options = ratchet_graph::LoadOptions {
            manifest_path: Some(root.join("Cargo.toml")),
            refresh: false,
            update_lock: false,
        };
        (tmp, ratchet_graph::load(&options).unwrap())
    }

    fn names(found: &[Found]) -> Vec<String> {
        let mut names: Vec<String> = found
            .iter()
            .map(|f| f.path.file_name().unwrap_or_default().to_string())
            .collect();
        names.sort();
        names
    }

    /// Rewrites the listing as if written long after every change: all of it is trusted.
    /// The ignored `old.log` is slipped in, so a test can tell the listing from a walk.
    fn age_and_tamper(cache: &Utf8Path, ws: &Workspace) {
        let mut listing: Listing = ratchet_store::read_json(cache.as_std_path()).unwrap();
        listing.scan_start_ns = i128::MAX / 2;
        listing
            .files
            .push((ws.root.join("a/src/old.log"), Some(0), None));
        ratchet_store::write_json(cache.as_std_path(), &listing).unwrap();
    }

    #[test]
    fn trusted_listing_is_reused_and_any_directory_change_walks_again() {
        let (_tmp, ws) = workspace();
        let cache = ws.state_dir().join("listing.json");
        let walked = own_files(&ws, &[], &cache).unwrap();
        assert_eq!(names(&walked), [".gitignore", "Cargo.toml", "lib.rs"]);
        age_and_tamper(&cache, &ws);
        let reused = own_files(&ws, &[], &cache).unwrap();
        assert!(
            names(&reused).contains(&"old.log".to_string()),
            "the listing was used"
        );

        std::fs::write(ws.root.join("a/src/new.rs"), "").unwrap();
        let rewalked = own_files(&ws, &[], &cache).unwrap();
        assert_eq!(
            names(&rewalked),
            [".gitignore", "Cargo.toml", "lib.rs", "new.rs"]
        );
    }

    #[test]
    fn racy_listing_and_edited_gitignore_walk_again() {
        let (_tmp, ws) = workspace();
        let cache = ws.state_dir().join("listing.json");
        own_files(&ws, &[], &cache).unwrap();
        let mut listing: Listing = ratchet_store::read_json(cache.as_std_path()).unwrap();
        listing
            .files
            .push((ws.root.join("a/src/old.log"), Some(0), None));
        ratchet_store::write_json(cache.as_std_path(), &listing).unwrap();
        let racy = own_files(&ws, &[], &cache).unwrap();
        assert!(
            !names(&racy).contains(&"old.log".to_string()),
            "just written: not trusted"
        );

        age_and_tamper(&cache, &ws);
        std::fs::write(ws.root.join("a/.gitignore"), "*.rs\n").unwrap();
        let rewalked = own_files(&ws, &[], &cache).unwrap();
        assert_eq!(names(&rewalked), [".gitignore", "Cargo.toml", "old.log"]);
    }
}
