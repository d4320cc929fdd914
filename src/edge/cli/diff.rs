//! `plancat diff`: what `build` would publish, field by field.

use clap::ValueEnum;

use super::{Ctx, Format, Outcome, Output};
use crate::core::build;
use crate::core::diag::count;
use crate::core::diff::{DiffReport, human};
use crate::core::model::ids::Instant;
use crate::core::rules;
use crate::edge::{EdgeError, fs};

/// Show what `build` would publish: per plan, every changed field, the version bump and
/// why. Exit 0 when nothing would change, 1 when something would, 2 on error.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  plancat diff
  plancat diff shopcore-commerce-api --lines
  plancat diff --format json > changes.json")]
pub struct Args {
    /// Only these plans (default: all).
    slugs: Vec<String>,
    /// When new versions would take effect, as `build --effective-from` (default: now).
    #[arg(long, value_name = "TIME", value_parser = super::parse_instant)]
    effective_from: Option<Instant>,
    /// `human` (one block per plan) or `json` (one document: every change, bump and reason).
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    format: DiffFormat,
    /// Also show a line diff of each plan's content.
    #[arg(long)]
    lines: bool,
}

/// How `diff` writes what would change.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DiffFormat {
    /// Field by field, with `~`, `+` and `-` (stdout).
    Human,
    /// One JSON document (stdout); problems in the catalog are reported on stderr.
    Json,
}

pub fn run(args: &Args, cx: &Ctx, out: &mut Output) -> Result<Outcome, EdgeError> {
    let a = build::build(&fs::read_inputs(cx.root, cx.now, args.effective_from)?);
    // Problems are shown with the diff (a reviewer wants both), and make the exit status 2.
    let errors = out.report(&a.diags, a.sources(), Format::Human, &rules::docs());
    let diffs = a.diffs(&args.slugs).map_err(EdgeError)?;
    match args.format {
        DiffFormat::Json => {
            let report = DiffReport {
                format_version: 1,
                changes: &diffs,
            };
            out.stdout(&(serde_json::to_string_pretty(&report).expect("JSON") + "\n"));
        }
        DiffFormat::Human => {
            out.stdout_diff(&human(&diffs, args.lines));
            // With errors there is no verdict: the error below says why.
            if !errors {
                let summary = match diffs.len() {
                    0 => "nothing would be published".to_string(),
                    n => format!("{} would publish a new version", count(n, "plan")),
                };
                out.status("Diffed", &summary);
            }
        }
    }
    if errors {
        return Err(EdgeError(
            "the catalog has errors: `build` would publish nothing until they are fixed".into(),
        ));
    }
    Ok(if diffs.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Problems
    })
}
