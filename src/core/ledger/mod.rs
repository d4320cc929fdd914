//! Stages 8–9: the ledger — versions, hashes and the published snapshot files.

pub mod hash;
pub mod wire;
