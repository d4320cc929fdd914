//! plancat-consumer: the wire contract between plancat and the child APIs that enforce its
//! plans — the snapshot and index types, canonical JSON and hashing, verification, and
//! resolution of the version in force. The plancat compiler writes and verifies its ledger
//! with this crate, so a child API checks exactly what the compiler checks.
//!
//! It depends on serde, serde_json, sha2, semver, jiff (instants), rust_decimal and
//! iso_currency (exact money), serde_with and schemars (the snapshot's JSON Schema) — never on
//! the compiler's parsers, validators, templates or command line.
//!
//! A child API that fetches the ledger over HTTP uses the two pure functions:
//!
//! ```no_run
//! use plancat_consumer::{in_force, verify, Audience, Instant, SlugIndex};
//! # fn fetch(_: &str) -> Vec<u8> { unimplemented!() }
//! let index: SlugIndex = serde_json::from_slice(&fetch("shopcore-commerce-api/index.json"))?;
//! let entry = in_force(&index, Instant::parse("2026-12-01T00:00:00Z")?, Audience::New)?;
//! let bytes = fetch(&format!("shopcore-commerce-api/{}", entry.file));
//! let snapshot = verify(entry, &bytes)?; // never trust bytes you did not check
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! One that reads a checkout of the ledger uses [`Ledger`]. The README's "consumer contract"
//! says the same in prose, for child APIs in other languages.

use std::fmt;
use std::path::{Path, PathBuf};

pub mod check;
pub mod hash;
pub mod model;
#[cfg(feature = "http")]
pub mod remote;
pub mod resolve;
pub mod wire;

use check::CATALOG_INDEX;
pub use model::ids::{Instant, Slug};
pub use resolve::Audience;
pub use wire::{CatalogIndex, FORMAT_VERSION, PublishedPlan, SlugIndex, Snapshot, VersionEntry};

use resolve::{moment, resolve};

/// Why a snapshot could not be had.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The ledger's host could not be reached or did not serve a file.
    Unavailable { url: String, message: String },
    /// A ledger file could not be read.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A ledger file is not what its schema says.
    Parse { file: String, message: String },
    /// The ledger has no plan with this slug.
    UnknownSlug(String),
    /// No version has taken effect yet for this audience; `first` is when one will.
    NothingInForce {
        slug: String,
        at: Instant,
        first: Option<Instant>,
    },
    /// The fetched bytes are not the published file: keep the last good snapshot.
    Tampered { file: String, message: String },
    /// The ledger was written by a newer plancat.
    UnsupportedFormat(u32),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Unavailable { url, message } => write!(f, "could not fetch `{url}`: {message}"),
            Error::Io { path, source } => {
                write!(f, "failed to read `{}`: {source}", path.display())
            }
            Error::Parse { file, message } => write!(f, "cannot read `{file}`: {message}"),
            Error::UnknownSlug(s) => write!(f, "no plan `{s}` in the ledger"),
            Error::NothingInForce { slug, at, first } => {
                write!(f, "no version of `{slug}` is in force at {at}")?;
                match first {
                    Some(first) => write!(f, " (the first takes effect at {first})"),
                    None => write!(f, " (every version is withdrawn)"),
                }
            }
            Error::Tampered { file, message } => {
                write!(f, "`{file}` is not the published file: {message}")
            }
            Error::UnsupportedFormat(v) => write!(
                f,
                "ledger format {v} is newer than this reader ({FORMAT_VERSION})"
            ),
        }
    }
}

impl std::error::Error for Error {}

/// The version in force at `at` for `audience`: the newest version that is not withdrawn and
/// has reached that audience.
pub fn in_force(
    index: &SlugIndex,
    at: Instant,
    audience: Audience,
) -> Result<&VersionEntry, Error> {
    resolve(&index.versions, at, audience).ok_or_else(|| Error::NothingInForce {
        slug: index.slug.to_string(),
        at,
        first: index
            .versions
            .iter()
            .filter(|v| v.yanked.is_none())
            .map(|v| moment(v, audience))
            .min(),
    })
}

/// Checks fetched snapshot bytes against their index entry — the file's SHA-256, the content
/// hash, the version — and parses them.
pub fn verify(entry: &VersionEntry, bytes: &[u8]) -> Result<Snapshot, Error> {
    check::snapshot(entry, bytes, None).map_err(|m| match m {
        check::Mismatch::FileSha { .. } => Error::Tampered {
            file: entry.file.clone(),
            message: "its SHA-256 does not match the index".into(),
        },
        check::Mismatch::Parse(e) => Error::Parse {
            file: entry.file.clone(),
            message: e.to_string(),
        },
        check::Mismatch::Format(v) => Error::UnsupportedFormat(v),
        check::Mismatch::ContentHash | check::Mismatch::IndexField { .. } => Error::Tampered {
            file: entry.file.clone(),
            message: "its content does not match its hash or index entry".into(),
        },
    })
}

/// Where a ledger's files come from: a folder, or a host ([`remote`]). `rel` is a path inside
/// the ledger (`index.json`, `<slug>/index.json`, `<slug>/<version>.json`).
pub(crate) trait Source {
    fn read(&self, rel: &str) -> Result<Vec<u8>, Error>;
}

/// A ledger on disk.
struct Dir(PathBuf);

impl Source for Dir {
    fn read(&self, rel: &str) -> Result<Vec<u8>, Error> {
        read_capped(&self.0.join(rel))
    }
}

/// A published ledger (`out/snapshots/`, a copy of it, or — with the `http` feature — one
/// served over HTTP, see [`remote::Remote`]). Every file is verified as it is read.
pub struct Ledger<'a> {
    source: Box<dyn Source + 'a>,
    catalog: CatalogIndex,
}

impl Ledger<'static> {
    pub fn open(dir: impl AsRef<Path>) -> Result<Ledger<'static>, Error> {
        Ledger::from_source(Box::new(Dir(dir.as_ref().to_path_buf())))
    }
}

impl<'a> Ledger<'a> {
    pub(crate) fn from_source(source: Box<dyn Source + 'a>) -> Result<Ledger<'a>, Error> {
        let bytes = source.read(CATALOG_INDEX)?;
        let catalog: CatalogIndex = serde_json::from_slice(&bytes).map_err(|e| Error::Parse {
            file: CATALOG_INDEX.into(),
            message: e.to_string(),
        })?;
        if catalog.format_version > FORMAT_VERSION {
            return Err(Error::UnsupportedFormat(catalog.format_version));
        }
        Ok(Ledger { source, catalog })
    }

    /// Every published slug, with its kind, project and latest version.
    pub fn catalog(&self) -> &CatalogIndex {
        &self.catalog
    }

    /// Every published version of one plan.
    pub fn index(&self, slug: &str) -> Result<SlugIndex, Error> {
        let entry = self
            .catalog
            .entries
            .get(slug)
            .ok_or_else(|| Error::UnknownSlug(slug.to_string()))?;
        // The catalog index names each slug's index; it may name only that.
        let expected = format!("{slug}/index.json");
        if entry.index != expected {
            return Err(Error::Tampered {
                file: CATALOG_INDEX.into(),
                message: format!("`{slug}`'s index is `{}`, not `{expected}`", entry.index),
            });
        }
        let bytes = self.source.read(&expected)?;
        if let Some(recorded) = &entry.index_sha256
            && *recorded != hash::file_sha256(&bytes)
        {
            return Err(Error::Tampered {
                file: expected,
                message: "its SHA-256 does not match the catalog index".into(),
            });
        }
        let index: SlugIndex = serde_json::from_slice(&bytes).map_err(|e| Error::Parse {
            file: expected.clone(),
            message: e.to_string(),
        })?;
        if index.slug.as_str() != slug || index.kind != entry.kind || index.project != entry.project
        {
            return Err(Error::Tampered {
                file: expected,
                message: format!("it describes `{}`, not `{slug}`", index.slug),
            });
        }
        Ok(index)
    }

    /// The verified snapshot of `slug` in force at `at` for `audience`.
    pub fn resolve(&self, slug: &str, at: Instant, audience: Audience) -> Result<Snapshot, Error> {
        let index = self.index(slug)?;
        let entry = in_force(&index, at, audience)?;
        // A plain `<version>.json` in the slug's folder: never a path elsewhere.
        let file = format!("{}.json", entry.plan_version);
        if entry.file != file {
            return Err(Error::Tampered {
                file: format!("{slug}/index.json"),
                message: format!(
                    "version {} names the file `{}`, not `{file}`",
                    entry.plan_version, entry.file
                ),
            });
        }
        let snapshot = verify(entry, &self.source.read(&format!("{slug}/{file}"))?)?;
        // The snapshot is the one asked for: its own slug, kind and project say so.
        if snapshot.slug != index.slug
            || snapshot.kind != index.kind
            || snapshot.project != index.project
        {
            return Err(Error::Tampered {
                file: format!("{slug}/{file}"),
                message: format!("it is a snapshot of `{}`, not of `{slug}`", snapshot.slug),
            });
        }
        Ok(snapshot)
    }
}

/// The current time, to the second (for "what is in force now").
pub fn now() -> Instant {
    let secs = jiff::Timestamp::now().as_second();
    Instant(jiff::Timestamp::from_second(secs).expect("now is a valid timestamp"))
}

/// The largest ledger file a reader accepts (a snapshot is a few KiB; an index grows by a few
/// hundred bytes per version).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Reads a ledger file: a regular file (never a FIFO or a device, which could block or never
/// end) of at most [`MAX_FILE_BYTES`].
fn read_capped(path: &Path) -> Result<Vec<u8>, Error> {
    use std::io::Read;
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(io(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        )));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(io)?
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("larger than {MAX_FILE_BYTES} bytes"),
        )));
    }
    Ok(bytes)
}
