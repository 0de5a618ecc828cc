//! insta snapshots of what people and agents read: the human and the JSON output of the main
//! commands on the small workspace of this suite, with what varies between machines and runs
//! filtered out (the temporary directory, times, hashes, versions, core counts). Review a
//! changed snapshot with `cargo insta review` (or `INSTA_UPDATE=always` and `git diff`).

use std::path::Path;

use ratchet_tests::write;

use crate::{BASE_LIB, run, workspace};

const RULES: &str = "[rules.layers]\norder = [\"low\", \"high\"]\n\n[rules.layers.packages]\nlow = [\"top\"]\nhigh = [\"base\"]\n\n[budget.defaults]\nlongest-file = \"3 lines\"\nlines = \"1000 lines\"\n";

/// No backtrace (its frames are the toolchain's), and reproduce commands without the
/// `+toolchain` of a `cargo +stable test` that runs this suite; the same for every run, as
/// the environment is an input.
const ENV: [(&str, &str); 2] = [("RUST_BACKTRACE", "0"), ("RUSTUP_TOOLCHAIN_SOURCE", "")];

/// The output of `args` in `root`, as a snapshot shows it: its exit code, then stdout (each
/// JSON line pretty-printed) with the workspace path replaced by `[ws]`.
fn shown(root: &Path, args: &[&str]) -> String {
    let out = run(root, args, &ENV);
    let stdout = out.stdout.replace(&root.display().to_string(), "[ws]");
    let pretty: Vec<String> = stdout
        .lines()
        .map(
            |line| match serde_json::from_str::<serde_json::Value>(line) {
                Ok(value) if line.starts_with('{') => serde_json::to_string_pretty(&value).unwrap(),
                _ => line.to_string(),
            },
        )
        .collect();
    format!(
        "$ ratchet {}\nexit {}\n{}\n",
        args.join(" "),
        out.code,
        pretty.join("\n")
    )
}

/// Asserts `text` against the snapshot `name`, through the filters of what varies.
fn snapshot(name: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots");
    for (pattern, replacement) in [
        // Durations and counts that vary, in JSON and in text ("in 1.58s").
        (r#""(\w*_ms|recorded_at)": \d+"#, r#""$1": "[n]""#),
        (
            r#""(cores|units_built|units_fresh)": \d+"#,
            r#""$1": "[n]""#,
        ),
        // The environment cargo reacts to differs between machines (`CARGO_HOME`, ...).
        (r#"\n *"env:[^\n]*"#, ""),
        (r"thread '([^']*)' \(\d+\)", "thread '$1' ([id])"),
        // The cargo command ratchet ran names the toolchain's paths.
        (r#""[^"\n]*--target-dir[^"\n]*""#, r#""[cargo command]""#),
        (r"\b\d+(\.\d+)?(ms|s)\b", "[time]"),
        (r"\b[0-9a-f]{12,64}\b", "[hash]"),
        (r"[0-9a-f]{4}…", "[hash]…"),
        (r"rustc \d+\.\d+\.\d+[^\n\x22]*", "rustc [version]"),
        (r"ratchet \d+\.\d+\.\d+", "ratchet [version]"),
    ] {
        settings.add_filter(pattern, replacement);
    }
    settings.bind(|| insta::assert_snapshot!(name, text));
}

#[test]
fn check_green_cached_and_failing() {
    let ws = workspace();
    let root = ws.path();
    let human = ["--color", "never"];
    let json = ["--message-format", "json"];
    let green = shown(root, &[&["check"][..], &human].concat());
    let cached = shown(root, &[&["check"][..], &human].concat());
    let cached_json = shown(root, &[&["check"][..], &json].concat());
    snapshot("check_green", &format!("{green}\n{cached}\n{cached_json}"));

    let failing = BASE_LIB.replace("super::inc(2), 3", "super::inc(2), 4");
    write(root, "crates/base/src/lib.rs", &failing);
    let failed = shown(root, &[&["check", "-p", "base"][..], &human].concat());
    let failed_json = shown(root, &[&["check", "-p", "base"][..], &json].concat());
    snapshot("check_failing", &format!("{failed}\n{failed_json}"));
}

#[test]
fn reports_without_a_build() {
    let ws = workspace();
    let root = ws.path();
    write(root, "ratchet.toml", RULES);
    let json = ["--message-format", "json"];
    let mut text = String::new();
    for args in [
        &["graph"][..],
        &["plan", "--shards", "2"],
        &["rules"],
        &["budget", "gate"],
        &["hash"],
    ] {
        text += &shown(root, args);
        text += &shown(root, &[args, &json].concat());
    }
    snapshot("reports", &text);

    let record = run(root, &["affected", "--record"], &ENV);
    assert_eq!(record.code, 0, "{}", record.stderr);
    write(
        root,
        "crates/base/src/lib.rs",
        &format!("{BASE_LIB}// edited\n"),
    );
    let mut text = String::new();
    for args in [&["affected"][..], &["affected", "--why", "top"]] {
        text += &shown(root, args);
        text += &shown(root, &[args, &json].concat());
    }
    snapshot("affected", &text);
}
