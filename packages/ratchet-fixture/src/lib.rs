//! Synthetic Cargo workspaces for ratchet's integration tests and benchmarks.
//!
//! Owns: drawing a seeded, deterministic workspace (a DAG of packages with normal, build and dev
//! edges, renamed, optional and target-specific dependencies, nested package directories, data
//! files read by `include_str!`, unit and integration tests that assert exact values, a committed
//! `Cargo.lock`, path crates outside the members, one of them optional), writing it with a git history, and editing it
//! the way a developer would (touch a source file, break the build, break a test, add or delete a
//! package, bump a locked version). It also answers, from its own model, which packages a change
//! affects, so tests can compare ratchet's answer with an independent one.
//!
//! Must not: depend on any other ratchet package (it is the ground truth they are tested
//! against), or need the network (every dependency is a path).

mod code;
mod edit;
mod fixture;
mod plan;
mod render;

use std::path::{Path, PathBuf};

pub use edit::Edit;
pub use fixture::Fixture;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Spec {
    /// Number of workspace packages.
    pub packages: usize,
    /// Seed of everything random: same spec, same workspace, byte for byte.
    pub seed: u64,
    /// About this many lines of Rust in each package's modules.
    pub lines_per_package: usize,
    /// Module files under `src/` besides `lib.rs` (at least one).
    pub files_per_package: usize,
    /// At most this many workspace dependencies per package.
    pub max_deps: usize,
    /// `git init -b main` and commit everything.
    pub git: bool,
    /// Add a trivial `xtask` binary member (for measuring `cargo run -p xtask`).
    pub xtask: bool,
}

impl Spec {
    /// A workspace for integration tests: small packages that build in seconds.
    pub fn small(packages: usize, seed: u64) -> Spec {
        Spec {
            packages,
            seed,
            lines_per_package: 40,
            files_per_package: 2,
            max_deps: 3,
            git: true,
            xtask: false,
        }
    }

    /// A workspace for benchmarks: about 520 lines per package (1000 packages, 520k lines).
    pub fn large(packages: usize, seed: u64) -> Spec {
        Spec {
            packages,
            seed,
            lines_per_package: 520,
            files_per_package: 1,
            max_deps: 6,
            git: true,
            xtask: false,
        }
    }

    /// A short, filesystem-safe name that changes whenever any field changes (for caches).
    pub fn key(&self) -> String {
        format!(
            "p{}-s{}-l{}-f{}-d{}{}{}-v{}",
            self.packages,
            self.seed,
            self.lines_per_package,
            self.files_per_package,
            self.max_deps,
            if self.git { "-git" } else { "" },
            if self.xtask { "-xtask" } else { "" },
            GENERATOR_VERSION
        )
    }
}

/// Bump when the generated files change for the same spec, so cached fixtures are redone.
pub const GENERATOR_VERSION: u32 = 3;

/// The kind of a dependency edge, as in the manifest section it is declared in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DepKind {
    /// `[dependencies]` (or a target-specific `dependencies` table).
    Normal,
    /// `[build-dependencies]`: used by `build.rs`.
    Build,
    /// `[dev-dependencies]`: used by tests only.
    Dev,
}

/// One dependency of a generated package on another workspace package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixtureDep {
    /// The real package name.
    pub name: String,
    /// Which section declares it.
    pub kind: DepKind,
    /// The manifest key when renamed (`key = { path = .., package = "name" }`).
    pub rename: Option<String>,
    /// Optional, enabled by the feature `extra` (never enabled by default).
    pub optional: bool,
    /// A `[target.'<cfg>'.dependencies]` condition.
    pub target: Option<String>,
}

impl FixtureDep {
    fn plain(name: &str, kind: DepKind) -> FixtureDep {
        FixtureDep {
            name: name.to_string(),
            kind,
            rename: None,
            optional: false,
            target: None,
        }
    }

    fn is_plain(&self) -> bool {
        self.rename.is_none() && !self.optional && self.target.is_none()
    }

    /// The manifest key: the rename if any, else the package name.
    pub fn key(&self) -> &str {
        self.rename.as_deref().unwrap_or(&self.name)
    }

    /// The crate name the dependent's code uses.
    pub fn ident(&self) -> String {
        render::ident(self.key())
    }
}

/// One generated workspace package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixturePackage {
    /// Package name, unique in the workspace.
    pub name: String,
    /// Directory relative to the workspace root (`crates/<domain>/<name>`, or nested deeper).
    pub dir: PathBuf,
    /// Dependencies on other workspace packages.
    pub deps: Vec<FixtureDep>,
    /// The vendor path crate (outside the members) it depends on, if any.
    pub vendor: Option<String>,
    /// The vendor path crate it depends on optionally (feature `extra`, off by default).
    pub optional_vendor: Option<String>,
    /// Whether it has `tests/api.rs`.
    pub integration_test: bool,
    /// Every file of the package, relative to the workspace root.
    pub files: Vec<PathBuf>,
}

impl FixturePackage {
    fn new(name: String, dir: PathBuf) -> FixturePackage {
        FixturePackage {
            name,
            dir,
            deps: Vec::new(),
            vendor: None,
            optional_vendor: None,
            integration_test: false,
            files: Vec::new(),
        }
    }

    /// Whether its directory lies inside another package's directory.
    pub fn is_nested(&self) -> bool {
        self.dir.components().count() > 3
    }

    /// `src/lib.rs`, relative to the workspace root.
    pub fn lib_rs(&self) -> PathBuf {
        self.dir.join("src/lib.rs")
    }

    /// Whether it depends on `name` with an edge of `kind`.
    pub fn depends_on(&self, name: &str, kind: DepKind) -> bool {
        self.deps.iter().any(|d| d.name == name && d.kind == kind)
    }
}

/// Generating or editing a fixture failed.
#[derive(Debug, thiserror::Error)]
pub enum FixtureError {
    /// Reading or writing a file failed.
    #[error("cannot write fixture file {path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// `git` or `cargo` failed.
    #[error("`{command}` failed in {dir}: {detail}")]
    Command {
        /// The command line.
        command: String,
        /// Where it ran.
        dir: PathBuf,
        /// Its stderr, or why it could not start.
        detail: String,
    },
    /// No package has this name.
    #[error("the fixture has no package named `{0}`")]
    UnknownPackage(String),
    /// The spec or the request cannot be honoured.
    #[error("invalid fixture request: {0}")]
    Invalid(String),
}

/// Writes the workspace of `spec` into `dir` (created if missing; it should be empty), with
/// `Cargo.lock` and, when `spec.git`, one commit on `main`.
pub fn generate(dir: &Path, spec: &Spec) -> Result<Fixture, FixtureError> {
    if spec.packages < 2 {
        return Err(FixtureError::Invalid(format!(
            "a fixture needs at least 2 packages, not {}",
            spec.packages
        )));
    }
    let packages = plan::plan(spec);
    let mut fixture = Fixture::new(dir.to_path_buf(), spec.clone(), packages);
    fixture.write_all()?;
    fixture.lock()?;
    if spec.git {
        fixture.git(&["init", "-q", "-b", "main"])?;
        fixture.commit_all("generated fixture")?;
    }
    Ok(fixture)
}

/// The model of a workspace that `generate(dir, spec)` wrote earlier, without writing anything
/// (for example a cached benchmark fixture). Edits made since are not known to it.
pub fn open(dir: &Path, spec: &Spec) -> Result<Fixture, FixtureError> {
    let manifest = dir.join("Cargo.toml");
    if !manifest.is_file() {
        return Err(FixtureError::Invalid(format!(
            "{} does not exist: generate the fixture first",
            manifest.display()
        )));
    }
    let mut fixture = Fixture::new(dir.to_path_buf(), spec.clone(), plan::plan(spec));
    let names: Vec<String> = fixture.packages.iter().map(|p| p.name.clone()).collect();
    fixture.sync_packages(&names, false)?;
    Ok(fixture)
}

#[cfg(test)]
mod tests;
