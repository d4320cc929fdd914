//! `plancat yank`: withdraw (or restore) a published version.

use super::{Ctx, Format, Outcome, Output};
use crate::core::build::{self, YankError};
use crate::core::model::ids::Instant;
use crate::core::rules;
use plancat_consumer::wire::Yanked;

use crate::edge::{EdgeError, fs};

/// Withdraw a published version: resolution skips it and clients fall back to its
/// `rollback_to`. Its file stays, unchanged.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  plancat yank shopcore-commerce-api 1.1.0 --reason \"wrong INR price\"
  plancat yank shopcore-commerce-api 1.1.0 --undo")]
pub struct Args {
    slug: String,
    version: semver::Version,
    /// Why it is withdrawn (recorded in the index).
    #[arg(long, required_unless_present = "undo")]
    reason: Option<String>,
    /// Restore a withdrawn version.
    #[arg(long, conflicts_with = "reason")]
    undo: bool,
    /// The time recorded for the withdrawal (RFC 3339; default: now).
    #[arg(long, value_name = "TIME", value_parser = super::parse_instant)]
    at: Option<Instant>,
}

pub fn run(args: &Args, cx: &Ctx, out: &mut Output) -> Result<Outcome, EdgeError> {
    let _lock = cx.lock_exclusive(out)?;
    fs::clear_staging(cx.root)?;
    let at = args.at.unwrap_or(cx.now);
    let yanked = (!args.undo).then(|| Yanked {
        reason: args.reason.clone().unwrap_or_default(),
        at,
        with: None,
    });
    let files = fs::read_ledger(cx.root)?;
    match build::yank(&files, &args.slug, &args.version, yanked, at) {
        Ok(y) => {
            fs::write_ledger(cx.root, &y.changes)?;
            let verb = if args.undo { "Restored" } else { "Yanked" };
            out.status(
                verb,
                &format!("{} {}: {}", args.slug, args.version, y.fallback),
            );
            // Derived versions computed from it follow it.
            for d in &y.dependents {
                out.status(verb, &format!("{d} (computed from it)"));
            }
            Ok(Outcome::Clean)
        }
        Err(YankError::Unverified(v)) => {
            out.report(&v.diags, &v.sources, Format::Human, &rules::docs());
            out.error("the ledger does not verify: nothing was changed");
            Ok(Outcome::Problems)
        }
        Err(YankError::Refused(message)) => {
            out.error(&message);
            Ok(Outcome::Problems)
        }
    }
}
