//! Text of every generated file, from the plan and each package's code.
//!
//! Nothing here touches the disk. `Values` evaluates other packages' code so that the tests a
//! package carries can assert exact results of its dependencies too.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};

use crate::code::PackageCode;
use crate::{DepKind, FixtureDep, FixturePackage};

/// The argument generated tests pass to `local`, `entry` and dependencies.
const UNIT_ARG: u64 = 3;
const API_ARG: u64 = 5;
const BUILD_ARG: u64 = 2;

/// Each package's code, by package name.
pub(crate) struct Values<'a> {
    pub(crate) code: HashMap<&'a str, PackageCode>,
}

impl Values<'_> {
    fn local(&self, name: &str, x: u64) -> u64 {
        self.code.get(name).map_or(0, |c| c.local(x))
    }

    /// `entry(x)`: own `local` plus each unconditional normal dependency's `local`.
    fn entry(&self, package: &FixturePackage, x: u64) -> u64 {
        entry_deps(package).fold(self.local(&package.name, x), |v, d| {
            v.wrapping_add(self.local(&d.name, x))
        })
    }

    fn built(&self, package: &FixturePackage) -> u64 {
        deps_of(package, DepKind::Build)
            .fold(0, |v, d| v.wrapping_add(self.local(&d.name, BUILD_ARG)))
    }
}

fn deps_of(package: &FixturePackage, kind: DepKind) -> impl Iterator<Item = &FixtureDep> {
    package.deps.iter().filter(move |d| d.kind == kind)
}

fn entry_deps(package: &FixturePackage) -> impl Iterator<Item = &FixtureDep> {
    deps_of(package, DepKind::Normal).filter(|d| !d.optional && d.target.is_none())
}

/// Rust identifier of a package name.
pub(crate) fn ident(name: &str) -> String {
    name.replace('-', "_")
}

/// Directory `to` as seen from directory `from`, both relative to the same root.
fn relative(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out: PathBuf = std::iter::repeat_n("..", from.len() - common).collect();
    out.extend(&to[common..]);
    out
}

fn path_text(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// The package's `Cargo.toml`.
pub(crate) fn manifest(package: &FixturePackage, dirs: &HashMap<&str, &Path>) -> String {
    let mut out = format!(
        "[package]\nname = \"{}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n",
        package.name
    );
    let features: Vec<String> = package
        .deps
        .iter()
        .filter(|d| d.optional)
        .map(|d| d.key())
        .chain(package.optional_vendor.as_deref())
        .map(|key| format!("\"dep:{key}\""))
        .collect();
    if !features.is_empty() {
        let _ = write!(out, "\n[features]\nextra = [{}]\n", features.join(", "));
    }
    let line = |d: &FixtureDep| {
        let dir = dirs
            .get(d.name.as_str())
            .copied()
            .unwrap_or(Path::new("missing"));
        let mut fields = vec![format!(
            "path = \"{}\"",
            path_text(&relative(&package.dir, dir))
        )];
        if d.rename.is_some() {
            fields.push(format!("package = \"{}\"", d.name));
        }
        if d.optional {
            fields.push("optional = true".to_string());
        }
        format!("{} = {{ {} }}\n", d.key(), fields.join(", "))
    };
    let mut section = |title: &str, deps: Vec<String>| {
        if !deps.is_empty() {
            let _ = write!(out, "\n[{title}]\n{}", deps.concat());
        }
    };
    let mut normal: Vec<String> = entry_deps(package)
        .chain(package.deps.iter().filter(|d| d.optional))
        .map(line)
        .collect();
    if let Some(vendor) = &package.vendor {
        let dir = PathBuf::from("vendor").join(vendor);
        normal.push(format!(
            "{vendor} = {{ path = \"{}\" }}\n",
            path_text(&relative(&package.dir, &dir))
        ));
    }
    if let Some(vendor) = &package.optional_vendor {
        let dir = PathBuf::from("vendor").join(vendor);
        normal.push(format!(
            "{vendor} = {{ path = \"{}\", optional = true }}\n",
            path_text(&relative(&package.dir, &dir))
        ));
    }
    section("dependencies", normal);
    section(
        "build-dependencies",
        deps_of(package, DepKind::Build).map(line).collect(),
    );
    section(
        "dev-dependencies",
        deps_of(package, DepKind::Dev).map(line).collect(),
    );
    let mut targets: Vec<&str> = package
        .deps
        .iter()
        .filter_map(|d| d.target.as_deref())
        .collect();
    targets.sort_unstable();
    targets.dedup();
    for target in targets {
        let deps = package
            .deps
            .iter()
            .filter(|d| d.target.as_deref() == Some(target));
        section(
            &format!("target.'{target}'.dependencies"),
            deps.map(line).collect(),
        );
    }
    out
}

/// The package's `src/lib.rs`.
pub(crate) fn lib_rs(package: &FixturePackage, values: &Values<'_>) -> String {
    let code = &values.code[package.name.as_str()];
    let mut out = format!(
        "//! Generated package `{}`. Regenerate rather than edit by hand.\n\n",
        package.name
    );
    for module in code.module_names() {
        let _ = writeln!(out, "pub mod {module};");
    }
    out.push_str("\n/// Data read at compile time: editing it must rebuild this package.\n");
    out.push_str("pub const TABLE: &str = include_str!(\"../data/table.txt\");\n");
    if package.deps.iter().any(|d| d.kind == DepKind::Build) {
        out.push_str("\ninclude!(concat!(env!(\"OUT_DIR\"), \"/built.rs\"));\n");
    }
    out.push_str(
        "\n/// This package's own value: its modules only.\npub fn local(x: u64) -> u64 {\n",
    );
    out.push_str(&code.render_local_body());
    out.push_str(
        "}\n\n/// Own value plus each normal dependency's.\npub fn entry(x: u64) -> u64 {\n",
    );
    out.push_str(&sum_body("local(x)", entry_deps(package)));
    out.push_str("}\n");
    let optional: Vec<&FixtureDep> = package.deps.iter().filter(|d| d.optional).collect();
    if !optional.is_empty() {
        out.push_str(
            "\n/// Optional dependencies, with feature `extra`.\n#[cfg(feature = \"extra\")]\n",
        );
        out.push_str("pub fn extra(x: u64) -> u64 {\n");
        out.push_str(&sum_body("x", optional.into_iter()));
        out.push_str("}\n");
    }
    let targeted: Vec<&FixtureDep> = package.deps.iter().filter(|d| d.target.is_some()).collect();
    if !targeted.is_empty() {
        out.push_str(
            "\n/// Unix-only dependencies.\n#[cfg(unix)]\npub fn platform(x: u64) -> u64 {\n",
        );
        out.push_str(&sum_body("x", targeted.into_iter()));
        out.push_str("}\n\n/// Elsewhere, no dependency.\n#[cfg(not(unix))]\n");
        out.push_str("pub fn platform(x: u64) -> u64 {\n    x\n}\n");
    }
    if let Some(vendor) = &package.vendor {
        let _ = write!(
            out,
            "\n/// Uses the path crate outside the workspace.\npub fn vendored(x: u64) -> u64 {{\n    {}::scale(x)\n}}\n",
            ident(vendor)
        );
    }
    if let Some(vendor) = &package.optional_vendor {
        let _ = write!(
            out,
            "\n/// Uses the optional path crate outside the workspace.\n#[cfg(feature = \"extra\")]\npub fn optional_vendored(x: u64) -> u64 {{\n    {}::scale(x)\n}}\n",
            ident(vendor)
        );
    }
    out.push_str(&unit_tests(package, values));
    out
}

/// `start`, plus `local(x)` of each dependency, as a function body.
fn sum_body<'a>(start: &str, deps: impl Iterator<Item = &'a FixtureDep>) -> String {
    let terms: Vec<String> = deps.map(|d| format!("{}::local(x)", d.ident())).collect();
    match terms.split_last() {
        None => format!("    {start}\n"),
        Some((last, rest)) => {
            let mut out = format!("    let v = {start};\n");
            for term in rest {
                let _ = writeln!(out, "    let v = v.wrapping_add({term});");
            }
            let _ = writeln!(out, "    v.wrapping_add({last})");
            out
        }
    }
}

fn unit_tests(package: &FixturePackage, values: &Values<'_>) -> String {
    let mut out = String::from("\n#[cfg(test)]\nmod tests {\n");
    let mut test = |name: &str, actual: String, expected: u64| {
        let _ = write!(
            out,
            "    #[test]\n    fn {name}() {{\n        assert_eq!({actual}, {expected});\n    }}\n\n"
        );
    };
    let local = values.local(&package.name, UNIT_ARG);
    test(
        "local_has_the_generated_value",
        format!("super::local({UNIT_ARG})"),
        local,
    );
    test(
        "entry_has_the_generated_value",
        format!("super::entry({UNIT_ARG})"),
        values.entry(package, UNIT_ARG),
    );
    if package.deps.iter().any(|d| d.kind == DepKind::Build) {
        test(
            "build_script_used_build_dependencies",
            "super::BUILT".to_string(),
            values.built(package),
        );
    }
    for d in deps_of(package, DepKind::Dev) {
        let actual = format!("{}::local({UNIT_ARG})", d.ident());
        test(
            &format!("dev_dependency_{}_answers", d.ident()),
            actual,
            values.local(&d.name, UNIT_ARG),
        );
    }
    out.truncate(out.len() - 1);
    out.push_str("}\n");
    out
}

/// `build.rs` for a package with build-dependencies.
pub(crate) fn build_rs(package: &FixturePackage) -> String {
    let sum = sum_body("0_u64", deps_of(package, DepKind::Build))
        .replace("(x)", &format!("({BUILD_ARG})"));
    format!(
        "//! Generated build script: a constant computed by build-dependencies.\n\n\
         fn built() -> u64 {{\n{sum}}}\n\n\
         fn main() {{\n    println!(\"cargo:rerun-if-changed=build.rs\");\n    \
         let out = std::path::PathBuf::from(std::env::var_os(\"OUT_DIR\").expect(\"cargo sets OUT_DIR\"));\n    \
         let value = built();\n    \
         let text = format!(\"/// Computed by build.rs.\\npub const BUILT: u64 = {{value}};\\n\");\n    \
         std::fs::write(out.join(\"built.rs\"), text).expect(\"OUT_DIR is writable\");\n}}\n"
    )
}

/// `tests/api.rs`: the public API seen from outside the crate.
pub(crate) fn api_test_rs(package: &FixturePackage, values: &Values<'_>) -> String {
    format!(
        "//! Generated integration test: the public API from outside the crate.\n\n\
         #[test]\nfn entry_from_outside() {{\n    assert_eq!({}::entry({API_ARG}), {});\n}}\n",
        ident(&package.name),
        values.entry(package, API_ARG)
    )
}

/// The root manifest: member globs, nested packages by path, vendor crates excluded.
pub(crate) fn root_manifest(packages: &[FixturePackage], xtask: bool) -> String {
    let mut members = vec!["\"crates/*/*\"".to_string()];
    members.extend(
        packages
            .iter()
            .filter(|p| p.is_nested())
            .map(|p| format!("\"{}\"", path_text(&p.dir))),
    );
    if xtask {
        members.push("\"xtask\"".to_string());
    }
    format!(
        "[workspace]\nresolver = \"2\"\nmembers = [\n    {},\n]\nexclude = [\"vendor\"]\n",
        members.join(",\n    ")
    )
}

/// The manifest of a vendor crate at `version`.
pub(crate) fn vendor_manifest(name: &str, version: &str) -> String {
    format!(
        "[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2021\"\npublish = false\n"
    )
}

/// The library of a vendor crate.
pub(crate) fn vendor_lib_rs() -> String {
    "//! Generated path crate outside the workspace members.\n\n\
     /// Triples `x`, wrapping.\npub fn scale(x: u64) -> u64 {\n    x.wrapping_mul(3)\n}\n"
        .to_string()
}

/// A trivial `xtask` member, to measure what `cargo run -p xtask` costs in a large workspace.
pub(crate) fn xtask_files() -> [(&'static str, &'static str); 2] {
    [
        (
            "xtask/Cargo.toml",
            "[package]\nname = \"xtask\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n",
        ),
        (
            "xtask/src/main.rs",
            "//! Does nothing: measures launch cost.\n\nfn main() {}\n",
        ),
    ]
}
