//! The gates around the steps: rules before anything compiles, budgets with `--ci`.

use crate::{check, workspace, write};

const LAYERS: &str = "[rules.layers]\norder = [\"low\", \"high\"]\n\n[rules.layers.packages]\nlow = [\"base\", \"mid\"]\nhigh = [\"top\"]\n";

#[test]
fn a_rule_violation_fails_before_anything_compiles() {
    let ws = workspace();
    // `mid` is low, `top` is high: make `low` depend on `high` by swapping the assignment.
    let swapped = LAYERS.replace(
        "low = [\"base\", \"mid\"]\nhigh = [\"top\"]",
        "low = [\"base\", \"top\"]\nhigh = [\"mid\"]",
    );
    write(ws.path(), "ratchet.toml", &swapped);
    let run = check(ws.path(), &[]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("top -> mid"), "{}", run.stdout);
    assert!(
        !ws.path().join("target/ratchet/build").exists(),
        "cargo ran although the rules had already failed"
    );
}

#[test]
fn ci_gates_budgets_after_green_steps_and_a_failed_step_wins() {
    let ws = workspace();
    let budget = "\n[budget.defaults]\nlongest-file = \"5 lines\"\n";
    write(ws.path(), "ratchet.toml", &format!("{LAYERS}{budget}"));
    let plain = check(ws.path(), &[]);
    assert_eq!(
        plain.code, 0,
        "without --ci budgets are not gated: {}",
        plain.stderr
    );

    let gated = check(ws.path(), &["--ci"]);
    assert_eq!(gated.code, 3, "{}\n{}", gated.stdout, gated.stderr);
    assert!(gated.stdout.contains("longest-file"), "{}", gated.stdout);

    write(
        ws.path(),
        "crates/base/src/lib.rs",
        "pub fn broken() -> u32 { \"no\" }\n",
    );
    let broken = check(ws.path(), &["--ci"]);
    assert_eq!(
        broken.code, 1,
        "a failed step wins over a budget: {}",
        broken.stdout
    );
}
