//! Architecture rules on the package graph, and the baseline that lets a repository adopt them.
//!
//! Owns: the `[rules]` section of `ratchet.toml` (its types and their validation against the
//! workspace), evaluating each rule (layers, packages in no layer, forbidden edges, private
//! packages, fan-out, unused library packages, dev-dependency cycles) over a
//! [`ratchet_graph::Workspace`], the baseline file `ratchet-rules-baseline.toml`, rendering
//! findings for people, GitHub annotations and JSON events, and the dot style that colours the
//! graph by layer.
//!
//! Must not: run cargo or compile anything (the rules need only the graph, so `check` can run
//! them first and fail in milliseconds), print, or decide exit codes (the CLI does).

mod baseline;
mod config;
mod dot;
mod edges;
mod finding;
mod layers;
mod locator;
mod manifest;
pub mod render;
mod resolve;
mod shape;

use camino::{Utf8Path, Utf8PathBuf};
use ratchet_config::ConfigFile;
use ratchet_graph::Workspace;

pub use baseline::{BASELINE_FILE, Baseline, Entry, Judged};
pub use config::RulesSection;
pub use dot::LayerStyle;
pub use finding::{Finding, Rule};

/// Bad input: a configuration, manifest or baseline the rules cannot work with. Each carries
/// the file (and line, when known) to fix.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    /// `ratchet.toml` does not parse or has a misspelt key.
    #[error(transparent)]
    Config(#[from] ratchet_config::ConfigError),
    /// The configuration names something that does not exist or contradicts itself.
    #[error("{}: {message}", place(path, *line))]
    Invalid {
        /// The file to fix (`ratchet.toml` or a package's `Cargo.toml`).
        path: Utf8PathBuf,
        /// Its line, when known.
        line: Option<usize>,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// The baseline file does not parse.
    #[error("{}: malformed baseline: {message}", place(path, *line))]
    BadBaseline {
        /// The baseline file.
        path: Utf8PathBuf,
        /// Its line, when known.
        line: Option<usize>,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// Writing the baseline failed.
    #[error(transparent)]
    Store(#[from] ratchet_store::StoreError),
}

fn place(path: &Utf8Path, line: Option<usize>) -> String {
    match line {
        Some(line) => format!("{path}:{line}"),
        None => path.to_string(),
    }
}

/// Every finding of the rules configured in `config`, sorted by rule, package and dependency.
/// No `[rules]` section means no rules and no findings.
pub fn evaluate(ws: &Workspace, config: &ConfigFile) -> Result<Vec<Finding>, RulesError> {
    Ok(evaluate_resolved(ws, config)?.1)
}

fn evaluate_resolved(
    ws: &Workspace,
    config: &ConfigFile,
) -> Result<(resolve::Resolved, Vec<Finding>), RulesError> {
    let section: RulesSection = config.section("rules")?;
    let path = config_path(config);
    let source = resolve::Source {
        path: &path,
        text: &config.text,
    };
    let rules = resolve::resolve(ws, &section, &source)?;
    let mut findings = Vec::new();
    if let Some(layers) = &rules.layers {
        findings.extend(layers::check(ws, layers));
    }
    findings.extend(edges::forbidden(
        ws,
        &rules.forbidden,
        rules.layers.as_ref(),
    ));
    findings.extend(edges::private(ws, &rules.private, rules.layers.as_ref()));
    if let Some(fan_out) = &rules.fan_out {
        findings.extend(shape::fan_out(ws, fan_out));
    }
    if let Some(unused) = &rules.unused {
        findings.extend(shape::unused(ws, unused));
    }
    if let Some(reason) = &rules.dev_cycles {
        findings.extend(shape::dev_cycles(ws, reason.as_ref()));
    }
    manifest::fill_lines(&mut findings);
    findings.sort_by(|a, b| a.key().cmp(&b.key()));
    Ok((rules, findings))
}

fn config_path(config: &ConfigFile) -> Utf8PathBuf {
    Utf8PathBuf::from_path_buf(config.path.clone())
        .unwrap_or_else(|p| Utf8PathBuf::from(p.to_string_lossy().into_owned()))
}

/// The baseline file of the workspace whose configuration is `config`.
pub fn baseline_path(config: &ConfigFile) -> Utf8PathBuf {
    let path = config_path(config);
    Baseline::path_in(path.parent().unwrap_or(Utf8Path::new(".")))
}

/// The gate's result.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Findings split by the baseline.
    pub judged: Judged,
    /// The baseline file.
    pub baseline_path: Utf8PathBuf,
    /// Whether this run shrank the baseline file.
    pub baseline_shrunk: bool,
}

impl Outcome {
    /// No new violations.
    pub fn passed(&self) -> bool {
        self.judged.new.is_empty()
    }
}

/// Evaluates the rules and compares the findings with the baseline. When nothing is new and
/// the baseline lists violations that are gone, the baseline is rewritten without them.
/// `tool` is the command the user runs (`cargo ratchet`), named in the file and in errors.
pub fn gate(ws: &Workspace, config: &ConfigFile, tool: &str) -> Result<Outcome, RulesError> {
    let path = baseline_path(config);
    let baseline = Baseline::read(&path, tool)?;
    let (rules, findings) = evaluate_resolved(ws, config)?;
    let judged = baseline.judge(findings, &rules.ran());
    // Compared in sorted order, so a hand-sorted file is not rewritten for its order alone.
    let mut current = baseline.accepted.clone();
    current.sort();
    let shrink = judged.new.is_empty() && judged.shrunk.accepted != current && path.exists();
    if shrink {
        judged.shrunk.write(&path, tool)?;
    }
    Ok(Outcome {
        judged,
        baseline_path: path,
        baseline_shrunk: shrink,
    })
}

/// Records today's findings as the baseline (replacing the file) and returns it; `tool` is
/// the command the user runs, named in the file's header.
pub fn record_baseline(
    ws: &Workspace,
    config: &ConfigFile,
    tool: &str,
) -> Result<(Baseline, Utf8PathBuf), RulesError> {
    let findings = evaluate(ws, config)?;
    let baseline = Baseline::from_findings(&findings);
    let path = baseline_path(config);
    baseline.write(&path, tool)?;
    Ok((baseline, path))
}
