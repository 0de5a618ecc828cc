//! The `[budget]` section of `ratchet.toml`: its serde shape and its resolution, against a
//! workspace, into the ceiling and tolerance of every measure. Keys of measures come from the
//! catalog; values are read once their key is known, so every error names the key and its line.

use std::collections::BTreeMap;
use std::fmt;

use ratchet_config::ConfigFile;
use ratchet_graph::Workspace;
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

use crate::catalog::{Measure, SPECS};
use crate::error::BudgetError;
use crate::units::{Kind, Slack, Text};
use ratchet_config::spans;

/// Keys right under `[budget]` that are not measures.
const SETTINGS: [&str; 9] = [
    "calibration",
    "samples",
    "near",
    "headroom",
    "time-headroom",
    "tighten-margin",
    "defaults",
    "tolerance",
    "packages",
];

/// `[budget]` as written.
#[derive(Debug, Default)]
pub struct BudgetSection {
    /// `samples`: builds per re-measurement (default 3).
    pub samples: Option<u32>,
    /// Every other setting (`calibration`, `near`, `headroom`, ...), by key.
    pub settings: BTreeMap<String, Text>,
    /// Ceilings of workspace measures.
    pub workspace: BTreeMap<Measure, Text>,
    /// `[budget.defaults]`: ceilings for every package without its own.
    pub defaults: BTreeMap<Measure, Text>,
    /// `[budget.tolerance]`: how far past its ceiling a measure may go.
    pub tolerance: BTreeMap<Measure, Text>,
    /// `[budget.packages.NAME]`: one package's ceilings, overriding the defaults key by key.
    pub packages: BTreeMap<String, BTreeMap<Measure, Text>>,
}

/// A key of a table whose keys are measures: package measures only, or any.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct MeasureKey<const PACKAGE_ONLY: bool>(Measure);

fn unknown<E: de::Error>(key: &str, expected: impl Iterator<Item = &'static str>) -> E {
    let list: Vec<String> = expected.map(|k| format!("`{k}`")).collect();
    E::custom(format!(
        "unknown field `{key}`, expected one of {}",
        list.join(", ")
    ))
}

impl<'de, const P: bool> Deserialize<'de> for MeasureKey<P> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let key = String::deserialize(d)?;
        match Measure::from_key(&key).filter(|m| !P || m.is_package()) {
            Some(m) => Ok(MeasureKey(m)),
            None => Err(unknown(
                &key,
                SPECS
                    .iter()
                    .filter(|s| !P || s.measure.is_package())
                    .map(|s| s.key),
            )),
        }
    }
}

/// A table of measures to values, `P` for package measures only.
type Measures<const P: bool> = BTreeMap<MeasureKey<P>, Text>;

fn unwrap_keys<const P: bool>(table: Measures<P>) -> BTreeMap<Measure, Text> {
    table.into_iter().map(|(k, v)| (k.0, v)).collect()
}

/// A top-level key of `[budget]`.
enum TopKey {
    Setting(&'static str),
    Workspace(Measure),
}

impl<'de> Deserialize<'de> for TopKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let key = String::deserialize(d)?;
        if let Some(s) = SETTINGS.iter().find(|s| **s == key) {
            return Ok(TopKey::Setting(s));
        }
        match Measure::from_key(&key).filter(|m| !m.is_package()) {
            Some(m) => Ok(TopKey::Workspace(m)),
            None => Err(unknown(
                &key,
                SETTINGS
                    .into_iter()
                    .chain(Measure::WORKSPACE.iter().map(|m| m.key())),
            )),
        }
    }
}

impl<'de> Deserialize<'de> for BudgetSection {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = BudgetSection;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "the [budget] table")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<BudgetSection, A::Error> {
                let mut s = BudgetSection::default();
                while let Some(key) = map.next_key::<TopKey>()? {
                    match key {
                        TopKey::Workspace(m) => drop(s.workspace.insert(m, map.next_value()?)),
                        TopKey::Setting("samples") => s.samples = Some(map.next_value()?),
                        TopKey::Setting("defaults") => {
                            s.defaults = unwrap_keys::<true>(map.next_value()?)
                        }
                        TopKey::Setting("tolerance") => {
                            s.tolerance = unwrap_keys::<false>(map.next_value()?);
                        }
                        TopKey::Setting("packages") => {
                            let packages: BTreeMap<String, Measures<true>> = map.next_value()?;
                            s.packages = packages
                                .into_iter()
                                .map(|(k, v)| (k, unwrap_keys(v)))
                                .collect();
                        }
                        TopKey::Setting(other) => {
                            s.settings.insert(other.to_string(), map.next_value()?);
                        }
                    }
                }
                Ok(s)
            }
        }
        d.deserialize_map(V)
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

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
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

/// Reads `ratchet.toml` and its `[budget]`, checked against `ws`.
pub fn load(ws: &Workspace) -> Result<(ConfigFile, Budget), BudgetError> {
    let file = ConfigFile::read(ws.root.as_std_path())?;
    let members: Vec<&str> = ws.packages.iter().map(|p| p.name.as_str()).collect();
    let budget = Budget::parse(&file.path, &file.text, &members)?;
    Ok((file, budget))
}

impl Budget {
    /// Reads `[budget]` from `text` (the content of the file at `path`) and checks that every
    /// package it names is one of `members`.
    pub fn parse(
        path: &std::path::Path,
        text: &str,
        members: &[&str],
    ) -> Result<Budget, BudgetError> {
        let section: BudgetSection = ConfigFile::from_text(path, text).section("budget")?;
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
        let section: BudgetSection = ConfigFile::from_text(path, text).section("budget")?;
        Budget::resolve(&section, path, text)
    }

    fn resolve(
        s: &BudgetSection,
        path: &std::path::Path,
        text: &str,
    ) -> Result<Budget, BudgetError> {
        let percent = |key: &str, default: f64| match s.settings.get(key) {
            None => Ok(default),
            Some(t) => match (t, t.slack(Kind::Lines)) {
                (_, Ok(Slack::Fraction(f))) => Ok(f),
                (Text::Str(t), _) => Err(format!("\"{t}\" must be a percentage, like \"10%\"")),
                (_, Err(e)) => Err(e),
                (_, Ok(_)) => Err("must be a percentage, like \"10%\"".to_string()),
            }
            .map_err(|e| bad(path, text, &[key], e)),
        };
        let calibration = s.settings.get("calibration").map(|t| {
            t.amount(Kind::Millis)
                .map(|a| a.value)
                .map_err(|e| bad(path, text, &["calibration"], e))
        });
        let mut budget = Budget {
            calibration_ms: calibration.transpose()?,
            samples: s.samples.unwrap_or(3).max(1),
            near: percent("near", 0.95)?,
            headroom: percent("headroom", 0.1)?,
            time_headroom: percent("time-headroom", 0.5)?,
            tighten_margin: percent("tighten-margin", 0.05)?,
            workspace: ceilings(&s.workspace, &[], path, text)?,
            defaults: ceilings(&s.defaults, &["defaults"], path, text)?,
            packages: BTreeMap::new(),
            tolerances: BTreeMap::new(),
        };
        for (name, c) in &s.packages {
            let set = ceilings(c, &["packages", name], path, text)?;
            budget.packages.insert(name.clone(), set);
        }
        budget
            .workspace
            .entry(Measure::InnerLoop)
            .or_insert(Ceiling {
                value: DEFAULT_INNER_LOOP_MS,
                key: None,
            });
        for m in SPECS.map(|s| s.measure) {
            let slack = match s.tolerance.get(&m) {
                Some(t) => t
                    .slack(m.kind())
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

    /// The ceiling plus its tolerance: past this, `measure` fails (saturating, never wrapping).
    pub fn limit(&self, measure: Measure, ceiling: u64) -> u64 {
        ceiling.saturating_add(self.tolerance(measure, ceiling))
    }

    /// The headroom `init` and `tighten` add to `value`.
    pub fn with_headroom(&self, measure: Measure, value: u64) -> u64 {
        let h = if measure.is_time() {
            self.time_headroom
        } else {
            self.headroom
        };
        value.saturating_add((value as f64 * h).ceil() as u64)
    }
}

/// The ceilings of one table (`table` is its key path under `budget`), each read in its kind.
fn ceilings(
    set: &BTreeMap<Measure, Text>,
    table: &[&str],
    path: &std::path::Path,
    text: &str,
) -> Result<BTreeMap<Measure, Ceiling>, BudgetError> {
    let mut out = BTreeMap::new();
    for (m, value) in set {
        let mut parts = table.to_vec();
        parts.push(m.key());
        let value = value
            .amount(m.kind())
            .map_err(|e| bad(path, text, &parts, e))?
            .value;
        let key = std::iter::once("budget").chain(parts).map(String::from);
        out.insert(
            *m,
            Ceiling {
                value,
                key: Some(KeyPath(key.collect())),
            },
        );
    }
    Ok(out)
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
