//! Checking the `[rules]` section against the workspace and turning its names and globs into
//! package sets. Every mistake here is the user's to fix, so each error names the file and line.

use std::collections::{BTreeMap, BTreeSet};

use camino::{Utf8Path, Utf8PathBuf};
use globset::Glob;
use ratchet_graph::{DepKind, PkgIx, Workspace};

use crate::RulesError;
use crate::config::{self, Pattern, RulesSection};
use crate::finding::Rule;
use crate::manifest;

const ALL_KINDS: &[DepKind] = &[DepKind::Normal, DepKind::Build, DepKind::Dev];
const BUILD_KINDS: &[DepKind] = &[DepKind::Normal, DepKind::Build];

/// The rules of one workspace, with every name resolved to package indices.
#[derive(Debug, Default)]
pub(crate) struct Resolved {
    pub layers: Option<Layers>,
    pub forbidden: Vec<Forbidden>,
    pub private: Vec<Private>,
    pub fan_out: Option<FanOut>,
    pub unused: Option<Unused>,
    pub dev_cycles: Option<Option<String>>,
}

impl Resolved {
    /// The rules this configuration turns on.
    pub fn ran(&self) -> BTreeSet<Rule> {
        let mut ran = BTreeSet::new();
        if self.layers.is_some() {
            ran.extend([Rule::Layer, Rule::Unlayered]);
        }
        let on = [
            (!self.forbidden.is_empty(), Rule::Forbidden),
            (!self.private.is_empty(), Rule::Private),
            (self.fan_out.is_some(), Rule::FanOut),
            (self.unused.is_some(), Rule::Unused),
            (self.dev_cycles.is_some(), Rule::DevCycle),
        ];
        ran.extend(on.into_iter().filter(|(on, _)| *on).map(|(_, rule)| rule));
        ran
    }
}

/// Layer order and each package's layer.
#[derive(Debug)]
pub(crate) struct Layers {
    /// Layer names, lowest first.
    pub names: Vec<String>,
    /// Per package, the index of its layer in `names`.
    pub of: Vec<Option<usize>>,
    pub allow_same_layer: bool,
    pub unlayered_ok: BTreeSet<PkgIx>,
    pub kinds: Vec<DepKind>,
    pub reason: Option<String>,
}

#[derive(Debug)]
pub(crate) struct Forbidden {
    pub from: BTreeSet<PkgIx>,
    pub to: BTreeSet<PkgIx>,
    pub reason: String,
    pub instead: Option<PkgIx>,
    pub kinds: Vec<DepKind>,
}

#[derive(Debug)]
pub(crate) struct Private {
    pub packages: BTreeSet<PkgIx>,
    pub allow: BTreeSet<PkgIx>,
    pub reason: Option<String>,
    pub kinds: Vec<DepKind>,
}

#[derive(Debug)]
pub(crate) struct FanOut {
    pub max: usize,
    pub overrides: BTreeMap<PkgIx, usize>,
    pub kinds: Vec<DepKind>,
    pub reason: Option<String>,
}

#[derive(Debug)]
pub(crate) struct Unused {
    pub entry_points: BTreeSet<PkgIx>,
    pub kinds: Vec<DepKind>,
    pub reason: Option<String>,
}

/// Where the configuration came from, to turn byte offsets into `path:line`.
pub(crate) struct Source<'a> {
    pub path: &'a Utf8Path,
    pub text: &'a str,
}

impl Source<'_> {
    fn error(&self, span: std::ops::Range<usize>, message: String) -> RulesError {
        RulesError::Invalid {
            path: self.path.to_path_buf(),
            line: Some(manifest::line_of(self.text, span.start)),
            message,
        }
    }

    /// The packages a name or glob selects; an unknown name or a glob that matches nothing
    /// is an error at the pattern's line.
    fn select(&self, ws: &Workspace, pattern: &Pattern) -> Result<BTreeSet<PkgIx>, RulesError> {
        let text = pattern.get_ref();
        if !text.contains(['*', '?', '[', '{']) {
            let ix = ws
                .require(text)
                .map_err(|e| self.error(pattern.span(), e.to_string()))?;
            return Ok(BTreeSet::from([ix]));
        }
        let glob = Glob::new(text)
            .map_err(|e| self.error(pattern.span(), format!("bad glob `{text}`: {e}")))?
            .compile_matcher();
        let matched: BTreeSet<PkgIx> = (0..ws.packages.len())
            .filter(|&ix| glob.is_match(&ws.package(ix).name))
            .collect();
        if matched.is_empty() {
            return Err(self.error(
                pattern.span(),
                format!("glob `{text}` matches no package; fix or remove it"),
            ));
        }
        Ok(matched)
    }

    fn select_all(
        &self,
        ws: &Workspace,
        patterns: &[Pattern],
    ) -> Result<BTreeSet<PkgIx>, RulesError> {
        let mut all = BTreeSet::new();
        for pattern in patterns {
            all.extend(self.select(ws, pattern)?);
        }
        Ok(all)
    }
}

/// Resolves every rule of `section` against `ws`.
pub(crate) fn resolve(
    ws: &Workspace,
    section: &RulesSection,
    src: &Source,
) -> Result<Resolved, RulesError> {
    let kinds = |k: &Option<Vec<DepKind>>, default: &[DepKind]| {
        k.clone().unwrap_or_else(|| default.to_vec())
    };
    let mut resolved = Resolved {
        layers: section
            .layers
            .as_ref()
            .map(|l| layers(ws, l, src))
            .transpose()?,
        dev_cycles: section.dev_cycles.as_ref().map(|d| d.reason.clone()),
        ..Resolved::default()
    };
    for rule in &section.forbidden {
        resolved.forbidden.push(Forbidden {
            from: src.select_all(ws, &rule.from)?,
            to: src.select_all(ws, &rule.to)?,
            reason: rule.reason.clone(),
            instead: rule
                .instead
                .as_ref()
                .map(|p| single(ws, p, src))
                .transpose()?,
            kinds: kinds(&rule.kinds, ALL_KINDS),
        });
    }
    for rule in &section.private {
        resolved.private.push(Private {
            packages: src.select_all(ws, &rule.packages)?,
            allow: src.select_all(ws, &rule.allow)?,
            reason: rule.reason.clone(),
            kinds: kinds(&rule.kinds, ALL_KINDS),
        });
    }
    if let Some(rule) = &section.fan_out {
        let mut overrides = BTreeMap::new();
        for (name, limit) in &rule.overrides {
            let ix = ws
                .require(name)
                .map_err(|e| src.error(limit.span(), format!("[rules.fan-out] overrides: {e}")))?;
            overrides.insert(ix, *limit.get_ref());
        }
        resolved.fan_out = Some(FanOut {
            max: rule.max,
            overrides,
            kinds: kinds(&rule.kinds, BUILD_KINDS),
            reason: rule.reason.clone(),
        });
    }
    if let Some(rule) = &section.unused {
        resolved.unused = Some(Unused {
            entry_points: src.select_all(ws, &rule.entry_points)?,
            kinds: kinds(&rule.kinds, ALL_KINDS),
            reason: rule.reason.clone(),
        });
    }
    Ok(resolved)
}

fn single(ws: &Workspace, pattern: &Pattern, src: &Source) -> Result<PkgIx, RulesError> {
    let set = src.select(ws, pattern)?;
    match set.first() {
        Some(&ix) if set.len() == 1 => Ok(ix),
        _ => Err(src.error(
            pattern.span(),
            format!(
                "`instead` must name one package, but `{}` matches {}",
                pattern.get_ref(),
                set.len()
            ),
        )),
    }
}

fn layers(
    ws: &Workspace,
    config: &config::LayersConfig,
    src: &Source,
) -> Result<Layers, RulesError> {
    let mut names: Vec<String> = Vec::new();
    for name in &config.order {
        if names.contains(name.get_ref()) {
            return Err(src.error(
                name.span(),
                format!("layer `{}` is listed twice in `order`", name.get_ref()),
            ));
        }
        names.push(name.get_ref().clone());
    }
    // Per package: its layer and where that was decided, to name both places on a conflict.
    let mut assigned: Vec<Option<(usize, Place)>> = vec![None; ws.packages.len()];
    for (layer, patterns) in &config.packages {
        let place = Place {
            path: src.path.to_path_buf(),
            line: Some(manifest::line_of(src.text, patterns.span().start)),
        };
        let layer_ix = layer_index(&names, layer).map_err(|message| {
            src.error(
                patterns.span(),
                format!("[rules.layers.packages]: {message}"),
            )
        })?;
        for pattern in patterns.get_ref() {
            for ix in src.select(ws, pattern)? {
                assign(ws, &mut assigned, ix, layer_ix, &names, place.clone())?;
            }
        }
    }
    for ix in 0..ws.packages.len() {
        if let Some(layer) = metadata_layer(ws, ix)? {
            // The manifest is parsed for a line only when there is an error to show.
            let place = Place {
                path: ws.package(ix).manifest_path.clone(),
                line: None,
            };
            let layer_ix = layer_index(&names, &layer).map_err(|message| RulesError::Invalid {
                line: place.line(),
                path: place.path.clone(),
                message: format!("[package.metadata.ratchet] layer: {message}"),
            })?;
            assign(ws, &mut assigned, ix, layer_ix, &names, place)?;
        }
    }
    Ok(Layers {
        names,
        of: assigned
            .into_iter()
            .map(|a| a.map(|(layer, _)| layer))
            .collect(),
        allow_same_layer: config.allow_same_layer,
        unlayered_ok: src.select_all(ws, &config.allow_unlayered)?,
        kinds: config.kinds.clone().unwrap_or_else(|| BUILD_KINDS.to_vec()),
        reason: config.reason.clone(),
    })
}

fn layer_index(names: &[String], layer: &str) -> Result<usize, String> {
    names.iter().position(|n| n == layer).ok_or_else(|| {
        let known: Vec<&str> = names.iter().map(String::as_str).collect();
        format!(
            "unknown layer `{layer}`{}; layers are listed in [rules.layers] order: {}",
            ratchet_config::suggestion(layer, &known),
            known.join(", ")
        )
    })
}

fn assign(
    ws: &Workspace,
    assigned: &mut [Option<(usize, Place)>],
    ix: PkgIx,
    layer: usize,
    names: &[String],
    place: Place,
) -> Result<(), RulesError> {
    match &assigned[ix] {
        Some((earlier, earlier_place)) if *earlier != layer => Err(RulesError::Invalid {
            line: place.line(),
            path: place.path,
            message: format!(
                "package `{}` is in two layers: `{}` (at {earlier_place}) and `{}`; keep one",
                ws.package(ix).name,
                names[*earlier],
                names[layer]
            ),
        }),
        Some(_) => Ok(()),
        None => {
            assigned[ix] = Some((layer, place));
            Ok(())
        }
    }
}

/// Where a package's layer was decided.
#[derive(Debug, Clone)]
struct Place {
    path: Utf8PathBuf,
    line: Option<usize>,
}

impl Place {
    /// The line, looked up in the manifest for a place set by `[package.metadata.ratchet]`.
    fn line(&self) -> Option<usize> {
        self.line
            .or_else(|| manifest::metadata_layer_line(&self.path))
    }
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line() {
            Some(line) => write!(f, "{}:{line}", self.path),
            None => write!(f, "{}", self.path),
        }
    }
}

/// `[package.metadata.ratchet] layer = "..."` of a package.
fn metadata_layer(ws: &Workspace, ix: PkgIx) -> Result<Option<String>, RulesError> {
    let package = ws.package(ix);
    let Some(value) = package.metadata.get("ratchet").and_then(|r| r.get("layer")) else {
        return Ok(None);
    };
    match value.as_str() {
        Some(layer) => Ok(Some(layer.to_string())),
        None => Err(RulesError::Invalid {
            path: package.manifest_path.clone(),
            line: manifest::metadata_layer_line(&package.manifest_path),
            message: "[package.metadata.ratchet] layer must be a string naming a layer".to_string(),
        }),
    }
}
