//! Breakage that reaches a package through a dev-dependency or a build-dependency, and a
//! breakage taken away and brought back with `git stash`.

use ratchet_tests::git;

use crate::*;

/// `base` and `app` (from `two_packages`), plus `helper` (a dev-dependency of `base`) and
/// `bake` (a build-dependency of `app`, whose build script bakes `bake::value()` into a const).
fn with_dev_and_build_deps() -> tempfile::TempDir {
    let ws = two_packages();
    let root = ws.path();
    write(root, "crates/helper/Cargo.toml", &manifest("helper", ""));
    write(
        root,
        "crates/helper/src/lib.rs",
        "//! Helper.\n\n/// What base's test expects.\npub fn expected() -> u32 {\n    1\n}\n",
    );
    write(
        root,
        "crates/base/Cargo.toml",
        &format!(
            "{}\n[dev-dependencies]\nhelper = {{ path = \"../helper\" }}\n",
            manifest("base", "")
        ),
    );
    write(
        root,
        "crates/base/src/lib.rs",
        "//! Base.\n\n/// One.\npub fn one() -> u32 {\n    1\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn one_is_expected() {\n        assert_eq!(super::one(), helper::expected());\n    }\n}\n",
    );
    write(root, "crates/bake/Cargo.toml", &manifest("bake", ""));
    write(
        root,
        "crates/bake/src/lib.rs",
        "//! Bake.\n\n/// The value app's build bakes in.\npub fn value() -> u32 {\n    2\n}\n",
    );
    write(
        root,
        "crates/app/Cargo.toml",
        &format!(
            "{}\n[build-dependencies]\nbake = {{ path = \"../bake\" }}\n",
            manifest("app", "base = { path = \"../base\" }\n")
        ),
    );
    write(
        root,
        "crates/app/build.rs",
        "fn main() {\n    let out = std::env::var(\"OUT_DIR\").unwrap();\n    let text = format!(\"pub const BAKED: u32 = {};\\n\", bake::value());\n    std::fs::write(std::path::Path::new(&out).join(\"baked.rs\"), text).unwrap();\n}\n",
    );
    write(
        root,
        "crates/app/src/lib.rs",
        "//! App.\n\ninclude!(concat!(env!(\"OUT_DIR\"), \"/baked.rs\"));\n\n/// Two.\npub fn two() -> u32 {\n    base::one() + 1\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn baked_is_two() {\n        assert_eq!(super::BAKED, super::two());\n    }\n}\n",
    );
    ws
}

const ALL: &[&str] = &["base", "app", "helper", "bake"];

#[test]
fn breakage_through_a_dev_and_a_build_dependency_agrees_with_cargo() {
    let ws = with_dev_and_build_deps();
    let root = ws.path();
    assert_agrees("green", root, &[], &[], ALL);
    write(
        root,
        "crates/helper/src/lib.rs",
        "//! Helper.\n\n/// What base's test expects.\npub fn expected() -> u32 {\n    7\n}\n",
    );
    let verdicts = assert_agrees("dev-dependency changed", root, &[], &[], ALL);
    assert!(
        !verdicts["base"].test && verdicts["app"].test,
        "{verdicts:?}"
    );
    write(
        root,
        "crates/bake/src/lib.rs",
        "//! Bake.\n\n/// The value app's build bakes in.\npub fn value() -> u32 {\n    3\n}\n",
    );
    let verdicts = assert_agrees("build-dependency changed", root, &[], &[], ALL);
    assert!(!verdicts["app"].test, "{verdicts:?}");
}

#[test]
fn a_breakage_stashed_and_popped_agrees_with_cargo_each_time() {
    let ws = two_packages();
    let root = ws.path();
    write(root, ".gitignore", "/target\n");
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "green"]);
    assert_agrees("green", root, &[], &[], &["base", "app"]);
    write(
        root,
        "crates/base/src/lib.rs",
        "//! Base.\n\n/// One.\npub fn one() -> u32 {\n    2\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn one_is_one() {\n        assert_eq!(super::one(), 1);\n    }\n}\n",
    );
    assert_agrees("broken", root, &[], &[], &["base", "app"]);
    git(root, &["stash", "-q"]);
    assert_agrees("stashed", root, &[], &[], &["base", "app"]);
    git(root, &["stash", "pop", "-q"]);
    let verdicts = assert_agrees("popped", root, &[], &[], &["base", "app"]);
    assert!(!verdicts["base"].test, "{verdicts:?}");
}
