//! Whether the workspace's code changes with `cfg(clippy)`: clippy's driver sets that cfg, so
//! when it also compiles the test binaries (the shared build), code under `cfg(not(clippy))`
//! would never be tested. Such a workspace gets clippy on the lint step only, as `cargo clippy`
//! would, and plain rustc for the test and doc builds.
//!
//! The scan errs on the side of "changes": any attribute line with a `cfg(...)` naming clippy,
//! any `cfg!(...)` naming it, or a `cfg_attr` naming it that does more than set lint levels.
//! Comment lines are skipped; an attribute split over several lines is not seen. Unreadable
//! files count as "changes".

use ratchet_graph::Workspace;

/// Whether any Rust file of a workspace member may compile differently under clippy.
pub(crate) fn workspace_uses_cfg_clippy(workspace: &Workspace) -> bool {
    workspace.packages.iter().any(|package| {
        ignore::WalkBuilder::new(&package.dir)
            .hidden(false)
            .build()
            .any(|entry| {
                let Ok(entry) = entry else { return true };
                let path = entry.path();
                path.extension().is_some_and(|e| e == "rs")
                    && std::fs::read_to_string(path)
                        .map_or(true, |text| text_uses_cfg_clippy(&text))
            })
    })
}

fn text_uses_cfg_clippy(text: &str) -> bool {
    const LINT_LEVELS: &[&str] = &["allow(", "expect(", "warn(", "deny(", "forbid("];
    text.lines()
        .map(str::trim_start)
        .filter(|line| line.contains("clippy") && !line.starts_with("//"))
        .any(|line| {
            let attribute = line.starts_with("#[") || line.starts_with("#![");
            let mentions_cfg = (attribute && line.contains("cfg(")) || line.contains("cfg!(");
            let code_cfg_attr = attribute
                && line.contains("cfg_attr(")
                && !LINT_LEVELS.iter().any(|l| line.contains(l));
            (mentions_cfg || code_cfg_attr) && names_clippy_as_cfg(line)
        })
}

/// `clippy` as a cfg name (followed by `)` or `,`), not as a lint path (`clippy::...`).
fn names_clippy_as_cfg(line: &str) -> bool {
    line.match_indices("clippy").any(|(at, _)| {
        line[at + "clippy".len()..]
            .trim_start()
            .starts_with([')', ','])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_under_cfg_clippy_is_found_and_lint_settings_are_not() {
        assert!(text_uses_cfg_clippy("#[cfg(not(clippy))]\nfn f() {}\n"));
        // Built, so that this file does not hold the macro call it looks for.
        let macro_call = format!("    if cfg!({}) {{ return; }}", "clippy");
        assert!(text_uses_cfg_clippy(&macro_call));
        assert!(!text_uses_cfg_clippy(
            "/// Code under `cfg(clippy)` is not tested."
        ));
        assert!(text_uses_cfg_clippy("#[cfg(any(clippy, test))]"));
        assert!(text_uses_cfg_clippy("#[cfg_attr(clippy, path = \"x.rs\")]"));
        assert!(!text_uses_cfg_clippy(
            "#[cfg_attr(clippy, allow(clippy::pedantic))]"
        ));
        assert!(!text_uses_cfg_clippy(
            "#[allow(clippy::unwrap_used)]\n#[cfg(test)]"
        ));
        assert!(!text_uses_cfg_clippy(
            "// run cargo clippy, then cargo test"
        ));
        assert!(!text_uses_cfg_clippy(
            "#![cfg_attr(test, allow(clippy::unwrap_used))]"
        ));
    }
}
