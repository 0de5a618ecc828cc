//! Finding the workspace around a manifest or a directory, without running cargo.

use std::fs;

use camino::{Utf8Path, Utf8PathBuf};

use crate::GraphError;

/// Where a workspace lives, found by reading manifests only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceRoot {
    /// The manifest `cargo` should be pointed at (the root one).
    pub manifest: Utf8PathBuf,
    /// Its directory.
    pub dir: Utf8PathBuf,
    /// Its target directory: `CARGO_TARGET_DIR` when set, else `<dir>/target`. A target
    /// directory configured in `.cargo/config.toml` is picked up from `cargo metadata` later.
    pub target_dir: Utf8PathBuf,
}

impl WorkspaceRoot {
    /// Where ratchet keeps its state before the metadata is loaded.
    pub fn state_dir(&self) -> Utf8PathBuf {
        self.target_dir.join(ratchet_store::state::DIR)
    }
}

/// Finds the workspace that `manifest_path` (or, when `None`, the current directory) belongs to,
/// as cargo does: the nearest manifest at or above it that has a `[workspace]` table, or the
/// package's own manifest when none does.
pub fn locate(manifest_path: Option<&Utf8Path>) -> Result<WorkspaceRoot, GraphError> {
    let start = start_manifest(manifest_path)?;
    if !start.is_file() {
        return Err(GraphError::NoManifest(start));
    }
    let root_manifest = workspace_manifest_for(&start)?;
    let dir = root_manifest
        .parent()
        .map(Utf8Path::to_path_buf)
        .unwrap_or_else(|| Utf8PathBuf::from("."));
    // As cargo resolves it: a relative `CARGO_TARGET_DIR` is relative to the current
    // directory, not to the workspace.
    let target_dir = match std::env::var("CARGO_TARGET_DIR") {
        Ok(t) if !t.is_empty() => absolute(Utf8Path::new(&t))?,
        _ => dir.join("target"),
    };
    Ok(WorkspaceRoot {
        manifest: root_manifest,
        dir,
        target_dir,
    })
}

/// The manifest a command starts from: `manifest_path`, else the nearest at or above the
/// current directory.
pub(crate) fn start_manifest(manifest_path: Option<&Utf8Path>) -> Result<Utf8PathBuf, GraphError> {
    match manifest_path {
        Some(path) => absolute(path),
        None => nearest_manifest(&current_dir()?),
    }
}

fn current_dir() -> Result<Utf8PathBuf, GraphError> {
    let cwd = std::env::current_dir().map_err(|source| GraphError::Io {
        path: ".".into(),
        source,
    })?;
    Utf8PathBuf::from_path_buf(cwd).map_err(|p| GraphError::NonUtf8Path(p.display().to_string()))
}

fn absolute(path: &Utf8Path) -> Result<Utf8PathBuf, GraphError> {
    if path.is_absolute() {
        Ok(path.to_path_buf())
    } else {
        Ok(current_dir()?.join(path))
    }
}

fn nearest_manifest(dir: &Utf8Path) -> Result<Utf8PathBuf, GraphError> {
    dir.ancestors()
        .map(|d| d.join("Cargo.toml"))
        .find(|m| m.is_file())
        .ok_or_else(|| GraphError::NoManifest(dir.join("Cargo.toml")))
}

/// A manifest that does not parse is left for `cargo metadata` to report in its own words, so
/// this search treats it as a workspace root and stops.
fn workspace_manifest_for(package_manifest: &Utf8Path) -> Result<Utf8PathBuf, GraphError> {
    let Ok(doc) = read_toml(package_manifest) else {
        return Ok(package_manifest.to_path_buf());
    };
    if doc.contains_key("workspace") {
        return Ok(package_manifest.to_path_buf());
    }
    let package_dir = package_manifest.parent().unwrap_or(Utf8Path::new("."));
    // An explicit `package.workspace = "path"` wins over searching.
    if let Some(explicit) = doc
        .get("package")
        .and_then(|p| p.get("workspace"))
        .and_then(|w| w.as_str())
    {
        return Ok(package_dir.join(explicit).join("Cargo.toml"));
    }
    for dir in package_dir.ancestors().skip(1) {
        let candidate = dir.join("Cargo.toml");
        if candidate.is_file()
            && read_toml(&candidate).is_ok_and(|doc| doc.contains_key("workspace"))
        {
            return Ok(candidate);
        }
    }
    Ok(package_manifest.to_path_buf())
}

fn read_toml(path: &Utf8Path) -> Result<toml::Table, GraphError> {
    let text = fs::read_to_string(path).map_err(|source| GraphError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    text.parse::<toml::Table>()
        .map_err(|e| GraphError::BadManifest {
            path: path.to_path_buf(),
            message: e.message().to_string(),
        })
}
