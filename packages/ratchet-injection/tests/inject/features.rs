//! Verdicts under a feature set and a build configuration: cargo unifies features across the
//! packages of one command, `--features` and `--release` change what is compiled, and the
//! root manifest's profile changes what a test sees. Also a package renamed and a module
//! moved to another file.

use ratchet_events::check::CheckEvent;

use crate::*;

/// `base` has a feature `x` (off by default) that its own test needs; when `dependent`,
/// `app` turns it on.
fn featured(dependent: bool) -> tempfile::TempDir {
    let ws = two_packages();
    let root = ws.path();
    write(
        root,
        "crates/base/Cargo.toml",
        &format!("{}\n[features]\nx = []\n", manifest("base", "")),
    );
    write(
        root,
        "crates/base/src/lib.rs",
        "//! Base.\n\n/// One, with `x`.\npub fn one() -> u32 {\n    if cfg!(feature = \"x\") { 1 } else { 0 }\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn one_is_one() {\n        assert_eq!(super::one(), 1);\n    }\n}\n",
    );
    let on_base = match dependent {
        true => "base = { path = \"../base\", features = [\"x\"] }\n",
        false => "base = { path = \"../base\" }\n",
    };
    write(root, "crates/app/Cargo.toml", &manifest("app", on_base));
    // rustfmt's layout of the `if` above, so that fmt passes.
    let lib = std::fs::read_to_string(root.join("crates/base/src/lib.rs")).unwrap();
    let formatted = lib.replace(
        "    if cfg!(feature = \"x\") { 1 } else { 0 }\n",
        "    if cfg!(feature = \"x\") {\n        1\n    } else {\n        0\n    }\n",
    );
    write(root, "crates/base/src/lib.rs", &formatted);
    ws
}

fn ran_steps(events: &[CheckEvent]) -> usize {
    events
        .iter()
        .filter(|e| matches!(e, CheckEvent::StepStarted(_)))
        .count()
}

#[test]
fn a_package_is_judged_under_its_own_features_not_a_dependents() {
    let ws = featured(true);
    let root = ws.path();
    // Together with `app`, cargo would compile `base` with `x` and its test would pass.
    let verdicts = assert_agrees("unified", root, &[], &[], &["base", "app"]);
    assert!(
        !verdicts["base"].test && verdicts["app"].passed(),
        "{verdicts:?}"
    );
    assert_agrees("alone", root, &["-p", "base"], &[], &["base"]);
}

#[test]
fn a_pass_under_features_is_not_reused_without_them() {
    let ws = featured(false);
    let root = ws.path();
    let (run, _) = check(root, &["-p", "base", "--features", "x"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let (run, events) = check(root, &["-p", "base", "--features", "x"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(ran_steps(&events), 0, "cached under the same features");
    let verdicts = assert_agrees("without --features", root, &["-p", "base"], &[], &["base"]);
    assert!(!verdicts["base"].test);
}

#[test]
fn a_profile_change_in_the_root_manifest_or_by_flag_is_seen() {
    let ws = two_packages();
    let root = ws.path();
    let wrapping = "//! Base.\n\n/// One.\npub fn one() -> u32 {\n    1\n}\n\n/// A sum of bytes that wraps only without overflow checks.\npub fn add(a: u8, b: u8) -> u8 {\n    a + b\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn wraps() {\n        assert_eq!(super::add(255, std::hint::black_box(1)), 0);\n    }\n}\n";
    write(root, "crates/base/src/lib.rs", wrapping);
    let workspace = "[workspace]\nmembers = [\"crates/*\"]\nresolver = \"2\"\n";
    let unchecked = format!("{workspace}\n[profile.dev]\noverflow-checks = false\n");
    write(root, "Cargo.toml", &unchecked);
    let verdicts = assert_agrees("overflow checks off", root, &[], &[], &["base", "app"]);
    assert!(verdicts["base"].passed(), "{verdicts:?}");
    write(root, "Cargo.toml", workspace);
    let verdicts = assert_agrees("overflow checks on", root, &[], &[], &["base", "app"]);
    assert!(!verdicts["base"].test, "{verdicts:?}");
    // `--release` turns them off: a pass there is not one of the dev profile.
    let (run, _) = check(root, &["-p", "base", "--release"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_agrees("dev after release", root, &["-p", "base"], &[], &["base"]);
}

#[test]
fn a_renamed_package_and_a_moved_module_agree_with_cargo() {
    let ws = two_packages();
    let root = ws.path();
    let lib = "//! Base.\n\nmod util;\n\n/// One.\npub fn one() -> u32 {\n    util::value()\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn one_is_one() {\n        assert_eq!(super::one(), 1);\n    }\n}\n";
    write(root, "crates/base/src/lib.rs", lib);
    let util = |n: u32| format!("/// The value.\npub fn value() -> u32 {{\n    {n}\n}}\n");
    write(root, "crates/base/src/util.rs", &util(1));
    assert_agrees("green", root, &[], &[], &["base", "app"]);
    // The module moves to `util/mod.rs`, then breaks there.
    std::fs::remove_file(root.join("crates/base/src/util.rs")).unwrap();
    write(root, "crates/base/src/util/mod.rs", &util(1));
    assert_agrees("module moved", root, &[], &[], &["base", "app"]);
    write(root, "crates/base/src/util/mod.rs", &util(5));
    let verdicts = assert_agrees("moved module broken", root, &[], &[], &["base", "app"]);
    assert!(!verdicts["base"].test && !verdicts["app"].test);
    write(root, "crates/base/src/util/mod.rs", &util(1));
    // `base` is renamed `core2`; `app` still names `base`, so it no longer compiles.
    write(root, "crates/base/Cargo.toml", &manifest("core2", ""));
    let on_core = "core2 = { path = \"../base\" }\n";
    write(root, "crates/app/Cargo.toml", &manifest("app", on_core));
    let verdicts = assert_agrees("renamed", root, &[], &[], &["core2", "app"]);
    assert!(verdicts["core2"].passed() && !verdicts["app"].lint);
    let app = std::fs::read_to_string(root.join("crates/app/src/lib.rs")).unwrap();
    write(
        root,
        "crates/app/src/lib.rs",
        &app.replace("base::", "core2::"),
    );
    assert_agrees("dependent follows", root, &[], &[], &["core2", "app"]);
}

#[test]
fn features_a_dependent_turns_on_in_an_external_crate_are_not_borrowed() {
    let ws = two_packages();
    let root = ws.path();
    // `ext` is a path crate the workspace excludes: an external package, with a feature `e`
    // that `base`'s test needs and only `app` turns on.
    write(
        root,
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/*\"]\nexclude = [\"vendor\"]\nresolver = \"2\"\n",
    );
    let ext = format!("{}\n[features]\ne = []\n", manifest("ext", ""));
    write(root, "vendor/ext/Cargo.toml", &ext);
    write(
        root,
        "vendor/ext/src/lib.rs",
        "//! Ext.\n\n/// One, with `e`.\npub fn one() -> u32 {\n    if cfg!(feature = \"e\") {\n        1\n    } else {\n        0\n    }\n}\n",
    );
    let on_ext = "ext = { path = \"../../vendor/ext\" }\n";
    write(root, "crates/base/Cargo.toml", &manifest("base", on_ext));
    write(
        root,
        "crates/base/src/lib.rs",
        "//! Base.\n\n/// One.\npub fn one() -> u32 {\n    ext::one()\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn one_is_one() {\n        assert_eq!(super::one(), 1);\n    }\n}\n",
    );
    let deps = "base = { path = \"../base\" }\next = { path = \"../../vendor/ext\", features = [\"e\"] }\n";
    write(root, "crates/app/Cargo.toml", &manifest("app", deps));
    let verdicts = assert_agrees("external unified", root, &[], &[], &["base", "app"]);
    assert!(
        !verdicts["base"].test && verdicts["app"].passed(),
        "{verdicts:?}"
    );
}
