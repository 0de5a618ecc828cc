//! What a step found, per package: plain data for the caller to cache, print or serialize.

use std::collections::BTreeMap;

use camino::Utf8PathBuf;

use crate::Step;
pub use ratchet_attribution::{PackageVerdict, Problem, UnitUse};

/// The result of one step over its selection.
#[derive(Debug, Clone)]
pub struct StepReport {
    /// Which step.
    pub step: Step,
    /// The command lines that ran (cargo, then test binaries are not listed).
    pub commands: Vec<String>,
    /// One verdict per selected package.
    pub packages: BTreeMap<String, PackageVerdict>,
    /// Wall time of the whole step, in ms.
    pub wall_ms: u64,
    /// Artifacts cargo reported, per package: path and size in bytes.
    pub artifacts: BTreeMap<String, BTreeMap<Utf8PathBuf, u64>>,
    /// Compilation units cargo reported as built by this run (not fresh).
    pub units_built: usize,
    /// Compilation units cargo reported as already up to date.
    pub units_fresh: usize,
    /// The test step only: CPU use while its binaries ran.
    pub test_run: Option<ratchet_events::check::TestRunUsage>,
    /// Packages whose library or build script did not compile in this step: their dependents
    /// could not be built on them.
    pub unbuilt_libs: std::collections::BTreeSet<String>,
    /// The test step (ratchet's pool): per package whose test binaries ran, all observed, the
    /// files and directories (ending with `/`; the root is `./`) under the workspace root,
    /// outside the target directory and `.git`, that they read at run time, relative to the
    /// root.
    pub observed_reads: BTreeMap<String, std::collections::BTreeSet<String>>,
    /// Tests that ran (libtest's passed and failed), per package: test binaries run by
    /// ratchet's pool, and doc tests.
    pub tests_run: BTreeMap<String, usize>,
    /// The test and doc steps: each test that ended, by name ([`StepReport::tests_run`]
    /// counts those that ran).
    pub tests: Vec<ratchet_events::check::TestResult>,
    /// Whether `observed_reads` is complete: `None` for steps that run no test.
    pub observation: Option<ObservationStatus>,
    /// The feature sets cargo's `compiler-artifact` messages gave each member's units.
    pub unit_features: BTreeMap<String, std::collections::BTreeSet<Vec<String>>>,
    /// Every unit cargo reported (members and dependencies, built or fresh): what the run
    /// used of the build directory, for `gc --keep-runs`.
    pub units: Vec<UnitUse>,
}

/// Whether a step's run-time reads were observed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObservationStatus {
    /// Every test process was observed: `observed_reads` is all they read.
    Observed,
    /// Not observed (or not completely), for this reason.
    Unavailable(String),
}

impl StepReport {
    /// The artifacts of every report, per package: path and size in bytes.
    pub fn artifacts_of(reports: &[StepReport]) -> BTreeMap<String, BTreeMap<Utf8PathBuf, u64>> {
        let mut out: BTreeMap<String, BTreeMap<Utf8PathBuf, u64>> = BTreeMap::new();
        for (package, files) in reports.iter().flat_map(|r| &r.artifacts) {
            let into = out.entry(package.clone()).or_default();
            into.extend(files.iter().map(|(p, s)| (p.clone(), *s)));
        }
        out
    }

    /// A report of a step that ran nothing.
    pub fn empty(step: Step) -> StepReport {
        StepReport {
            step,
            commands: Vec::new(),
            packages: BTreeMap::new(),
            wall_ms: 0,
            artifacts: BTreeMap::new(),
            units_built: 0,
            units_fresh: 0,
            test_run: None,
            unbuilt_libs: std::collections::BTreeSet::new(),
            observed_reads: BTreeMap::new(),
            tests_run: BTreeMap::new(),
            tests: Vec::new(),
            observation: None,
            unit_features: BTreeMap::new(),
            units: Vec::new(),
        }
    }

    /// Adds the report of the same step over other packages (another cargo run of it).
    pub fn merge(&mut self, other: StepReport) {
        self.commands.extend(other.commands);
        self.packages.extend(other.packages);
        self.wall_ms += other.wall_ms;
        self.artifacts.extend(other.artifacts);
        self.units_built += other.units_built;
        self.units_fresh += other.units_fresh;
        self.units.extend(other.units);
        self.test_run = self.test_run.take().or(other.test_run);
        self.unbuilt_libs.extend(other.unbuilt_libs);
        self.observed_reads.extend(other.observed_reads);
        self.tests.extend(other.tests);
        for (package, n) in other.tests_run {
            *self.tests_run.entry(package).or_default() += n;
        }
        self.observation = match (self.observation.take(), other.observation) {
            (Some(ObservationStatus::Unavailable(why)), _)
            | (_, Some(ObservationStatus::Unavailable(why))) => {
                Some(ObservationStatus::Unavailable(why))
            }
            (mine, theirs) => mine.or(theirs),
        };
        for (package, features) in other.unit_features {
            self.unit_features
                .entry(package)
                .or_default()
                .extend(features);
        }
    }

    /// Whether every package passed.
    pub fn passed(&self) -> bool {
        self.packages.values().all(|v| v.passed)
    }
}
