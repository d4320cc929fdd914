//! `plancat rules`: the catalog rules and built-in checks, or one of them explained.

use super::output::DataFormat;
use super::{Outcome, Output};
use crate::core::diag::Code;
use crate::core::rules;
use crate::edge::EdgeError;

/// List the catalog rules, or explain one (`plancat rules R0203`, `plancat rules tier-ladder`).
#[derive(clap::Args)]
#[command(after_help = "Examples:
  plancat rules                   # every rule and built-in check
  plancat rules tier-ladder       # one explained, with a bad and a good example
  plancat rules --format json     # for scripts and docs generators")]
pub struct Args {
    /// A rule's code or name, or a built-in check's code.
    rule: Option<String>,
    /// `json`: `{"rules": [{"code", "name", "default", "summary", "explanation"}], "checks":
    /// [{"code", "summary"}]}` (only the one asked for, when a rule is named).
    #[arg(long, value_enum, default_value_t = DataFormat::Human)]
    pub format: DataFormat,
}

pub fn run(args: &Args, out: &mut Output) -> Result<Outcome, EdgeError> {
    if args.format == DataFormat::Json {
        let key = args.rule.as_deref();
        // An unknown key is the same error as in text.
        if let Some(k) = key {
            rules::describe(k).map_err(EdgeError)?;
        }
        let matches =
            |code: &str, name: &str| key.is_none_or(|k| code.eq_ignore_ascii_case(k) || name == k);
        let rules: Vec<serde_json::Value> = rules::docs()
            .into_iter()
            .filter(|r| matches(r.code, r.name))
            .map(|r| {
                serde_json::json!({
                    "code": r.code,
                    "name": r.name,
                    "default": r.default.to_string(),
                    "summary": r.summary,
                    "explanation": r.explanation,
                })
            })
            .collect();
        let checks: Vec<serde_json::Value> = Code::ALL
            .iter()
            .filter(|c| matches(c.as_str(), ""))
            .map(|c| serde_json::json!({ "code": c.as_str(), "summary": c.summary() }))
            .collect();
        out.json(&serde_json::json!({ "rules": rules, "checks": checks }));
        return Ok(Outcome::Clean);
    }
    let text = match &args.rule {
        None => rules::listing(),
        Some(key) => rules::describe(key).map_err(EdgeError)?,
    };
    out.stdout(&text);
    Ok(Outcome::Clean)
}
