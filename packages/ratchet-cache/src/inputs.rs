//! The inputs a pass was recorded with (beyond what its key names by hash): each package's
//! learned, observed and declared inputs (path or `env:NAME` -> hash of the content or value),
//! stored once per distinct set in the package's file, so that `check --verify` can say which
//! of them differ when a cached pass fails again.

use std::collections::BTreeMap;

/// Entries kept per record; the rest are counted under [`MORE`], so the file stays small.
const KEPT: usize = 256;

/// The key under which a record counts the entries it left out.
const MORE: &str = "...";

/// One record: input -> hash.
pub(crate) type Record = BTreeMap<String, String>;

/// `inputs`, cut to [`KEPT`] entries, and its id (a hash of its lines).
pub(crate) fn record(inputs: &BTreeMap<String, String>) -> (String, Record) {
    let mut record: Record = inputs
        .iter()
        .take(KEPT)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if inputs.len() > KEPT {
        record.insert(MORE.to_string(), (inputs.len() - KEPT).to_string());
    }
    let mut hasher = blake3::Hasher::new();
    for (k, v) in &record {
        for bytes in [k.as_bytes(), v.as_bytes()] {
            hasher.update(&(bytes.len() as u64).to_le_bytes());
            hasher.update(bytes);
        }
    }
    (hasher.finalize().to_hex()[..16].to_string(), record)
}

/// Which inputs differ between `recorded` (with a pass) and `now`, one line each, in the
/// inputs' order.
pub fn differing(recorded: &Record, now: &BTreeMap<String, String>) -> Vec<String> {
    let mut out = Vec::new();
    for (input, hash) in recorded.iter().filter(|(k, _)| *k != MORE) {
        match now.get(input) {
            Some(now) if now != hash => out.push(format!("{input} (changed since the pass)")),
            Some(_) => {}
            None => out.push(format!("{input} (read by the pass; gone, or not read now)")),
        }
    }
    let cut = recorded.contains_key(MORE);
    for input in now.keys().filter(|k| !recorded.contains_key(*k)) {
        if !cut {
            out.push(format!("{input} (read now, not by the pass)"));
        }
    }
    out.sort();
    out
}

/// What to tell about a cached pass that failed when run again, given the inputs that differ
/// from its record (`None`: no record).
pub fn non_hermetic_message(differing: Option<&[String]>) -> String {
    let why = match differing {
        Some([]) => "none of the inputs recorded with it differ, so it depends on something \
                     ratchet does not observe (a file outside the workspace, a variable read at \
                     run time, the clock, the network)"
            .to_string(),
        Some(inputs) => format!("inputs that differ from its record: {}", inputs.join(", ")),
        None => "it depends on something ratchet does not fingerprint".to_string(),
    };
    format!(
        "it passed before at the same fingerprint and fails now; {why}; declare what it reads \
         in [inputs] of ratchet.toml; its pass is dropped"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(items: &[(&str, &str)]) -> BTreeMap<String, String> {
        items
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn changed_gone_and_new_inputs_are_named() {
        let then = map(&[("a.txt", "1"), ("b.txt", "2"), ("env:X", "3")]);
        let now = map(&[("a.txt", "1"), ("b.txt", "9"), ("c/", "4")]);
        assert_eq!(
            differing(&then, &now),
            [
                "b.txt (changed since the pass)",
                "c/ (read now, not by the pass)",
                "env:X (read by the pass; gone, or not read now)",
            ]
        );
        assert!(differing(&then, &then).is_empty());
    }

    #[test]
    fn a_long_record_is_cut_and_its_id_follows_its_content() {
        let long: BTreeMap<String, String> =
            (0..300).map(|i| (format!("f{i:03}"), "h".into())).collect();
        let (id, record) = record(&long);
        assert_eq!(record.len(), KEPT + 1);
        assert_eq!(record[MORE], "44");
        assert_ne!(id, super::record(&map(&[("a", "1")])).0);
        assert_eq!(super::record(&map(&[])).0, super::record(&map(&[])).0);
    }
}
