//! Events of `check` (filled in by the check work).
