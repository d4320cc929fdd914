//! `plancat explain`: a value of an applied plan and the layers behind it.

use super::{Ctx, Format, Outcome, Output};
use crate::core::build::{self, Explained};
use crate::core::rules;
use crate::edge::{EdgeError, fs};

/// Show the applied value(s) at a path of a plan and the layers behind each.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  plancat explain shopcore-commerce-api api.tiers.growth.price
  plancat explain my-frontend /catalog/cta/primary")]
pub struct Args {
    slug: String,
    /// A dotted path (`api.tiers.growth.price`) or JSON pointer (`/api/tiers/growth`);
    /// default: the whole plan.
    path: Option<String>,
}

pub fn run(args: &Args, cx: &Ctx, out: &mut Output) -> Result<Outcome, EdgeError> {
    let plans = fs::read_plans(cx.root)?;
    match build::explain(&plans, &args.slug, args.path.as_deref().unwrap_or("")) {
        Explained::Text(text) => {
            out.stdout(&text);
            Ok(Outcome::Clean)
        }
        Explained::Broken(compiled, diags) => {
            out.report(&diags, &compiled.sources, Format::Human, &rules::docs());
            Err(EdgeError(format!(
                "`{}` has errors: fix them to explain it",
                args.slug
            )))
        }
        Explained::Unknown(message) => Err(EdgeError(message)),
    }
}
