//! The `[budget]` section of `ratchet.toml`: its serde shape and its resolution, against a
//! workspace, into the ceiling and tolerance of every measure.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::error::BudgetError;
use crate::measures::Measure;
use crate::spans;
use crate::units::{Bytes, Kind, Lines, Millis, Slack, SlackText, parse_slack};

/// `[budget]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BudgetSection {
    /// CPU time of the calibration compile on the machine the time ceilings were recorded on.
    pub calibration: Option<Millis>,
    /// Samples taken when re-measuring a package's build time (default 3).
    pub samples: Option<u32>,
    /// Show a measure as "near" above this share of its ceiling (default "95%").
    pub near: Option<SlackText>,
    /// Headroom over today's measure for `init` and `tighten`, lines and bytes (default "10%").
    pub headroom: Option<SlackText>,
    /// Headroom for times (default "50%").
    pub time_headroom: Option<SlackText>,
    /// `tighten` lowers a ceiling only when the measure is below it by more than this (default "5%").
    pub tighten_margin: Option<SlackText>,
    /// Ceiling on the inner loop's wall time (default "60s").
    pub inner_loop: Option<Millis>,
    /// Ceiling on the workspace's total build CPU.
    pub total_build_cpu: Option<Millis>,
    /// Ceiling on the critical path.
    pub critical_path: Option<Millis>,
    /// Ceilings for every package without its own.
    #[serde(default)]
    pub defaults: PackageCeilings,
    /// How far past its ceiling a measure may go before the gate fails.
    #[serde(default)]
    pub tolerance: Tolerances,
    /// Ceilings of one package, overriding the defaults key by key.
    #[serde(default)]
    pub packages: BTreeMap<String, PackageCeilings>,
}

/// The per-package ceilings, each optional.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PackageCeilings {
    /// Lines of Rust.
    pub lines: Option<Lines>,
    /// Lines of the longest file.
    pub longest_file: Option<Lines>,
    /// Bytes of sources.
    pub source_bytes: Option<Bytes>,
    /// Bytes of artifacts.
    pub artifact_bytes: Option<Bytes>,
    /// Build CPU time.
    pub build_cpu: Option<Millis>,
}

impl PackageCeilings {
    /// The ceiling set here for `measure`, if any.
    pub fn get(&self, measure: Measure) -> Option<u64> {
        match measure {
            Measure::Lines => self.lines.map(|v| v.0),
            Measure::LongestFile => self.longest_file.map(|v| v.0),
            Measure::SourceBytes => self.source_bytes.map(|v| v.0),
            Measure::ArtifactBytes => self.artifact_bytes.map(|v| v.0),
            Measure::BuildCpu => self.build_cpu.map(|v| v.0),
            _ => None,
        }
    }
}

/// Tolerances, by measure.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[allow(missing_docs)] // one field per measure, named as the measure
pub struct Tolerances {
    pub lines: Option<SlackText>,
    pub longest_file: Option<SlackText>,
    pub source_bytes: Option<SlackText>,
    pub artifact_bytes: Option<SlackText>,
    pub build_cpu: Option<SlackText>,
    pub total_build_cpu: Option<SlackText>,
    pub critical_path: Option<SlackText>,
    pub inner_loop: Option<SlackText>,
}

impl Tolerances {
    fn get(&self, measure: Measure) -> Option<&SlackText> {
        match measure {
            Measure::Lines => self.lines.as_ref(),
            Measure::LongestFile => self.longest_file.as_ref(),
            Measure::SourceBytes => self.source_bytes.as_ref(),
            Measure::ArtifactBytes => self.artifact_bytes.as_ref(),
            Measure::BuildCpu => self.build_cpu.as_ref(),
            Measure::TotalBuildCpu => self.total_build_cpu.as_ref(),
            Measure::CriticalPath => self.critical_path.as_ref(),
            Measure::InnerLoop => self.inner_loop.as_ref(),
        }
    }
}

/// Default tolerance of time measures, from the noise measured in docs/budgets.md.
pub const DEFAULT_TIME_TOLERANCE: f64 = 0.15;

/// The least tolerance of a time given as a percentage: CPU time is read in 10 ms ticks and a
/// small crate's rebuild varies by a few ticks, so tiny ceilings would flap without it.
pub const TIME_TOLERANCE_FLOOR_MS: u64 = 100;

/// The default ceiling of the inner loop: the one-minute rule.
pub const DEFAULT_INNER_LOOP_MS: u64 = 60_000;

/// Where a ceiling was written: the key path in `ratchet.toml`, as toml_edit walks it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyPath(pub Vec<String>);

impl std::fmt::Display for KeyPath {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "{}", self.0.join("."))
    }
}

/// A ceiling and where it comes from (`None` for a built-in default such as the inner loop's).
#[derive(Debug, Clone, PartialEq)]
pub struct Ceiling {
    /// The ceiling in the measure's base unit.
    pub value: u64,
    /// The key that sets it.
    pub key: Option<KeyPath>,
}

/// `[budget]`, checked against the workspace and with every default filled in.
#[derive(Debug, Clone)]
pub struct Budget {
    /// Reference calibration time, when time ceilings were recorded with one.
    pub calibration_ms: Option<u64>,
    /// Samples per re-measurement.
    pub samples: u32,
    /// Share of a ceiling above which a measure is shown as near.
    pub near: f64,
    /// Headroom for lines and bytes.
    pub headroom: f64,
    /// Headroom for times.
    pub time_headroom: f64,
    /// Margin below which tighten leaves a ceiling alone.
    pub tighten_margin: f64,
    workspace: BTreeMap<Measure, Ceiling>,
    defaults: BTreeMap<Measure, Ceiling>,
    packages: BTreeMap<String, BTreeMap<Measure, Ceiling>>,
    tolerances: BTreeMap<Measure, Slack>,
}

impl Budget {
    /// Reads `[budget]` from `text` (the content of the file at `path`) and checks that every
    /// package it names is one of `members`.
    pub fn parse(
        path: &std::path::Path,
        text: &str,
        members: &[&str],
    ) -> Result<Budget, BudgetError> {
        let file = ratchet_config::ConfigFile::from_text(path, text);
        let section: BudgetSection = file.section("budget")?;
        for name in section.packages.keys() {
            if !members.contains(&name.as_str()) {
                let at = spans::key_position(text, &["budget", "packages", name]);
                return Err(BudgetError::UnknownPackage {
                    path: path.to_path_buf(),
                    at: at.map(|(l, c)| format!(":{l}:{c}")).unwrap_or_default(),
                    name: name.clone(),
                    hint: ratchet_config::suggestion(name, members),
                });
            }
        }
        Budget::resolve(&section, path, text)
    }

    /// Like [`Budget::parse`] without checking package names (for a file at an older commit).
    pub fn parse_unchecked(path: &std::path::Path, text: &str) -> Result<Budget, BudgetError> {
        let file = ratchet_config::ConfigFile::from_text(path, text);
        let section: BudgetSection = file.section("budget")?;
        Budget::resolve(&section, path, text)
    }

    fn resolve(
        s: &BudgetSection,
        path: &std::path::Path,
        text: &str,
    ) -> Result<Budget, BudgetError> {
        let percent = |value: &Option<SlackText>, key: &str, default: f64| {
            fraction(value.as_ref(), default).map_err(|message| bad(path, text, &[key], message))
        };
        let mut budget = Budget {
            calibration_ms: s.calibration.map(|c| c.0),
            samples: s.samples.unwrap_or(3).max(1),
            near: percent(&s.near, "near", 0.95)?,
            headroom: percent(&s.headroom, "headroom", 0.1)?,
            time_headroom: percent(&s.time_headroom, "time-headroom", 0.5)?,
            tighten_margin: percent(&s.tighten_margin, "tighten-margin", 0.05)?,
            workspace: BTreeMap::new(),
            defaults: ceilings(&s.defaults, &["budget", "defaults"]),
            packages: BTreeMap::new(),
            tolerances: BTreeMap::new(),
        };
        for (name, c) in &s.packages {
            let set = ceilings(c, &["budget", "packages", name]);
            budget.packages.insert(name.clone(), set);
        }
        let workspace = [
            (Measure::TotalBuildCpu, s.total_build_cpu),
            (Measure::CriticalPath, s.critical_path),
            (Measure::InnerLoop, s.inner_loop),
        ];
        for (m, value) in workspace {
            let ceiling = match value {
                Some(v) => Ceiling {
                    value: v.0,
                    key: Some(key(&["budget", m.key()])),
                },
                None if m == Measure::InnerLoop => Ceiling {
                    value: DEFAULT_INNER_LOOP_MS,
                    key: None,
                },
                None => continue,
            };
            budget.workspace.insert(m, ceiling);
        }
        for m in Measure::PACKAGE.into_iter().chain(Measure::WORKSPACE) {
            let slack = match s.tolerance.get(m) {
                Some(t) => parse_slack(&t.0, m.kind())
                    .map_err(|e| bad(path, text, &["tolerance", m.key()], e))?,
                None if m.is_time() => Slack::Fraction(DEFAULT_TIME_TOLERANCE),
                None => Slack::Fraction(0.0),
            };
            budget.tolerances.insert(m, slack);
        }
        Ok(budget)
    }

    /// The ceiling of a package measure for `package`: its own, else the default.
    pub fn package_ceiling(&self, package: &str, measure: Measure) -> Option<&Ceiling> {
        self.packages
            .get(package)
            .and_then(|set| set.get(&measure))
            .or_else(|| self.defaults.get(&measure))
    }

    /// Whether `package` has its own ceiling for `measure`.
    pub fn has_own(&self, package: &str, measure: Measure) -> bool {
        self.packages
            .get(package)
            .is_some_and(|set| set.contains_key(&measure))
    }

    /// The default ceiling of a package measure.
    pub fn default_ceiling(&self, measure: Measure) -> Option<&Ceiling> {
        self.defaults.get(&measure)
    }

    /// The ceiling of a workspace measure.
    pub fn workspace_ceiling(&self, measure: Measure) -> Option<&Ceiling> {
        self.workspace.get(&measure)
    }

    /// How far past its ceiling `measure` may go, in base units, for a ceiling of `ceiling`.
    /// A time's percentage tolerance is at least [`TIME_TOLERANCE_FLOOR_MS`].
    pub fn tolerance(&self, measure: Measure, ceiling: u64) -> u64 {
        match self.tolerances.get(&measure) {
            Some(Slack::Fraction(f)) if measure.is_time() => {
                Slack::Fraction(*f).of(ceiling).max(TIME_TOLERANCE_FLOOR_MS)
            }
            Some(slack) => slack.of(ceiling),
            None => 0,
        }
    }

    /// The headroom `init` and `tighten` add to `value`.
    pub fn with_headroom(&self, measure: Measure, value: u64) -> u64 {
        let h = if measure.is_time() {
            self.time_headroom
        } else {
            self.headroom
        };
        value + (value as f64 * h).ceil() as u64
    }
}

fn key(parts: &[&str]) -> KeyPath {
    KeyPath(parts.iter().map(|p| p.to_string()).collect())
}

fn ceilings(c: &PackageCeilings, table: &[&str]) -> BTreeMap<Measure, Ceiling> {
    Measure::PACKAGE
        .into_iter()
        .filter_map(|m| {
            let value = c.get(m)?;
            let mut parts = table.to_vec();
            parts.push(m.key());
            Some((
                m,
                Ceiling {
                    value,
                    key: Some(key(&parts)),
                },
            ))
        })
        .collect()
}

fn fraction(value: Option<&SlackText>, default: f64) -> Result<f64, String> {
    match value {
        None => Ok(default),
        Some(text) => match parse_slack(&text.0, Kind::Lines) {
            Ok(Slack::Fraction(f)) => Ok(f),
            _ => Err(format!("\"{}\" must be a percentage, like \"10%\"", text.0)),
        },
    }
}

fn bad(path: &std::path::Path, text: &str, key: &[&str], message: String) -> BudgetError {
    let mut full = vec!["budget"];
    full.extend_from_slice(key);
    let at = spans::key_position(text, &full);
    BudgetError::BadValue {
        path: path.to_path_buf(),
        at: at.map(|(l, c)| format!(":{l}:{c}")).unwrap_or_default(),
        key: full.join("."),
        message,
    }
}
