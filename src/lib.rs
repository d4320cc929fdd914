//! plancat: a declarative plan-and-catalog compiler. Layered TOML/JSON plan files in;
//! validated, merged, versioned snapshots out. See ARCHITECTURE.md for the map.
//!
//! - [`core`]: the pure pipeline (no I/O).
//! - [`edge`]: the file system, the clock and the command line.
//! - [`consumer`]: for child APIs: resolve and verify published snapshots.

pub mod consumer;
pub mod core;
pub mod edge;
