//! The I/O edge: the file system, the clock and the terminal. Everything here is thin; the
//! work happens in [`crate::core`].
//!
//! Invariant: operational failures (a file that cannot be read, a directory that cannot be
//! created) are [`EdgeError`]s carrying the path, and end the run with exit status 2.

pub mod cache;
pub mod cli;
pub mod clock;
pub mod fs;
pub mod serve;

use std::fmt;
use std::path::Path;

/// An I/O or usage failure: not a problem in the catalog.
#[derive(Debug)]
pub struct EdgeError(pub String);

impl EdgeError {
    pub fn io(action: &str, path: &Path, e: std::io::Error) -> EdgeError {
        EdgeError(format!("failed to {action} `{}`: {e}", path.display()))
    }
}

/// Paths in the message are the user's file names: printed with control characters pictured
/// ([`crate::core::diag::printable_lines`]).
impl fmt::Display for EdgeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::core::diag::printable_lines(&self.0))
    }
}
