//! Quantities as people write them in `ratchet.toml`: "350 lines", "4 MiB", "20s", "1m 30s",
//! "10%". Parsing is by hand because one small grammar covers all three kinds and gives one
//! style of error message; a bare number is refused so that no reader has to guess the unit.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

/// What a quantity counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Lines of source.
    Lines,
    /// Bytes.
    Bytes,
    /// Milliseconds of time.
    Millis,
}

impl Kind {
    /// The unit name used in JSON output.
    pub fn unit(self) -> &'static str {
        match self {
            Kind::Lines => "lines",
            Kind::Bytes => "bytes",
            Kind::Millis => "ms",
        }
    }

    fn example(self) -> &'static str {
        match self {
            Kind::Lines => "\"350 lines\"",
            Kind::Bytes => "\"4 MiB\"",
            Kind::Millis => "\"20s\"",
        }
    }
}

/// A quantity in its base unit (lines, bytes or milliseconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount {
    /// Its kind.
    pub kind: Kind,
    /// The value in the kind's base unit.
    pub value: u64,
}

/// A limit that is either a fraction of something else ("10%") or an absolute amount.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Slack {
    /// A fraction (0.1 for "10%").
    Fraction(f64),
    /// An absolute amount of the measure's own kind.
    Absolute(Amount),
}

impl Slack {
    /// The slack, in base units, around a ceiling of `base`.
    pub fn of(self, base: u64) -> u64 {
        match self {
            Slack::Fraction(f) => (base as f64 * f).round() as u64,
            Slack::Absolute(a) => a.value,
        }
    }
}

/// Parses `text` as an amount of `kind`; the error says what was expected.
pub fn parse_amount(text: &str, kind: Kind) -> Result<Amount, String> {
    let terms = terms(text)?;
    let mut total = 0f64;
    for (number, unit) in terms {
        let (unit_kind, factor) = unit_factor(&unit).ok_or_else(|| {
            format!(
                "unknown unit `{unit}` in \"{text}\": write it like {}",
                kind.example()
            )
        })?;
        if unit_kind != kind {
            return Err(format!(
                "\"{text}\" is {}, but this key takes {}: write it like {}",
                unit_kind.unit(),
                kind.unit(),
                kind.example()
            ));
        }
        total += number * factor;
    }
    // Down, so that "11.6 MiB" reads back as at most 11.6 MiB and is shown as written; the
    // epsilon absorbs float error ("2.3s" is 2299.9999... ms).
    Ok(Amount {
        kind,
        value: (total + 1e-6).floor() as u64,
    })
}

/// Parses a slack: "10%" or an amount of `kind`.
pub fn parse_slack(text: &str, kind: Kind) -> Result<Slack, String> {
    match text.trim().strip_suffix('%') {
        Some(number) => {
            let f: f64 = number
                .trim()
                .parse()
                .map_err(|_| format!("\"{text}\" is not a percentage: write it like \"10%\""))?;
            if f < 0.0 {
                return Err(format!(
                    "\"{text}\" is negative: write a percentage of 0% or more"
                ));
            }
            Ok(Slack::Fraction(f / 100.0))
        }
        None => parse_amount(text, kind).map(Slack::Absolute),
    }
}

/// Splits "1m 30s" into `[(1, "m"), (30, "s")]`, refusing negatives and bare numbers.
fn terms(text: &str) -> Result<Vec<(f64, String)>, String> {
    let trimmed = text.trim();
    if trimmed.starts_with('-') {
        return Err(format!(
            "\"{text}\" is negative: ceilings and tolerances are 0 or more"
        ));
    }
    let mut out = Vec::new();
    let mut rest = trimmed;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_' || c == ','))
            .unwrap_or(rest.len());
        let number: String = rest[..number_len]
            .chars()
            .filter(|c| *c != '_' && *c != ',')
            .collect();
        let value: f64 = number.parse().map_err(|_| {
            format!("cannot read \"{text}\": write a number and a unit, like \"20s\"")
        })?;
        rest = rest[number_len..].trim_start();
        let unit_len = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        if unit_len == 0 {
            return Err(format!(
                "\"{text}\" has no unit: write \"{number} lines\", \"{number} KiB\" or \"{number}s\""
            ));
        }
        out.push((value, rest[..unit_len].to_string()));
        rest = rest[unit_len..].trim_start();
    }
    if out.is_empty() {
        return Err("empty value: write a number and a unit, like \"20s\"".to_string());
    }
    Ok(out)
}

fn unit_factor(unit: &str) -> Option<(Kind, f64)> {
    let bytes = |f: f64| Some((Kind::Bytes, f));
    let millis = |f: f64| Some((Kind::Millis, f));
    match unit {
        "line" | "lines" => Some((Kind::Lines, 1.0)),
        "B" | "b" | "byte" | "bytes" => bytes(1.0),
        "KB" | "kB" | "kb" => bytes(1e3),
        "MB" | "mb" => bytes(1e6),
        "GB" | "gb" => bytes(1e9),
        "KiB" | "kiB" | "kib" => bytes(1024.0),
        "MiB" | "mib" => bytes(1024.0 * 1024.0),
        "GiB" | "gib" => bytes(1024.0 * 1024.0 * 1024.0),
        "ms" => millis(1.0),
        "s" | "sec" | "secs" | "second" | "seconds" => millis(1e3),
        "m" | "min" | "mins" | "minute" | "minutes" => millis(60e3),
        "h" | "hour" | "hours" => millis(3600e3),
        _ => None,
    }
}

/// Writes an amount the way a person would, rounding up so the written value is never below
/// the exact one: "1234 lines", "4.2 MiB", "12.5s".
pub fn format_amount(amount: Amount) -> String {
    let v = amount.value;
    match amount.kind {
        Kind::Lines => format!("{v} lines"),
        Kind::Bytes if v < 10 * 1024 => format!("{v} B"),
        Kind::Bytes if v < 1024 * 1024 => format!("{} KiB", v.div_ceil(1024)),
        Kind::Bytes => format!("{} MiB", tenths_up(v, 1024 * 1024)),
        Kind::Millis if v < 1000 => format!("{v}ms"),
        Kind::Millis if v < 600_000 => format!("{}s", tenths_up(v, 1000)),
        Kind::Millis => format!("{}m", tenths_up(v, 60_000)),
    }
}

/// `v / unit` rounded up to one decimal, without a trailing ".0".
fn tenths_up(v: u64, unit: u64) -> String {
    let tenths = (v * 10).div_ceil(unit);
    if tenths.is_multiple_of(10) {
        format!("{}", tenths / 10)
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

/// A `ratchet.toml` value of a fixed kind; the kind is a type parameter so serde can check it.
macro_rules! amount_type {
    ($name:ident, $kind:expr, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
        pub struct $name(pub u64);

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_any(TextVisitor($kind))
                    .map(|a: Amount| $name(a.value))
            }
        }
    };
}

amount_type!(Lines, Kind::Lines, "A line count, written \"350 lines\".");
amount_type!(
    Bytes,
    Kind::Bytes,
    "A size, written \"4 MiB\", \"200 KB\" or \"512 B\"."
);
amount_type!(
    Millis,
    Kind::Millis,
    "A duration, written \"20s\", \"1m 30s\" or \"500ms\"."
);

struct TextVisitor(Kind);

impl Visitor<'_> for TextVisitor {
    type Value = Amount;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a string with a unit, like {}", self.0.example())
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Amount, E> {
        parse_amount(text, self.0).map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Amount, E> {
        Err(E::custom(bare_number(&n.to_string(), self.0)))
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Amount, E> {
        Err(E::custom(bare_number(&n.to_string(), self.0)))
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Amount, E> {
        Err(E::custom(bare_number(&n.to_string(), self.0)))
    }
}

fn bare_number(n: &str, kind: Kind) -> String {
    if n.starts_with('-') {
        return format!(
            "{n} is negative and has no unit: write a value like {}",
            kind.example()
        );
    }
    let example = match kind {
        Kind::Lines => format!("\"{n} lines\""),
        Kind::Bytes => format!("\"{n} B\" or \"{n} KiB\""),
        Kind::Millis => format!("\"{n}s\" or \"{n}ms\""),
    };
    format!("{n} has no unit: write it as a string with one, like {example}")
}

/// A tolerance, headroom or margin as written: "10%" or an amount with a unit.
#[derive(Debug, Clone, PartialEq)]
pub struct SlackText(pub String);

impl<'de> Deserialize<'de> for SlackText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = SlackText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "a percentage like \"10%\" or an amount with a unit")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<SlackText, E> {
                // The kind is known only from the key; check the syntax now, the kind later.
                let ok = [Kind::Lines, Kind::Bytes, Kind::Millis]
                    .iter()
                    .any(|k| parse_slack(text, *k).is_ok());
                match ok {
                    true => Ok(SlackText(text.to_string())),
                    false => Err(E::custom(
                        parse_slack(text, Kind::Millis).err().unwrap_or_default(),
                    )),
                }
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<SlackText, E> {
                Err(E::custom(format!(
                    "{n} has no unit: write a percentage like \"{n}%\""
                )))
            }
            fn visit_f64<E: de::Error>(self, n: f64) -> Result<SlackText, E> {
                Err(E::custom(format!(
                    "{n} has no unit: write a percentage like \"{n}%\""
                )))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
#[path = "units_tests.rs"]
mod tests;
