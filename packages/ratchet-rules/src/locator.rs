//! What a finding points at in its manifest: a section, the package, or one dependency entry.
//! Findings carry it and `manifest` turns it into a line; it imports neither.

use ratchet_graph::DepKind;

/// What a finding points at in its manifest.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum Locator {
    /// Nothing in particular.
    #[default]
    Nothing,
    /// The `[package]` name, which stands for the package as a whole.
    Package,
    /// The first entry of `[dependencies]` (or the package name when there is none).
    Dependencies,
    /// The entry that declares the dependency `name` (imported as `rename` when renamed) in
    /// the section for `kind` (under `target.<target>` when set).
    Dependency {
        name: String,
        rename: Option<String>,
        kind: DepKind,
        target: Option<String>,
    },
}
