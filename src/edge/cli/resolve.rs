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
  plancat resolve shopcore-commerce-api --at 2027-01-01T00:00:00Z --existing
  plancat resolve shopcore-commerce-api --from https://plans.example.com --cache ~/.cache/plans")]
pub struct Args {
    /// The plan (project or product slug) to resolve.
    slug: String,
    /// The moment (RFC 3339; default: now).
    #[arg(long, value_name = "TIME", value_parser = super::parse_instant)]
    at: Option<Instant>,
    /// Resolve for existing subscribers (grandfathered versions reach them later).
    #[arg(long)]
    existing: bool,
    /// Fetch the ledger from a host serving a built site (`plancat serve`, or `out/site/` on
    /// any static host or CDN) instead of reading `out/snapshots/`; every file is verified.
    #[arg(long, value_name = "URL")]
    from: Option<String>,
    /// With `--from`: keep what was verified here, revalidate with ETags, and fall back to the
    /// last verified snapshot when the host is down or serves a file that fails verification.
    #[arg(long, value_name = "DIR", requires = "from")]
    cache: Option<std::path::PathBuf>,
}

pub fn run(args: &Args, cx: &Ctx, out: &mut Output) -> Result<Outcome, EdgeError> {
    let at = args.at.unwrap_or(cx.now);
    if let Some(url) = &args.from {
        return remote(args, url, at, out);
    }
    let _lock = cx.lock_shared(out)?;
    let (audience, whom) = audience(args);
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
        // An unknown slug is a usage error, the same exit status in every command.
        Err(e @ consumer::Error::UnknownSlug(_)) => Err(EdgeError(e.to_string())),
        Err(e) => {
            out.error(&e.to_string());
            Ok(Outcome::Problems)
        }
    }
}

fn audience(args: &Args) -> (Audience, &'static str) {
    if args.existing {
        (Audience::Existing, "existing subscribers")
    } else {
        (Audience::New, "new subscribers")
    }
}

/// `--from URL`: fetched and verified as a child API does ([`consumer::remote::Remote`]).
fn remote(args: &Args, url: &str, at: Instant, out: &mut Output) -> Result<Outcome, EdgeError> {
    let (audience, whom) = audience(args);
    let mut remote = consumer::remote::Remote::new(url);
    if let Some(dir) = &args.cache {
        remote = remote.cache(dir);
    }
    match remote.resolve(&args.slug, at, audience) {
        Ok(got) => {
            out.stdout(&String::from_utf8(pretty(&got.snapshot)).expect("JSON is UTF-8"));
            if let consumer::remote::Freshness::Cached { because } = &got.freshness {
                out.warning(&format!(
                    "{because}: this is the last verified snapshot from the cache"
                ));
            }
            out.status(
                "Resolved",
                &format!(
                    "{} {} for {whom} at {at} from {url}",
                    args.slug, got.snapshot.plan_version
                ),
            );
            Ok(Outcome::Clean)
        }
        // The host or the cache could not be read: an I/O failure (exit 2), not a verdict.
        Err(
            e @ (consumer::Error::Unavailable { .. }
            | consumer::Error::Io { .. }
            | consumer::Error::UnknownSlug(_)),
        ) => Err(EdgeError(e.to_string())),
        Err(e) => {
            out.error(&e.to_string());
            Ok(Outcome::Problems)
        }
    }
}
