//! `plancat resolve`: the snapshot in force at a moment, read and verified as a child API does.

use plancat_consumer::{self as consumer, Audience};

use super::{Ctx, Outcome, Output};
use crate::core::ledger::{LEDGER_DIR, pretty};
use crate::core::model::ids::Instant;
use crate::edge::EdgeError;

/// Print the snapshot of a plan in force at a moment (verified against the ledger).
#[derive(clap::Args)]
#[command(after_help = "Examples:
  plancat resolve shopcore-commerce-api
  plancat resolve shopcore-commerce-api --at 2027-01-01T00:00:00Z --existing")]
pub struct Args {
    slug: String,
    /// The moment (RFC 3339; default: now).
    #[arg(long, value_name = "TIME", value_parser = super::parse_instant)]
    at: Option<Instant>,
    /// Resolve for existing subscribers (grandfathered versions reach them later).
    #[arg(long)]
    existing: bool,
}

pub fn run(args: &Args, cx: &Ctx, out: &mut Output) -> Result<Outcome, EdgeError> {
    let _lock = cx.lock_shared(out)?;
    let at = args.at.unwrap_or(cx.now);
    let (audience, whom) = if args.existing {
        (Audience::Existing, "existing subscribers")
    } else {
        (Audience::New, "new subscribers")
    };
    let resolved = consumer::Ledger::open(cx.root.join(LEDGER_DIR))
        .and_then(|ledger| ledger.resolve(&args.slug, at, audience));
    match resolved {
        Ok(snapshot) => {
            out.stdout(&String::from_utf8(pretty(&snapshot)).expect("JSON is UTF-8"));
            out.status(
                "Resolved",
                &format!("{} {} for {whom} at {at}", args.slug, snapshot.plan_version),
            );
            Ok(Outcome::Clean)
        }
        Err(consumer::Error::Io { path, source }) => Err(EdgeError::io("read", &path, source)),
        Err(e) => {
            out.error(&e.to_string());
            Ok(Outcome::Problems)
        }
    }
}
