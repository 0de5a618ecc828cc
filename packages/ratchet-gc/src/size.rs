//! Sizes as people write them in `ratchet.toml` and on the command line: `"20 GB"`,
//! `"512 MiB"`, `"1.5GB"`, `"0"`, or a number of bytes.

/// Parses a size; `Err` carries a message that says what is accepted.
pub fn parse(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size (write e.g. `20 GB` or `512 MiB`)"))?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        "tb" => 1_000_000_000_000,
        "kib" => 1 << 10,
        "mib" => 1 << 20,
        "gib" => 1 << 30,
        "tib" => 1 << 40,
        other => {
            return Err(format!(
                "unknown unit `{other}` in `{text}` (use B, kB, MB, GB, TB, KiB, MiB, GiB or TiB)"
            ));
        }
    };
    // Sizes far beyond any disk saturate rather than wrap.
    Ok((number * factor as f64).min(u64::MAX as f64) as u64)
}

/// A size for people: `1.23 GB`.
pub fn show(bytes: u64) -> String {
    match bytes {
        b if b >= 1_000_000_000 => format!("{:.2} GB", b as f64 / 1e9),
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1e6),
        b => format!("{:.1} kB", b as f64 / 1e3),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units() {
        assert_eq!(parse("20 GB"), Ok(20_000_000_000));
        assert_eq!(parse("512MiB"), Ok(512 << 20));
        assert_eq!(parse("1.5 gb"), Ok(1_500_000_000));
        assert_eq!(parse("0"), Ok(0));
        assert!(parse("lots").is_err());
        assert!(parse("3 parsecs").is_err());
    }
}
