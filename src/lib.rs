//! plancat: a declarative plan-and-catalog compiler. Layered TOML/JSON plan files in;
//! validated, merged, versioned snapshots out. See ARCHITECTURE.md for the map.
//!
//! - [`core`]: the pure pipeline (no I/O).
//! - [`edge`]: the file system, the clock and the command line.
//!
//! The wire contract child APIs code against is the `plancat-consumer` crate.

pub mod core;
pub mod edge;
