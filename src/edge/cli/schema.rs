//! `plancat schema`: write `schemas/`, or check it is what the types generate.

use super::{Ctx, Outcome, Output};
use crate::core::schema;
use crate::edge::{EdgeError, fs};

/// Write the JSON Schemas to `schemas/`, or check that they are up to date.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  plancat schema            # refresh schemas/ for editors (taplo, VS Code) after upgrading plancat
  plancat schema --check    # in CI: fail when schemas/ is stale")]
pub struct Args {
    /// Fail if `schemas/` differs from what the Rust types generate.
    #[arg(long)]
    check: bool,
}

pub fn run(args: &Args, cx: &Ctx, out: &mut Output) -> Result<Outcome, EdgeError> {
    let dir = cx.root.join("schemas");
    let mut stale = 0;
    for (name, text) in schema::all() {
        let path = dir.join(name);
        if !args.check {
            fs::write_atomic(&path, text.as_bytes())?;
            continue;
        }
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current != text {
            stale += 1;
            out.error(&format!("`schemas/{name}` is out of date"));
            let diff = similar::TextDiff::from_lines(&current, &text);
            out.stderr(&format!(
                "{}",
                diff.unified_diff()
                    .context_radius(2)
                    .header(&format!("schemas/{name}"), "generated")
            ));
        }
    }
    if stale > 0 {
        out.error(&format!(
            "{stale} schema file(s) out of date: run `plancat schema`"
        ));
        return Ok(Outcome::Problems);
    }
    let verb = if args.check { "Checked" } else { "Wrote" };
    let n = schema::Which::ALL.len();
    out.status(verb, &format!("{n} schemas in `schemas/`"));
    Ok(Outcome::Clean)
}
