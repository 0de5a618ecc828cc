//! The names of the things a budget can cap, shared by the config, the gate and the events.

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

impl Measure {
    /// Measures set per package (in `[budget.defaults]` and `[budget.packages.NAME]`).
    pub const PACKAGE: [Measure; 5] = [
        Measure::Lines,
        Measure::LongestFile,
        Measure::SourceBytes,
        Measure::ArtifactBytes,
        Measure::BuildCpu,
    ];
    /// Measures of the whole workspace (keys directly under `[budget]`).
    pub const WORKSPACE: [Measure; 3] = [
        Measure::TotalBuildCpu,
        Measure::CriticalPath,
        Measure::InnerLoop,
    ];

    /// The key in `ratchet.toml` and the name in JSON.
    pub fn key(self) -> &'static str {
        match self {
            Measure::Lines => "lines",
            Measure::LongestFile => "longest-file",
            Measure::SourceBytes => "source-bytes",
            Measure::ArtifactBytes => "artifact-bytes",
            Measure::BuildCpu => "build-cpu",
            Measure::TotalBuildCpu => "total-build-cpu",
            Measure::CriticalPath => "critical-path",
            Measure::InnerLoop => "inner-loop",
        }
    }

    /// What it counts.
    pub fn kind(self) -> Kind {
        match self {
            Measure::Lines | Measure::LongestFile => Kind::Lines,
            Measure::SourceBytes | Measure::ArtifactBytes => Kind::Bytes,
            _ => Kind::Millis,
        }
    }

    /// Whether it is a time, hence noisy, re-measured and normalized.
    pub fn is_time(self) -> bool {
        self.kind() == Kind::Millis
    }
}
