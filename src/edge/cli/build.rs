//! `plancat build`: check the catalog, publish new snapshot versions, render the site.

use std::path::{Path, PathBuf};

use super::{Ctx, Format, Outcome, Output};
use crate::core::build;
use crate::core::model::ids::Instant;
use crate::core::rules;
use crate::core::source::Sources;
use crate::core::types::{self, Types};
use crate::edge::{EdgeError, cache, fs};

/// Check the catalog and publish new snapshot versions to `out/snapshots/`.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  plancat build
  plancat build --effective-from 2027-01-01T00:00:00Z
  plancat build --format github
  plancat build --emit-types web/src/generated

`--emit-types DIR` writes DIR/plancat.d.ts and DIR/plancat_ids.rs: every plan, tier, feature,
add-on and quota id of the catalog as TypeScript types and Rust enums, so an app that names a
tier the catalog does not have fails to compile. Written only by a build without errors, and
only when their bytes change.")]
pub struct Args {
    /// When new versions take effect, unless a plan's `release.effective_from` says
    /// otherwise (RFC 3339; default: now). Time-dependent rules are checked at it.
    #[arg(long, value_name = "TIME", value_parser = super::parse_instant)]
    effective_from: Option<Instant>,
    /// How problems are reported: `human` (stderr), `json`, `github` or `sarif` (stdout).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Run every stage even when nothing changed since the last clean build (the manifest
    /// `out/.plancat/manifest.json` is ignored, then rewritten).
    #[arg(long)]
    full: bool,
    /// Also write the catalog's ids for apps to DIR (`plancat.d.ts`, `plancat_ids.rs`);
    /// relative to the current directory.
    #[arg(long, value_name = "DIR")]
    emit_types: Option<PathBuf>,
}

pub fn run(args: &Args, cx: &Ctx, out: &mut Output) -> Result<Outcome, EdgeError> {
    let _lock = cx.lock_exclusive(out)?;
    fs::clear_staging(cx.root)?;
    let inputs = fs::read_inputs(cx.root, cx.now, args.effective_from)?;
    if !args.full
        && let Some(m) = cache::hit(cx.root, &inputs, true)
    {
        out.report(&[], &Sources::default(), args.format, &rules::docs());
        out.detail(
            "Skipped",
            &format!(
                "every stage: nothing changed since the last clean build (`{}`)",
                cache::MANIFEST
            ),
        );
        out.status(
            "Rendered",
            &format!("{} pages (`out/site/` was up to date)", m.pages),
        );
        if let Some(dir) = &args.emit_types {
            // The pipeline was skipped: compile the plans alone for their ids.
            emit_types(dir, &types::of_plans(&inputs.plans), out)?;
        }
        out.status("Finished", &m.build_summary);
        return Ok(Outcome::Clean);
    }
    // From here the manifest describes a past state: gone until this run ends clean. (Only
    // tidiness: a manifest applies to the exact inputs it was recorded for, and to no other.)
    let _ = cache::forget(cx.root);
    let a = build::build(&inputs);
    if out.report(&a.diags, a.sources(), args.format, &rules::docs()) {
        out.error("could not build: nothing was published");
        return Ok(Outcome::Problems);
    }
    fs::write_ledger(cx.root, &a.changes)?;
    // The ledger is committed: say what was published before anything else can fail.
    for path in a.changes.keys() {
        out.detail("Wrote", &format!("`out/snapshots/{path}`"));
    }
    if a.ledger.catalog_stale {
        out.status("Rewriting", "the catalog index `out/snapshots/index.json`");
    }
    for p in &a.publications {
        let s = &p.snapshot;
        let why = p.reasons.first().map(String::as_str).unwrap_or_default();
        let more = match p.reasons.len() {
            0 | 1 => String::new(),
            n => format!(" and {} more", n - 1),
        };
        out.status(
            "Published",
            &format!("{} {} ({why}{more})", s.slug, s.plan_version),
        );
    }
    let site_written = fs::write_site(cx.root, &a.site).map_err(|e| {
        let published = match a.publications.len() {
            0 => "the ledger is unchanged".to_string(),
            n => format!(
                "{} published (listed above) and committed",
                crate::core::diag::count(n, "version")
            ),
        };
        EdgeError(format!(
            "{e}\n  {published}, but `out/site/` is stale: fix this and run `plancat build` again to render it"
        ))
    })?;
    let site = match site_written {
        0 => "(`out/site/` was up to date)".to_string(),
        n => format!(
            "to `out/site/` ({} written or removed)",
            crate::core::diag::count(n, "file")
        ),
    };
    // A cache that cannot be written costs the next run its skip, not this build its result.
    if let Err(e) = cache::record(cx.root, &inputs, &a) {
        out.warning(&format!("the run manifest was not written: {e}"));
        let _ = cache::forget(cx.root);
    }
    out.status("Rendered", &format!("{} pages {site}", a.pages()));
    if let Some(dir) = &args.emit_types {
        emit_types(dir, &types::generate(&a.compiled), out)?;
    }
    out.status("Finished", &a.summary());
    // The process ends here: the OS frees the catalog's trees faster than dropping them would.
    std::mem::forget((a, inputs));
    Ok(Outcome::Clean)
}

/// Writes the typed ids to `dir`, each file only when its bytes change.
fn emit_types(dir: &Path, types: &Types, out: &mut Output) -> Result<(), EdgeError> {
    let mut written = Vec::new();
    for (name, text) in types.files() {
        let path = dir.join(name);
        if fs::write_if_changed(&path, text.as_bytes())? {
            out.detail("Wrote", &format!("`{}`", path.display()));
            written.push(name);
        }
    }
    let dir = dir.display();
    let what = match written.len() {
        0 => format!("(`{dir}` was up to date)"),
        _ => format!("to `{dir}` ({} written)", written.join(", ")),
    };
    out.status("Emitted", &format!("typed ids {what}"));
    Ok(())
}

impl Args {
    pub fn format(&self) -> Format {
        self.format
    }
}
