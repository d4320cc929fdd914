//! `plancat completions SHELL` and `plancat man`: shell completions and the man page, generated
//! from the same clap definitions as `--help`, so they cannot drift from it.

use clap::CommandFactory;

use super::{Cli, Outcome, Output};
use crate::edge::EdgeError;

/// Print shell completions for plancat.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  plancat completions bash > ~/.local/share/bash-completion/completions/plancat
  plancat completions zsh > ~/.zfunc/_plancat
  plancat completions fish > ~/.config/fish/completions/plancat.fish")]
pub struct Args {
    /// The shell to complete in.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

/// Print plancat's man page (roff).
#[derive(clap::Args)]
#[command(after_help = "Examples:
  plancat man > ~/.local/share/man/man1/plancat.1 && man plancat")]
pub struct ManArgs {}

pub fn run(args: &Args, out: &mut Output) -> Result<Outcome, EdgeError> {
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "plancat", &mut buf);
    out.stdout(&String::from_utf8_lossy(&buf));
    Ok(Outcome::Clean)
}

pub fn man(out: &mut Output) -> Result<Outcome, EdgeError> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut buf)
        .map_err(|e| EdgeError(format!("failed to render the man page: {e}")))?;
    out.stdout(&String::from_utf8_lossy(&buf));
    Ok(Outcome::Clean)
}
