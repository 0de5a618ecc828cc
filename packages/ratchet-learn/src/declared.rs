//! Inputs a member declares for what cannot be observed:
//!
//! ```toml
//! [package.metadata.ratchet]
//! inputs = ["../../docs/**/*.md", "fixtures/**"]   # relative to the package's directory
//! ```
//!
//! A trailing `**` means every file below that directory.

use camino::{Utf8Path, Utf8PathBuf};
use ratchet_graph::Workspace;

use crate::LearnError;
use crate::paths::{key, normalize};

/// One declared pattern, made absolute.
#[derive(Debug, Clone, PartialEq)]
pub struct DeclaredInput {
    /// The pattern as written in the manifest.
    pub pattern: String,
    /// The absolute pattern, `..` resolved.
    pub absolute: Utf8PathBuf,
}

impl DeclaredInput {
    /// The files it matches now, as state-file keys, sorted.
    pub fn expand(&self, ws: &Workspace) -> Vec<String> {
        let mut pattern = self.absolute.to_string();
        if pattern.ends_with("**") {
            pattern.push_str("/*");
        }
        let Ok(paths) = glob::glob(&pattern) else {
            return Vec::new();
        };
        let mut out: Vec<String> = paths
            .filter_map(Result::ok)
            .filter(|p| p.is_file())
            .filter_map(|p| Utf8PathBuf::from_path_buf(p).ok())
            .map(|p| key(ws, &p))
            .collect();
        out.sort();
        out
    }

    /// A matcher of changed paths (absolute) for `affected --since` and `watch`.
    pub fn matcher(&self) -> Result<globset::GlobMatcher, globset::Error> {
        let glob = globset::GlobBuilder::new(self.absolute.as_str())
            .literal_separator(true)
            .build()?;
        Ok(glob.compile_matcher())
    }
}

/// Every member's declared inputs, by package name; an error names the manifest of a bad one.
pub fn declared_inputs(ws: &Workspace) -> Result<Vec<(String, Vec<DeclaredInput>)>, LearnError> {
    let mut out = Vec::new();
    for package in &ws.packages {
        let Some(value) = package
            .metadata
            .get("ratchet")
            .and_then(|r| r.get("inputs"))
        else {
            continue;
        };
        let bad = |message: String| LearnError::BadDeclared {
            manifest: package.manifest_path.clone(),
            message,
        };
        let list = value
            .as_array()
            .ok_or_else(|| bad("expected a list of glob patterns".to_string()))?;
        let mut inputs = Vec::new();
        for item in list {
            let pattern = item
                .as_str()
                .ok_or_else(|| bad(format!("expected a glob pattern, found {item}")))?;
            inputs.push(declared(&package.dir, pattern).map_err(bad)?);
        }
        out.push((package.name.clone(), inputs));
    }
    Ok(out)
}

fn declared(dir: &Utf8Path, pattern: &str) -> Result<DeclaredInput, String> {
    if pattern.is_empty() {
        return Err("an empty pattern".to_string());
    }
    glob::Pattern::new(pattern).map_err(|e| format!("invalid pattern `{pattern}`: {}", e.msg))?;
    let input = DeclaredInput {
        pattern: pattern.to_string(),
        absolute: normalize(&dir.join(pattern)),
    };
    input
        .matcher()
        .map_err(|e| format!("invalid pattern `{pattern}`: {}", e.kind()))?;
    Ok(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_resolve_against_the_package_and_bad_ones_say_why() {
        let input = declared(Utf8Path::new("/ws/crates/a"), "../../docs/**/*.md").unwrap();
        assert_eq!(input.absolute, Utf8PathBuf::from("/ws/docs/**/*.md"));
        assert!(input.matcher().unwrap().is_match("/ws/docs/x/y.md"));
        let tree = declared(Utf8Path::new("/ws/a"), "fixtures/**").unwrap();
        assert!(
            tree.matcher()
                .unwrap()
                .is_match("/ws/a/fixtures/deep/f.bin")
        );
        let err = declared(Utf8Path::new("/ws/a"), "[oops").unwrap_err();
        assert!(err.contains("invalid pattern `[oops`"), "{err}");
    }
}
