//! The catalog of measures: every measure a budget can cap is one row of [`SPECS`], with its key,
//! its unit, whether it is set per package or for the workspace, and where its value is read
//! from. Adding a measure is one variant of [`Measure`] and one row here (and its remedy, which
//! the compiler asks for).

use ratchet_events::budget::{BudgetSnapshot, PackageMeasures};

use crate::units::Kind;

/// One measure a ceiling can be set on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Measure {
    /// Lines of Rust in the package (every `.rs` file it owns).
    Lines,
    /// Lines of the package's longest `.rs` file.
    LongestFile,
    /// Bytes of every file the package owns (not ignored, not in a nested package).
    SourceBytes,
    /// Bytes of the artifacts its build produced (from `build-costs.json`).
    ArtifactBytes,
    /// CPU time of the package's own rustc calls, normalized by calibration.
    BuildCpu,
    /// Sum of every package's build CPU.
    TotalBuildCpu,
    /// The longest chain of normal/build dependencies weighted by build CPU.
    CriticalPath,
    /// Wall time of the last full `check`.
    InnerLoop,
}

/// Where a measure's value is read from in a snapshot.
#[derive(Clone, Copy)]
pub enum Source {
    /// Set per package (`[budget.defaults]`, `[budget.packages.NAME]`), read from its figures.
    Package(fn(&PackageMeasures) -> Option<u64>),
    /// Set for the whole workspace (a key right under `[budget]`), read from the snapshot.
    Workspace(fn(&BudgetSnapshot) -> Option<u64>),
}

/// One row of the catalog.
#[derive(Clone, Copy)]
pub struct Spec {
    /// The measure.
    pub measure: Measure,
    /// The key in `ratchet.toml` and the name in JSON.
    pub key: &'static str,
    /// What it counts.
    pub kind: Kind,
    /// Where its value comes from.
    pub source: Source,
}

/// Every measure, package measures first, in the order they are reported.
#[rustfmt::skip]
pub const SPECS: [Spec; 8] = {
    use Kind::{Bytes, Lines, Millis};
    use Source::{Package as P, Workspace as W};
    [
        Spec { measure: Measure::Lines, key: "lines", kind: Lines, source: P(|m| Some(m.lines)) },
        Spec { measure: Measure::LongestFile, key: "longest-file", kind: Lines, source: P(|m| Some(m.longest_file)) },
        Spec { measure: Measure::SourceBytes, key: "source-bytes", kind: Bytes, source: P(|m| Some(m.source_bytes)) },
        Spec { measure: Measure::ArtifactBytes, key: "artifact-bytes", kind: Bytes, source: P(|m| m.artifact_bytes) },
        Spec { measure: Measure::BuildCpu, key: "build-cpu", kind: Millis, source: P(|m| m.build_cpu_ms) },
        Spec { measure: Measure::TotalBuildCpu, key: "total-build-cpu", kind: Millis, source: W(|s| s.total_build_cpu_ms) },
        Spec { measure: Measure::CriticalPath, key: "critical-path", kind: Millis, source: W(|s| s.critical_path_ms) },
        Spec { measure: Measure::InnerLoop, key: "inner-loop", kind: Millis, source: W(|s| s.inner_loop_ms) },
    ]
};

impl Measure {
    /// Measures set per package (in `[budget.defaults]` and `[budget.packages.NAME]`).
    pub const PACKAGE: [Measure; 5] = Self::of_scope(true);
    /// Measures of the whole workspace (keys directly under `[budget]`).
    pub const WORKSPACE: [Measure; 3] = Self::of_scope(false);

    const fn of_scope<const N: usize>(package: bool) -> [Measure; N] {
        let mut out = [Measure::Lines; N];
        let (mut i, mut n) = (0, 0);
        while i < SPECS.len() {
            if matches!(SPECS[i].source, Source::Package(_)) == package {
                out[n] = SPECS[i].measure;
                n += 1;
            }
            i += 1;
        }
        out
    }

    /// Its row of the catalog.
    pub fn spec(self) -> &'static Spec {
        // Rows are in the enum's order; the test below keeps them so.
        &SPECS[self as usize]
    }

    /// The measure written `key` in `ratchet.toml`.
    pub fn from_key(key: &str) -> Option<Measure> {
        SPECS.iter().find(|s| s.key == key).map(|s| s.measure)
    }

    /// The key in `ratchet.toml` and the name in JSON.
    pub fn key(self) -> &'static str {
        self.spec().key
    }

    /// What it counts.
    pub fn kind(self) -> Kind {
        self.spec().kind
    }

    /// Whether it is set per package.
    pub fn is_package(self) -> bool {
        matches!(self.spec().source, Source::Package(_))
    }

    /// Whether it is a time, hence noisy, re-measured and normalized.
    pub fn is_time(self) -> bool {
        self.kind() == Kind::Millis
    }

    /// Its value among a package's figures (`None` for a workspace measure or when unmeasured).
    pub fn package_value(self, figures: &PackageMeasures) -> Option<u64> {
        match self.spec().source {
            Source::Package(read) => read(figures),
            Source::Workspace(_) => None,
        }
    }

    /// Its value in a snapshot (`None` for a package measure or when unmeasured).
    pub fn workspace_value(self, snapshot: &BudgetSnapshot) -> Option<u64> {
        match self.spec().source {
            Source::Workspace(read) => read(snapshot),
            Source::Package(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_follow_the_enum_and_keys_are_distinct() {
        for (i, spec) in SPECS.iter().enumerate() {
            assert_eq!(spec.measure as usize, i, "{}", spec.key);
            assert_eq!(Measure::from_key(spec.key), Some(spec.measure));
        }
        assert_eq!(
            Measure::PACKAGE.len() + Measure::WORKSPACE.len(),
            SPECS.len()
        );
        assert!(Measure::PACKAGE.iter().all(|m| m.is_package()));
    }
}
