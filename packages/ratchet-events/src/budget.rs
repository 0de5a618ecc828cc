//! Events of `budget` (filled in by the budget work).
