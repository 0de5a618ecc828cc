//! The arithmetic of robust timing: medians and normalization to a reference machine.

/// The median of `values` (the lower middle for an even count); 0 for none.
pub fn median(values: &[u64]) -> u64 {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    sorted
        .get(sorted.len().saturating_sub(1) / 2)
        .copied()
        .unwrap_or(0)
}

/// Reference calibration over this run's calibration `now`: what scales a time measured here
/// to the reference machine. 1 without a reference (or without a calibration time).
pub fn ratio(reference: Option<u64>, now: u64) -> f64 {
    match reference {
        Some(reference) if now > 0 => reference as f64 / now as f64,
        _ => 1.0,
    }
}

/// `value` scaled to the reference machine.
pub fn normalize(value: u64, ratio: f64) -> u64 {
    (value as f64 * ratio).round() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_takes_the_middle() {
        assert_eq!(median(&[]), 0);
        assert_eq!(median(&[5]), 5);
        assert_eq!(median(&[9, 1, 5]), 5);
        assert_eq!(median(&[4, 1, 9, 5]), 4);
    }

    #[test]
    fn ratio_scales_to_the_reference_only_when_there_is_one() {
        assert_eq!(ratio(None, 500), 1.0, "no reference: times as measured");
        assert_eq!(ratio(Some(1000), 0), 1.0, "no calibration time: no ratio");
        assert_eq!(ratio(Some(1000), 500), 2.0, "this machine is twice as fast");
        assert_eq!(normalize(3, 1.5), 5, "rounded to the nearest ms");
        assert_eq!(normalize(700, ratio(Some(1000), 500)), 1400);
    }
}
