//! Package specs as cargo's `-p` and `--exclude` take them: a name, `name@version` (a
//! version or a prefix of its parts: `1`, `1.2`, `1.2.3`) or a glob (`ratchet-*`,
//! `ratchet-?ache`, `ratchet-[rc]*`), and the member whose directory a command runs in.

use std::collections::BTreeSet;

use camino::Utf8Path;

use crate::{GraphError, PkgIx, Workspace};

impl Workspace {
    /// The members `spec` names: exactly one for a name or `name@version` (else an error
    /// that suggests the closest name), any number for a glob.
    pub fn matching(&self, spec: &str) -> Result<BTreeSet<PkgIx>, GraphError> {
        if spec.contains(['*', '?', '[']) {
            let pattern = glob::Pattern::new(spec).map_err(|e| GraphError::BadSpec {
                spec: spec.to_string(),
                message: e.msg.to_string(),
            })?;
            return Ok((0..self.packages.len())
                .filter(|ix| pattern.matches(&self.packages[*ix].name))
                .collect());
        }
        let (name, version) = match spec.split_once('@') {
            Some((name, version)) => (name, Some(version)),
            None => (spec, None),
        };
        let ix = self.require(name)?;
        let found = &self.packages[ix].version;
        match version {
            Some(v) if !version_matches(found, v) => Err(GraphError::BadSpec {
                spec: spec.to_string(),
                message: format!("the member `{name}` is version {found}"),
            }),
            _ => Ok(BTreeSet::from([ix])),
        }
    }

    /// The member cargo selects by default from `manifest_path` (`--manifest-path`) or, when
    /// `None`, from the current directory: the member whose manifest that is (the nearest at
    /// or above the directory). `None` at the workspace root, where every member is the
    /// default (ratchet's choice for a root that is also a package; cargo would take the
    /// root package alone).
    pub fn member_at(&self, manifest_path: Option<&Utf8Path>) -> Option<PkgIx> {
        let start = crate::locate::start_manifest(manifest_path).ok()?;
        let start = start.canonicalize_utf8().unwrap_or(start);
        let root = self.root.join("Cargo.toml");
        if start == root.canonicalize_utf8().unwrap_or(root) {
            return None;
        }
        self.packages.iter().position(|p| {
            let manifest = p.manifest_path.canonicalize_utf8();
            manifest.as_ref().unwrap_or(&p.manifest_path) == &start
        })
    }
}

/// Whether `version` matches `wanted`, a version or a prefix of its parts.
fn version_matches(version: &str, wanted: &str) -> bool {
    let wanted: Vec<&str> = wanted.split('.').collect();
    let parts: Vec<&str> = version.split(['.', '-', '+']).collect();
    match wanted.len() {
        1..=3 => parts.iter().zip(&wanted).all(|(a, b)| a == b) && parts.len() >= wanted.len(),
        _ => version == wanted.join("."),
    }
}

#[cfg(test)]
mod tests {
    use super::version_matches;

    #[test]
    fn a_version_or_a_prefix_of_its_parts_matches() {
        assert!(version_matches("0.1.0", "0.1.0"));
        assert!(version_matches("0.1.0", "0.1"));
        assert!(version_matches("0.1.0", "0"));
        assert!(!version_matches("0.1.0", "0.2"));
        assert!(!version_matches("0.1.0", "0.1.0.1"));
    }
}
