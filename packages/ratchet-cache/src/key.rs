//! The verdict key: blake3 over named, length-prefixed parts.

/// The parts a verdict is keyed by. Each is hashed under its own name and length, so two
/// different sets of parts never give the same key, and a value moved from one part to
/// another gives another key. Built in one place, `ratchet-cli`'s `check/key.rs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyParts<'a> {
    /// The package's fingerprint that the step's result depends on (full or own).
    pub fingerprint: &'a str,
    /// The step's name.
    pub step: &'a str,
    /// What identifies the step's configuration (its arguments, its tool).
    pub step_config: &'a str,
    /// ratchet's version: a new ratchet never trusts an old one's passes.
    pub tool_version: &'a str,
    /// Further named parts (such as a feature set or a hash of learned inputs), in order;
    /// empty when there are none, which leaves the key of the four parts above unchanged.
    pub extra: &'a [(&'a str, &'a str)],
}

/// The identity of one verdict: a step on one package at one content.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VerdictKey(pub(crate) String);

impl VerdictKey {
    /// The key of `parts`: blake3 over each part's name and value, each length-prefixed.
    pub fn of(parts: &KeyParts<'_>) -> VerdictKey {
        let mut hasher = blake3::Hasher::new();
        let fixed = [
            ("fingerprint", parts.fingerprint),
            ("step", parts.step),
            ("step_config", parts.step_config),
            ("tool_version", parts.tool_version),
        ];
        for (name, value) in fixed.iter().chain(parts.extra) {
            for bytes in [name.as_bytes(), value.as_bytes()] {
                hasher.update(&(bytes.len() as u64).to_le_bytes());
                hasher.update(bytes);
            }
        }
        VerdictKey(hasher.finalize().to_hex().to_string())
    }

    /// The key as lowercase hex.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
