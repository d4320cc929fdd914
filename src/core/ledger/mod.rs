//! Stages 8–9: the ledger — which versions to publish, and the files that publish them. The
//! wire contract itself (types, hashing, verification, resolution) is the `plancat-consumer`
//! crate's, shared with child APIs.
//!
//! - `load`: the published ledger from bytes, verified, as diagnostics.
//! - `bump`: what a change means to a subscriber.
//! - `plan`: the new versions (number, `effective_from`, `rollback_to`, reasons).
//! - `render`: the files to write.
//! - `yank`: withdrawing and restoring versions.

pub mod bump;
pub(crate) mod load;
pub(crate) mod plan;
pub(crate) mod render;
pub(crate) mod yank;

pub(crate) use load::{in_force, load, orphans};
pub use plan::Publication;
pub(crate) use plan::{comparable, drafts, plan};
pub use plancat_consumer::check::{
    CATALOG_INDEX, Files as LedgerFiles, LEDGER_DIR, Loaded as Ledger, Published, pretty,
};
pub(crate) use render::render;
