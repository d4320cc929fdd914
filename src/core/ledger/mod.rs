//! Stages 8–9: the ledger — versions, hashes and the published snapshot files.

pub mod bump;
pub mod hash;
pub mod publish;
pub mod resolve;
pub mod wire;
