//! `plancat check`: everything `build` checks, plus that the ledger is up to date.

use super::{Ctx, Format, Outcome, Output};
use crate::core::build;
use crate::core::model::ids::Instant;
use crate::core::rules;
use crate::core::source::Sources;
use crate::edge::{EdgeError, cache, fs};

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
    /// How problems are reported: `human` (stderr), `json`, `github` or `sarif` (stdout).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// A full proof: run every stage even when the inputs are those of the last clean build
    /// (the manifest `out/.plancat/manifest.json` is ignored).
    #[arg(long)]
    full: bool,
}

impl Args {
    pub fn format(&self) -> Format {
        self.format
    }
}

pub fn run(args: &Args, cx: &Ctx, out: &mut Output) -> Result<Outcome, EdgeError> {
    let inputs = fs::read_inputs(cx.root, cx.now, args.effective_from)?;
    if !args.full
        && let Some(m) = cache::hit(cx.root, &inputs, false)
    {
        out.report(&[], &Sources::default(), args.format, &rules::docs());
        out.detail("Skipped", &format!("every stage: the inputs are those of the last clean build (`{}`); `--full` runs them", cache::MANIFEST));
        out.status("Checked", &m.check_summary);
        return Ok(Outcome::Clean);
    }
    let a = build::check(&inputs);
    if out.report(&a.diags, a.sources(), args.format, &rules::docs()) {
        return Ok(Outcome::Problems);
    }
    out.status("Checked", &a.check_summary());
    // The process ends here: the OS frees the catalog's trees faster than dropping them would.
    std::mem::forget((a, inputs));
    Ok(Outcome::Clean)
}
