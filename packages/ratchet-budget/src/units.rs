//! Quantities as people write them in `ratchet.toml`: "350 lines", "4 MiB", "20s", "1m 30s",
//! "10%". Parsing is by hand, in exact integer arithmetic: one small grammar covers all three
//! kinds with one style of error message, accepts "1,200 lines" and "2.5 s" alike, and refuses
//! what cannot be a ceiling (a bare number, a fraction of a line, a value past `u64`) instead of
//! rounding or wrapping it. (`humantime` and `bytesize` parse through floats or not at all these
//! spellings, so they are not used.)

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
    /// The unit as messages spell it.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Lines => "lines",
            Kind::Bytes => "bytes",
            Kind::Millis => "ms",
        }
    }

    /// The unit as JSON events name it.
    pub fn unit(self) -> ratchet_events::budget::Unit {
        match self {
            Kind::Lines => ratchet_events::budget::Unit::Lines,
            Kind::Bytes => ratchet_events::budget::Unit::Bytes,
            Kind::Millis => ratchet_events::budget::Unit::Ms,
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
    /// The slack, in base units, around a ceiling of `base` (saturating, never wrapping).
    pub fn of(self, base: u64) -> u64 {
        match self {
            Slack::Fraction(f) => (base as f64 * f).round() as u64,
            Slack::Absolute(a) => a.value,
        }
    }
}

/// Parses `text` as an amount of `kind`; the error says what was expected.
pub fn parse_amount(text: &str, kind: Kind) -> Result<Amount, String> {
    let mut total: u128 = 0;
    for (number, unit) in terms(text)? {
        let (unit_kind, factor) = unit_factor(&unit).ok_or_else(|| {
            format!(
                "unknown unit `{unit}` in \"{text}\": write it like {}",
                kind.example()
            )
        })?;
        if unit_kind != kind {
            return Err(format!(
                "\"{text}\" is {}, but this key takes {}: write it like {}",
                unit_kind.name(),
                kind.name(),
                kind.example()
            ));
        }
        let (whole, fraction) = number.split_once('.').unwrap_or((&number, ""));
        let fraction = fraction.trim_end_matches('0');
        if factor == 1 && !fraction.is_empty() {
            return Err(format!(
                "\"{text}\" is not a whole number of {}: there is no fraction of one",
                kind.name()
            ));
        }
        // Down, so that "11.6 MiB" reads back as at most 11.6 MiB and is shown as written.
        let too_large = || too_large(text, kind);
        let digits: u128 = format!("{whole}{fraction}0")
            .parse()
            .map_err(|_| too_large())?;
        let scale = u32::try_from(fraction.len() + 1)
            .ok()
            .and_then(|n| 10u128.checked_pow(n))
            .ok_or_else(too_large)?;
        let value = digits.checked_mul(factor).ok_or_else(too_large)? / scale;
        total = total.checked_add(value).ok_or_else(too_large)?;
    }
    let value = u64::try_from(total).map_err(|_| too_large(text, kind))?;
    Ok(Amount { kind, value })
}

fn too_large(text: &str, kind: Kind) -> String {
    format!(
        "\"{text}\" is too large: a ceiling is at most {} {}",
        u64::MAX,
        kind.name()
    )
}

/// Parses a slack: "10%" or an amount of `kind`.
pub fn parse_slack(text: &str, kind: Kind) -> Result<Slack, String> {
    match text.trim().strip_suffix('%') {
        Some(number) => {
            let f: f64 = number
                .trim()
                .parse()
                .ok()
                .filter(|f: &f64| f.is_finite())
                .ok_or_else(|| format!("\"{text}\" is not a percentage: write it like \"10%\""))?;
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

/// Splits "1m 30s" into `[("1", "m"), ("30", "s")]` (digits and at most one `.`, separators
/// `_` and `,` dropped), refusing negatives and bare numbers.
fn terms(text: &str) -> Result<Vec<(String, String)>, String> {
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
        if !number.chars().any(|c| c.is_ascii_digit()) || number.matches('.').count() > 1 {
            return Err(format!(
                "cannot read \"{text}\": write a number and a unit, like \"20s\""
            ));
        }
        rest = rest[number_len..].trim_start();
        let unit_len = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        if unit_len == 0 {
            return Err(format!(
                "\"{text}\" has no unit: write \"{number} lines\", \"{number} KiB\" or \"{number}s\""
            ));
        }
        out.push((number, rest[..unit_len].to_string()));
        rest = rest[unit_len..].trim_start();
    }
    if out.is_empty() {
        return Err("empty value: write a number and a unit, like \"20s\"".to_string());
    }
    Ok(out)
}

/// The kind a unit counts and how many base units one of it is.
fn unit_factor(unit: &str) -> Option<(Kind, u128)> {
    let bytes = |f: u128| Some((Kind::Bytes, f));
    let millis = |f: u128| Some((Kind::Millis, f));
    match unit {
        "line" | "lines" => Some((Kind::Lines, 1)),
        "B" | "b" | "byte" | "bytes" => bytes(1),
        "KB" | "kB" | "kb" => bytes(1000),
        "MB" | "mb" => bytes(1000 * 1000),
        "GB" | "gb" => bytes(1000 * 1000 * 1000),
        "KiB" | "kiB" | "kib" => bytes(1 << 10),
        "MiB" | "mib" => bytes(1 << 20),
        "GiB" | "gib" => bytes(1 << 30),
        "ms" => millis(1),
        "s" | "sec" | "secs" | "second" | "seconds" => millis(1000),
        "m" | "min" | "mins" | "minute" | "minutes" => millis(60 * 1000),
        "h" | "hour" | "hours" => millis(3600 * 1000),
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
    let tenths = (u128::from(v) * 10).div_ceil(u128::from(unit));
    if tenths.is_multiple_of(10) {
        format!("{}", tenths / 10)
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

/// A value of `ratchet.toml` as written, read once its key (hence its kind) is known, so that
/// every error names the key and its line.
#[derive(Debug, Clone, PartialEq)]
pub enum Text {
    /// A string, such as "350 lines" or "10%".
    Str(String),
    /// A bare number, which is refused with a suggestion when read.
    Number(String),
}

impl Text {
    /// Reads it as an amount of `kind`.
    pub fn amount(&self, kind: Kind) -> Result<Amount, String> {
        match self {
            Text::Str(text) => parse_amount(text, kind),
            Text::Number(n) => Err(bare_number(n, kind)),
        }
    }

    /// Reads it as a slack of `kind`: a percentage or an amount.
    pub fn slack(&self, kind: Kind) -> Result<Slack, String> {
        match self {
            Text::Str(text) => parse_slack(text, kind),
            Text::Number(n) => Err(format!("{n} has no unit: write a percentage like \"{n}%\"")),
        }
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(
                    f,
                    "a string with a unit, like \"350 lines\", \"4 MiB\" or \"10%\""
                )
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Text, E> {
                Ok(Text::Str(text.to_string()))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Text, E> {
                Ok(Text::Number(n.to_string()))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Text, E> {
                Ok(Text::Number(n.to_string()))
            }
            fn visit_f64<E: de::Error>(self, n: f64) -> Result<Text, E> {
                Ok(Text::Number(n.to_string()))
            }
        }
        d.deserialize_any(V)
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
