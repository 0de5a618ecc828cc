//! The debuginfo of ratchet's own build directory: line tables only, for every unit, build
//! scripts and procedural macros included.
//!
//! Why: `cargo test --doc` builds a procedural macro that it needs only as a dependency with
//! the `build-override` profile (no debuginfo), while the shared `cargo build --all-targets`
//! builds the same member with the `dev` profile (`debuginfo=2`). The two units differ, so
//! after an edit near the root the doc step compiled the macro and every library above it a
//! second time (measured on thiserror: 3 units, 10 s of a 31 s `check`; docs/benchmarks.md).
//! One level for both profiles makes them one unit. Line tables keep `file:line` and function
//! names in the backtraces of failing tests, and take far less disk and link time than full
//! debuginfo; debuginfo changes no `cfg` and no generated code, so no verdict. It is part of
//! every compiling step's verdict key all the same ([`KEY`]), as any setting that reaches
//! rustc must be.
//!
//! A variable the user's environment already sets wins (it is then part of the global
//! inputs of every fingerprint, as every `CARGO_*` variable is).

use std::process::Command;

/// The variables set, with their value.
const SETTINGS: [(&str, &str); 2] = [
    ("CARGO_PROFILE_DEV_DEBUG", "line-tables-only"),
    ("CARGO_PROFILE_DEV_BUILD_OVERRIDE_DEBUG", "line-tables-only"),
];

/// What [`configure`] sets, for the verdict keys of the compiling steps.
pub(crate) const KEY: &str = "debug=line-tables-only;build-override.debug=line-tables-only";

/// Sets the debuginfo variables the user's environment does not set on a cargo command in
/// ratchet's build directory.
pub(crate) fn configure(command: &mut Command) {
    for (key, value) in SETTINGS {
        if std::env::var_os(key).is_none() {
            command.env(key, value);
        }
    }
}
