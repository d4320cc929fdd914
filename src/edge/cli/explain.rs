//! `plancat explain`: a value of an applied plan and the layers behind it.

use super::output::DataFormat;
use super::{Ctx, Outcome, Output};
use crate::core::build::{self, Explained};
use crate::core::explain;
use crate::core::rules;
use crate::edge::{EdgeError, fs};

/// Show the applied value(s) at a path of a plan and the layers behind each.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  plancat explain shopcore-commerce-api api.tiers.growth.price
  plancat explain my-frontend /catalog/cta/primary
  plancat explain shopcore-commerce-api tiers.growth --format json   # for scripts")]
pub struct Args {
    /// The plan (project or product slug), like `shopcore-commerce-api`.
    slug: String,
    /// A dotted path (`api.tiers.growth.price`) or JSON pointer (`/api/tiers/growth`);
    /// default: the whole plan.
    path: Option<String>,
    /// `json`: `{"slug", "path", "entries": [{"path", "kind", …}]}` on stdout (`kind`: `set`,
    /// `removed`, `default`, `not_stated`); an error is `{"error": …}` in the same document.
    #[arg(long, value_enum, default_value_t = DataFormat::Human)]
    pub format: DataFormat,
}

pub fn run(args: &Args, cx: &Ctx, out: &mut Output) -> Result<Outcome, EdgeError> {
    let plans = fs::read_plans(cx.root)?;
    match build::explain(&plans, &args.slug, args.path.as_deref().unwrap_or("")) {
        Explained::Entries(entries) => {
            match args.format {
                DataFormat::Human => out.stdout(&explain::render(&entries)),
                DataFormat::Json => out.json(&serde_json::json!({
                    "slug": args.slug,
                    "path": args.path.clone().unwrap_or_default(),
                    "entries": entries,
                })),
            }
            Ok(Outcome::Clean)
        }
        Explained::Broken(compiled, diags) => {
            out.report(
                &diags,
                &compiled.sources,
                args.format.into(),
                &rules::docs(),
            );
            Err(EdgeError(format!(
                "`{}` has errors: fix them to explain it",
                args.slug
            )))
        }
        Explained::Unknown(message) => Err(EdgeError(message)),
    }
}
