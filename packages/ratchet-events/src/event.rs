//! The one event type: every line or document ratchet prints in JSON.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{affected, budget, check, files, graph, hash, plan, rules, watch};

/// One JSON object printed by ratchet, tagged by its `event` field. `check` prints a stream of
/// them (its own, the rules' and the budget gate's), `rules`, `budget` and `watch` print
/// streams, and `affected`, `hash` and `graph` print one document each.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// `check`: what will run and what is cached; first.
    Plan(check::Plan),
    /// `check`: a step begins.
    StepStarted(check::StepStarted),
    /// `check`: a compiler, clippy or rustfmt message that failed a package.
    Diagnostic(check::Diagnostic),
    /// `check`: a test binary (or doc tests) of a package failed.
    TestFailure(check::TestFailure),
    /// `check`: one test that ran, with its status (in the JSON stream with `-v` only; always
    /// in the JUnit report). Before its step's `step_finished`.
    TestResult(check::TestResult),
    /// `check`: a step ended.
    StepFinished(check::StepFinished),
    /// `check --verify`: a cached pass failed when its step ran again (it was not hermetic).
    /// Follows the step's `step_finished`.
    NonHermetic(check::NonHermetic),
    /// `check`: the run ended; last, with the process's exit code.
    Summary(check::Summary),
    /// `rules` (and `check` when the rules fail): a violated architecture rule.
    RuleViolation(rules::RuleViolation),
    /// `rules` (and `check` when the rules fail): the end of a rules run.
    RulesSummary(rules::RulesSummary),
    /// `budget gate` (and `check --ci`): a measure over or near its ceiling.
    BudgetFinding(budget::BudgetFinding),
    /// `budget gate --since` (and `check --ci --since`): a ceiling raised since the base ref.
    BudgetLoosened(budget::BudgetLoosened),
    /// `budget gate` (and `check --ci`): a measure that could not be taken.
    BudgetSkipped(budget::BudgetSkipped),
    /// `budget tighten` (and `check --ci --tighten`): a ceiling lowered.
    BudgetTightened(budget::BudgetTightened),
    /// `budget gate` (and `check --ci`): the end of a gate run.
    BudgetSummary(budget::BudgetSummary),
    /// `watch`: one run of `check` and how it ended, after that run's own events.
    WatchRun(watch::WatchRun),
    /// `affected`: the packages a change affects, and why.
    Affected(affected::AffectedReport),
    /// `affected --why PKG`: the chain that explains one package.
    AffectedWhy(affected::Why),
    /// `hash`: every package's fingerprints.
    Hash(hash::Hashes),
    /// `hash --explain PKG`: what went into one package's fingerprints.
    HashExplain(hash::Explanation),
    /// `graph --format json`: the package graph.
    Graph(graph::Graph),
    /// `plan --shards N`: the selection split into N shards, and a GitHub Actions matrix.
    ShardPlan(plan::ShardPlan),
    /// `budget init`: the first `[budget]` written.
    BudgetInit(files::BudgetInit),
    /// `budget tighten`: the end of the run, after its `budget_tightened` events.
    BudgetTightenSummary(files::BudgetTightenSummary),
    /// `rules baseline`: today's violations accepted.
    RulesBaseline(files::RulesBaseline),
    /// `report`: the HTML page written.
    ReportWritten(files::ReportWritten),
    /// `gc`: what was removed from ratchet's state directory.
    Gc(files::Gc),
}
