//! The command line (clap derive): one file per command, each a few dozen lines of argument
//! handling and output over [`crate::core::build`]. One exit path: [`main`] maps outcomes to 0
//! (clean), 1 (problems in the catalog), 2 (usage, I/O or internal error).

mod build;
mod check;
mod completions;
mod diff;
mod explain;
mod init;
mod messages;
mod new;
mod output;
mod resolve;
mod rules;
mod schema;
mod serve;
mod verify;
mod yank;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use output::{Format, Output, Verbosity};

use super::EdgeError;
use crate::core::model::ids::Instant;

#[derive(Parser)]
#[command(
    name = "plancat",
    version,
    about = "Compile layered plan and catalog files into versioned snapshots",
    after_help = "Run `plancat <COMMAND> --help` for a command's options and examples."
)]
pub struct Cli {
    /// The catalog's root directory (holding `plans/`). Default: the current directory or the
    /// nearest one above it that holds `plans/`, as cargo finds `Cargo.toml`.
    #[arg(long, global = true, value_name = "DIR")]
    root: Option<PathBuf>,
    /// When to colour output; `auto` colours each stream that is a terminal, honouring
    /// NO_COLOR and CLICOLOR_FORCE.
    #[arg(long, global = true, value_enum, default_value_t = output::ColorChoice::Auto)]
    color: output::ColorChoice,
    /// The moment the run treats as now (RFC 3339). Default: `SOURCE_DATE_EPOCH` (seconds
    /// since 1970) when set, else the system clock. Pin it for reproducible runs.
    #[arg(long, global = true, value_name = "TIME", value_parser = parse_instant)]
    now: Option<Instant>,
    /// How long to wait for another plancat run on the same catalog before giving up (exit 2).
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 60)]
    lock_timeout: u64,
    /// Print only problems (no status lines).
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print more: every plan checked, every file written.
    #[arg(short, long, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Build(build::Args),
    Check(check::Args),
    Diff(diff::Args),
    Explain(explain::Args),
    Resolve(resolve::Args),
    Yank(yank::Args),
    Verify(verify::Args),
    Rules(rules::Args),
    Schema(schema::Args),
    Serve(serve::Args),
    Init(init::Args),
    New(new::Args),
    Completions(completions::Args),
    Man(completions::ManArgs),
    Messages(messages::Args),
}

/// Problems in the catalog (exit 1), as opposed to success (0) or an [`EdgeError`] (2).
pub enum Outcome {
    Clean,
    Problems,
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let verbosity = match (cli.quiet, cli.verbose) {
        (true, _) => Verbosity::Quiet,
        (_, true) => Verbosity::Verbose,
        _ => Verbosity::Normal,
    };
    let mut out = Output::new(cli.color, verbosity);
    out.machine = match &cli.command {
        Command::Build(a) => Some(a.format()),
        Command::Check(a) => Some(a.format()),
        Command::Verify(a) => Some(a.format()),
        Command::Explain(a) => Some(a.format.into()),
        Command::Rules(a) => Some(a.format.into()),
        Command::Yank(a) => Some(a.format.into()),
        _ => None,
    };
    match run(&cli, &mut out) {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Problems) => ExitCode::from(1),
        Err(e) => {
            out.fail(&e.to_string());
            ExitCode::from(2)
        }
    }
}

/// What every command may use: the catalog root and the moment of the run.
pub struct Ctx<'a> {
    pub root: &'a std::path::Path,
    pub now: Instant,
    pub lock_timeout: std::time::Duration,
}

impl Ctx<'_> {
    /// The exclusive catalog lock (build, yank), saying whom it waits for.
    pub fn lock_exclusive(&self, out: &mut Output) -> Result<super::fs::LedgerLock, EdgeError> {
        super::fs::LedgerLock::exclusive(self.root, self.lock_timeout, &mut |m| {
            out.status("Blocking", m)
        })
    }

    /// The shared catalog lock (check, diff, verify, resolve).
    pub fn lock_shared(&self, out: &mut Output) -> Result<super::fs::LedgerLock, EdgeError> {
        super::fs::LedgerLock::shared(self.root, self.lock_timeout, &mut |m| {
            out.status("Blocking", m)
        })
    }
}

/// The catalog a run without `--root` works on: the current directory or the nearest ancestor
/// that holds `plans/`; the current directory when none does (its commands then say `plans/`
/// is missing).
fn find_root() -> PathBuf {
    let here = PathBuf::from(".");
    let Ok(cwd) = std::env::current_dir() else {
        return here;
    };
    // A catalog's `plans/` holds the layer folders (a built site's `plans/` holds pages).
    cwd.ancestors()
        .find(|d| {
            ["core", "projects", "products"]
                .iter()
                .any(|layer| d.join("plans").join(layer).is_dir())
        })
        .map_or(here, |found| {
            if found == cwd {
                PathBuf::from(".")
            } else {
                found.to_path_buf()
            }
        })
}

fn run(cli: &Cli, out: &mut Output) -> Result<Outcome, EdgeError> {
    let root = match &cli.root {
        Some(r) => r.clone(),
        None => {
            let found = find_root();
            if found != std::path::Path::new(".") {
                out.status(
                    "Catalog",
                    &format!("`{}` (found above the current directory)", found.display()),
                );
            }
            found
        }
    };
    // Diagnostics name files as the reader finds them: from the current directory, and from the
    // repository root in GitHub annotations and SARIF.
    if let (Ok(cwd), Ok(abs)) = (std::env::current_dir(), std::fs::canonicalize(&root)) {
        let cwd = std::fs::canonicalize(&cwd).unwrap_or(cwd);
        let workspace = std::env::var_os("GITHUB_WORKSPACE")
            .map(PathBuf::from)
            .and_then(|w| std::fs::canonicalize(w).ok());
        out.paths = output::Paths::for_root(&abs, &cwd, workspace.as_deref());
    }
    let cx = Ctx {
        root: &root,
        now: match cli.now {
            Some(t) => t,
            None => super::clock::now()?,
        },
        lock_timeout: std::time::Duration::from_secs(cli.lock_timeout),
    };
    match &cli.command {
        Command::Build(a) => build::run(a, &cx, out),
        Command::Check(a) => check::run(a, &cx, out),
        Command::Diff(a) => diff::run(a, &cx, out),
        Command::Explain(a) => explain::run(a, &cx, out),
        Command::Resolve(a) => resolve::run(a, &cx, out),
        Command::Yank(a) => yank::run(a, &cx, out),
        Command::Verify(a) => verify::run(a, &cx, out),
        Command::Rules(a) => rules::run(a, out),
        Command::Schema(a) => schema::run(a, &cx, out),
        Command::Serve(a) => serve::run(a, cli, &root, out),
        Command::Init(a) => init::run(a, out),
        Command::New(a) => new::run(a, &cx, out),
        Command::Completions(a) => completions::run(a, out),
        Command::Messages(a) => messages::run(a, out),
        Command::Man(_) => completions::man(out),
    }
}

/// An RFC 3339 instant, or a plain date (`2027-01-01`) read as its midnight in UTC.
fn parse_instant(s: &str) -> Result<Instant, String> {
    let is_date = s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-';
    if is_date && let Ok(i) = Instant::parse(&format!("{s}T00:00:00Z")) {
        return Ok(i);
    }
    Instant::parse(s)
}
