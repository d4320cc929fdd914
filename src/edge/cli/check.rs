//! `plancat check`: everything `build` checks, plus that the ledger is up to date.

use super::{Ctx, Format, Outcome, Output};
use crate::core::build;
use crate::core::model::ids::Instant;
use crate::core::rules;
use crate::edge::{EdgeError, fs};

/// Everything `build` checks, plus that `out/snapshots/` is up to date; writes nothing.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  plancat check
  plancat check --format sarif > plancat.sarif")]
pub struct Args {
    /// The moment time-dependent rules are checked at, as `build --effective-from`
    /// (default: now).
    #[arg(long, value_name = "TIME", value_parser = super::parse_instant)]
    effective_from: Option<Instant>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

pub fn run(args: &Args, cx: &Ctx, out: &mut Output) -> Result<Outcome, EdgeError> {
    let a = build::check(&fs::read_inputs(cx.root, cx.now, args.effective_from)?);
    if out.report(&a.diags, a.sources(), args.format, &rules::docs()) {
        return Ok(Outcome::Problems);
    }
    out.status("Checked", &a.check_summary());
    Ok(Outcome::Clean)
}
