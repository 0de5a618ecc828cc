//! The commands shown to reproduce a failure: they check without rewriting (`cargo fmt
//! --check`), keep the toolchain the run used (`cargo +nightly ...`), and narrow a failing
//! test to its target and name (`cargo test -p X --lib -- path::to::test --exact`, or under
//! nextest `cargo nextest run -p X -E 'binary(=x) & test(=path::to::test)'`).

use crate::outcome::{PackageVerdict, Problem};

/// What selects a test binary's target in `cargo test` (`--lib`, `--test it`, ...).
pub(crate) fn target_selector(kind: &str, name: &str) -> String {
    match kind {
        "bin" | "test" | "example" | "bench" => format!("--{kind} {name}"),
        _ => "--lib".to_string(),
    }
}

/// Narrows `verdict`'s `cargo test -p X ...` to the one target whose binary failed (`target`,
/// its selector) and, for one failing test, to that test alone.
pub(crate) fn narrow_test(verdict: &mut PackageVerdict, targets: &[&str], test_args: &[String]) {
    let [target] = targets else { return };
    let tests = failing_tests(verdict);
    let head = verdict.reproduce.split(" -- ").next().unwrap_or_default();
    let mut command = format!("{head} {target}");
    let mut after: Vec<String> = test_args.to_vec();
    if let [test] = tests.as_slice() {
        after.extend([test.to_string(), "--exact".to_string()]);
    }
    if !after.is_empty() {
        command = format!("{command} -- {}", after.join(" "));
    }
    verdict.reproduce = command;
}

/// Narrows `verdict`'s `cargo nextest run -p X ...` to the one test binary that failed (its
/// name: the crate's for unit tests, the target's for the others) and, for one failing test, to that test alone, as a filterset: the
/// name filters after `--` are dropped, the failing test matched them.
pub(crate) fn narrow_nextest(verdict: &mut PackageVerdict, binaries: &[&str]) {
    let [binary] = binaries else { return };
    let tests = failing_tests(verdict);
    let head = verdict.reproduce.split(" -- ").next().unwrap_or_default();
    let mut filter = format!("binary(={binary})");
    if let [test] = tests.as_slice() {
        filter = format!("{filter} & test(={test})");
    }
    verdict.reproduce = format!("{head} -E '{filter}'");
}

/// The names of the failing tests among `verdict`'s problems.
fn failing_tests(verdict: &PackageVerdict) -> Vec<&String> {
    verdict
        .problems
        .iter()
        .flat_map(|p| match p {
            Problem::TestFailure { tests, .. } => tests.iter().collect(),
            _ => Vec::new(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_failing_test_is_reproduced_alone() {
        let problem = Problem::TestFailure {
            binary: "a".into(),
            tests: vec!["m::t".into()],
            output: String::new(),
        };
        let mut verdict = PackageVerdict::fail("cargo test -p a".into(), vec![problem]);
        narrow_test(&mut verdict, &["--lib"], &[]);
        assert_eq!(verdict.reproduce, "cargo test -p a --lib -- m::t --exact");
    }

    #[test]
    fn one_failing_test_is_reproduced_alone_under_nextest() {
        let problem = Problem::TestFailure {
            binary: "it".into(),
            tests: vec!["m::t".into()],
            output: String::new(),
        };
        let command = "cargo nextest run -p a -- m::";
        let mut verdict = PackageVerdict::fail(command.into(), vec![problem]);
        narrow_nextest(&mut verdict, &["it"]);
        let expected = "cargo nextest run -p a -E 'binary(=it) & test(=m::t)'";
        assert_eq!(verdict.reproduce, expected);
    }
}
