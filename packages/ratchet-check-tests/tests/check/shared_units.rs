//! No unit is compiled twice in one `check`: after an edit to a procedural macro, the doc
//! step finds fresh every unit the shared build compiled (cargo's `fresh` flags, counted in
//! `units_built`). `cargo test --doc` builds a macro it needs only as a dependency with the
//! `build-override` profile; ratchet gives that profile the `dev` profile's debuginfo so that
//! the two are one unit.

use crate::*;

#[test]
fn the_doc_step_rebuilds_nothing_after_a_macro_edit() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "Cargo.toml",
        "[workspace]\nmembers = [\"mac\", \"user\"]\nresolver = \"2\"\n",
    );
    write(
        root,
        "mac/Cargo.toml",
        &format!("{}\n[lib]\nproc-macro = true\n", manifest("mac", "")),
    );
    let mac = "//! A macro.\n\nuse proc_macro::TokenStream;\n\n/// Expands to `7`.\n#[proc_macro]\npub fn seven(_: TokenStream) -> TokenStream {\n    \"7\".parse().expect(\"a literal\")\n}\n";
    write(root, "mac/src/lib.rs", mac);
    write(
        root,
        "user/Cargo.toml",
        &manifest("user", "mac = { path = \"../mac\" }\n"),
    );
    write(
        root,
        "user/src/lib.rs",
        "//! Uses the macro.\n\n/// Seven.\n///\n/// ```\n/// assert_eq!(user::seven(), 7);\n/// ```\npub fn seven() -> u32 {\n    mac::seven!()\n}\n",
    );
    let (green, _) = json_check(root, &[]);
    assert_eq!(green.code, 0, "{}\n{}", green.stdout, green.stderr);

    write(root, "mac/src/lib.rs", &format!("{mac}// edited\n"));
    let (run, events) = json_check(root, &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(finished(&events, "lint").units_built > 0, "{}", run.stdout);
    let doc = finished(&events, "doc");
    assert!(doc.passed.contains(&"user".to_string()), "{}", run.stdout);
    assert_eq!(
        doc.units_built, 0,
        "the doc step compiled again what the shared build compiled: {}",
        run.stdout
    );
}
