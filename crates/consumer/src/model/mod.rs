//! The published plan's vocabulary (SPEC §2): what a snapshot's `plan` and `catalog` hold.
//! The compiler deserializes plan files into these same types, so a child API reads exactly
//! the values the catalog stated.
//!
//! Invariant: no `f64` — money is `Decimal` checked against the currency's minor unit;
//! identifiers and instants are validated newtypes whose `Deserialize` is their constructor.

pub mod api;
pub mod catalog;
pub mod ids;
pub mod interval;
pub mod money;
pub mod product;
