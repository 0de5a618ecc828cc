//! `--since REF`: the files git reports as changed since the merge-base of REF and HEAD, turned
//! into seeds (owners, global inputs, lockfile entries).

use camino::{Utf8Component, Utf8Path, Utf8PathBuf};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use ratchet_events::affected::Cause;
use ratchet_fingerprint::InputsConfig;
use ratchet_git::Repo;
use ratchet_graph::{PkgIx, Workspace};

use crate::expand::Seed;
use crate::{AffectedError, Changes, lockfile};

/// Seeds for the changes between the merge-base of `reference` and the working tree.
pub(crate) fn changes(
    ws: &Workspace,
    inputs: &InputsConfig,
    reference: &str,
) -> Result<Changes, AffectedError> {
    let repo = Repo::discover(&ws.root)?;
    let base = repo.merge_base(reference)?;
    let changed = repo.changed_since(&base)?;
    let ws_root = canonical(&ws.root);
    let repo_root = canonical(repo.root());
    let globals = global_matcher(inputs)?;
    let readers = ratchet_fingerprint::Readers::load(ws)?;
    let mut out = Changes {
        base: Some(base.clone()),
        ..Changes::default()
    };
    let target_dir = canonical(&ws.target_dir);
    for git_path in changed {
        let absolute = repo_root.join(&git_path);
        if absolute.starts_with(&target_dir) {
            // Build output that is not gitignored: never an input, as for fingerprints.
            continue;
        }
        let rel = absolute.strip_prefix(&ws_root).ok();
        let display = rel.map_or_else(|| absolute.to_string(), |r| r.to_string());
        out.changed_files.push(display.clone());
        if rel.is_some_and(|r| r == "Cargo.lock") {
            out.seeds.extend(lock_seeds(ws, &repo, &base, &git_path)?);
            continue;
        }
        if rel.is_some_and(|r| r == ratchet_fingerprint::CONFIG_FILE) {
            if config_changed(&repo, &base, &git_path, &absolute)? {
                out.global_inputs.push(display);
            }
            continue;
        }
        let outer = rel.is_none() && ratchet_fingerprint::is_outer_config(&ws_root, &absolute);
        if outer || rel.is_some_and(is_fixed_global) || globals.matches(&absolute, &ws_root) {
            out.global_inputs.push(display);
            continue;
        }
        // Cargo's paths use the workspace root as given; git's are canonical.
        let path = rel.map_or_else(|| absolute.clone(), |r| ws.root.join(r));
        let mut users = owners_and_users(ws, &path);
        // Packages that read it beyond their own files (learned, observed or declared).
        for reader in readers.readers_of(&path) {
            users.extend(ws.find(&reader).filter(|ix| !users.contains(ix)));
        }
        if users.is_empty() {
            out.unowned.push(display.clone());
        }
        out.seeds.extend(users.into_iter().map(|ix| Seed {
            ix,
            cause: Cause::File {
                path: display.clone(),
            },
        }));
    }
    out.seeds.extend(outside_repo_seeds(ws, &repo_root));
    out.global_inputs
        .extend(inputs_outside_repo(ws, inputs, &repo_root)?);
    Ok(out)
}

/// Whether `ratchet.toml` changed in a part a verdict depends on (`[budget]`, `[rules]`, `[gc]`,
/// comments and layout do not count; a text that does not parse counts whole).
fn config_changed(
    repo: &Repo,
    base: &str,
    git_path: &Utf8Path,
    absolute: &Utf8Path,
) -> Result<bool, AffectedError> {
    let before = repo.show(base, git_path)?;
    let now = match std::fs::read(absolute) {
        Ok(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        // Unreadable: unsure, so changed.
        Err(_) => return Ok(true),
    };
    let part = ratchet_fingerprint::config_verdict_part;
    Ok(part(before.as_deref()) != part(now.as_deref()))
}

/// `[inputs]` files outside the git repository: git cannot say whether they changed since the
/// base, so each one counts as a changed global input.
fn inputs_outside_repo(
    ws: &Workspace,
    inputs: &InputsConfig,
    repo_root: &Utf8Path,
) -> Result<Vec<String>, AffectedError> {
    let files = inputs
        .matched_files(&ws.root)
        .map_err(|e| AffectedError::BadInput {
            pattern: inputs.files.join(", "),
            message: e.to_string(),
        })?;
    Ok(files
        .into_iter()
        .map(|rel| canonical(&ws.root.join(rel)))
        .filter(|path| !path.starts_with(repo_root))
        .map(|path| {
            format!(
                "{path} (an [inputs] file outside the git repository, where `--since` cannot \
                 see changes)"
            )
        })
        .collect())
}

/// Members using a path crate outside the git repository: git cannot say whether its files
/// changed since the base, so they count as affected (never a pass for an unseen change).
fn outside_repo_seeds(ws: &Workspace, repo_root: &Utf8Path) -> Vec<Seed> {
    let mut seeds = Vec::new();
    for (ix, package) in ws.packages.iter().enumerate() {
        let unseen = package.external_deps.iter().find(|d| {
            d.path
                .as_deref()
                .is_some_and(|dir| !canonical(dir).starts_with(repo_root))
        });
        if let Some(dep) = unseen {
            let dir = dep
                .path
                .as_deref()
                .map(Utf8Path::as_str)
                .unwrap_or_default();
            seeds.push(Seed {
                ix,
                cause: Cause::Fingerprint {
                    detail: format!(
                        "it uses `{}` from {dir}, outside the git repository, where `--since` \
                         cannot see changes",
                        dep.name
                    ),
                },
            });
        }
    }
    seeds
}

fn lock_seeds(
    ws: &Workspace,
    repo: &Repo,
    base: &str,
    git_path: &Utf8Path,
) -> Result<Vec<Seed>, AffectedError> {
    let old = repo.show(base, git_path)?;
    let current_path = ws.root.join("Cargo.lock");
    let new = match std::fs::read_to_string(&current_path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(source) => {
            return Err(AffectedError::Unreadable {
                path: current_path,
                source,
            });
        }
    };
    match lockfile::changed_members(ws, old.as_deref(), new.as_deref()) {
        Ok(seeds) => Ok(seeds),
        // Conflict markers or a half-written lockfile: no way to tell what changed.
        Err(lockfile::Unparsable) => Ok(crate::everything(
            ws,
            Cause::Global {
                input: "Cargo.lock (cannot be parsed, so every package counts)".to_string(),
            },
        )),
    }
}

/// The member owning `path`, and the members using a path package outside the workspace whose
/// directory holds it.
fn owners_and_users(ws: &Workspace, path: &Utf8Path) -> Vec<PkgIx> {
    let mut out: Vec<PkgIx> = ws.owner_of(path).into_iter().collect();
    for (ix, package) in ws.packages.iter().enumerate() {
        let uses = package
            .external_deps
            .iter()
            .filter_map(|d| d.path.as_deref())
            .any(|dir| path.starts_with(dir));
        if uses && !out.contains(&ix) {
            out.push(ix);
        }
    }
    out
}

/// The fingerprints' fixed global files, anything else under `.cargo/`, and rustfmt's and
/// clippy's configuration files wherever they are.
fn is_fixed_global(rel: &Utf8Path) -> bool {
    ratchet_fingerprint::FIXED_FILES.contains(&rel.as_str())
        || rel.starts_with(".cargo")
        || ratchet_fingerprint::is_tool_config(rel)
}

/// The `[inputs] files` patterns, matched as the fingerprint side expands them: relative to
/// the workspace root (`..` leads outside it), or absolute; a pattern that matches a directory
/// stands for every file below it.
struct Globals {
    relative: GlobSet,
    absolute: GlobSet,
}

impl Globals {
    /// Whether the changed file `absolute` is a configured input (`ws_root` canonical).
    fn matches(&self, absolute: &Utf8Path, ws_root: &Utf8Path) -> bool {
        let relative = relative_to(absolute, ws_root);
        // Its directories count too, but not those holding the workspace root (`..`).
        let below = |p: &Utf8Path| p.components().any(|c| c != Utf8Component::ParentDir);
        relative
            .ancestors()
            .any(|p| below(p) && self.relative.is_match(p))
            || absolute.ancestors().any(|p| self.absolute.is_match(p))
    }
}

fn global_matcher(inputs: &InputsConfig) -> Result<Globals, AffectedError> {
    let mut relative = GlobSetBuilder::new();
    let mut absolute = GlobSetBuilder::new();
    for pattern in &inputs.files {
        let normal = normalize(Utf8Path::new(pattern));
        // `*` stops at `/`, as in the fingerprint side's glob expansion.
        let glob = GlobBuilder::new(normal.as_str())
            .literal_separator(true)
            .build()
            .map_err(|e| AffectedError::BadInput {
                pattern: pattern.clone(),
                message: e.kind().to_string(),
            })?;
        match normal.is_absolute() {
            true => absolute.add(glob),
            false => relative.add(glob),
        };
    }
    let build = |builder: GlobSetBuilder| {
        builder.build().map_err(|e| AffectedError::BadInput {
            pattern: inputs.files.join(", "),
            message: e.to_string(),
        })
    };
    Ok(Globals {
        relative: build(relative)?,
        absolute: build(absolute)?,
    })
}

/// `path` without `.` components and with `dir/..` pairs folded, lexically (as the glob crate
/// sees `root/../x` on the fingerprint side: the same file).
fn normalize(path: &Utf8Path) -> Utf8PathBuf {
    let mut out = Utf8PathBuf::new();
    for component in path.components() {
        match component {
            Utf8Component::CurDir => {}
            Utf8Component::ParentDir
                if matches!(out.components().next_back(), Some(Utf8Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other.as_str()),
        }
    }
    out
}

/// `path` relative to `dir`, with `..` where it lies outside (both absolute and normal).
fn relative_to(path: &Utf8Path, dir: &Utf8Path) -> Utf8PathBuf {
    let common = path
        .components()
        .zip(dir.components())
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = Utf8PathBuf::new();
    for _ in dir.components().skip(common) {
        out.push("..");
    }
    for component in path.components().skip(common) {
        out.push(component.as_str());
    }
    out
}

/// Git prints the real path of the work tree; cargo may have been given a path through a
/// symlink. Comparing canonical forms makes both agree.
fn canonical(path: &Utf8Path) -> Utf8PathBuf {
    path.canonicalize_utf8()
        .unwrap_or_else(|_| path.to_path_buf())
}
