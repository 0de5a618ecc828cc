//! Verdicts of a compiling step from what cargo said: which packages failed, which could not
//! be built because a library they build on failed, and the rule that nothing passes unseen.

use std::collections::{BTreeMap, BTreeSet};

use ratchet_graph::{DepKind, Workspace};

use crate::cargo::CargoOutput;
use crate::outcome::{PackageVerdict, Problem};

/// Verdicts of a compiling step: a package fails when a diagnostic of a failing level is
/// attributed to it or cargo names it in an error, and is not trusted when one of its
/// dependencies failed (cargo did not build it). When cargo failed and nothing explains why,
/// every package fails: never a pass that was not seen.
pub(crate) fn compile_verdicts(
    workspace: &Workspace,
    packages: &[String],
    output: &CargoOutput,
    warnings_fail: bool,
    reproduce: &dyn Fn(&str) -> String,
) -> BTreeMap<String, PackageVerdict> {
    let mut problems: BTreeMap<&str, Vec<Problem>> = BTreeMap::new();
    // Packages with a target that did not build (a warning fails the step but does not stop
    // the build), and those whose library did not, which their dependents could not build on.
    let mut failing = BTreeSet::new();
    for (package, problem) in &output.diagnostics {
        if let Problem::Diagnostic { level, .. } = problem
            && (level == "error" || warnings_fail)
        {
            problems.entry(package).or_default().push(problem.clone());
            if level == "error" {
                failing.insert(package.clone());
            }
        }
    }
    let (named, unbuilt_libs) = unbuilt(workspace, output);
    failing.extend(named);
    let unexplained = !output.success && failing.is_empty();
    let mut verdicts = BTreeMap::new();
    for package in packages {
        let command = reproduce(package);
        let verdict = if let Some(found) = problems.get(package.as_str()) {
            PackageVerdict::fail(command, found.clone())
        } else if failing.contains(package) || unexplained {
            let text = format!("cargo failed:\n{}", output.text_tail(40));
            PackageVerdict::fail(command, vec![Problem::Other { text }])
        } else if let Some(dep) = failing_dependency(workspace, package, &unbuilt_libs) {
            let text = format!("not built: its dependency `{dep}` failed");
            let mut found = vec![Problem::Other { text }];
            // A dependency outside the selection has no verdict of its own to show its errors.
            if !packages.contains(&dep) {
                found.extend(problems.get(dep.as_str()).into_iter().flatten().cloned());
            }
            PackageVerdict::fail(command, found)
        } else {
            PackageVerdict::pass(command)
        };
        verdicts.insert(package.clone(), verdict);
    }
    verdicts
}

/// Packages cargo's `error:` lines name, and packages whose library or build script did not
/// build (what their dependents need): an error in a test, bench, example or binary target
/// fails its own package only.
pub(crate) fn unbuilt(
    workspace: &Workspace,
    output: &CargoOutput,
) -> (BTreeSet<String>, BTreeSet<String>) {
    let named = if output.success {
        BTreeMap::new()
    } else {
        output.packages_in_error_lines(workspace)
    };
    let mut libs: BTreeSet<String> = named
        .iter()
        .filter(|(_, needed)| **needed)
        .map(|(p, _)| p.clone())
        .collect();
    // An error in a library target that no `error:` line describes: assume the library itself.
    libs.extend(
        output
            .lib_errors
            .iter()
            .filter(|p| !named.contains_key(*p))
            .cloned(),
    );
    (named.into_keys().collect(), libs)
}

fn failing_dependency(
    workspace: &Workspace,
    package: &str,
    failing: &BTreeSet<String>,
) -> Option<String> {
    let ix = workspace.find(package)?;
    let kinds = [DepKind::Normal, DepKind::Build, DepKind::Dev];
    workspace
        .dep_closure(ix, &kinds)
        .into_iter()
        .map(|dep| &workspace.package(dep).name)
        .find(|name| failing.contains(*name))
        .cloned()
}

#[cfg(test)]
#[path = "verdicts_tests.rs"]
mod tests;
