//! `plancat yank`: withdraw (or restore) a published version.

use super::output::DataFormat;
use super::{Ctx, Outcome, Output};
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
  plancat yank shopcore-commerce-api 1.1.0 --undo
  plancat yank beta-api 1.0.0 --reason \"withdrawn from sale\" --yes   # its only live version

Withdrawing the last version in force (so clients find none) asks for confirmation on a
terminal, and needs --yes otherwise.")]
pub struct Args {
    /// The plan whose version is withdrawn or restored.
    slug: String,
    /// The published version, like `1.1.0`.
    version: semver::Version,
    /// Why it is withdrawn (recorded in the index). Required, except with --undo.
    #[arg(long, required_unless_present = "undo")]
    reason: Option<String>,
    /// Restore a withdrawn version.
    #[arg(long, conflicts_with = "reason")]
    undo: bool,
    /// The time recorded for the withdrawal (RFC 3339; default: now).
    #[arg(long, value_name = "TIME", value_parser = super::parse_instant)]
    at: Option<Instant>,
    /// Confirm withdrawing the last version in force (clients then find none).
    #[arg(long, short = 'y')]
    yes: bool,
    /// `json`: `{"slug", "version", "action", "in_force", "dependents"}` on stdout; an error is
    /// `{"error": …}` in the same document.
    #[arg(long, value_enum, default_value_t = DataFormat::Human)]
    pub format: DataFormat,
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
            if !y.left_with_nothing.is_empty()
                && !args.yes
                && !confirm(&args.slug, &args.version, at, &y.left_with_nothing)?
            {
                return Err(EdgeError(format!(
                    "nothing was changed: withdrawing {} {} leaves no version in force at {at}",
                    args.slug, args.version
                )));
            }
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
            if args.format == DataFormat::Json {
                out.json(&serde_json::json!({
                    "slug": args.slug,
                    "version": args.version.to_string(),
                    "action": if args.undo { "restored" } else { "withdrawn" },
                    "in_force": y.fallback,
                    "dependents": y.dependents,
                }));
            }
            Ok(Outcome::Clean)
        }
        Err(YankError::Unverified(v)) => {
            out.report(&v.diags, &v.sources, args.format.into(), &rules::docs());
            out.error("the ledger does not verify: nothing was changed");
            Ok(Outcome::Problems)
        }
        Err(YankError::UnknownSlug(message)) => Err(EdgeError(message)),
        Err(YankError::Refused(message)) => {
            // In JSON, the same document says why.
            out.fail(&message);
            Ok(Outcome::Problems)
        }
    }
}

/// Asks on a terminal whether to withdraw the last version in force; elsewhere (CI, a pipe)
/// there is no one to ask: it needs `--yes`.
fn confirm(
    slug: &str,
    version: &semver::Version,
    at: Instant,
    left_with_nothing: &[String],
) -> Result<bool, EdgeError> {
    use std::io::{BufRead, IsTerminal, Write};
    let question = if left_with_nothing.iter().any(|s| s == slug) {
        format!(
            "{slug} {version} is the last version of `{slug}` in force at {at}: withdrawn, clients \
             find none"
        )
    } else {
        // Only bundles computed from it are left with nothing.
        format!(
            "withdrawing {slug} {version} leaves bundles computed from it with no version in \
             force at {at}: {}",
            left_with_nothing.join(", ")
        )
    };
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return Err(EdgeError(format!(
            "{question}. Pass --yes to withdraw it anyway (nothing was changed)"
        )));
    }
    let mut err = std::io::stderr();
    let _ = write!(err, "{question}. Withdraw it? [y/N] ");
    let _ = err.flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| EdgeError(format!("could not read the answer: {e}")))?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "Yes"))
}
