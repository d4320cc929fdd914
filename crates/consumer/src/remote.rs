//! A ledger served over HTTP(S) — by `plancat serve`, or by any static host or CDN serving a
//! built `out/site/` (its `snapshots/` folder is the ledger). Feature `http`.
//!
//! Every file is verified as the local [`Ledger`] verifies it (the catalog index names the
//! slug's index and its SHA-256; the slug index names each version's file and SHA-256), so a
//! host can make a fetch fail but never make it return a wrong price.
//!
//! With a cache folder ([`Remote::cache`]), what was verified is kept on disk: index files are
//! revalidated with `If-None-Match` (a 304 costs no body), published versions — immutable — are
//! never fetched twice, and when the host is down or serves a file that fails verification the
//! last verified snapshot is returned, marked [`Freshness::Cached`] with the reason.
//!
//! ```no_run
//! use plancat_consumer::remote::{Freshness, Remote};
//! use plancat_consumer::{Audience, Instant};
//! let remote = Remote::new("https://plans.example.com").cache("/var/cache/plans");
//! let got = remote.resolve("shopcore-commerce-api", Instant::parse("2027-01-01T00:00:00Z")?, Audience::New)?;
//! if let Freshness::Cached { because } = &got.freshness {
//!     eprintln!("warning: using the last verified snapshot ({because})");
//! }
//! println!("{}", got.snapshot.plan_version);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::{
    Audience, Error, Instant, Ledger, MAX_FILE_BYTES, SlugIndex, Snapshot, Source, in_force,
    read_capped, verify,
};

/// A ledger on a host: `<site>/snapshots/`.
pub struct Remote {
    agent: ureq::Agent,
    /// The ledger's URL, ending in `/`.
    ledger: String,
    cache: Option<PathBuf>,
}

/// Where a snapshot came from.
#[derive(Debug)]
pub enum Freshness {
    /// Fetched and verified now.
    Live,
    /// The host could not be used (unreachable, or a file failed verification): the last
    /// verified snapshot from the cache.
    Cached { because: Error },
}

/// A verified snapshot, and whether it is the host's current one.
#[derive(Debug)]
pub struct Fetched {
    pub snapshot: Snapshot,
    pub freshness: Freshness,
}

impl Remote {
    /// The site's root URL (`https://plans.example.com`, `http://127.0.0.1:7171`): the ledger
    /// is its `snapshots/` folder.
    pub fn new(site: &str) -> Remote {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(15)))
            .http_status_as_error(false)
            .build();
        Remote {
            agent: ureq::Agent::new_with_config(config),
            ledger: format!("{}/snapshots/", site.trim_end_matches('/')),
            cache: None,
        }
    }

    /// Keeps what was verified in `dir` (created if missing): conditional requests, and the
    /// fallback when the host fails.
    pub fn cache(mut self, dir: impl AsRef<Path>) -> Remote {
        self.cache = Some(dir.as_ref().to_path_buf());
        self
    }

    /// The verified snapshot of `slug` in force at `at` for `audience`: from the host, or — when
    /// the host cannot be used and a cache is set — the last verified one.
    pub fn resolve(&self, slug: &str, at: Instant, audience: Audience) -> Result<Fetched, Error> {
        let attempt = |fresh: bool| {
            Http {
                remote: self,
                fresh,
                seen: RefCell::new(BTreeMap::new()),
            }
            .resolve(slug, at, audience)
        };
        // A file that fails verification may be the cache's fault, not the host's: a cached copy
        // damaged on disk, or a 304 for an index the host replaced within the same second (an
        // mtime ETag). Once more with every file fetched whole, before blaming the host.
        let live = match attempt(false) {
            Err(Error::Tampered { .. } | Error::Parse { .. }) if self.cache.is_some() => {
                attempt(true)
            }
            other => other,
        };
        match live {
            Ok(snapshot) => Ok(Fetched {
                snapshot,
                freshness: Freshness::Live,
            }),
            // The host's own verified answer: not a failure to fall back from.
            Err(e @ (Error::UnknownSlug(_) | Error::NothingInForce { .. })) => Err(e),
            Err(e) => match self.cache.as_deref().map(|c| cached(c, slug, at, audience)) {
                Some(Ok(snapshot)) => Ok(Fetched {
                    snapshot,
                    freshness: Freshness::Cached { because: e },
                }),
                _ => Err(e),
            },
        }
    }
}

/// One resolution's fetches: each file once, remembered with its ETag until it is verified
/// and may be cached.
struct Http<'a> {
    remote: &'a Remote,
    /// Use nothing from the cache: no cached snapshot, no `If-None-Match`.
    fresh: bool,
    seen: RefCell<BTreeMap<String, Got>>,
}

/// A file as fetched: its bytes, its ETag, and whether it came from the host (not the cache).
type Got = (Vec<u8>, Option<String>, bool);

impl Http<'_> {
    fn resolve(&self, slug: &str, at: Instant, audience: Audience) -> Result<Snapshot, Error> {
        let ledger = Ledger::from_source(Box::new(self))?;
        let snapshot = ledger.resolve(slug, at, audience)?;
        let Some(cache) = &self.remote.cache else {
            return Ok(snapshot);
        };
        // Verified: keep it, with the versions scheduled after it (so a scheduled change still
        // resolves from the cache when the host is down), newest files first and the catalog
        // index last.
        let index = ledger.index(slug)?;
        let mut keep = vec![format!("{slug}/{}", entry_file(&index, &snapshot))];
        for v in index
            .versions
            .iter()
            .filter(|v| v.yanked.is_none() && v.plan_version > snapshot.plan_version)
        {
            let rel = format!("{slug}/{}.json", v.plan_version);
            if v.file == format!("{}.json", v.plan_version)
                && self.read(&rel).is_ok_and(|b| verify(v, &b).is_ok())
            {
                keep.push(rel);
            }
        }
        keep.push(format!("{slug}/index.json"));
        keep.push(crate::check::CATALOG_INDEX.to_string());
        let seen = self.seen.borrow();
        for rel in keep {
            if let Some((bytes, etag, true)) = seen.get(&rel) {
                // A cache that cannot be written costs the fallback, not the answer.
                let _ = store(cache, &rel, bytes, etag.as_deref());
            }
        }
        Ok(snapshot)
    }

    fn get(&self, rel: &str) -> Result<Got, Error> {
        let cache = self.remote.cache.as_deref().filter(|_| !self.fresh);
        let cached = cache.and_then(|c| read_capped(&c.join(rel)).ok());
        // A published version never changes: the cached copy is it (and is verified again).
        if !rel.ends_with("index.json")
            && let Some(bytes) = cached
        {
            return Ok((bytes, None, false));
        }
        let url = format!("{}{rel}", self.remote.ledger);
        let unavailable = |message: String| Error::Unavailable {
            url: url.clone(),
            message,
        };
        let etag = cache.and_then(|c| std::fs::read_to_string(etag_path(c, rel)).ok());
        let mut req = self.remote.agent.get(&url);
        if let (Some(tag), Some(_)) = (&etag, &cached) {
            req = req.header("If-None-Match", tag.trim());
        }
        let mut resp = req.call().map_err(|e| unavailable(e.to_string()))?;
        match resp.status().as_u16() {
            304 => match cached {
                Some(bytes) => Ok((bytes, etag, false)),
                None => Err(unavailable("304 Not Modified for a file not cached".into())),
            },
            200 => {
                let etag = resp
                    .headers()
                    .get("etag")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string);
                // A version only a preview has (`plancat serve`) may still change: never kept.
                let keep = resp.headers().get("x-plancat-preview").is_none();
                let mut bytes = Vec::new();
                resp.body_mut()
                    .as_reader()
                    .take(MAX_FILE_BYTES + 1)
                    .read_to_end(&mut bytes)
                    .map_err(|e| unavailable(e.to_string()))?;
                if bytes.len() as u64 > MAX_FILE_BYTES {
                    return Err(unavailable(format!("larger than {MAX_FILE_BYTES} bytes")));
                }
                Ok((bytes, etag, keep))
            }
            status => Err(unavailable(format!("HTTP {status}"))),
        }
    }
}

impl Source for &Http<'_> {
    fn read(&self, rel: &str) -> Result<Vec<u8>, Error> {
        if let Some((bytes, ..)) = self.seen.borrow().get(rel) {
            return Ok(bytes.clone());
        }
        let got = self.get(rel)?;
        let bytes = got.0.clone();
        self.seen.borrow_mut().insert(rel.to_string(), got);
        Ok(bytes)
    }
}

fn entry_file(index: &SlugIndex, snapshot: &Snapshot) -> String {
    index
        .versions
        .iter()
        .find(|v| v.plan_version == snapshot.plan_version)
        .map_or_else(
            || format!("{}.json", snapshot.plan_version),
            |v| v.file.clone(),
        )
}

/// The last verified snapshot in the cache: the cached slug index (stored only once verified),
/// the version in force in it, and that file verified against it again.
fn cached(cache: &Path, slug: &str, at: Instant, audience: Audience) -> Result<Snapshot, Error> {
    // A slug is one path segment; anything else names no file of the cache.
    if crate::Slug::new(slug).is_err() {
        return Err(Error::UnknownSlug(slug.to_string()));
    }
    let rel = format!("{slug}/index.json");
    let parse = |e: serde_json::Error| Error::Parse {
        file: rel.clone(),
        message: e.to_string(),
    };
    let index: SlugIndex =
        serde_json::from_slice(&read_capped(&cache.join(&rel))?).map_err(parse)?;
    if index.slug.as_str() != slug {
        return Err(Error::UnknownSlug(slug.to_string()));
    }
    let entry = in_force(&index, at, audience)?;
    if entry.file != format!("{}.json", entry.plan_version) {
        return Err(Error::Tampered {
            file: rel,
            message: format!(
                "version {} names the file `{}`",
                entry.plan_version, entry.file
            ),
        });
    }
    verify(entry, &read_capped(&cache.join(slug).join(&entry.file))?)
}

fn etag_path(cache: &Path, rel: &str) -> PathBuf {
    cache.join(".etags").join(rel)
}

/// Writes a verified file (and its ETag) into the cache, each in one rename.
fn store(cache: &Path, rel: &str, bytes: &[u8], etag: Option<&str>) -> std::io::Result<()> {
    write_atomic(&cache.join(rel), bytes)?;
    let tag = etag_path(cache, rel);
    match etag {
        Some(t) => write_atomic(&tag, t.as_bytes()),
        None => match std::fs::remove_file(&tag) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        },
    }
}

fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    // A temporary file of its own (unique even between threads sharing a cache), renamed over.
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map(drop).map_err(|e| e.error)
}
