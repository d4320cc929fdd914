//! `plancat serve`: a live preview of the pages and the snapshot endpoints (see
//! [`crate::edge::serve`]).

use std::net::IpAddr;

use super::{Cli, Outcome, Output};
use crate::edge::{EdgeError, serve};

/// Preview the site with live reload, and serve the snapshots over HTTP (never publishes).
#[derive(clap::Args)]
#[command(after_help = "Examples:
  plancat serve --open
  plancat serve --port 8080
  curl 'http://127.0.0.1:7171/snapshots/shopcore-commerce-api/current?at=2027-01-01T00:00:00Z'

The site is built in memory from plans/ and templates/ and rebuilt on every change; open tabs
reload by themselves, and a catalog that does not build shows its problems over the last good
page. Nothing is written: `plancat build` publishes.")]
pub struct Args {
    /// The port (0: any free port, printed at start).
    #[arg(long, default_value_t = 7171)]
    port: u16,
    /// The address to listen on. Anything but loopback shows unpublished prices to the network.
    #[arg(long, value_name = "ADDRESS", default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Open the preview in a browser.
    #[arg(long)]
    open: bool,
    /// Show draft plans' pages too, marked DRAFT (they are never published).
    #[arg(long)]
    drafts: bool,
}

pub fn run(
    args: &Args,
    cli: &Cli,
    root: &std::path::Path,
    out: &mut Output,
) -> Result<Outcome, EdgeError> {
    // "Now" stays pinned when pinned (`--now`, `SOURCE_DATE_EPOCH`); else each rebuild reads
    // the clock.
    let pinned = cli.now.is_some() || std::env::var_os("SOURCE_DATE_EPOCH").is_some();
    let now = if pinned {
        Some(match cli.now {
            Some(t) => t,
            None => crate::edge::clock::now()?,
        })
    } else {
        None
    };
    serve::run(
        serve::Options {
            root: root.to_path_buf(),
            bind: args.bind,
            port: args.port,
            open: args.open,
            drafts: args.drafts,
            now,
        },
        out,
    )?;
    Ok(Outcome::Clean)
}
