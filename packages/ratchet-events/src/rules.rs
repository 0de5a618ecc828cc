//! Events of `rules` (filled in by the rules work).
