//! No unit is compiled twice in one `check` (issue 12): the build, lint, test and doc steps
//! share their artifacts, also when the selection runs as several cargo commands because a
//! package gets features from a dependent that it does not get alone.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use crate::*;

/// `base` (feature `x`, a doc test), `app` (turns `x` on) and `other` (does not): `base` is
/// compiled with two feature sets.
fn featured() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/*\"]\nresolver = \"2\"\n",
    );
    let base = format!("{}\n[features]\nx = []\n", manifest("base", ""));
    write(root, "crates/base/Cargo.toml", &base);
    write(root, "crates/base/src/lib.rs", BASE_LIB);
    let with_x = "base = { path = \"../base\", features = [\"x\"] }\n";
    write(root, "crates/app/Cargo.toml", &manifest("app", with_x));
    write(root, "crates/app/src/lib.rs", MID_LIB);
    let plain = "base = { path = \"../base\" }\n";
    write(root, "crates/other/Cargo.toml", &manifest("other", plain));
    write(root, "crates/other/src/lib.rs", MID_LIB);
    dir
}

/// `featured()` grown: a procedural macro (`mac`, on `base` as a build-time dependency, which
/// resolver 2 resolves apart), a member using it (`app`), and a dev-dependency (`kit`, which
/// turns `x` on for `other`'s tests only).
fn featured_with_macro_and_dev_dependency() -> tempfile::TempDir {
    let dir = featured();
    let root = dir.path();
    let on_base = "base = { path = \"../base\" }\n";
    let mac = format!("{}\n[lib]\nproc-macro = true\n", manifest("mac", on_base));
    write(root, "crates/mac/Cargo.toml", &mac);
    let mac_lib = "//! A macro.\n\nuse proc_macro::TokenStream;\n\n/// Expands to the base of one.\n#[proc_macro]\npub fn two(_: TokenStream) -> TokenStream {\n    base::inc(1).to_string().parse().expect(\"a literal\")\n}\n";
    write(root, "crates/mac/src/lib.rs", mac_lib);
    let app = "base = { path = \"../base\", features = [\"x\"] }\nmac = { path = \"../mac\" }\n";
    write(root, "crates/app/Cargo.toml", &manifest("app", app));
    let app_lib = "//! App.\n\n/// Two, from the macro.\npub fn two() -> u32 {\n    mac::two!()\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn two() {\n        assert_eq!(super::two(), base::inc(1));\n    }\n}\n";
    write(root, "crates/app/src/lib.rs", app_lib);
    let with_x = "base = { path = \"../base\", features = [\"x\"] }\n";
    write(root, "crates/kit/Cargo.toml", &manifest("kit", with_x));
    write(root, "crates/kit/src/lib.rs", MID_LIB);
    let other = format!(
        "{}\n[dev-dependencies]\nkit = {{ path = \"../kit\" }}\n",
        manifest("other", "base = { path = \"../base\" }\n")
    );
    write(root, "crates/other/Cargo.toml", &other);
    let other_lib = format!(
        "{MID_LIB}\n#[cfg(test)]\nmod tests {{\n    #[test]\n    fn four() {{\n        assert_eq!(kit::inc2(super::inc2(0)), 4);\n    }}\n}}\n"
    );
    write(root, "crates/other/src/lib.rs", &other_lib);
    dir
}

/// Runs `check` in `root` with every cargo command it starts logged; returns cargo's JSON
/// messages, across all its cargo runs. Where cargo prints JSON, its stderr joins its stdout
/// before `tee`, which would otherwise delay one against the other and splice a JSON line
/// into a status line; other commands (`cargo metadata`, whose stdout must stay pure) run
/// as they are.
fn logged_check(root: &std::path::Path) -> Vec<serde_json::Value> {
    let log = root.join("cargo.log");
    let _ = std::fs::remove_file(&log);
    let script = root.join("cargo-logged");
    let real = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    write(
        root,
        "cargo-logged",
        &format!(
            "#!/bin/bash\nset -o pipefail\ncase \"$*\" in\n*--message-format*) '{real}' \"$@\" 2>&1 | tee -a '{}' ;;\n*) exec '{real}' \"$@\" ;;\nesac\n",
            log.display()
        ),
    );
    let status = Command::new("chmod")
        .arg("+x")
        .arg(&script)
        .status()
        .unwrap();
    assert!(status.success());
    let out = Command::new(BIN)
        .args(["check", "--message-format", "json"])
        .current_dir(root)
        .env_remove("CARGO_TARGET_DIR")
        .env("CARGO", &script)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let text = std::fs::read_to_string(&log).unwrap();
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|m| m["reason"] == "compiler-artifact")
        .collect()
}

/// Compiled (`fresh: false`) units by what makes a unit (package, target, profile,
/// features), with how often each was compiled.
fn compiled_units(artifacts: &[serde_json::Value]) -> BTreeMap<String, usize> {
    let mut compiled: BTreeMap<String, usize> = BTreeMap::new();
    for message in artifacts.iter().filter(|m| m["fresh"] == false) {
        let unit = serde_json::json!([
            message["package_id"],
            message["target"]["kind"],
            message["target"]["name"],
            message["profile"],
            message["features"],
        ]);
        *compiled.entry(unit.to_string()).or_default() += 1;
    }
    compiled
}

fn assert_none_twice(compiled: &BTreeMap<String, usize>, context: &str) {
    assert!(!compiled.is_empty(), "{context}: nothing compiled");
    let twice: Vec<&String> = compiled
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(u, _)| u)
        .collect();
    assert!(
        twice.is_empty(),
        "{context}: compiled more than once: {twice:#?}"
    );
}

#[test]
fn no_unit_is_compiled_twice_in_one_check_with_features_that_differ() {
    let ws = featured();
    let artifacts = logged_check(ws.path());
    let base_features: BTreeSet<String> = (artifacts.iter())
        .filter(|m| m["target"]["name"] == "base")
        .map(|m| m["features"].to_string())
        .collect();
    assert!(
        base_features.len() == 2,
        "base with and without x: {base_features:?}"
    );
    assert_none_twice(&compiled_units(&artifacts), "features = \"all\"");
}

/// A procedural macro and a dev-dependency on top, under both `[check] features` settings
/// (both split the selection into several cargo runs here: `base` is compiled with and without
/// `x`), cold and after an edit of `base`.
#[test]
fn no_unit_is_compiled_twice_with_a_macro_and_a_dev_dependency_under_either_feature_setting() {
    let ws = featured_with_macro_and_dev_dependency();
    let root = ws.path();
    for setting in ["all", "members"] {
        write(
            root,
            "ratchet.toml",
            &format!("[check]\nfeatures = \"{setting}\"\n"),
        );
        let _ = std::fs::remove_dir_all(root.join("target"));
        let artifacts = logged_check(root);
        let context = format!("features = \"{setting}\"");
        assert_none_twice(&compiled_units(&artifacts), &context);
        // An edit at the root of the graph, on a warm build directory: every member again.
        let edited = format!("{BASE_LIB}// edited under {setting}\n");
        write(root, "crates/base/src/lib.rs", &edited);
        let artifacts = logged_check(root);
        assert_none_twice(
            &compiled_units(&artifacts),
            &format!("{context}, base edited"),
        );
    }
}
