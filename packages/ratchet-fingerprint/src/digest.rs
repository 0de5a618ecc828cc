//! The one spelling of a content hash in fingerprints: blake3, as lowercase hex. It imports
//! nothing of this crate, so every file that hashes may use it.

/// The blake3 hash of `bytes`, as lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}
