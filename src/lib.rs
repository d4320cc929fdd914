//! plancat: a declarative plan-and-catalog compiler. See ARCHITECTURE.md for the map.

pub mod core;
