//! Edits a developer makes: touch a source or data file, break the build or a test, add or
//! delete a package, bump a version that `Cargo.lock` records.
//!
//! File edits return an [`Edit`] that puts the file back. Model edits (add, delete, bump)
//! rewrite the affected manifests and sources from the model, which discards earlier file edits
//! in those packages. None of them commit: call [`Fixture::commit_all`] when the test needs it.

use std::path::{Path, PathBuf};

use crate::fixture::{io_error, run};
use crate::{DepKind, Fixture, FixtureDep, FixtureError, FixturePackage};

/// A file edit that can be undone.
#[derive(Debug, Clone)]
#[must_use = "keep the edit to undo it, or drop it explicitly"]
pub struct Edit {
    /// The edited file, absolute.
    pub path: PathBuf,
    before: String,
}

impl Edit {
    /// Puts the file back as it was before the edit.
    pub fn undo(self) -> Result<(), FixtureError> {
        std::fs::write(&self.path, &self.before).map_err(|source| io_error(&self.path, source))
    }
}

impl Fixture {
    /// Appends `text` (plus a newline) to `file`, relative to the package's directory.
    pub fn append(&self, package: &str, file: &str, text: &str) -> Result<Edit, FixtureError> {
        let path = self.package(package)?.dir.join(file);
        let before = self.read(&path)?;
        self.write(&path, &format!("{before}{text}\n"))?;
        Ok(Edit {
            path: self.root.join(path),
            before,
        })
    }

    /// Adds a new public function to the package's `lib.rs`: its library really changes, so
    /// everything that depends on it must rebuild. Tests keep passing.
    pub fn edit_source(&self, package: &str) -> Result<Edit, FixtureError> {
        let lib = self.read(&self.package(package)?.lib_rs())?;
        let n = lib.matches("pub fn edited_").count();
        let text = format!("\n/// Added by an edit.\npub fn edited_{n}() -> u64 {{\n    {n}\n}}");
        self.append(package, "src/lib.rs", &text)
    }

    /// Changes one character of `data/table.txt` (read by `include_str!`), keeping its length
    /// so the package's tests still pass.
    pub fn edit_data(&self, package: &str) -> Result<Edit, FixtureError> {
        let path = self.package(package)?.dir.join("data/table.txt");
        let before = self.read(&path)?;
        let after = if before.starts_with('r') {
            before.replacen('r', "R", 1)
        } else {
            before.replacen('R', "r", 1)
        };
        self.write(&path, &after)?;
        Ok(Edit {
            path: self.root.join(path),
            before,
        })
    }

    /// Appends a function with a type error to the package's `lib.rs`.
    pub fn inject_compile_error(&self, package: &str) -> Result<Edit, FixtureError> {
        let text = "\n/// Injected: does not compile.\npub fn injected_error() -> u64 {\n    \"not a number\"\n}";
        self.append(package, "src/lib.rs", text)
    }

    /// Appends a unit test that fails (it compiles, and clippy accepts it).
    pub fn inject_failing_test(&self, package: &str) -> Result<Edit, FixtureError> {
        let text = "\n#[cfg(test)]\nmod injected {\n    #[test]\n    fn injected_failure() {\n        \
                    assert_eq!(super::local(1), 0, \"injected failing test\");\n    }\n}";
        self.append(package, "src/lib.rs", text)
    }

    /// Restores the package's directory to `HEAD` (tracked files) and removes untracked files.
    pub fn restore(&self, package: &str) -> Result<(), FixtureError> {
        let dir = path_arg(&self.package(package)?.dir);
        self.git(&["checkout", "-q", "HEAD", "--", &dir])?;
        self.git(&["clean", "-q", "-f", "-d", "--", &dir])?;
        Ok(())
    }

    /// Adds package `name` under `crates/added/` with normal dependencies on `deps`, then
    /// brings `Cargo.lock` up to date, as the developer's next cargo command would.
    pub fn add_package(
        &mut self,
        name: &str,
        deps: &[&str],
    ) -> Result<&FixturePackage, FixtureError> {
        if self.package(name).is_ok()
            || name.is_empty()
            || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(FixtureError::Invalid(format!(
                "`{name}` is taken or not a plain package name"
            )));
        }
        for dep in deps {
            self.package(dep)?;
        }
        let mut package =
            FixturePackage::new(name.to_string(), Path::new("crates/added").join(name));
        package.deps = deps
            .iter()
            .map(|d| FixtureDep::plain(d, DepKind::Normal))
            .collect();
        self.packages.push(package);
        self.write_packages(&[name.to_string()])?;
        self.lock()?;
        self.package(name)
    }

    /// Deletes package `name` (not packages nested in its directory) and every reference to it
    /// from other packages, whose files are rewritten from the model; then updates `Cargo.lock`.
    pub fn delete_package(&mut self, name: &str) -> Result<(), FixtureError> {
        let package = self.package(name)?.clone();
        for file in &package.files {
            let full = self.root.join(file);
            std::fs::remove_file(&full).map_err(|source| io_error(&full, source))?;
        }
        self.remove_empty_dirs(&package.dir);
        self.packages.retain(|p| p.name != name);
        let mut dependents = Vec::new();
        for p in &mut self.packages {
            if p.deps.iter().any(|d| d.name == name) {
                p.deps.retain(|d| d.name != name);
                dependents.push(p.name.clone());
            }
        }
        self.write_packages(&dependents)?;
        self.write_root_manifest()?;
        self.lock()
    }

    /// Sets the version of vendor crate `vendor` (a path crate outside the members) and updates
    /// `Cargo.lock`, which changes exactly the lock entries of that crate and its dependents.
    pub fn bump_vendor(&mut self, vendor: &str, version: &str) -> Result<(), FixtureError> {
        let Some(entry) = self.vendors.iter_mut().find(|(v, _)| v == vendor) else {
            return Err(FixtureError::UnknownPackage(vendor.to_string()));
        };
        entry.1 = version.to_string();
        let manifest = Path::new("vendor").join(vendor).join("Cargo.toml");
        self.write(&manifest, &crate::render::vendor_manifest(vendor, version))?;
        self.lock()
    }

    /// Packages that depend on vendor crate `vendor`, optionally or not (`Cargo.lock` holds
    /// optional dependencies too, and a build with the feature uses them).
    pub fn vendor_users(&self, vendor: &str) -> Vec<&FixturePackage> {
        self.packages
            .iter()
            .filter(|p| {
                p.vendor.as_deref() == Some(vendor) || p.optional_vendor.as_deref() == Some(vendor)
            })
            .collect()
    }

    /// Runs `cargo test --workspace --offline -q` and returns its combined output on failure.
    pub fn cargo_test(&self) -> Result<(), FixtureError> {
        run(
            self.cargo(&["test", "--workspace", "--offline", "-q"]),
            "cargo test --workspace",
            &self.root,
        )
        .map(|_| ())
    }

    /// Removes what is left of `dir` when it holds only empty directories, then its parents
    /// while they are empty.
    fn remove_empty_dirs(&self, dir: &Path) {
        remove_if_empty_tree(&self.root.join(dir));
        let mut parent = dir.parent();
        while let Some(d) = parent.filter(|d| !d.as_os_str().is_empty()) {
            if std::fs::remove_dir(self.root.join(d)).is_err() {
                break;
            }
            parent = d.parent();
        }
    }
}

/// Removes `dir` if it holds only (recursively) empty directories.
fn remove_if_empty_tree(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.path().is_dir() {
                remove_if_empty_tree(&entry.path());
            }
        }
    }
    let _ = std::fs::remove_dir(dir);
}

fn path_arg(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}
