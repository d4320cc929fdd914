//! The pure core: everything from file bytes to ledger contents, with no I/O.
//!
//! Invariant: nothing under `core` touches the file system, the clock or stdout; the edge
//! ([`crate::edge`]) reads inputs into memory and writes what the core returns.

pub mod build;
pub mod cache;
pub mod compile;
pub(crate) mod compute;
pub mod diag;
pub mod diff;
pub(crate) mod discover;
pub(crate) mod explain;
pub mod ledger;
pub(crate) mod merge;
pub mod messages;
pub mod model;
pub(crate) mod node;
pub(crate) mod pages;
pub(crate) mod parse;
pub(crate) mod path;
pub mod rules;
pub mod schema;
pub mod source;
pub mod types;
pub(crate) mod validate;
