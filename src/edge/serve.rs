//! `plancat serve`: the preview server. It builds the site in memory (never writing the
//! ledger or `out/`), serves it with the snapshot files and their HTTP endpoints, watches
//! `plans/` and `templates/`, rebuilds on every change and reloads the open tabs.
//!
//! Invariants:
//! - Nothing is read from disk to answer a request: every response comes from the last good
//!   build held in memory, so no path can reach outside the site (no traversal, no symlink).
//! - A request never waits for a rebuild, and a rebuild never waits for a client: handlers
//!   take a reference-counted snapshot of the state ([`Shared::get`]) and let go of the lock.
//! - A broken catalog keeps the last good pages and shows its diagnostics on each of them.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant as Clock};

use axum::body::Body;
use axum::extract::ws::{Message, WebSocketUpgrade, rejection::WebSocketUpgradeRejection};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use notify_debouncer_full::notify::{EventKind, RecursiveMode};
use plancat_consumer::{Audience, SlugIndex, in_force};
use tokio::sync::watch;

use super::EdgeError;
use super::cli::Output;
use crate::core::build;
use crate::core::diag::render;
use crate::core::model::ids::Instant;

/// Where the page script opens its reload channel (a WebSocket).
pub const RELOAD_PATH: &str = "/__plancat/reload";
/// The response header marking a snapshot file or index that only this preview has: `build`
/// has not published it.
pub const PREVIEW_HEADER: &str = "x-plancat-preview";

/// How the server is started.
pub struct Options {
    pub root: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    pub open: bool,
    /// Show draft plans' pages too (marked DRAFT).
    pub drafts: bool,
    /// A pinned moment for every rebuild (`--now`, `SOURCE_DATE_EPOCH`); else the clock at
    /// each rebuild.
    pub now: Option<Instant>,
}

/// What the server answers from: the last good build and the latest problems.
struct Snapshot {
    /// Bumped on every rebuild, good or not: open tabs reload when it changes.
    generation: u64,
    /// The last good site (`out/site/` as `build` would write it, ledger copy included).
    site: BTreeMap<String, Vec<u8>>,
    /// The published ledger on disk (`out/snapshots/`), to mark what only the preview has.
    published: BTreeMap<String, Vec<u8>>,
    /// The latest build's errors as the terminal shows them (no colour), if it failed.
    problems: Option<String>,
    /// Pages marked as not what the published site shows: page path → `DRAFT` (a draft plan's,
    /// with `--drafts`) or `UNPUBLISHED` (a version `build` has not published yet).
    marks: BTreeMap<String, &'static str>,
    /// The moment of the latest build (the default `at` of `current`).
    now: Instant,
}

impl Snapshot {
    /// A state with no pages (the watcher keeps the last good ones): before the first build, or
    /// a build that failed with `problems`.
    fn without_site(
        generation: u64,
        published: BTreeMap<String, Vec<u8>>,
        problems: Option<String>,
        now: Instant,
    ) -> Snapshot {
        Snapshot {
            generation,
            site: BTreeMap::new(),
            published,
            problems,
            marks: BTreeMap::new(),
            now,
        }
    }
}

struct Shared {
    state: RwLock<Arc<Snapshot>>,
    generation: watch::Sender<u64>,
    /// Allowed `Host` header values (and, with `http://`, `Origin`s of the reload channel).
    hosts: Vec<String>,
    /// Bound to a non-loopback address (`--bind`): any IP address with the right port is this
    /// server too (a name is not: DNS rebinding needs one).
    any_ip: Option<u16>,
}

impl Shared {
    fn allows(&self, host: &str) -> bool {
        if self.hosts.iter().any(|a| a.eq_ignore_ascii_case(host)) {
            return true;
        }
        let Some(port) = self.any_ip else {
            return false;
        };
        host.parse::<SocketAddr>().is_ok_and(|a| a.port() == port)
    }
}

impl Shared {
    fn get(&self) -> Arc<Snapshot> {
        Arc::clone(&self.state.read().unwrap_or_else(|e| e.into_inner()))
    }
}

/// Starts the server and runs until Ctrl-C.
pub fn run(opts: Options, out: &mut Output) -> Result<(), EdgeError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| EdgeError(format!("failed to start the server: {e}")))?;
    let listener = rt
        .block_on(tokio::net::TcpListener::bind(SocketAddr::new(
            opts.bind, opts.port,
        )))
        .map_err(|e| {
            EdgeError(format!(
                "failed to listen on {}: {e}",
                SocketAddr::new(opts.bind, opts.port)
            ))
        })?;
    let addr = listener
        .local_addr()
        .map_err(|e| EdgeError(format!("failed to listen: {e}")))?;
    if !opts.bind.is_loopback() {
        out.warning(&format!(
            "serving on {} is not local: anyone who can reach it sees unpublished prices",
            opts.bind
        ));
    }

    let (tx, _) = watch::channel(0);
    let shared = Arc::new(Shared {
        state: RwLock::new(Arc::new(Snapshot::without_site(
            0,
            BTreeMap::new(),
            None,
            opts.now.unwrap_or_else(plancat_consumer::now),
        ))),
        generation: tx,
        hosts: allowed_hosts(addr),
        any_ip: (!addr.ip().is_loopback()).then_some(addr.port()),
    });
    // Watching starts before the first build, and what changes meanwhile waits its turn: no
    // edit made while the server starts is missed.
    let go = watch_catalog(&opts, Arc::clone(&shared), out.twin())?;
    let first = rebuild(&opts, 0, out);
    *shared.state.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(first);
    let _ = go.send(());
    // An unspecified address (`0.0.0.0`) is no place to browse to: this machine's loopback is.
    let shown = if addr.ip().is_unspecified() {
        SocketAddr::new(IpAddr::from([127, 0, 0, 1]), addr.port())
    } else {
        addr
    };
    let url = format!("http://{}/", host_port(shown));
    out.status(
        "Serving",
        &format!(
            "a preview of `out/site/` at {url} (snapshots under {url}snapshots/); Ctrl-C stops"
        ),
    );
    if opts.open && webbrowser::open(&url).is_err() {
        out.warning(&format!("could not open a browser: open {url} yourself"));
    }

    let app = axum::Router::new()
        .fallback(handle)
        .with_state(Arc::clone(&shared));
    rt.block_on(async {
        let server = axum::serve(listener, app).into_future();
        tokio::select! {
            r = server => r.map_err(|e| EdgeError(format!("the server stopped: {e}"))),
            _ = tokio::signal::ctrl_c() => Ok(()),
        }
    })?;
    // Open reload channels and in-flight responses are dropped, not awaited.
    rt.shutdown_timeout(Duration::from_millis(500));
    out.status("Stopped", "the preview server");
    Ok(())
}

/// The folders a preview watches, each with the identity (device, inode) of the folder its
/// watch is on, so a folder replaced under the same name is watched again.
struct Folders {
    list: Vec<(PathBuf, RecursiveMode, Option<FolderId>)>,
}

/// A folder's device and inode.
type FolderId = (u64, u64);

impl Folders {
    fn new(root: &Path) -> Folders {
        Folders {
            list: [
                ("plans", RecursiveMode::Recursive),
                ("templates", RecursiveMode::Recursive),
                ("out", RecursiveMode::NonRecursive),
            ]
            .into_iter()
            .map(|(d, mode)| (root.join(d), mode, None))
            .collect(),
        }
    }

    /// Watches each folder that is new or was replaced since the last call; a watch that
    /// cannot be set is retried at the next change.
    fn refresh<W: notify_debouncer_full::notify::Watcher, C: notify_debouncer_full::FileIdCache>(
        &mut self,
        d: &mut notify_debouncer_full::Debouncer<W, C>,
    ) {
        use std::os::unix::fs::MetadataExt;
        for (path, mode, watched) in &mut self.list {
            let now = std::fs::symlink_metadata(&*path)
                .ok()
                .filter(|m| m.is_dir())
                .map(|m| (m.dev(), m.ino()));
            if now == *watched {
                continue;
            }
            if watched.is_some() {
                let _ = d.unwatch(&*path);
            }
            *watched = match now {
                Some(id) if d.watch(&*path, *mode).is_ok() => Some(id),
                _ => None,
            };
        }
    }
}

/// `127.0.0.1:7171`, `[::1]:7171`.
fn host_port(addr: SocketAddr) -> String {
    match addr.ip() {
        IpAddr::V6(ip) => format!("[{ip}]:{}", addr.port()),
        IpAddr::V4(ip) => format!("{ip}:{}", addr.port()),
    }
}

/// The `Host` values a request may carry: the loopback names and the bound address, with the
/// port (browsers always send it for a non-default port).
fn allowed_hosts(addr: SocketAddr) -> Vec<String> {
    let port = addr.port();
    let mut hosts: Vec<String> = ["localhost", "127.0.0.1", "[::1]"]
        .iter()
        .map(|h| format!("{h}:{port}"))
        .collect();
    hosts.push(host_port(addr));
    hosts.sort();
    hosts.dedup();
    hosts
}

/// Builds the catalog in memory: the new site when it is clean, else the last good one with
/// the problems. Never writes anything.
fn rebuild(opts: &Options, generation: u64, out: &mut Output) -> Snapshot {
    let started = Clock::now();
    let now = match opts.now {
        Some(t) => t,
        None => super::clock::now().unwrap_or_else(|_| plancat_consumer::now()),
    };
    let inputs = match super::fs::read_inputs(&opts.root, now, None) {
        Ok(i) => i,
        Err(e) => {
            out.error(&e.to_string());
            // Catalog-relative, as every diagnostic: a page never shows where the catalog lives
            // on this machine.
            let problem = e
                .to_string()
                .replace(&format!("{}/", opts.root.display()), "");
            return Snapshot::without_site(
                generation,
                BTreeMap::new(),
                Some(format!("error: {problem}")),
                now,
            );
        }
    };
    let a = build::preview(&inputs, opts.drafts);
    // The terminal gets what `build` prints; the pages, the same text without colour.
    let failed = out.report(
        &a.diags,
        a.sources(),
        super::cli::Format::Human,
        &crate::core::rules::docs(),
    );
    let ms = started.elapsed().as_millis();
    if !failed {
        out.status(
            "Rebuilt",
            &format!("{} pages in {ms} ms: {}", a.pages(), a.summary()),
        );
        let mut marks = BTreeMap::new();
        let page = |slug: &str| -> Vec<String> {
            ["apis", "products", "bundles"]
                .iter()
                .map(|d| format!("{d}/{slug}/index.html"))
                .collect()
        };
        for p in a
            .publications
            .iter()
            .filter(|p| p.snapshot.effective_from <= now)
        {
            marks.extend(
                page(p.snapshot.slug.as_str())
                    .into_iter()
                    .map(|f| (f, "UNPUBLISHED")),
            );
        }
        if opts.drafts {
            for p in a
                .compiled
                .plans
                .iter()
                .filter(|p| p.status() == crate::core::model::api::Status::Draft)
            {
                marks.extend(page(p.slug.as_str()).into_iter().map(|f| (f, "DRAFT")));
            }
        }
        marks.retain(|f, _| a.site.contains_key(f));
        Snapshot {
            generation,
            site: a.site,
            published: inputs.ledger,
            problems: None,
            marks,
            now,
        }
    } else {
        let errors = a.diags.iter().filter(|d| d.is_error()).count();
        let mut text = String::new();
        for d in &a.diags {
            text.push_str(&render::human(d, a.sources(), false));
            text.push_str("\n\n");
        }
        text.push_str(&render::summary(errors, a.diags.len() - errors));
        out.warning("the preview keeps the last good pages until the catalog builds again");
        Snapshot::without_site(generation, inputs.ledger, Some(text), now)
    }
}

/// Watches `plans/`, `templates/` and the published ledger (a `plancat build` elsewhere), and
/// rebuilds after each burst of changes (debounced), on a thread of its own that ends with the
/// process.
fn watch_catalog(
    opts: &Options,
    shared: Arc<Shared>,
    mut out: Output,
) -> Result<std::sync::mpsc::Sender<()>, EdgeError> {
    let (tx, rx) = std::sync::mpsc::channel();
    // Rebuilds wait for the first build to be in place.
    let (go, started) = std::sync::mpsc::channel::<()>();
    let mut debouncer = notify_debouncer_full::new_debouncer(
        Duration::from_millis(50),
        None,
        move |r: notify_debouncer_full::DebounceEventResult| {
            // Reading the catalog to rebuild it opens its files: only changes count.
            let changed = r.is_ok_and(|events| {
                events
                    .iter()
                    .any(|e| !matches!(e.event.kind, EventKind::Access(_)))
            });
            if changed {
                let _ = tx.send(());
            }
        },
    )
    .map_err(|e| EdgeError(format!("failed to watch the catalog: {e}")))?;
    let root = &opts.root;
    // The root itself (not recursively): `plans/`, `templates/` or `out/` appearing or being
    // replaced.
    debouncer
        .watch(root, RecursiveMode::NonRecursive)
        .map_err(|e| EdgeError(format!("failed to watch `{}`: {e}", root.display())))?;
    let mut folders = Folders::new(root);
    folders.refresh(&mut debouncer);
    let opts = Options {
        root: opts.root.clone(),
        bind: opts.bind,
        port: opts.port,
        open: false,
        drafts: opts.drafts,
        now: opts.now,
    };
    std::thread::spawn(move || {
        let _ = started.recv();
        let mut generation = 0;
        while rx.recv().is_ok() {
            while rx.try_recv().is_ok() {}
            // A folder deleted and made again (`git checkout`, `mv`, a `build` swapping
            // `out/snapshots`) is a new folder: its watch went with the old one.
            folders.refresh(&mut debouncer);
            generation += 1;
            let mut next = rebuild(&opts, generation, &mut out);
            let mut state = shared.state.write().unwrap_or_else(|e| e.into_inner());
            if next.problems.is_some() && next.site.is_empty() {
                next.site = state.site.clone();
                next.marks = state.marks.clone();
                if next.published.is_empty() {
                    next.published = state.published.clone();
                }
            }
            *state = Arc::new(next);
            drop(state);
            shared.generation.send_replace(generation);
        }
    });
    Ok(go)
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
    req: Request,
) -> Response {
    let headers = req.headers();
    // DNS rebinding: a page on another site that resolves its name to 127.0.0.1 sends its own
    // name as Host.
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    if !host.is_some_and(|h| shared.allows(h)) {
        return plain(
            StatusCode::BAD_REQUEST,
            "this preview answers only to localhost\n",
        );
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n");
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let raw = req.uri().path();
    if raw == RELOAD_PATH {
        return reload(&shared, headers, ws.ok());
    }
    let Some(path) = contained(raw) else {
        return plain(StatusCode::BAD_REQUEST, "not a path inside the site\n");
    };
    let snap = shared.get();
    let head = req.method() == Method::HEAD;
    if let Some(rest) = path.strip_prefix("snapshots/")
        && let Some(slug) = rest.strip_suffix("/current")
    {
        return current(&snap, slug, req.uri().query().unwrap_or(""), headers, head);
    }
    // `/` and `/apis/x/` are their `index.html`; `/apis/x` redirects there, as static hosts do,
    // so relative links resolve.
    let file = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.clone()
    };
    match snap.site.get(&file) {
        Some(bytes) => {
            let preview = preview_only(&snap, &file);
            file_response(&snap, &file, bytes, headers, head, preview)
        }
        None if snap.site.contains_key(&format!("{file}/index.html")) => {
            let mut r = plain(StatusCode::MOVED_PERMANENTLY, "");
            let location = format!("{}/", req.uri().path());
            if let Ok(v) = HeaderValue::from_str(&location) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            r
        }
        None => {
            let body = match &snap.problems {
                Some(_) if file.ends_with(".html") => inject(
                    &snap,
                    b"<!doctype html><title>plancat preview</title><body></body>",
                    None,
                ),
                _ => format!("not found: /{}\n", crate::core::diag::printable(&path)).into_bytes(),
            };
            let mut r = Response::new(Body::from(body));
            *r.status_mut() = StatusCode::NOT_FOUND;
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(if file.ends_with(".html") && snap.problems.is_some() {
                    "text/html; charset=utf-8"
                } else {
                    "text/plain; charset=utf-8"
                }),
            );
            r
        }
    }
}

/// The site-relative path a request names, or `None` when it would leave the site: after
/// percent-decoding, no `..` or `.` segment, no backslash, no NUL, no empty segment inside.
fn contained(raw: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()?
        .into_owned();
    let path = decoded.strip_prefix('/')?;
    if path.contains('\\') || path.contains('\0') {
        return None;
    }
    let trailing = path.ends_with('/');
    let body = path.strip_suffix('/').unwrap_or(path);
    if !body.is_empty()
        && body
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == ".." || s.contains(':'))
    {
        return None;
    }
    Some(if trailing && !body.is_empty() {
        format!("{body}/")
    } else {
        body.to_string()
    })
}

/// Whether a snapshot file or index exists only in this preview (not in `out/snapshots/`).
fn preview_only(snap: &Snapshot, file: &str) -> bool {
    file.strip_prefix("snapshots/")
        .is_some_and(|rel| snap.published.get(rel) != snap.site.get(file))
}

/// `GET /snapshots/<slug>/current?at=<RFC 3339>&audience=new|existing`: the version in force.
fn current(snap: &Snapshot, slug: &str, query: &str, headers: &HeaderMap, head: bool) -> Response {
    let mut at = snap.now;
    let mut audience = Audience::New;
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        match &*k {
            "at" => match Instant::parse(&v) {
                Ok(t) => at = t,
                Err(e) => return json_error(StatusCode::BAD_REQUEST, &format!("`at`: {e}")),
            },
            "audience" => {
                audience = match &*v {
                    "new" => Audience::New,
                    "existing" => Audience::Existing,
                    other => {
                        return json_error(
                            StatusCode::BAD_REQUEST,
                            &format!("`audience` is `new` or `existing`, not `{other}`"),
                        );
                    }
                }
            }
            _ => {}
        }
    }
    let index_file = format!("snapshots/{slug}/index.json");
    let Some(index) = snap
        .site
        .get(&index_file)
        .and_then(|b| serde_json::from_slice::<SlugIndex>(b).ok())
    else {
        return json_error(
            StatusCode::NOT_FOUND,
            &format!("no plan `{slug}` in the ledger"),
        );
    };
    match in_force(&index, at, audience) {
        Ok(entry) => {
            let file = format!("snapshots/{slug}/{}", entry.file);
            let Some(bytes) = snap.site.get(&file) else {
                return json_error(StatusCode::NOT_FOUND, &format!("`{file}` is missing"));
            };
            let mut r = file_response(snap, &file, bytes, headers, head, preview_only(snap, &file));
            let h = r.headers_mut();
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=5"),
            );
            if let Ok(v) = HeaderValue::from_str(&format!("/{file}")) {
                h.insert(header::CONTENT_LOCATION, v);
            }
            if let Ok(v) = HeaderValue::from_str(&entry.plan_version.to_string()) {
                h.insert("x-plancat-version", v);
            }
            r
        }
        Err(e) => json_error(StatusCode::NOT_FOUND, &e.to_string()),
    }
}

/// A file of the site with its type, strong ETag (its SHA-256), caching and, for HTML, the
/// reload script and the problems overlay.
fn file_response(
    snap: &Snapshot,
    file: &str,
    bytes: &[u8],
    headers: &HeaderMap,
    head: bool,
    preview: bool,
) -> Response {
    let html = file.ends_with(".html");
    let body = if html {
        inject(snap, bytes, snap.marks.get(file).copied())
    } else {
        bytes.to_vec()
    };
    let etag = format!("\"{}\"", plancat_consumer::hash::file_sha256(&body));
    let versioned = file.starts_with("snapshots/")
        && file.ends_with(".json")
        && !file.ends_with("/index.json")
        && file != "snapshots/index.json";
    let cache = if versioned && !preview {
        // Published versions never change (a preview-only one may, as the plan is edited).
        "public, max-age=31536000, immutable"
    } else if file.starts_with("snapshots/") {
        "public, max-age=5"
    } else {
        "no-cache"
    };
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .map(|t| t.trim().trim_start_matches("W/"))
                .any(|t| t == etag || t == "*")
        });
    let mut r = if fresh {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        r
    } else {
        let len = body.len();
        let mut r = Response::new(if head {
            Body::empty()
        } else {
            Body::from(body)
        });
        r.headers_mut()
            .insert(header::CONTENT_LENGTH, HeaderValue::from(len));
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(content_type(file)),
        );
        r
    };
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if preview {
        h.insert(PREVIEW_HEADER, HeaderValue::from_static("unpublished"));
    }
    r
}

fn content_type(file: &str) -> &'static str {
    match file.rsplit_once('.').map(|(_, e)| e) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("xml") => "application/xml",
        Some("svg") => "image/svg+xml",
        Some("txt") => "text/plain; charset=utf-8",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("ico") => "image/x-icon",
        Some("webp") => "image/webp",
        Some("gif") => "image/gif",
        Some("woff") => "font/woff",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// The reload script, and the problems of a broken build as an overlay, before `</body>`; a
/// DRAFT or UNPUBLISHED banner right after `<body>`.
fn inject(snap: &Snapshot, page: &[u8], mark: Option<&str>) -> Vec<u8> {
    let mut text = String::from_utf8_lossy(page).into_owned();
    if let Some(mark) = mark {
        let what = match mark {
            "DRAFT" => "a draft plan: it is never published, and only this preview shows it",
            _ => "a version `plancat build` has not published yet: the live site does not show it",
        };
        let banner = format!(
            "<div class=\"plancat-mark\" role=\"status\" style=\"position:sticky;top:0;z-index:2147483646;\
             padding:.5rem 1rem;background:#b45309;color:#fff;font:600 14px/1.4 system-ui,sans-serif;\
             text-align:center\"><strong>{mark}</strong> — {what}</div>"
        );
        let at = text
            .find("<body")
            .and_then(|i| text[i..].find('>').map(|j| i + j + 1))
            .unwrap_or(0);
        text.insert_str(at, &banner);
    }
    let mut extra = String::new();
    if let Some(problems) = &snap.problems {
        extra.push_str(
            "<div id=\"plancat-problems\" role=\"alert\" style=\"position:fixed;inset:0;z-index:2147483647;\
             overflow:auto;margin:0;padding:1.5rem;background:rgba(20,20,20,.94);color:#f5f5f5;\
             font:14px/1.45 ui-monospace,monospace\"><p style=\"margin:0 0 1rem;font-weight:bold;\
             color:#ff8a80\">The catalog does not build: this page is the last good one. Fix the \
             files below; the page reloads by itself.</p><pre style=\"white-space:pre-wrap;margin:0\">",
        );
        extra.push_str(&html_escape::encode_text(problems));
        extra.push_str("</pre></div>");
    }
    extra.push_str(&format!(
        "<script>(()=>{{const g={};let s;const open=()=>{{s=new WebSocket((location.protocol==='https:'?'wss://':'ws://')+location.host+'{RELOAD_PATH}');\
         s.onmessage=e=>{{if(Number(e.data)!==g)location.reload()}};s.onclose=()=>setTimeout(open,500)}};open()}})();</script>",
        snap.generation
    ));
    let at = text.rfind("</body>").unwrap_or(text.len());
    let mut out = String::with_capacity(text.len() + extra.len());
    out.push_str(&text[..at]);
    out.push_str(&extra);
    out.push_str(&text[at..]);
    out.into_bytes()
}

/// The reload channel: a WebSocket that sends the build generation whenever it changes. Only
/// this preview's own pages may open it (`Origin` checked: a WebSocket is not bound by the
/// same-origin policy).
fn reload(shared: &Arc<Shared>, headers: &HeaderMap, ws: Option<WebSocketUpgrade>) -> Response {
    let origin = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok());
    let allowed =
        origin.is_some_and(|o| o.strip_prefix("http://").is_some_and(|h| shared.allows(h)));
    if !allowed {
        return plain(
            StatusCode::FORBIDDEN,
            "the reload channel is only for this preview's own pages\n",
        );
    }
    let Some(ws) = ws else {
        return plain(StatusCode::BAD_REQUEST, "a WebSocket upgrade is expected\n");
    };
    let mut rx = shared.generation.subscribe();
    ws.on_upgrade(move |mut socket| async move {
        loop {
            let g = *rx.borrow_and_update();
            if socket
                .send(Message::Text(g.to_string().into()))
                .await
                .is_err()
            {
                return;
            }
            tokio::select! {
                changed = rx.changed() => if changed.is_err() { return },
                msg = socket.recv() => match msg {
                    Some(Ok(_)) => {}
                    _ => return,
                },
            }
        }
    })
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}

fn json_error(status: StatusCode, message: &str) -> Response {
    let body = serde_json::json!({ "error": message }).to_string();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_stay_inside_the_site() {
        assert_eq!(contained("/").as_deref(), Some(""));
        assert_eq!(contained("/apis/x/").as_deref(), Some("apis/x/"));
        assert_eq!(contained("/a%20b.html").as_deref(), Some("a b.html"));
        for bad in [
            "/../etc/passwd",
            "/apis/../../x",
            "/%2e%2e/x",
            "/%2E%2E%2Fx",
            "/a/%5c..%5cx",
            "/a\\..\\x",
            "/a//b",
            "/./a",
            "/a/%00",
            "/C:/x",
            "/%ff",
            "relative",
        ] {
            assert_eq!(contained(bad), None, "{bad}");
        }
    }

    #[test]
    fn bound_beyond_loopback_any_ip_is_allowed_and_a_name_never() {
        let shared = |bind: &str| {
            let addr: SocketAddr = bind.parse().unwrap();
            Shared {
                state: RwLock::new(Arc::new(Snapshot::without_site(
                    0,
                    BTreeMap::new(),
                    None,
                    Instant::parse("2026-01-01T00:00:00Z").unwrap(),
                ))),
                generation: watch::channel(0).0,
                hosts: allowed_hosts(addr),
                any_ip: (!addr.ip().is_loopback()).then_some(addr.port()),
            }
        };
        let lan = shared("0.0.0.0:7171");
        assert!(lan.allows("192.0.2.2:7171"));
        assert!(lan.allows("[2001:db8::1]:7171"));
        assert!(lan.allows("localhost:7171"));
        assert!(!lan.allows("192.0.2.2:8080"), "another port");
        assert!(!lan.allows("evil.example:7171"), "a name: DNS rebinding");
        let local = shared("127.0.0.1:7171");
        assert!(
            !local.allows("192.0.2.2:7171"),
            "loopback answers only to loopback"
        );
        assert!(local.allows("127.0.0.1:7171"));
    }

    #[test]
    fn the_allowed_hosts_are_loopback_names_with_the_port() {
        let hosts = allowed_hosts("127.0.0.1:7171".parse().unwrap());
        assert_eq!(hosts, ["127.0.0.1:7171", "[::1]:7171", "localhost:7171"]);
        let hosts = allowed_hosts("[::]:80".parse().unwrap());
        assert!(hosts.contains(&"[::]:80".to_string()));
    }

    #[test]
    fn pages_get_the_reload_script_and_problems_escaped_before_the_body_ends() {
        let snap = Snapshot::without_site(
            7,
            BTreeMap::new(),
            Some("error: <script>x</script> at plans/a.toml:1:2".into()),
            Instant::parse("2026-01-01T00:00:00Z").unwrap(),
        );
        let page = String::from_utf8(inject(
            &snap,
            b"<html><body class=\"x\"><p>hi</p></body></html>",
            Some("DRAFT"),
        ))
        .unwrap();
        assert!(page.starts_with("<html><body class=\"x\"><div class=\"plancat-mark\""));
        assert!(page.contains("<strong>DRAFT</strong>"));
        assert!(page.ends_with("</script></body></html>"), "{page}");
        assert!(page.contains("&lt;script&gt;x&lt;/script&gt; at plans/a.toml:1:2"));
        assert!(page.contains("const g=7;"));
        assert!(!page.contains("<script>x</script>"));
    }
}
