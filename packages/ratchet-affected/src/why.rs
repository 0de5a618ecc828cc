//! `--why PKG`: one package's reason chain, as a sentence for a person or as an event.

use ratchet_events::affected::{AffectedReport, Cause, Mode, Reason, Why};
use ratchet_events::graph::EdgeKind;

/// `affected --why PKG --message-format json`: the chain as an event, with [`why`]'s sentence.
pub fn why_event(report: &AffectedReport, package: &str) -> Why {
    Why {
        version: ratchet_events::VERSION,
        package: package.to_string(),
        mode: report.mode,
        base: report.base.clone(),
        reason: report.reasons.get(package).cloned(),
        message: why(report, package),
    }
}

/// `PKG is affected because crates/x/src/lib.rs changed in x; x -> y (normal) -> PKG (dev)`,
/// or `PKG is not affected` when the report does not list it.
pub fn why(report: &AffectedReport, package: &str) -> String {
    let Some(reason) = report.reasons.get(package) else {
        return format!("{package} is not affected{}", unaffected_hint(report));
    };
    let origin = reason.path.first().map(String::as_str).unwrap_or(package);
    let because = match &reason.cause {
        Cause::File { path } => format!("{path} changed in {origin}"),
        Cause::Global { input } => format!("the global input `{input}` changed"),
        Cause::Lockfile { packages } if packages.is_empty() => {
            format!("the resolved external dependencies of {origin} changed")
        }
        Cause::Lockfile { packages } => format!(
            "the external dependencies of {origin} changed: {}",
            packages.join(", ")
        ),
        Cause::Fingerprint { detail } => format!("{detail} ({origin})"),
    };
    match chain(reason) {
        Some(chain) => format!("{package} is affected because {because}; {chain}"),
        None => format!("{package} is affected because {because}"),
    }
}

/// `x -> y (normal) -> z (dev)`, or `None` for a package that changed itself.
fn chain(reason: &Reason) -> Option<String> {
    let (first, rest) = reason.path.split_first()?;
    if rest.is_empty() {
        return None;
    }
    let mut text = first.clone();
    for (name, kind) in rest.iter().zip(&reason.edge_kinds) {
        let kind = match kind {
            EdgeKind::Normal => "normal",
            EdgeKind::Build => "build",
            EdgeKind::Dev => "dev",
        };
        text.push_str(&format!(" -> {name} ({kind})"));
    }
    Some(text)
}

fn unaffected_hint(report: &AffectedReport) -> String {
    match (report.mode, &report.base) {
        (Mode::Since, Some(base)) => format!(" by the changes since {}", short(base)),
        (Mode::Fingerprint, _) => " (its fingerprint matches the record)".to_string(),
        (Mode::Since, None) => String::new(),
    }
}

fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(reason: Reason) -> AffectedReport {
        AffectedReport {
            version: 1,
            mode: Mode::Since,
            base: Some("0123456789abcdef".to_string()),
            changed_files: Vec::new(),
            build_affected: Vec::new(),
            affected: vec!["z".to_string()],
            reasons: [("z".to_string(), reason)].into(),
            warnings: Vec::new(),
            unowned_files: Vec::new(),
        }
    }

    #[test]
    fn chain_names_the_file_the_origin_and_each_edge() {
        let r = report(Reason {
            cause: Cause::File {
                path: "crates/x/src/lib.rs".to_string(),
            },
            path: vec!["x".into(), "y".into(), "z".into()],
            edge_kinds: vec![EdgeKind::Normal, EdgeKind::Dev],
        });
        assert_eq!(
            why(&r, "z"),
            "z is affected because crates/x/src/lib.rs changed in x; x -> y (normal) -> z (dev)"
        );
        assert_eq!(
            why(&r, "w"),
            "w is not affected by the changes since 0123456789ab"
        );
    }

    #[test]
    fn global_cause_has_no_chain() {
        let r = report(Reason {
            cause: Cause::Global {
                input: "Cargo.toml".to_string(),
            },
            path: vec!["z".into()],
            edge_kinds: Vec::new(),
        });
        assert_eq!(
            why(&r, "z"),
            "z is affected because the global input `Cargo.toml` changed"
        );
    }
}
