//! Parsing and writing the units of `ratchet.toml` (`ratchet_budget::units`).

use ratchet_budget::units::*;

fn ok(text: &str, kind: Kind) -> u64 {
    parse_amount(text, kind).unwrap().value
}

fn err(text: &str, kind: Kind) -> String {
    parse_amount(text, kind).unwrap_err()
}

#[test]
fn parses_units_people_write() {
    assert_eq!(ok("350 lines", Kind::Lines), 350);
    assert_eq!(ok("1,200 lines", Kind::Lines), 1200);
    assert_eq!(ok("1 line", Kind::Lines), 1);
    assert_eq!(ok("4 MiB", Kind::Bytes), 4 * 1024 * 1024);
    assert_eq!(ok("4MiB", Kind::Bytes), 4 * 1024 * 1024);
    assert_eq!(ok("200 KB", Kind::Bytes), 200_000);
    assert_eq!(ok("1.5 KiB", Kind::Bytes), 1536);
    assert_eq!(ok("512 B", Kind::Bytes), 512);
    assert_eq!(ok("20s", Kind::Millis), 20_000);
    assert_eq!(ok("1m 30s", Kind::Millis), 90_000);
    assert_eq!(ok("250ms", Kind::Millis), 250);
    assert_eq!(ok("2.5 s", Kind::Millis), 2500);
}

#[test]
fn refuses_bad_values_with_the_fix() {
    assert!(err("350", Kind::Lines).contains("no unit"));
    assert!(err("-3 lines", Kind::Lines).contains("negative"));
    assert!(err("4 parsecs", Kind::Bytes).contains("unknown unit `parsecs`"));
    assert!(err("4 MiB", Kind::Lines).contains("takes lines"));
    assert!(err("", Kind::Millis).contains("empty"));
    assert!(err("fast", Kind::Millis).contains("cannot read"));
    assert!(err("1.2.3 lines", Kind::Lines).contains("cannot read"));
}

#[test]
fn refuses_what_cannot_be_a_ceiling_instead_of_rounding_or_wrapping() {
    let huge = err("99999999999999999999 h", Kind::Millis);
    assert!(huge.contains("too large"), "{huge}");
    assert!(err("18446744073709551616 B", Kind::Bytes).contains("too large"));
    assert_eq!(ok("18446744073709551615 B", Kind::Bytes), u64::MAX);
    assert!(err("1.5 lines", Kind::Lines).contains("not a whole number of lines"));
    assert!(err("0.5 B", Kind::Bytes).contains("not a whole number of bytes"));
    assert_eq!(ok("2.0 lines", Kind::Lines), 2, "a zero fraction is whole");
    assert!(parse_slack("inf%", Kind::Lines).is_err());
    assert_eq!(Slack::Fraction(1e30).of(u64::MAX), u64::MAX, "saturates");
}

#[test]
fn slack_is_a_percentage_or_an_amount() {
    assert_eq!(parse_slack("10%", Kind::Millis), Ok(Slack::Fraction(0.1)));
    assert_eq!(parse_slack("2s", Kind::Millis).unwrap().of(0), 2000);
    assert_eq!(Slack::Fraction(0.1).of(1000), 100);
    assert!(parse_slack("-5%", Kind::Lines).is_err());
    assert!(parse_slack("x%", Kind::Lines).is_err());
}

#[test]
fn formats_round_up_and_parse_back_to_at_least_the_value() {
    for (kind, v) in [
        (Kind::Lines, 1234),
        (Kind::Bytes, 100),
        (Kind::Bytes, 20_001),
        (Kind::Bytes, 4_500_001),
        (Kind::Millis, 999),
        (Kind::Millis, 12_345),
        (Kind::Millis, 700_000),
    ] {
        let text = format_amount(Amount { kind, value: v });
        let back = ok(&text, kind);
        assert!(back >= v, "{text} parses to {back} < {v}");
        assert!(back <= v + v / 10 + 1024, "{text} rounds {v} too far up");
    }
    assert_eq!(
        format_amount(Amount {
            kind: Kind::Millis,
            value: 12_345
        }),
        "12.4s"
    );
    assert_eq!(
        format_amount(Amount {
            kind: Kind::Bytes,
            value: 3 * 1024 * 1024
        }),
        "3 MiB"
    );
}

#[test]
fn a_written_value_is_shown_as_written() {
    for text in [
        "11.6 MiB",
        "4.3 MiB",
        "2.3s",
        "12.4s",
        "350 lines",
        "30 KiB",
        "1.5m",
    ] {
        let kind = match text {
            t if t.ends_with("iB") => Kind::Bytes,
            t if t.ends_with("lines") => Kind::Lines,
            _ => Kind::Millis,
        };
        let amount = parse_amount(text, kind).unwrap();
        assert_eq!(format_amount(amount), text.replace("1.5m", "90s"), "{text}");
    }
    assert_eq!(ok("2.3s", Kind::Millis), 2300);
}
