//! Errors of a measurement, each naming the package it concerns.

/// A build that could not be measured.
#[derive(Debug, thiserror::Error)]
pub enum TimingError {
    /// Running or completing a build failed.
    #[error("cannot measure the build of `{package}`: {message}")]
    Measure {
        /// The package (or the calibration crate).
        package: String,
        /// What failed, with cargo's message when it has one.
        message: String,
    },
    /// Locking the scratch directory or writing the calibration crate failed.
    #[error(transparent)]
    Store(#[from] ratchet_store::StoreError),
}
