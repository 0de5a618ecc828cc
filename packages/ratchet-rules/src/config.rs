//! The `[rules]` section of `ratchet.toml`, as written. Patterns keep their position in the file
//! so that a name that matches nothing can be reported at its line.

use std::collections::BTreeMap;

use ratchet_graph::DepKind;
use serde::Deserialize;
use toml::Spanned;

/// A package name (`ratchet-cli`) or a glob over package names (`ratchet-*`), with its position.
pub type Pattern = Spanned<String>;

/// `[rules]`: every rule is off until its table is present.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RulesSection {
    /// `[rules.layers]`: ordered layers, lowest first.
    pub layers: Option<LayersConfig>,
    /// `[[rules.forbidden]]`: edges that must not exist, each with its reason.
    #[serde(default)]
    pub forbidden: Vec<ForbiddenConfig>,
    /// `[[rules.private]]`: packages only some others may depend on.
    #[serde(default)]
    pub private: Vec<PrivateConfig>,
    /// `[rules.fan-out]`: the most direct workspace dependencies a package may have.
    pub fan_out: Option<FanOutConfig>,
    /// `[rules.unused]`: library packages nothing depends on.
    pub unused: Option<UnusedConfig>,
    /// `[rules.dev-cycles]`: cycles that only dev-dependencies make possible.
    pub dev_cycles: Option<DevCyclesConfig>,
}

/// `[rules.layers]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LayersConfig {
    /// Layer names, lowest first: a package may depend on its own layer (see
    /// `allow-same-layer`) and on the layers listed before it.
    pub order: Vec<Pattern>,
    /// Whether a package may depend on another package of its own layer (default: yes).
    #[serde(default = "yes")]
    pub allow_same_layer: bool,
    /// Layer name to the packages (names or globs) it holds. Packages can also choose their
    /// layer with `[package.metadata.ratchet] layer = "..."`.
    #[serde(default)]
    pub packages: BTreeMap<String, Spanned<Vec<Pattern>>>,
    /// Packages allowed to be in no layer; any other package outside every layer is reported.
    #[serde(default)]
    pub allow_unlayered: Vec<Pattern>,
    /// Edge kinds the layer order applies to (default: normal and build; tests may reach up).
    pub kinds: Option<Vec<DepKind>>,
    /// Why the layers exist, shown with each violation.
    pub reason: Option<String>,
}

/// One `[[rules.forbidden]]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ForbiddenConfig {
    /// Dependents the rule applies to (names or globs).
    pub from: Vec<Pattern>,
    /// Dependencies they must not have (names or globs).
    pub to: Vec<Pattern>,
    /// Why, shown with each violation.
    pub reason: String,
    /// The package to depend on instead, when there is one.
    pub instead: Option<Pattern>,
    /// Edge kinds the rule applies to (default: all, a dev-dependency is a dependency too).
    pub kinds: Option<Vec<DepKind>>,
}

/// One `[[rules.private]]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PrivateConfig {
    /// The private packages (names or globs).
    pub packages: Vec<Pattern>,
    /// The only packages that may depend on them (names or globs).
    pub allow: Vec<Pattern>,
    /// Why, shown with each violation.
    pub reason: Option<String>,
    /// Edge kinds the rule applies to (default: all).
    pub kinds: Option<Vec<DepKind>>,
}

/// `[rules.fan-out]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FanOutConfig {
    /// The most distinct workspace packages one package may depend on directly.
    pub max: usize,
    /// Package name to its own limit.
    #[serde(default)]
    pub overrides: BTreeMap<String, Spanned<usize>>,
    /// Edge kinds counted (default: normal and build).
    pub kinds: Option<Vec<DepKind>>,
    /// Why, shown with each violation.
    pub reason: Option<String>,
}

/// `[rules.unused]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct UnusedConfig {
    /// Library packages that are meant to have no dependents (names or globs).
    #[serde(default)]
    pub entry_points: Vec<Pattern>,
    /// Edge kinds that count as a use (default: all; a test-support package is used).
    pub kinds: Option<Vec<DepKind>>,
    /// Why, shown with each violation.
    pub reason: Option<String>,
}

/// `[rules.dev-cycles]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DevCyclesConfig {
    /// Why, shown with each violation.
    pub reason: Option<String>,
}

fn yes() -> bool {
    true
}
