//! The baseline life cycle: adoption, shrinking, and new violations.

use std::path::Path;

use crate::fixture::{check, dep, findings, layers, manifest, rules, workspace, write};

fn baseline_text(dir: &Path) -> String {
    let text = std::fs::read_to_string(dir.join("ratchet-rules-baseline.toml")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn baseline_adopts_then_shrinks_and_never_grows_by_itself() {
    let ws = workspace();
    let dir = ws.path();
    let config = format!(
        "{}\n[rules.fan-out]\nmax = 4\n\n[rules.dev-cycles]\n",
        layers("")
    );
    let today = [
        "layer t2 -> m2 crates/t2/Cargo.toml:7",
        "unlayered loose crates/loose/Cargo.toml:2",
        "fan-out app crates/app/Cargo.toml:7",
        "dev-cycle t1 -> m crates/t1/Cargo.toml:10",
    ];
    check(dir, &config, &today);

    let adopt = rules(dir, &config, &["baseline"]);
    assert_eq!(
        (adopt.code, adopt.stdout.as_str()),
        (
            0,
            "rules: 4 violation(s) accepted in ratchet-rules-baseline.toml\n"
        )
    );
    let adopted = "version = 1\n\
        [[accepted]]\nrule = \"layer\"\npackage = \"t2\"\ndependency = \"m2\"\n\
        [[accepted]]\nrule = \"unlayered\"\npackage = \"loose\"\n\
        [[accepted]]\nrule = \"fan-out\"\npackage = \"app\"\ncount = 5\n\
        [[accepted]]\nrule = \"dev-cycle\"\npackage = \"t1\"\ndependency = \"m\"";
    assert_eq!(baseline_text(dir), adopted);
    let quiet = rules(dir, &config, &[]);
    assert_eq!(
        (quiet.code, quiet.stdout.as_str()),
        (0, ""),
        "{}",
        quiet.stderr
    );
    let accepted: Vec<String> = today.iter().map(|f| format!("{f} (baselined)")).collect();
    assert_eq!(
        findings(&rules(dir, &config, &["--message-format", "json"])),
        accepted
    );

    // Fixing the dev cycle shrinks the baseline on the next passing run.
    write(
        dir,
        &[(
            "crates/t1/Cargo.toml",
            &manifest("t1", &format!("[dependencies]\n{}", dep("t2"))),
        )],
    );
    let shrink = rules(dir, &config, &[]);
    assert_eq!(shrink.code, 0, "{}", shrink.stderr);
    assert_eq!(
        shrink.stdout,
        "rules: 1 fixed violation(s) removed from ratchet-rules-baseline.toml; commit it\n"
    );
    let shrunk = adopted.replace(
        "\n[[accepted]]\nrule = \"dev-cycle\"\npackage = \"t1\"\ndependency = \"m\"",
        "",
    );
    assert_eq!(baseline_text(dir), shrunk);

    // A new violation fails, and only it is reported; the baseline does not grow.
    let m2 = manifest("m2", "");
    write(
        dir,
        &[(
            "crates/secret/Cargo.toml",
            &manifest("secret", &format!("[dependencies]\n{}", dep("m2"))),
        )],
    );
    let run = rules(dir, &config, &["--message-format", "json"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        findings(&run),
        [
            "layer secret -> m2 crates/secret/Cargo.toml:7",
            "layer t2 -> m2 crates/t2/Cargo.toml:7 (baselined)",
            "unlayered loose crates/loose/Cargo.toml:2 (baselined)",
            "fan-out app crates/app/Cargo.toml:7 (baselined)",
        ]
    );
    assert_eq!(baseline_text(dir), shrunk);
    write(
        dir,
        &[
            ("crates/secret/Cargo.toml", &manifest("secret", "")),
            ("crates/m2/Cargo.toml", &m2),
        ],
    );

    // Fan-out is accepted up to the recorded count; one more dependency is new.
    let app = std::fs::read_to_string(dir.join("crates/app/Cargo.toml")).unwrap();
    write(
        dir,
        &[(
            "crates/app/Cargo.toml",
            &app.replace(
                "[dependencies]\n",
                &format!("[dependencies]\n{}", dep("orphan")),
            ),
        )],
    );
    let more = rules(dir, &config, &["--message-format", "json"]);
    assert_eq!(more.code, 1);
    assert_eq!(findings(&more)[0], "fan-out app crates/app/Cargo.toml:7");
    assert_eq!(baseline_text(dir), shrunk);
}
