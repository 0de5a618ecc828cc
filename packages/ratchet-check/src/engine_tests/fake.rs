//! The fakes of the engine's unit tests: fingerprints a test edits, a step that passes
//! unless told otherwise, a sink that remembers, a clock that stands still.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::time::Duration;

use camino::Utf8PathBuf;
use ratchet_events::check::CheckEvent;
use ratchet_graph::{Dep, DepKind, Package, Workspace};
use ratchet_run::{PackageVerdict, Problem, RunError, Step, StepReport};

use crate::clock::Clock;
use crate::key::StepKeys;
use crate::sink::Sink;
use crate::source::{KeySource, Settled};
use crate::steps::Steps;

/// Each package's (full, own) fingerprint; an edit changes both. `planned`: the keys the
/// last plan was made at (a package held still when its keys are the same now).
pub struct FakeKeys(
    Mutex<BTreeMap<String, (String, String)>>,
    Mutex<BTreeMap<String, (String, String)>>,
);

impl FakeKeys {
    pub fn new() -> FakeKeys {
        let start = |p: &str| (p.to_string(), (format!("{p}-full-0"), format!("{p}-own-0")));
        let keys = BTreeMap::from([start("a"), start("b")]);
        FakeKeys(Mutex::new(keys.clone()), Mutex::new(keys))
    }

    pub fn edit(&self, package: &str) {
        let mut keys = self.0.lock().unwrap();
        let (full, own) = keys.get_mut(package).unwrap();
        full.push('+');
        own.push('+');
    }
}

impl KeySource for FakeKeys {
    fn settled(&self) -> anyhow::Result<Settled> {
        let (now, planned) = (self.0.lock().unwrap().clone(), self.1.lock().unwrap());
        let held = now
            .iter()
            .filter(|(p, k)| planned.get(*p) == Some(*k))
            .map(|(p, _)| p.clone())
            .collect();
        drop(planned);
        Ok(Settled {
            keys: self.current(),
            held,
            learned: BTreeMap::new(),
        })
    }

    fn keys(&self) -> anyhow::Result<StepKeys> {
        *self.1.lock().unwrap() = self.0.lock().unwrap().clone();
        Ok(self.current())
    }
}

impl FakeKeys {
    /// The keys now.
    fn current(&self) -> StepKeys {
        let keys = self.0.lock().unwrap();
        let pick = |f: fn(&(String, String)) -> &String| {
            keys.iter()
                .map(|(p, k)| (p.clone(), f(k).clone()))
                .collect()
        };
        StepKeys::from_parts(pick(|k| &k.0), pick(|k| &k.1), BTreeMap::new())
    }
}

/// A step that passes every package, except where a test says otherwise.
pub struct FakeSteps<'k> {
    pub workspace: Workspace,
    pub keys: &'k FakeKeys,
    pub share_build: bool,
    /// `(step, package)` that fail.
    pub fail: BTreeSet<(Step, String)>,
    /// Packages whose library does not build in the lint step.
    pub unbuilt: BTreeSet<String>,
    /// Packages the step leaves out of its report (it cannot tell whose failure it saw).
    pub unnamed: BTreeSet<String>,
    /// A package edited while this step runs.
    pub edit_during: Option<(Step, String)>,
    /// What ran: each step with its packages.
    pub ran: Mutex<Vec<(Step, Vec<String>)>>,
}

impl<'k> FakeSteps<'k> {
    pub fn new(keys: &'k FakeKeys) -> FakeSteps<'k> {
        FakeSteps {
            workspace: two_packages(),
            keys,
            share_build: false,
            fail: BTreeSet::new(),
            unbuilt: BTreeSet::new(),
            unnamed: BTreeSet::new(),
            edit_during: None,
            ran: Mutex::new(Vec::new()),
        }
    }

    pub fn ran(&self, step: Step) -> Vec<String> {
        let ran = self.ran.lock().unwrap();
        ran.iter()
            .filter(|(s, _)| *s == step)
            .flat_map(|(_, p)| p.clone())
            .collect()
    }

    fn report(&self, step: Step, packages: &[String]) -> StepReport {
        self.ran.lock().unwrap().push((step, packages.to_vec()));
        if let Some((_, package)) = self.edit_during.as_ref().filter(|(s, _)| *s == step) {
            self.keys.edit(package);
        }
        let mut report = StepReport::empty(step);
        report.commands = vec![format!("fake {}", step.name())];
        for package in packages.iter().filter(|p| !self.unnamed.contains(*p)) {
            let verdict = if step == Step::Lint && self.unbuilt.contains(package) {
                report.unbuilt_libs.insert(package.clone());
                let text = "error[E0425]: cannot find value".to_string();
                PackageVerdict::fail("fake lint".into(), vec![Problem::Other { text }])
            } else if self.fail.contains(&(step, package.clone())) {
                PackageVerdict::fail("fake".into(), vec![warning(step)])
            } else {
                PackageVerdict::pass("fake".into())
            };
            report.packages.insert(package.clone(), verdict);
        }
        report
    }
}

impl Steps for FakeSteps<'_> {
    /// The packages whose tests will run, and the verdicts set before they run.
    type Built = (Vec<String>, BTreeMap<String, PackageVerdict>);

    fn enabled(&self) -> Vec<Step> {
        vec![Step::Fmt, Step::Lint, Step::Test]
    }

    fn config_key(&self, step: Step) -> String {
        format!("fake {}", step.name())
    }

    fn shares_lint_and_test_build(&self) -> bool {
        self.share_build
    }

    fn run(&self, step: Step, packages: &[String]) -> Result<StepReport, RunError> {
        Ok(self.report(step, packages))
    }

    fn lint_and_build_tests(
        &self,
        lint: &[String],
        test: &[String],
    ) -> Result<(StepReport, Self::Built), RunError> {
        Ok((
            self.report(Step::Lint, lint),
            (test.to_vec(), BTreeMap::new()),
        ))
    }

    fn replace_test_verdict(
        &self,
        built: &mut Self::Built,
        package: &str,
        verdict: PackageVerdict,
    ) {
        // As ratchet-run does: a failing verdict keeps the package's tests from running.
        built.0.retain(|p| p != package);
        built.1.insert(package.to_string(), verdict);
    }

    fn run_tests(&self, (run, set): Self::Built) -> Result<StepReport, RunError> {
        let mut report = self.report(Step::Test, &run);
        report.packages.extend(set);
        Ok(report)
    }

    fn learn(&self, _: &StepReport, _: bool, _: bool) -> anyhow::Result<()> {
        Ok(())
    }

    fn is_cancelled(&self) -> bool {
        false
    }

    fn workspace(&self) -> &Workspace {
        &self.workspace
    }
}

/// A failure that does not stop the build (a lint warning, a failing test).
fn warning(step: Step) -> Problem {
    Problem::Diagnostic {
        level: ratchet_events::check::Level::Warning,
        file: None,
        line: None,
        column: None,
        code: None,
        suggestions: Vec::new(),
        message: format!("{} found something", step.name()),
        rendered: String::new(),
    }
}

/// `a`, and `b` depending on it.
fn two_packages() -> Workspace {
    let package = |name: &str| Package {
        name: name.to_string(),
        version: "0.1.0".to_string(),
        edition: "2024".to_string(),
        manifest_path: Utf8PathBuf::from(format!("/ws/{name}/Cargo.toml")),
        dir: Utf8PathBuf::from(format!("/ws/{name}")),
        targets: Vec::new(),
        external_deps: Vec::new(),
        metadata: serde_json::Value::Null,
        cargo_pkg_env: BTreeMap::new(),
        features: BTreeMap::new(),
    };
    let dep = Dep {
        kind: DepKind::Normal,
        optional: false,
        target: None,
        rename: None,
        features: Vec::new(),
        default_features: true,
    };
    let packages = vec![package("a"), package("b")];
    Workspace::from_parts(
        "/ws".into(),
        "/ws/target".into(),
        packages,
        vec![(1, 0, dep)],
    )
}

/// What the engine told its sink: every event, and of the events those the tests look at.
#[derive(Default)]
pub struct Heard {
    /// `(step, package)` that passed but changed while the step ran.
    pub changed: Mutex<Vec<(String, String)>>,
    /// `(step, package)` whose cached pass failed when run again.
    pub non_hermetic: Mutex<Vec<(String, String)>>,
    /// Every event, in order.
    pub events: Mutex<Vec<CheckEvent>>,
}

impl Sink for Heard {
    fn event(&self, event: CheckEvent) -> anyhow::Result<()> {
        match &event {
            CheckEvent::StepFinished(finished) => {
                let changed = finished.changed_during_run.iter();
                let mut heard = self.changed.lock().unwrap();
                heard.extend(changed.map(|p| (finished.step.to_string(), p.clone())));
            }
            CheckEvent::NonHermetic(found) => {
                let mut heard = self.non_hermetic.lock().unwrap();
                heard.push((found.step.to_string(), found.package.clone()));
            }
            _ => {}
        }
        self.events.lock().unwrap().push(event);
        Ok(())
    }

    fn note(&self, _: &str) {}
}

/// A clock that stands still.
pub struct FakeClock(pub Duration);

impl Clock for FakeClock {
    fn now(&self) -> Duration {
        self.0
    }
}
