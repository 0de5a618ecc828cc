//! A generated workspace on disk: writing it, running git and cargo in it, and answering
//! questions about its graph from the generator's own model.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::code::PackageCode;
use crate::plan::VENDORS;
use crate::render::{self, Values};
use crate::{DepKind, FixtureError, FixturePackage, Spec};

/// Git identity for fixture commits: CI machines have no global git config.
const GIT_IDENTITY: &[&str] = &[
    "-c",
    "user.name=ratchet-fixture",
    "-c",
    "user.email=fixture@ratchet.invalid",
    "-c",
    "commit.gpgsign=false",
];

/// A generated workspace.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// The workspace root (holds the root `Cargo.toml`).
    pub root: PathBuf,
    /// What it was generated from.
    pub spec: Spec,
    /// Its packages, dependencies before dependents (edges go to earlier entries).
    pub packages: Vec<FixturePackage>,
    /// Current version of each vendor crate (path crates outside the members), by name.
    pub vendors: Vec<(String, String)>,
}

impl Fixture {
    pub(crate) fn new(root: PathBuf, spec: Spec, packages: Vec<FixturePackage>) -> Fixture {
        let vendors = VENDORS
            .iter()
            .map(|v| (v.to_string(), "1.0.0".to_string()))
            .collect();
        Fixture {
            root,
            spec,
            packages,
            vendors,
        }
    }

    /// The package named `name`.
    pub fn package(&self, name: &str) -> Result<&FixturePackage, FixtureError> {
        self.packages
            .iter()
            .find(|p| p.name == name)
            .ok_or_else(|| FixtureError::UnknownPackage(name.to_string()))
    }

    /// Packages that depend on no other workspace package.
    pub fn without_deps(&self) -> Vec<&FixturePackage> {
        self.packages.iter().filter(|p| p.deps.is_empty()).collect()
    }

    /// Packages that no other workspace package depends on.
    pub fn without_dependents(&self) -> Vec<&FixturePackage> {
        let used: BTreeSet<&str> = self
            .packages
            .iter()
            .flat_map(|p| &p.deps)
            .map(|d| d.name.as_str())
            .collect();
        self.packages
            .iter()
            .filter(|p| !used.contains(p.name.as_str()))
            .collect()
    }

    /// `changed` plus every package that reaches one of them through edges of `kinds`.
    pub fn dependents_closure(&self, changed: &[&str], kinds: &[DepKind]) -> BTreeSet<String> {
        let mut set: BTreeSet<String> = changed.iter().map(|s| s.to_string()).collect();
        // Packages are in dependency order, so one forward pass reaches the fixed point.
        for p in &self.packages {
            if p.deps
                .iter()
                .any(|d| kinds.contains(&d.kind) && set.contains(&d.name))
            {
                set.insert(p.name.clone());
            }
        }
        set
    }

    /// DESIGN.md's *build-affected*: `changed` and their normal/build reverse closure.
    pub fn build_affected(&self, changed: &[&str]) -> BTreeSet<String> {
        self.dependents_closure(changed, &[DepKind::Normal, DepKind::Build])
    }

    /// DESIGN.md's *affected*: build-affected plus their direct dev-dependents.
    pub fn affected(&self, changed: &[&str]) -> BTreeSet<String> {
        let build = self.build_affected(changed);
        let mut set = build.clone();
        for p in &self.packages {
            if p.deps
                .iter()
                .any(|d| d.kind == DepKind::Dev && build.contains(&d.name))
            {
                set.insert(p.name.clone());
            }
        }
        set
    }

    /// Lines in every `.rs` file of the workspace packages.
    pub fn rust_lines(&self) -> Result<usize, FixtureError> {
        let mut lines = 0;
        for file in self.packages.iter().flat_map(|p| &p.files) {
            if file.extension().is_some_and(|e| e == "rs") {
                lines += self.read(file)?.lines().count();
            }
        }
        Ok(lines)
    }

    /// A `cargo` command in the root, with the caller's target-directory overrides removed so
    /// the fixture builds into its own `target/`.
    pub fn cargo(&self, args: &[&str]) -> Command {
        let cargo = ratchet_toolchain::cargo();
        let mut command = Command::new(cargo);
        command
            .args(args)
            .current_dir(&self.root)
            .env_remove("CARGO_TARGET_DIR")
            .env_remove("CARGO_BUILD_TARGET_DIR")
            .env_remove("RUSTC_WRAPPER")
            .env_remove("CARGO_BUILD_RUSTC_WRAPPER");
        command
    }

    /// Runs `git <args>` in the root with a fixed identity; returns stdout.
    pub fn git(&self, args: &[&str]) -> Result<String, FixtureError> {
        let mut command = Command::new("git");
        command
            .args(GIT_IDENTITY)
            .args(args)
            .current_dir(&self.root);
        run(command, &format!("git {}", args.join(" ")), &self.root)
    }

    /// Stages everything and commits (allowing an empty commit); returns the new HEAD hash.
    pub fn commit_all(&self, message: &str) -> Result<String, FixtureError> {
        self.git(&["add", "-A"])?;
        self.git(&[
            "commit",
            "-q",
            "--allow-empty",
            "--no-verify",
            "-m",
            message,
        ])?;
        Ok(self.git(&["rev-parse", "HEAD"])?.trim().to_string())
    }

    /// Brings `Cargo.lock` up to date with the manifests, offline (every dependency is a path).
    pub fn lock(&self) -> Result<(), FixtureError> {
        let args = ["metadata", "--format-version", "1", "--offline"];
        run(self.cargo(&args), "cargo metadata --offline", &self.root).map(|_| ())
    }

    /// Writes every file of the workspace.
    pub(crate) fn write_all(&mut self) -> Result<(), FixtureError> {
        self.write(Path::new(".gitignore"), "/target\n")?;
        self.write_root_manifest()?;
        if self.spec.xtask {
            for (path, text) in render::xtask_files() {
                self.write(Path::new(path), text)?;
            }
        }
        for (name, version) in self.vendors.clone() {
            let dir = Path::new("vendor").join(&name);
            self.write(
                &dir.join("Cargo.toml"),
                &render::vendor_manifest(&name, &version),
            )?;
            self.write(&dir.join("src/lib.rs"), &render::vendor_lib_rs())?;
        }
        let names: Vec<String> = self.packages.iter().map(|p| p.name.clone()).collect();
        self.write_packages(&names)
    }

    pub(crate) fn write_root_manifest(&self) -> Result<(), FixtureError> {
        let text = render::root_manifest(&self.packages, self.spec.xtask);
        self.write(Path::new("Cargo.toml"), &text)
    }

    /// (Re)writes every file of the named packages from the model, replacing any edits.
    pub(crate) fn write_packages(&mut self, names: &[String]) -> Result<(), FixtureError> {
        self.sync_packages(names, true)
    }

    /// Renders the named packages and records their files; writes them when `write`.
    pub(crate) fn sync_packages(
        &mut self,
        names: &[String],
        write: bool,
    ) -> Result<(), FixtureError> {
        let values = Values {
            code: self
                .packages
                .iter()
                .map(|p| (p.name.as_str(), self.code_of(p)))
                .collect(),
        };
        let dirs: HashMap<&str, &Path> = self
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.dir.as_path()))
            .collect();
        let mut files_by_package = Vec::new();
        for package in self.packages.iter().filter(|p| names.contains(&p.name)) {
            let files = package_files(package, &values, &dirs);
            for (path, text) in files.iter().filter(|_| write) {
                self.write(path, text)?;
            }
            // A file the model no longer produces (build.rs after its last build-dependency
            // went) would otherwise stay and break the build.
            for stale in package
                .files
                .iter()
                .filter(|f| write && !files.iter().any(|(p, _)| p == *f))
            {
                let full = self.root.join(stale);
                std::fs::remove_file(&full).map_err(|source| io_error(&full, source))?;
            }
            files_by_package.push((
                package.name.clone(),
                files.into_iter().map(|(p, _)| p).collect(),
            ));
        }
        for (name, files) in files_by_package {
            if let Some(package) = self.packages.iter_mut().find(|p| p.name == name) {
                package.files = files;
            }
        }
        Ok(())
    }

    fn code_of(&self, package: &FixturePackage) -> PackageCode {
        let seed = self.spec.seed ^ fnv1a(package.name.as_bytes());
        PackageCode::draw(
            seed,
            self.spec.lines_per_package,
            self.spec.files_per_package,
        )
    }

    /// Writes `text` to `path` (relative to the root), creating directories.
    pub(crate) fn write(&self, path: &Path, text: &str) -> Result<(), FixtureError> {
        let full = self.root.join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).map_err(|source| io_error(parent, source))?;
        }
        std::fs::write(&full, text).map_err(|source| io_error(&full, source))
    }

    /// Reads `path` (relative to the root).
    pub(crate) fn read(&self, path: &Path) -> Result<String, FixtureError> {
        let full = self.root.join(path);
        std::fs::read_to_string(&full).map_err(|source| io_error(&full, source))
    }
}

/// Every file of `package`: path relative to the root, and content.
fn package_files(
    package: &FixturePackage,
    values: &Values<'_>,
    dirs: &HashMap<&str, &Path>,
) -> Vec<(PathBuf, String)> {
    let code = &values.code[package.name.as_str()];
    let dir = &package.dir;
    let mut files = vec![
        (dir.join("Cargo.toml"), render::manifest(package, dirs)),
        (dir.join("src/lib.rs"), render::lib_rs(package, values)),
        (dir.join("data/table.txt"), code.table.clone()),
    ];
    for (m, module) in code.module_names().iter().enumerate() {
        files.push((dir.join(format!("src/{module}.rs")), code.render_module(m)));
    }
    if package.deps.iter().any(|d| d.kind == DepKind::Build) {
        files.push((dir.join("build.rs"), render::build_rs(package)));
    }
    if package.integration_test {
        files.push((
            dir.join("tests/api.rs"),
            render::api_test_rs(package, values),
        ));
    }
    files
}

pub(crate) fn io_error(path: &Path, source: std::io::Error) -> FixtureError {
    FixtureError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Runs `command`; its stdout on success, stderr in the error otherwise.
pub(crate) fn run(mut command: Command, label: &str, dir: &Path) -> Result<String, FixtureError> {
    let failed = |detail: String| FixtureError::Command {
        command: label.to_string(),
        dir: dir.to_path_buf(),
        detail,
    };
    let out = command
        .output()
        .map_err(|e| failed(format!("cannot start: {e}")))?;
    if !out.status.success() {
        return Err(failed(
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A stable 64-bit hash of a name (std's hasher is not stable across releases).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}
