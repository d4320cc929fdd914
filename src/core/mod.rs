//! The pure core: everything from file bytes to ledger contents, with no I/O.
//!
//! Invariant: nothing under `core` touches the file system, the clock or stdout; the edge
//! ([`crate::edge`]) reads inputs into memory and writes what the core returns.

pub mod build;
pub mod compile;
pub mod compute;
pub mod diag;
pub mod diff;
pub mod discover;
pub mod explain;
pub mod ledger;
pub mod merge;
pub mod model;
pub mod node;
pub mod pages;
pub mod parse;
pub mod path;
pub mod rules;
pub mod schema;
pub mod source;
pub mod validate;
