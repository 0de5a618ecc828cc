//! Comparing two `Cargo.lock` files entry by entry, so that a lockfile change affects only the
//! members whose resolved external dependencies changed.

use std::collections::HashMap;

use ratchet_graph::{ExternalDep, Workspace};

use crate::expand::Seed;
use ratchet_events::affected::Cause;

/// `(name, version, source)` -> everything else that identifies the entry (checksum and
/// dependencies), as one string.
type Entries = HashMap<(String, String, Option<String>), String>;

/// A lockfile that does not parse: the caller treats the change as global.
#[derive(Debug)]
pub(crate) struct Unparsable;

/// Seeds for the members whose current external dependencies are new or differ in `old`.
/// `old` is `None` when the base had no lockfile.
pub(crate) fn changed_members(
    ws: &Workspace,
    old: Option<&str>,
    new: Option<&str>,
) -> Result<Vec<Seed>, Unparsable> {
    let old = old.map(parse).transpose()?.unwrap_or_default();
    let new = new.map(parse).transpose()?.unwrap_or_default();
    let mut seeds = Vec::new();
    for (ix, package) in ws.packages.iter().enumerate() {
        let changed: Vec<String> = package
            .external_deps
            .iter()
            .filter(|d| {
                let key = key(d);
                new.get(&key) != old.get(&key) || !old.contains_key(&key)
            })
            .map(|d| format!("{} {}", d.name, d.version))
            .collect();
        if !changed.is_empty() {
            seeds.push(Seed {
                ix,
                cause: Cause::Lockfile { packages: changed },
            });
        }
    }
    Ok(seeds)
}

fn key(dep: &ExternalDep) -> (String, String, Option<String>) {
    (dep.name.clone(), dep.version.clone(), dep.source.clone())
}

fn parse(text: &str) -> Result<Entries, Unparsable> {
    let doc: toml::Table = text.parse().map_err(|_| Unparsable)?;
    let Some(packages) = doc.get("package") else {
        return Ok(Entries::new());
    };
    let packages = packages.as_array().ok_or(Unparsable)?;
    let mut entries = Entries::new();
    for entry in packages {
        let table = entry.as_table().ok_or(Unparsable)?;
        let text_of = |field: &str| {
            table
                .get(field)
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let (Some(name), Some(version)) = (text_of("name"), text_of("version")) else {
            return Err(Unparsable);
        };
        let rest = format!(
            "checksum={:?} dependencies={}",
            text_of("checksum"),
            table
                .get("dependencies")
                .map(|d| d.to_string())
                .unwrap_or_default()
        );
        entries.insert((name, version, text_of("source")), rest);
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = r#"
version = 4

[[package]]
name = "a"
version = "1.0.0"
source = "registry+https://example.invalid/index"
checksum = "aa"
dependencies = ["b"]

[[package]]
name = "b"
version = "2.0.0"
"#;

    #[test]
    fn entries_differ_by_checksum_and_dependencies_only_where_changed() {
        let old = parse(OLD).unwrap();
        let new = parse(&OLD.replace("\"aa\"", "\"ab\"")).unwrap();
        let key_a = (
            "a".to_string(),
            "1.0.0".to_string(),
            Some("registry+https://example.invalid/index".to_string()),
        );
        let key_b = ("b".to_string(), "2.0.0".to_string(), None);
        assert_ne!(old.get(&key_a), new.get(&key_a));
        assert_eq!(old.get(&key_b), new.get(&key_b));
    }

    #[test]
    fn garbage_is_unparsable() {
        assert!(parse("[[package]]\nname = 3\n").is_err());
        assert!(parse("<<<<<<< HEAD\n").is_err());
        assert!(parse("version = 4\n").unwrap().is_empty());
    }
}
