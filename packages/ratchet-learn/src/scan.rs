//! Reading what the units in ratchet's build directory recorded, incrementally.
//!
//! Every unit file (`<profile>/deps/*.d`, `<profile>/examples/*.d`,
//! `<profile>/build/<pkg>-<hash>/*.d` and `.../output`, with `<profile>` possibly under a
//! target triple) changed since the last scan is read again;
//! units whose file is gone are forgotten. The files are tied to packages by what they say, not
//! by cargo's messages: a dep-info's first source file is its crate root, which names the
//! member (through its targets, or the directory owning it); a build script's run directory
//! is named after its package. So every unit counts, whichever step or command built it (test
//! targets, build scripts and dependencies included), and a unit cargo found fresh keeps what
//! was learned when it was built.

use std::collections::{BTreeSet, HashMap};
use std::time::{SystemTime, UNIX_EPOCH};

use camino::{Utf8Path, Utf8PathBuf};
use ratchet_graph::{PkgIx, Workspace};

use crate::depinfo::{parse_build_output, parse_dep_info};
use crate::paths::{Skipped, key, normalize, resolve};
use crate::{Learned, Unit};

/// Unit files whose last change is this close before the previous scan's start are read
/// again: coarse file-system timestamps could hide a write made just before it.
const MARGIN_NS: i128 = 2_000_000_000;

/// Reads the unit files of `build_dir` changed since `learned` was last updated into it.
/// Returns whether anything learned changed.
pub(crate) fn update(ws: &Workspace, build_dir: &Utf8Path, learned: &mut Learned) -> bool {
    let start = now_ns();
    let since = learned.scanned_ns - MARGIN_NS;
    let context = Context::new(ws);
    let mut present = BTreeSet::new();
    let mut changed = false;
    let mut complete = true;
    for file in unit_files(build_dir) {
        let Ok(rel) = file.path.strip_prefix(build_dir) else {
            continue;
        };
        let rel = rel.to_string();
        present.insert(rel.clone());
        if file.last_change < since {
            continue;
        }
        // Gone since it was listed: its unit went with it. Unreadable: keep what was known
        // and read it again next time. Paths that are not UTF-8 are kept lossily.
        let bytes = match std::fs::read(&file.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                present.remove(&rel);
                continue;
            }
            Err(_) => {
                complete = false;
                continue;
            }
        };
        let text = String::from_utf8_lossy(&bytes);
        let unit = match file.kind {
            Kind::DepInfo => context.dep_info(&file.path, &text),
            Kind::BuildOutput => context.build_output(&file.path, &text),
        };
        let previous = if unit.files.is_empty() && unit.env.is_empty() {
            learned.units.remove(&rel)
        } else {
            learned.units.insert(rel, unit.clone())
        };
        changed |= previous.unwrap_or_default() != unit;
    }
    let before = learned.units.len();
    learned.units.retain(|rel, _| present.contains(rel));
    changed |= learned.units.len() != before;
    if complete {
        learned.scanned_ns = start;
    }
    changed
}

/// What ties a unit to a member and filters its files.
struct Context<'a> {
    ws: &'a Workspace,
    skipped: Skipped,
    roots: HashMap<Utf8PathBuf, PkgIx>,
}

impl<'a> Context<'a> {
    fn new(ws: &'a Workspace) -> Context<'a> {
        let roots = ws
            .packages
            .iter()
            .enumerate()
            .flat_map(|(ix, p)| p.targets.iter().map(move |t| (normalize(&t.src_path), ix)))
            .collect();
        Context {
            ws,
            skipped: Skipped::new(ws),
            roots,
        }
    }

    /// rustc's paths are relative to its working directory, the workspace root, or absolute.
    fn dep_info(&self, path: &Utf8Path, text: &str) -> Unit {
        let info = parse_dep_info(text);
        let files: Vec<Utf8PathBuf> = info
            .files
            .iter()
            .map(|f| resolve(&self.ws.root, f))
            .collect();
        // The crate root is the first file rustc read, but clippy's driver lists its
        // configuration file before it: the first file that is a member's target root names
        // the member, else the first file a member owns.
        let member = (files.iter().find_map(|f| self.roots.get(f).copied())).or_else(|| {
            let mut sources = files.iter().filter(|f| !self.global_file(f));
            sources.next().and_then(|root| self.ws.owner_of(root))
        });
        let mut unit = self.unit(member, files, info.env, false);
        if member.is_none() {
            unit.dependency = crate_name(path);
        }
        unit
    }

    /// A build script runs in its package's directory, so relative paths start there.
    fn build_output(&self, path: &Utf8Path, text: &str) -> Unit {
        let deps = parse_build_output(text);
        let name = path
            .parent()
            .and_then(Utf8Path::file_name)
            .and_then(|dir| dir.rsplit_once('-'))
            .map(|(name, _hash)| name);
        let member = name.and_then(|n| self.ws.find(n));
        let dependency = name
            .filter(|_| member.is_none())
            .map(|n| n.replace('-', "_"));
        let files = match member {
            Some(ix) => {
                let dir = &self.ws.package(ix).dir;
                deps.files.iter().map(|f| resolve(dir, f)).collect()
            }
            None => Vec::new(),
        };
        let mut unit = self.unit(member, files, deps.env, true);
        unit.dependency = dependency;
        unit
    }

    /// The files a member read outside its own files, and the variables it read.
    fn unit(
        &self,
        member: Option<PkgIx>,
        files: Vec<Utf8PathBuf>,
        env: Vec<String>,
        trees: bool,
    ) -> Unit {
        let env = env.into_iter().filter(|n| !set_by_cargo(n)).collect();
        let Some(ix) = member else {
            return Unit {
                env,
                ..Unit::default()
            };
        };
        let files = files
            .into_iter()
            .filter(|f| self.ws.owner_of(f) != Some(ix) && !self.skipped.contains(f))
            .filter(|f| !self.global_file(f))
            .map(|f| {
                let k = key(self.ws, &f);
                // cargo watches every file below a directory named by `rerun-if-changed`.
                if trees && f.is_dir() {
                    format!("{k}/**")
                } else {
                    k
                }
            })
            .collect();
        Unit {
            package: Some(self.ws.package(ix).name.clone()),
            dependency: None,
            files,
            env,
        }
    }
}

impl Context<'_> {
    /// Files every fingerprint holds already: clippy's driver reads the root manifest (for
    /// `[workspace.lints]`) and clippy's configuration on behalf of every member.
    fn global_file(&self, path: &Utf8Path) -> bool {
        *path == self.ws.root.join("Cargo.toml")
            || path
                .file_name()
                .is_some_and(|n| matches!(n, "clippy.toml" | ".clippy.toml"))
    }
}

/// The crate a unit file of a non-member belongs to: `deps/<crate>-<hash>.d`, or
/// `build/<package>-<hash>/...` for its build script (`-` as `_`).
fn crate_name(path: &Utf8Path) -> Option<String> {
    let in_build = path.parent()?.parent()?.file_name() == Some("build");
    let stem = if in_build {
        path.parent()?.file_name()?
    } else {
        path.file_stem()?
    };
    let (name, _hash) = stem.rsplit_once('-')?;
    Some(name.replace('-', "_"))
}

/// Variables cargo sets itself for rustc and build scripts: a person's value never reaches
/// the build, and the values cargo gives come from the manifest and the target directory.
fn set_by_cargo(name: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "CARGO_PKG_",
        "CARGO_BIN_EXE_",
        "CARGO_CFG_",
        "CARGO_FEATURE_",
        "CARGO_MANIFEST_",
        "DEP_",
    ];
    const NAMES: &[&str] = &[
        "CARGO",
        "CARGO_CRATE_NAME",
        "CARGO_BIN_NAME",
        "CARGO_PRIMARY_PACKAGE",
        "CARGO_TARGET_TMPDIR",
        "CARGO_RUSTC_CURRENT_DIR",
        "CARGO_MAKEFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_SBOM_PATH",
        "OUT_DIR",
        "TARGET",
        "HOST",
        "PROFILE",
        "OPT_LEVEL",
        "DEBUG",
        "NUM_JOBS",
        "RUSTC",
        "RUSTDOC",
        "RUSTC_LINKER",
        "RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
        // ratchet sets clippy's arguments itself; clippy's configuration directory is global.
        "CLIPPY_ARGS",
        "CLIPPY_CONF_DIR",
    ];
    NAMES.contains(&name) || PREFIXES.iter().any(|p| name.starts_with(p))
}

#[derive(Clone, Copy)]
enum Kind {
    DepInfo,
    BuildOutput,
}

struct UnitFile {
    path: Utf8PathBuf,
    kind: Kind,
    last_change: i128,
}

/// Every unit file under `build_dir`, with its last change (the later of mtime and ctime).
fn unit_files(build_dir: &Utf8Path) -> Vec<UnitFile> {
    let mut out = Vec::new();
    for profile in profile_dirs(build_dir) {
        collect(&profile.join("deps"), &mut out, |name| name.ends_with(".d"));
        // rustc's own file of an example unit is `NAME-HASH.d`; `NAME.d` beside it is cargo's
        // summary of every source file the example's whole dependency tree read, which would
        // tie all of them to the example's package.
        collect(&profile.join("examples"), &mut out, is_unit_dep_info);
        for script_dir in subdirs(&profile.join("build")) {
            collect(&script_dir, &mut out, |name| {
                name.ends_with(".d") || name == "output"
            });
        }
    }
    out
}

/// Whether `name` is rustc's dep-info of one unit (`NAME-HASH.d`, the hash 16 hex digits).
fn is_unit_dep_info(name: &str) -> bool {
    name.strip_suffix(".d")
        .and_then(|stem| stem.rsplit_once('-'))
        .is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `<build>/<profile>` and `<build>/<triple>/<profile>`: the directories holding `deps/`.
fn profile_dirs(build_dir: &Utf8Path) -> Vec<Utf8PathBuf> {
    let mut out = Vec::new();
    for dir in subdirs(build_dir) {
        if dir.join("deps").is_dir() {
            out.push(dir);
        } else {
            out.extend(
                subdirs(&dir)
                    .into_iter()
                    .filter(|d| d.join("deps").is_dir()),
            );
        }
    }
    out
}

fn subdirs(dir: &Utf8Path) -> Vec<Utf8PathBuf> {
    let Ok(entries) = dir.read_dir_utf8() else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.into_path())
        .collect()
}

fn collect(dir: &Utf8Path, out: &mut Vec<UnitFile>, wanted: impl Fn(&str) -> bool) {
    let Ok(entries) = dir.read_dir_utf8() else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        if !wanted(entry.file_name()) {
            continue;
        }
        let kind = if entry.file_name() == "output" {
            Kind::BuildOutput
        } else {
            Kind::DepInfo
        };
        // A file that cannot be stat'ed is read again (as changed now).
        let last_change = entry.metadata().map_or(i128::MAX, |m| last_change(&m));
        out.push(UnitFile {
            path: entry.into_path(),
            kind,
            last_change,
        });
    }
}

fn last_change(meta: &std::fs::Metadata) -> i128 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let mtime = i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec());
        let ctime = i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec());
        mtime.max(ctime)
    }
    #[cfg(not(unix))]
    {
        meta.modified().map(ns).unwrap_or(i128::MAX)
    }
}

fn ns(t: SystemTime) -> i128 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as i128)
        .unwrap_or(0)
}

fn now_ns() -> i128 {
    ns(SystemTime::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_rustcs_own_dep_info_of_an_example_is_read() {
        assert!(is_unit_dep_info("latency-0123456789abcdef.d"));
        assert!(is_unit_dep_info("my-tool-0123456789abcdef.d"));
        // cargo's summary of the whole dependency tree of the example.
        assert!(!is_unit_dep_info("latency.d"));
        assert!(!is_unit_dep_info("my-tool.d"));
        assert!(!is_unit_dep_info("latency-0123456789abcdef"));
    }

    #[test]
    fn a_dependency_unit_is_named_by_its_file() {
        let name = |p: &str| crate_name(Utf8Path::new(p));
        assert_eq!(
            name("/b/debug/deps/proc_macro2-0123.d").as_deref(),
            Some("proc_macro2")
        );
        assert_eq!(
            name("/b/debug/build/proc-macro2-0123/build_script_build-4567.d").as_deref(),
            Some("proc_macro2")
        );
        assert_eq!(
            name("/b/debug/build/cc-sys-89ab/output").as_deref(),
            Some("cc_sys")
        );
    }
}
