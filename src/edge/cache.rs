//! The run manifest, `out/.plancat/manifest.json`: what the last clean `build` read and left,
//! so a `build` or `check` with nothing changed only reads and hashes its inputs.
//!
//! A run is skipped when all of these hold, and is a full run otherwise:
//! - the key ([`core::cache::key`]) of every input byte, the options and this binary matches;
//! - "now" is inside the recorded window (no stated instant crossed since);
//! - the ledger's hash chain holds ([`plancat_consumer::check::chain_holds`]: every file hashed
//!   against its index, the catalog index exactly what the indexes imply) — the manifest is
//!   never trusted for tamper detection;
//! - for `build`, every file under `out/site/` has the size, status-change time, device and
//!   inode it had when written (so an edited, re-permissioned or deleted page is rendered
//!   again).
//!
//! Only a run without a single diagnostic is recorded: a skipped run prints exactly what a full
//! one would. The manifest is a cache, ignored by git (the folder holds its own `.gitignore`);
//! deleting it costs one full run; failing to read or write it costs a full run, never the
//! build. It guards against accidents, not against someone who rewrites the ledger's whole
//! hash chain and forges a manifest to match: `check --full` (and every fresh clone) is the
//! proof, as it always was.

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::core::build::{Analysis, Inputs};
use crate::core::cache::{self, Window};
use crate::core::model::ids::Instant;
use crate::edge::{EdgeError, fs};

pub const MANIFEST: &str = "out/.plancat/manifest.json";
const FORMAT: u32 = 1;

/// Every file of `out/site/`: size, status-change time (ns: any write, `chmod` or `touch`
/// moves it, and no user can set it back), device and inode.
type SiteState = BTreeMap<String, (u64, i128, u64, u64)>;

#[derive(Serialize, Deserialize)]
pub struct Manifest {
    format: u32,
    key: String,
    after: Option<Instant>,
    until: Option<Instant>,
    /// What a build with nothing to do says, and what `check` says.
    pub build_summary: String,
    pub check_summary: String,
    pub pages: usize,
    site: SiteState,
}

/// The manifest, when it applies to `inputs` at `now`; `site` also requires `out/site/` to be
/// as the recorded build left it. Anything that cannot be read or compared is a miss (a full
/// run), never an error.
pub fn hit(root: &Path, inputs: &Inputs, site: bool) -> Option<Manifest> {
    let bytes = std::fs::read(root.join(MANIFEST)).ok()?;
    let m = serde_json::from_slice::<Manifest>(&bytes).ok()?;
    let window = Window {
        after: m.after,
        until: m.until,
    };
    let fits = m.format == FORMAT
        && window.contains(inputs.now)
        && m.key == cache::key(inputs, &inputs.ledger, &salt().ok()?)
        && plancat_consumer::check::chain_holds(&inputs.ledger)
        && (!site || site_state(root).ok()?.as_ref() == Some(&m.site));
    fits.then_some(m)
}

/// Records a clean build: its inputs, the ledger as it left it (`a.after`), `out/site/` as
/// just written. Anything but a clean run removes the manifest.
pub fn record(root: &Path, inputs: &Inputs, a: &Analysis) -> Result<(), EdgeError> {
    let ledger = &a.after;
    let Some(window) = (a.diags.is_empty())
        .then(|| cache::window(inputs, ledger, inputs.now))
        .flatten()
    else {
        return forget(root);
    };
    let Some(site) = site_state(root)? else {
        return forget(root);
    };
    let m = Manifest {
        format: FORMAT,
        key: cache::key(inputs, ledger, &salt()?),
        after: window.after,
        until: window.until,
        build_summary: a.settled_summary(),
        check_summary: a.check_summary(),
        pages: a.pages(),
        site,
    };
    let bytes = serde_json::to_vec_pretty(&m).expect("a manifest serializes");
    let path = root.join(MANIFEST);
    fs::write_atomic(&path, &bytes)?;
    // A cache is never committed by accident: `git add out/` skips the folder (as pytest's
    // and cargo's caches do).
    let ignore = path.with_file_name(".gitignore");
    if !ignore.exists() {
        fs::write_atomic(&ignore, b"# plancat's run cache: never commit it\n*\n")?;
    }
    Ok(())
}

/// Removes the manifest (the next run is a full one).
pub fn forget(root: &Path) -> Result<(), EdgeError> {
    let path = root.join(MANIFEST);
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(EdgeError::io("remove", &path, e))
        }
        _ => Ok(()),
    }
}

/// This program, as far as a cache needs to know: its version, the hash of the sources it was
/// built from (`build.rs`), and its executable's size and modification time.
fn salt() -> Result<Vec<u8>, EdgeError> {
    let exe = std::env::current_exe()
        .map_err(|e| EdgeError(format!("cannot find plancat's executable: {e}")))?;
    let meta = std::fs::metadata(&exe).map_err(|e| EdgeError::io("read", &exe, e))?;
    Ok(format!(
        "plancat {} {} {} {} {}",
        env!("CARGO_PKG_VERSION"),
        env!("PLANCAT_BUILD_ID"),
        meta.len(),
        meta.mtime(),
        meta.mtime_nsec()
    )
    .into_bytes())
}

/// `out/site/`'s files as [`SiteState`]; `None` when it holds anything but regular files (then
/// it is never taken as intact).
fn site_state(root: &Path) -> Result<Option<SiteState>, EdgeError> {
    let dir = root.join(fs::SITE_DIR);
    let Some(files) = fs::regular_files(&dir)? else {
        return Ok(None);
    };
    use rayon::prelude::*;
    let state = files
        .into_par_iter()
        .map(|(rel, path)| {
            let meta =
                std::fs::symlink_metadata(&path).map_err(|e| EdgeError::io("read", &path, e))?;
            let ctime = i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec());
            Ok((rel, (meta.len(), ctime, meta.dev(), meta.ino())))
        })
        .collect::<Result<SiteState, EdgeError>>()?;
    Ok(Some(state))
}
