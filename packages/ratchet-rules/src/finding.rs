//! One violation of one rule, with everything a reader needs to fix it.

use camino::Utf8PathBuf;
use ratchet_graph::DepKind;
use serde::{Deserialize, Serialize};

use crate::locator::Locator;

/// The rule kinds, as spelt in findings and the baseline file (JSON has its own snake_case enum).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// A dependency on a higher layer (or on the same layer when that is not allowed).
    Layer,
    /// A package in no layer.
    Unlayered,
    /// An edge a `[[rules.forbidden]]` entry names.
    Forbidden,
    /// A dependency on a private package by a package not allowed to.
    Private,
    /// More direct workspace dependencies than the limit.
    FanOut,
    /// A library package nothing depends on.
    Unused,
    /// A dev-dependency that closes a cycle.
    DevCycle,
}

impl From<Rule> for ratchet_events::rules::Rule {
    fn from(rule: Rule) -> Self {
        match rule {
            Rule::Layer => Self::Layer,
            Rule::Unlayered => Self::Unlayered,
            Rule::Forbidden => Self::Forbidden,
            Rule::Private => Self::Private,
            Rule::FanOut => Self::FanOut,
            Rule::Unused => Self::Unused,
            Rule::DevCycle => Self::DevCycle,
        }
    }
}

impl Rule {
    /// The spelling used in output: `layer`, `fan-out`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Layer => "layer",
            Rule::Unlayered => "unlayered",
            Rule::Forbidden => "forbidden",
            Rule::Private => "private",
            Rule::FanOut => "fan-out",
            Rule::Unused => "unused",
            Rule::DevCycle => "dev-cycle",
        }
    }
}

/// A violation. Edge rules name the `package` whose manifest declares the dependency and the
/// `dependency`; package rules (unlayered, fan-out, unused) name only the package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Which rule.
    pub rule: Rule,
    /// The package whose manifest has to change (the dependent, for an edge).
    pub package: String,
    /// The dependency, for edge rules.
    pub dependency: Option<String>,
    /// The kinds of the offending edge(s), for edge rules; the kinds counted, for fan-out.
    pub kinds: Vec<DepKind>,
    /// The manifest to edit.
    pub manifest: Utf8PathBuf,
    /// The line in it that declares the dependency (or the package), when found.
    pub line: Option<usize>,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The reason the configuration gives for the rule, if any.
    pub reason: Option<String>,
    /// How to fix it: the layers involved and the allowed alternatives.
    pub fix: String,
    /// For fan-out, the number of direct dependencies (the baseline remembers it).
    pub count: Option<usize>,
    /// What `line` is looked up from, once per manifest after every rule ran.
    pub(crate) locator: Locator,
}

impl Finding {
    /// `a -> b` for edge rules, the package name otherwise.
    pub fn subject(&self) -> String {
        match &self.dependency {
            Some(dep) => format!("{} -> {dep}", self.package),
            None => self.package.clone(),
        }
    }

    /// What identifies this finding across runs (the baseline's key).
    pub fn key(&self) -> (Rule, &str, Option<&str>) {
        (self.rule, &self.package, self.dependency.as_deref())
    }
}

/// Comma-separated kinds: `normal, dev`.
pub(crate) fn kinds_text(kinds: &[DepKind]) -> String {
    kinds
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
