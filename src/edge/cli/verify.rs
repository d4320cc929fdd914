//! `plancat verify`: the published ledger's integrity, on its own.

use super::{Ctx, Format, Outcome, Output};
use crate::core::build;
use crate::core::rules;
use crate::edge::{EdgeError, fs};

/// Verify the published ledger: hashes, version order, fallbacks, indexes.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  plancat verify                  # after pulling a ledger someone else published
  plancat verify --format sarif > ledger.sarif")]
pub struct Args {
    /// How problems are reported: `human` (stderr), `json`, `github` or `sarif` (stdout).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

impl Args {
    pub fn format(&self) -> Format {
        self.format
    }
}

pub fn run(args: &Args, cx: &Ctx, out: &mut Output) -> Result<Outcome, EdgeError> {
    let v = build::verify(&fs::read_ledger(cx.root)?);
    if out.report(&v.diags, &v.sources, args.format, &rules::docs()) {
        return Ok(Outcome::Problems);
    }
    out.status("Verified", &v.summary());
    Ok(Outcome::Clean)
}
