//! How ratchet names a member to cargo. A bare `-p NAME` is ambiguous when a package outside
//! the workspace (a registry crate, a path crate) has the same name and is in the resolve:
//! cargo then rejects the whole command. A package ID spec with the member's directory is
//! exact: `path+file:///abs/dir#name@version`.

use std::collections::BTreeSet;

use ratchet_graph::{Package, Workspace};

/// The package ID spec that names exactly `package` (cargo accepts it for `-p`).
pub fn package_spec(package: &Package) -> String {
    format!(
        "path+{}#{}@{}",
        file_url(package.dir.as_str()),
        package.name,
        package.version
    )
}

/// Members whose name a package outside the workspace shares (per `Cargo.lock`, through any
/// member): `-p NAME` may be ambiguous for them.
pub fn shared_names(workspace: &Workspace) -> BTreeSet<String> {
    let external: BTreeSet<&str> = workspace
        .packages
        .iter()
        .flat_map(|p| &p.external_deps)
        .map(|d| d.name.as_str())
        .collect();
    workspace
        .packages
        .iter()
        .filter(|p| external.contains(p.name.as_str()))
        .map(|p| p.name.clone())
        .collect()
}

/// Whether a package outside the workspace has the name `name`.
pub fn name_is_shared(workspace: &Workspace, name: &str) -> bool {
    workspace
        .packages
        .iter()
        .flat_map(|p| &p.external_deps)
        .any(|d| d.name == name)
}

/// What follows `-p` in a command shown to a person: the member's name, or its spec (quoted
/// for a shell) when the name is in `shared`.
pub fn shown_selector(workspace: &Workspace, shared: &BTreeSet<String>, name: &str) -> String {
    match workspace.find(name) {
        Some(ix) if shared.contains(name) => {
            format!(
                "'{}'",
                package_spec(workspace.package(ix)).replace('\'', r"'\''")
            )
        }
        _ => name.to_string(),
    }
}

/// `file://` and the absolute path, escaped as cargo's URLs escape a path (`%`, `#`, `?`,
/// spaces and other characters a URL cannot hold as they are).
fn file_url(path: &str) -> String {
    let mut url = String::from("file://");
    if !path.starts_with('/') {
        url.push('/');
    }
    for byte in path.bytes() {
        let keep = byte.is_ascii_graphic()
            && !matches!(
                byte,
                b'%' | b'#' | b'?' | b'"' | b'<' | b'>' | b'`' | b'{' | b'}'
            );
        if keep {
            url.push(byte as char);
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    url
}

#[cfg(test)]
mod tests {
    use super::file_url;

    #[test]
    fn paths_are_escaped_as_in_cargos_urls() {
        assert_eq!(file_url("/w/a b/c#d"), "file:///w/a%20b/c%23d");
        assert_eq!(file_url("/w/é"), "file:///w/%C3%A9");
        assert_eq!(file_url("/w/x-y_z.1"), "file:///w/x-y_z.1");
    }
}
