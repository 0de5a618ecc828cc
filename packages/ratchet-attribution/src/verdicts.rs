//! Verdicts of a compiling step from what cargo said: which packages failed, which could not
//! be built because a library they build on failed, and the rule that nothing passes unseen:
//! when cargo fails, a package passes only when cargo's messages show its units were built or
//! fresh and every error line cargo printed is tied to a member.

use std::collections::{BTreeMap, BTreeSet};

use ratchet_events::check::Level;
use ratchet_graph::{DepKind, PkgIx, Workspace};

use crate::cargo_errors::{CargoErrors, DocSection, DocSections};
use crate::{CargoOutput, PackageVerdict, Problem};

/// Lines of cargo's output kept when nothing finer explains a failure.
const TAIL_LINES: usize = 40;

/// Verdicts of a compiling step over `packages` (the packages of that cargo command): a
/// package fails when a diagnostic of a failing level is attributed to it or cargo names it in
/// an error, and is not trusted when one of its dependencies failed (cargo did not build it).
/// When cargo failed and its error lines do not all name members, every package fails; when
/// it failed, a package none of whose units cargo reported fails too: never a pass unseen.
pub fn compile_verdicts(
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
            && (*level == Level::Error || warnings_fail)
        {
            problems.entry(package).or_default().push(problem.clone());
            if *level == Level::Error {
                failing.insert(package.clone());
            }
        }
    }
    let (named, unbuilt_libs) = unbuilt(workspace, output);
    failing.extend(named);
    let unexplained =
        !output.success && !CargoErrors::read(workspace, &output.text).explain_failure();
    let mut verdicts = BTreeMap::new();
    for package in packages {
        let command = reproduce(package);
        let verdict = if let Some(found) = problems.get(package.as_str()) {
            PackageVerdict::fail(command, found.clone())
        } else if failing.contains(package) || unexplained {
            let text = format!("cargo failed:\n{}", output.text_tail(TAIL_LINES));
            PackageVerdict::fail(command, vec![Problem::Other { text }])
        } else if let Some(dep) = failing_dependency(workspace, package, &unbuilt_libs) {
            let text = format!("not built: its dependency `{dep}` failed");
            let mut found = vec![Problem::Other { text }];
            // A dependency outside the selection has no verdict of its own to show its errors.
            if !packages.contains(&dep) {
                found.extend(problems.get(dep.as_str()).into_iter().flatten().cloned());
            }
            PackageVerdict::fail(command, found)
        } else if let Some(dep) = warnings_fail
            .then(|| failing_dependency(workspace, package, &output.lib_findings))
            .flatten()
        {
            // clippy lints every workspace member it compiles, and `-D warnings` turns a
            // dependency's findings into errors: `cargo clippy -p PACKAGE` fails on them too.
            // A warning here, as there: the package itself built, and its tests may run.
            let text = format!(
                "its dependency `{dep}` has lint findings, which fail `cargo clippy -p {package} \
                 -- -D warnings` too: fix them in `{dep}`"
            );
            let problem = Problem::Diagnostic {
                level: Level::Warning,
                file: None,
                line: None,
                column: None,
                code: None,
                message: text.clone(),
                rendered: text,
                suggestions: Vec::new(),
            };
            PackageVerdict::fail(command, vec![problem])
        } else if !output.success && !output.units_seen.contains(package) {
            let text = format!(
                "not built: cargo failed before reporting any of its units:\n{}",
                output.text_tail(TAIL_LINES)
            );
            PackageVerdict::fail(command, vec![Problem::Other { text }])
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
pub fn unbuilt(
    workspace: &Workspace,
    output: &CargoOutput,
) -> (BTreeSet<String>, BTreeSet<String>) {
    let named = if output.success {
        BTreeMap::new()
    } else {
        CargoErrors::read(workspace, &output.text).unbuilt
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
    compiled_with(workspace, ix)
        .into_iter()
        .map(|dep| &workspace.package(dep).name)
        .find(|name| failing.contains(*name))
        .cloned()
}

/// The members cargo compiles to build every target of `ix` (`--all-targets`): its normal and
/// build dependencies, its dev-dependencies, and theirs; not the dev-dependencies of its
/// dependencies, which cargo never builds for it.
fn compiled_with(workspace: &Workspace, ix: PkgIx) -> BTreeSet<PkgIx> {
    let lib = [DepKind::Normal, DepKind::Build];
    let mut out = workspace.dep_closure(ix, &lib);
    for (dev, _) in workspace.deps(ix).filter(|(_, d)| d.kind == DepKind::Dev) {
        out.insert(dev);
        out.extend(workspace.dep_closure(dev, &lib));
    }
    out.remove(&ix);
    out
}

/// The targets of `package` that `cargo test` builds a test harness of (its library, binaries
/// and integration tests, unless `test = false`) and that `output` reports no executable of.
/// After a failed build (which `cargo test` does not keep going past), a package with one is
/// not verified.
pub fn missing_test_binaries(
    workspace: &Workspace,
    output: &CargoOutput,
    package: &str,
) -> Vec<String> {
    let Some(ix) = workspace.find(package) else {
        return Vec::new();
    };
    workspace
        .package(ix)
        .targets
        .iter()
        .filter(|t| t.test)
        .filter_map(|t| Some((t, harness_class(t.kinds.first()?))))
        .filter(|(_, kind)| *kind != "other")
        .filter(|(t, kind)| {
            !output.executables.iter().any(|e| {
                e.package == package && e.target == t.name && harness_class(&e.kind) == *kind
            })
        })
        .map(|(t, kind)| format!("{kind} \"{}\"", t.name))
        .collect()
}

/// `lib`, `bin` or `test` for a target kind that `cargo test` builds a harness of, else `other`.
fn harness_class(kind: &str) -> &'static str {
    match kind {
        "bin" => "bin",
        "test" => "test",
        kind if ratchet_graph::is_library_kind(kind) => "lib",
        _ => "other",
    }
}

/// Verdicts of `cargo test --doc` over `packages` (members whose libraries have doc tests):
/// their libraries' build as for any compiling step, then each passes only when its library's
/// `Doc-tests` section ran to `test result: ok` and cargo did not name it (`-p NAME --doc`)
/// among the failed targets.
pub fn doc_verdicts(
    workspace: &Workspace,
    packages: &[String],
    output: &CargoOutput,
    reproduce: &dyn Fn(&str) -> String,
) -> BTreeMap<String, PackageVerdict> {
    let mut verdicts = compile_verdicts(workspace, packages, output, false, reproduce);
    let failed = if output.success {
        BTreeSet::new()
    } else {
        CargoErrors::read(workspace, &output.text).doc_tests_failed
    };
    let sections = DocSections::split(&output.text).sections;
    for (package, verdict) in verdicts.iter_mut().filter(|(_, v)| v.passed) {
        let krate = library_crate(workspace, package);
        let mine: Vec<&DocSection> = sections
            .iter()
            .filter(|s| Some(&s.krate) == krate.as_ref())
            .collect();
        let ran_ok = !mine.is_empty() && mine.iter().all(|s| s.result == Some(true));
        if ran_ok && !failed.contains(package) {
            continue;
        }
        let problem = match mine.iter().find(|s| s.result == Some(false)) {
            Some(section) => section_failure(section),
            None => Problem::Other {
                text: format!(
                    "its doc tests failed or did not run to the end:\n{}",
                    output.text_tail(TAIL_LINES)
                ),
            },
        };
        verdict.passed = false;
        verdict.problems.push(problem);
    }
    verdicts
}

/// The crate name of `package`'s library, as cargo's `Doc-tests` header spells it.
fn library_crate(workspace: &Workspace, package: &str) -> Option<String> {
    let package = workspace.package(workspace.find(package)?);
    let lib = package.targets.iter().find(|t| t.is_library())?;
    Some(lib.name.replace('-', "_"))
}

fn section_failure(section: &DocSection) -> Problem {
    let output = section.lines.join("\n");
    Problem::TestFailure {
        binary: "doc".into(),
        tests: failed_tests(&output),
        output,
    }
}

/// Names from libtest's `test NAME ... FAILED` lines.
pub fn failed_tests(text: &str) -> Vec<String> {
    crate::libtest::test_results(text)
        .into_iter()
        .filter(|(_, status)| *status == ratchet_events::check::TestStatus::Failed)
        .map(|(name, _)| name)
        .collect()
}

#[cfg(test)]
#[path = "verdicts_tests.rs"]
mod tests;
