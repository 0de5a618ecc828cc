//! Building the fixture workspace, its `ratchet.toml` and its recorded build costs.

use std::path::Path;

use ratchet_events::measure::{BuildCosts, CrateCost, PackageCost};
use ratchet_tests::Run;
pub use ratchet_tests::{git, write_files as write};

pub const BIN: &str = env!("CARGO_BIN_EXE_ratchet");

pub fn lines(n: usize) -> String {
    (0..n).map(|i| format!("pub fn f{i}() {{}}\n")).collect()
}

/// `big` (30 lines in two files, depends on `small`) and `small` (3 lines).
pub fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let manifest = |name: &str, deps: &str| {
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n{deps}"
        )
    };
    let big_lib = format!("mod extra;\n{}", lines(21));
    write(
        dir.path(),
        &[
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"crates/*\"]\nresolver = \"2\"\n",
            ),
            (".gitignore", "/target\n"),
            (
                "crates/big/Cargo.toml",
                &manifest("big", "small = { path = \"../small\" }\n"),
            ),
            ("crates/big/src/lib.rs", &big_lib),
            ("crates/big/src/extra.rs", &lines(8)),
            ("crates/small/Cargo.toml", &manifest("small", "")),
            ("crates/small/src/lib.rs", &lines(3)),
        ],
    );
    dir
}

pub fn budget(dir: &Path, text: &str) {
    write(dir, &[("ratchet.toml", text)]);
}

pub fn costs(dir: &Path, packages: &[(&str, u64, u64)]) {
    let mut costs = BuildCosts {
        version: 1,
        recorded_at: 1,
        inner_loop_wall_ms: Some(5000),
        ..Default::default()
    };
    for (name, cpu_ms, artifact_bytes) in packages {
        let crates = vec![
            CrateCost {
                crate_name: name.to_string(),
                kind: "lib".into(),
                cpu_ms: *cpu_ms,
                wall_ms: *cpu_ms,
            },
            CrateCost {
                crate_name: name.to_string(),
                kind: "test".into(),
                cpu_ms: 99_999,
                wall_ms: 1,
            },
        ];
        let cost = PackageCost {
            cpu_ms: cpu_ms + 99_999,
            wall_ms: *cpu_ms,
            artifact_bytes: *artifact_bytes,
            crates,
        };
        costs.packages.insert(name.to_string(), cost);
    }
    let path = dir.join("target/ratchet/build-costs.json");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, serde_json::to_string(&costs).unwrap()).unwrap();
}

pub fn events(run: &Run) -> Vec<serde_json::Value> {
    run.stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}
