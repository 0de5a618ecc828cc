//! The installed binary as cargo starts it (`cargo-ratchet ratchet ARGS`) and as a person runs
//! it directly: its version line, its help, and the names it tells the user to type.
#![allow(clippy::unwrap_used)]

use std::process::Command;

fn run(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cargo-ratchet"))
        .args(args)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn version_names_the_binary_its_version_commit_and_date() {
    for args in [&["ratchet", "--version"][..], &["--version"]] {
        let (code, text) = run(args);
        assert_eq!(code, 0, "{text}");
        let line = text.trim();
        let rest = line
            .strip_prefix(concat!("cargo-ratchet ", env!("CARGO_PKG_VERSION"), " ("))
            .unwrap_or_else(|| panic!("not `cargo-ratchet <version> (...)`: {line}"));
        let inner = rest.strip_suffix(')').unwrap();
        let (commit, date) = inner.split_once(' ').unwrap();
        assert!(!commit.is_empty() && !date.is_empty(), "{line}");
    }
}

#[test]
fn help_speaks_to_a_user_and_names_cargo_ratchet() {
    let (code, text) = run(&["ratchet", "--help"]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("Usage: cargo ratchet [OPTIONS] <COMMAND>"),
        "{text}"
    );
    assert!(text.contains("only what a change affects"), "{text}");
    assert!(text.contains("cargo ratchet check --since"), "{text}");
    assert!(!text.contains("xtask") && !text.contains("clap"), "{text}");
}

#[test]
fn budget_is_the_subcommand_and_ratchet_stays_an_alias() {
    let (code, text) = run(&["ratchet", "budget", "--help"]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("Usage: cargo ratchet budget [OPTIONS] <COMMAND>"),
        "{text}"
    );
    // Scripts written before the rename keep working.
    let (code, text) = run(&["ratchet", "ratchet", "gate", "--help"]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("cargo ratchet budget gate"), "{text}");
}
