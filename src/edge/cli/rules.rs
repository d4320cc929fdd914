//! `plancat rules`: the catalog rules and built-in checks, or one of them explained.

use super::{Outcome, Output};
use crate::core::rules;
use crate::edge::EdgeError;

/// List the catalog rules, or explain one (`plancat rules R0203`, `plancat rules tier-ladder`).
#[derive(clap::Args)]
pub struct Args {
    /// A rule's code or name, or a built-in check's code.
    rule: Option<String>,
}

pub fn run(args: &Args, out: &mut Output) -> Result<Outcome, EdgeError> {
    let text = match &args.rule {
        None => rules::listing(),
        Some(key) => rules::describe(key).map_err(EdgeError)?,
    };
    out.stdout(&text);
    Ok(Outcome::Clean)
}
