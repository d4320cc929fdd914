//! `plancat messages [--lang de]`: every page message key with its text in a shipped language,
//! as TOML a catalog can paste under `[catalog.messages]` and change.

use super::{Outcome, Output};
use crate::core::messages;
use crate::edge::EdgeError;

/// Print every page message with its built-in text, as TOML for `[catalog.messages]`.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  plancat messages                 # English
  plancat messages --lang de       # German; also: hi
  plancat messages --lang de > messages.toml   # then copy the lines you change into core")]
pub struct Args {
    /// A shipped language: en, de or hi.
    #[arg(long, default_value = "en")]
    lang: String,
}

pub fn run(args: &Args, out: &mut Output) -> Result<Outcome, EdgeError> {
    let Some((_, text)) = messages::BUILTIN.iter().find(|(l, _)| *l == args.lang) else {
        let shipped: Vec<&str> = messages::BUILTIN.iter().map(|(l, _)| *l).collect();
        return Err(EdgeError(format!(
            "plancat ships no messages in `{}`: the shipped languages are {}",
            args.lang,
            shipped.join(", ")
        )));
    };
    // Ready to paste into a core file: the table header, then every key.
    let body: String = text
        .lines()
        .skip_while(|l| l.starts_with('#') || l.is_empty())
        .map(|l| format!("{l}\n"))
        .collect();
    out.stdout(&format!(
        "# plancat's page messages in `{}`. Copy the lines you change into a core file (like\n# plans/core/00-catalog.toml), under this header; `{{name}}` is filled in by plancat.\n[catalog.messages]\n{body}",
        args.lang
    ));
    Ok(Outcome::Clean)
}
