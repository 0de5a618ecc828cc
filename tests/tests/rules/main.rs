//! `rules` on generated workspaces: every rule kind with exact findings, the baseline life
//! cycle, bad input, annotations and the layered dot graph.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod bad_input;
mod baseline;
mod fixture;
mod output;

use fixture::{check, layers, workspace};

#[test]
fn each_rule_reports_exactly_its_violations() {
    let ws = workspace();
    let dir = ws.path();
    // No [rules]: nothing to check.
    check(dir, "", &[]);
    // Layers: the build edge t2 -> m2 reaches up; the dev edge t1 -> m is not counted.
    let up = "layer t2 -> m2 crates/t2/Cargo.toml:7";
    let loose = "unlayered loose crates/loose/Cargo.toml:2";
    check(dir, &layers(""), &[up, loose]);
    check(dir, &layers("allow-unlayered = [\"lo*\"]"), &[up]);
    check(
        dir,
        &layers("allow-same-layer = false\nallow-unlayered = [\"loose\"]"),
        &["layer t1 -> t2 crates/t1/Cargo.toml:7", up],
    );
    check(
        dir,
        &layers("kinds = [\"normal\", \"build\", \"dev\"]\nallow-unlayered = [\"loose\"]"),
        &["layer t1 -> m crates/t1/Cargo.toml:10", up],
    );
    check(
        dir,
        &layers("kinds = [\"normal\"]\nallow-unlayered = [\"loose\"]"),
        &[],
    );
    // Forbidden: every matching edge, dev edges included by default.
    let forbidden =
        "[[rules.forbidden]]\nfrom = [\"app\", \"t1\"]\nto = [\"t*\", \"m\"]\nreason = \"r\"\n";
    check(
        dir,
        forbidden,
        &[
            "forbidden app -> m crates/app/Cargo.toml:7",
            "forbidden app -> t1 crates/app/Cargo.toml:8",
            "forbidden app -> t2 crates/app/Cargo.toml:9",
            "forbidden t1 -> m crates/t1/Cargo.toml:10",
            "forbidden t1 -> t2 crates/t1/Cargo.toml:7",
        ],
    );
    check(
        dir,
        "[[rules.forbidden]]\nfrom = [\"app\"]\nto = [\"loose\"]\nreason = \"r\"\nkinds = [\"dev\"]\n",
        &[],
    );
    // The renamed, platform-specific dependency is found under its alias.
    check(
        dir,
        "[[rules.forbidden]]\nfrom = [\"app\"]\nto = [\"loose\"]\nreason = \"r\"\n",
        &["forbidden app -> loose crates/app/Cargo.toml:13"],
    );
    // Private: only m may use secret.
    let private = "[[rules.private]]\npackages = [\"secret\"]\nallow = [\"m\"]\n";
    check(
        dir,
        private,
        &["private app -> secret crates/app/Cargo.toml:10"],
    );
    // A private set may use its own members; nobody else may use them.
    check(
        dir,
        "[[rules.private]]\npackages = [\"secret\", \"m\"]\nallow = []\n",
        &[
            "private app -> m crates/app/Cargo.toml:7",
            "private app -> secret crates/app/Cargo.toml:10",
            "private t1 -> m crates/t1/Cargo.toml:10",
        ],
    );
    // Fan-out: app has five direct dependencies, m two; dev edges are not counted.
    check(
        dir,
        "[rules.fan-out]\nmax = 2\noverrides = { m = 1 }\n",
        &[
            "fan-out app crates/app/Cargo.toml:7",
            "fan-out m crates/m/Cargo.toml:7",
        ],
    );
    check(dir, "[rules.fan-out]\nmax = 5\n", &[]);
    check(dir, "[rules.fan-out]\nmax = 1\nkinds = [\"dev\"]\n", &[]);
    // Unused: orphan has no dependents; app has no library, so it is not "unused".
    check(
        dir,
        "[rules.unused]\n",
        &["unused orphan crates/orphan/Cargo.toml:2"],
    );
    check(dir, "[rules.unused]\nentry-points = [\"orph*\"]\n", &[]);
    // Dev cycles: m -> t1 and t1 -dev-> m.
    check(
        dir,
        "[rules.dev-cycles]\n",
        &["dev-cycle t1 -> m crates/t1/Cargo.toml:10"],
    );
}
