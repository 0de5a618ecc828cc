//! The committed JSON Schema of the event protocol (`docs/events.schema.json`) is the one the
//! types generate. When a type changes, regenerate it with
//! `cargo test -p ratchet-events --test schema -- --ignored regenerate` and commit it.

use std::path::PathBuf;

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/events.schema.json")
}

fn generated() -> String {
    let schema = schemars::schema_for!(ratchet_events::Event);
    serde_json::to_string_pretty(&schema).expect("a schema serializes") + "\n"
}

#[test]
fn committed_schema_matches_the_types() {
    let committed = std::fs::read_to_string(committed_path()).unwrap_or_default();
    assert!(
        committed == generated(),
        "docs/events.schema.json differs from the types of ratchet-events: regenerate it with \
         `cargo test -p ratchet-events --test schema -- --ignored regenerate`, review the diff \
         (a renamed, removed or retyped field needs a VERSION bump, see docs/json.md) and commit it"
    );
}

#[test]
#[ignore = "writes docs/events.schema.json; run it after changing a type"]
fn regenerate() {
    std::fs::write(committed_path(), generated()).expect("docs/ is writable");
}
