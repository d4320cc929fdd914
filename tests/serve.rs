//! `plancat serve`: the real binary on an ephemeral loopback port, spoken to over raw HTTP/1.1
//! (so traversal attempts reach the server byte for byte): pages, every snapshot endpoint,
//! ETag/304, `current?at=` around a scheduled version and a withdrawal, hostile paths and
//! hosts, the reload channel's Origin check, live rebuilds and the problems overlay.
//! Every server is killed when its test ends (also on a failed assertion).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// A running `plancat serve`, killed when dropped.
struct Server {
    child: Child,
    addr: String,
    log: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Server {
    fn start(root: &Path) -> Server {
        Server::start_with(root, &[])
    }

    fn start_with(root: &Path, extra: &[&str]) -> Server {
        let mut args = vec!["serve", "--port", "0"];
        args.extend_from_slice(extra);
        let mut child = command(root, &args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("plancat serve starts");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let mut seen = String::new();
        let addr = loop {
            let line = lines
                .next()
                .unwrap_or_else(|| panic!("serve exited before listening:\n{seen}"))
                .unwrap();
            seen.push_str(&line);
            seen.push('\n');
            if let Some(i) = line.find("http://127.0.0.1:") {
                let rest = &line[i + "http://".len()..];
                break rest[..rest.find('/').unwrap()].to_string();
            }
        };
        // Keep draining stderr (a full pipe would block the server), and keep it for messages.
        let log = std::sync::Arc::new(std::sync::Mutex::new(seen));
        let sink = std::sync::Arc::clone(&log);
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                let mut l = sink.lock().unwrap();
                l.push_str(&line);
                l.push('\n');
            }
        });
        Server { child, addr, log }
    }

    fn get(&self, path: &str) -> Reply {
        self.request(path, &[])
    }

    fn request(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        let host = self.addr.clone();
        let mut all = vec![("Host", host.as_str())];
        all.extend_from_slice(headers);
        raw(&self.addr, "GET", path, &all)
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Polls `path` until `ok` holds (the watcher debounces, then rebuilds): the first reply
    /// that does, or a failure naming what was last seen.
    fn wait_for(&self, path: &str, what: &str, ok: impl Fn(&Reply) -> bool) -> Reply {
        let start = Instant::now();
        loop {
            let r = self.get(path);
            if ok(&r) {
                return r;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "{what}: still not so after 20 s; last reply {} {}\nserver log:\n{}",
                r.status,
                r.text(),
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One HTTP/1.1 request, the path sent exactly as given.
fn raw(addr: &str, method: &str, path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    let _ = s.read_to_end(&mut bytes);
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete response head");
    let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Reply {
        status,
        headers,
        body: bytes[split + 4..].to_vec(),
    }
}

#[test]
fn pages_and_snapshots_are_served_with_types_etags_and_caching() {
    let dir = example_copy();
    let s = Server::start(dir.path());

    let index = s.get("/");
    assert_eq!(index.status, 200);
    assert_eq!(
        index.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(
        index.text().contains("/__plancat/reload"),
        "the reload script is injected"
    );
    assert_eq!(index.header("cache-control"), Some("no-cache"));
    let api = s.get("/apis/shopcore-commerce-api/");
    assert_eq!(api.status, 200);
    assert!(api.text().contains("₹2,499"), "{}", api.text());
    // A folder without its slash redirects there, so relative links resolve as on a host.
    let moved = s.get("/apis/shopcore-commerce-api");
    assert_eq!(moved.status, 301);
    assert_eq!(
        moved.header("location"),
        Some("/apis/shopcore-commerce-api/")
    );
    assert_eq!(
        s.get("/assets/style.css").header("content-type"),
        Some("text/css; charset=utf-8")
    );
    assert_eq!(s.get("/nope.html").status, 404);

    // The ledger: byte for byte the published files, with strong ETags and 304s.
    let ledger = dir.path().join("out/snapshots");
    let catalog = s.get("/snapshots/index.json");
    assert_eq!(catalog.status, 200);
    assert_eq!(catalog.header("content-type"), Some("application/json"));
    assert_eq!(
        catalog.body,
        std::fs::read(ledger.join("index.json")).unwrap()
    );
    assert_eq!(catalog.header("cache-control"), Some("public, max-age=5"));
    let etag = catalog.header("etag").unwrap().to_string();
    assert!(etag.starts_with('"') && etag.len() == 66, "{etag}");
    let again = s.request("/snapshots/index.json", &[("If-None-Match", &etag)]);
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), Some(etag.as_str()));
    let other = s.request("/snapshots/index.json", &[("If-None-Match", "\"0000\"")]);
    assert_eq!(other.status, 200);

    let slug_index = s.get("/snapshots/shopcore-commerce-api/index.json");
    assert_eq!(
        slug_index.body,
        std::fs::read(ledger.join("shopcore-commerce-api/index.json")).unwrap()
    );
    let index: serde_json::Value = serde_json::from_slice(&slug_index.body).unwrap();
    let entry = &index["versions"][0];
    let file = entry["file"].as_str().unwrap();
    let snap = s.get(&format!("/snapshots/shopcore-commerce-api/{file}"));
    assert_eq!(snap.status, 200);
    assert_eq!(
        snap.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    // The ETag is the file's SHA-256, the one the index records.
    assert_eq!(
        snap.header("etag").unwrap(),
        format!("\"{}\"", entry["file_sha256"].as_str().unwrap())
    );
    assert_eq!(
        snap.header("x-plancat-preview"),
        None,
        "published: no preview mark"
    );

    // A child API pointed at the preview gets the same verified snapshot.
    let local = plancat(
        dir.path(),
        &["resolve", "shopcore-commerce-api", "--at", EXAMPLE_AT],
    );
    let url = format!("http://{}", s.addr);
    let fetched = plancat(
        dir.path(),
        &[
            "resolve",
            "shopcore-commerce-api",
            "--at",
            EXAMPLE_AT,
            "--from",
            &url,
        ],
    );
    assert!(fetched.status.success(), "{}", stderr(&fetched));
    assert_eq!(fetched.stdout, local.stdout);

    // HEAD: the headers without the body.
    let head = raw(
        &s.addr,
        "HEAD",
        "/snapshots/index.json",
        &[("Host", &s.addr)],
    );
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    // Nothing but GET and HEAD.
    let post = raw(
        &s.addr,
        "POST",
        "/",
        &[("Host", &s.addr), ("Content-Length", "0")],
    );
    assert_eq!(post.status, 405);
    // Preview never writes: no site, no manifest, the ledger untouched.
    assert!(!dir.path().join("out/site").exists());
    assert!(!dir.path().join("out/.plancat").exists());
    assert_eq!(tree(&ledger), tree(&example_ledger()));
}

fn example_ledger() -> std::path::PathBuf {
    repo().join("out/snapshots")
}

#[test]
fn current_resolves_the_version_in_force_around_a_schedule_and_a_withdrawal() {
    let dir = example_copy();
    let api = dir.path().join("plans/projects/shopcore-commerce-api.toml");
    // A price decrease scheduled for 2027-03-01: version 1.1.0 for everyone from then.
    let text = std::fs::read_to_string(&api).unwrap().replace(
        "price.monthly = { INR = \"2499\" }",
        "price.monthly = { INR = \"2399\" }",
    );
    std::fs::write(
        &api,
        format!("{text}\n[release]\neffective_from = 2027-03-01T00:00:00Z\n"),
    )
    .unwrap();
    let built = plancat(dir.path(), &["build"]);
    assert!(built.status.success(), "{}", stderr(&built));
    let s = Server::start(dir.path());

    let at = |t: &str, audience: &str| {
        s.get(&format!(
            "/snapshots/shopcore-commerce-api/current?at={t}&audience={audience}"
        ))
    };
    let before = at("2027-02-01T00:00:00Z", "new");
    assert_eq!(before.status, 200, "{}", before.text());
    assert_eq!(before.header("x-plancat-version"), Some("1.0.1"));
    assert_eq!(before.header("cache-control"), Some("public, max-age=5"));
    assert_eq!(
        before.header("content-location"),
        Some("/snapshots/shopcore-commerce-api/1.0.1.json")
    );
    let after = at("2027-03-01T00:00:00Z", "new");
    assert_eq!(after.header("x-plancat-version"), Some("1.1.0"));
    let served: serde_json::Value = serde_json::from_slice(&after.body).unwrap();
    assert_eq!(served["plan_version"], "1.1.0");
    // The same bytes `plancat resolve` verifies.
    let resolved = plancat(
        dir.path(),
        &[
            "resolve",
            "shopcore-commerce-api",
            "--at",
            "2027-03-01T00:00:00Z",
        ],
    );
    assert_eq!(after.body, resolved.stdout);
    let etag = after.header("etag").unwrap().to_string();
    let cached = s.request(
        "/snapshots/shopcore-commerce-api/current?at=2027-03-01T00:00:00Z",
        &[("If-None-Match", &etag)],
    );
    assert_eq!(cached.status, 304);
    assert_eq!(at("2027-03-01T00:00:00Z", "existing").status, 200);
    assert_eq!(at("2020-01-01T00:00:00Z", "new").status, 404);
    assert_eq!(at("yesterday", "new").status, 400);
    assert_eq!(at("2027-03-01T00:00:00Z", "everyone").status, 400);
    assert_eq!(s.get("/snapshots/no-such-plan/current").status, 404);

    // Withdrawn: clients fall back to what it rolls back to, as soon as the ledger changes.
    let yanked = plancat(
        dir.path(),
        &[
            "yank",
            "shopcore-commerce-api",
            "1.1.0",
            "--reason",
            "wrong price",
        ],
    );
    assert!(yanked.status.success(), "{}", stderr(&yanked));
    s.wait_for(
        "/snapshots/shopcore-commerce-api/current?at=2027-03-01T00:00:00Z",
        "the withdrawn version falls back",
        |r| r.header("x-plancat-version") == Some("1.0.1"),
    );
}

#[test]
fn hostile_paths_hosts_and_origins_are_refused() {
    let dir = example_copy();
    // A secret next to the catalog and a symlink out of it: neither is ever served.
    std::fs::write(dir.path().join("secret.txt"), "top secret").unwrap();
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    std::os::unix::fs::symlink(
        dir.path().join("secret.txt"),
        dir.path().join("templates/leak.txt"),
    )
    .unwrap();
    let s = Server::start(dir.path());
    let leak = s.get("/assets/leak.txt");
    assert_eq!(
        leak.status, 404,
        "a symlink out of the tree is never followed"
    );
    assert!(
        s.get("/")
            .text()
            .contains("plancat reads only regular files"),
        "and it is reported"
    );
    for path in [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/assets/..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/assets\\..\\..\\secret.txt",
        "/./index.html",
        "//etc/passwd",
    ] {
        let r = s.get(path);
        assert!(r.status == 400 || r.status == 404, "{path}: {}", r.status);
        assert!(!r.text().contains("top secret"), "{path}");
        assert!(
            !r.text().contains(&dir.path().display().to_string()),
            "{path}: an absolute path"
        );
    }
    // DNS rebinding: another name for 127.0.0.1 is not this preview.
    for host in ["evil.example", "evil.example:80", "127.0.0.1.evil.example"] {
        let r = raw(&s.addr, "GET", "/", &[("Host", host)]);
        assert_eq!(r.status, 400, "{host}");
    }
    let port = s.addr.rsplit(':').next().unwrap();
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}")] {
        // Answered (404 with the problems: the symlink means there is no good build yet).
        assert_eq!(
            raw(&s.addr, "GET", "/", &[("Host", &host)]).status,
            404,
            "{host}"
        );
    }
    // The reload channel: only the preview's own pages may open it.
    let upgrade = |origin: Option<&str>| {
        let mut h = vec![
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Version", "13"),
            ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
        ];
        if let Some(o) = origin {
            h.push(("Origin", o));
        }
        // `Connection: close` from `raw` comes first; the upgrade header is what counts.
        let mut all = vec![("Host", s.addr.as_str())];
        all.extend(h);
        let mut stream = TcpStream::connect(&s.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut req = String::from("GET /__plancat/reload HTTP/1.1\r\n");
        for (k, v) in all {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        stream.write_all(req.as_bytes()).unwrap();
        let mut line = String::new();
        BufReader::new(stream).read_line(&mut line).unwrap();
        line.split(' ').nth(1).unwrap().parse::<u16>().unwrap()
    };
    assert_eq!(upgrade(None), 403, "a missing Origin");
    assert_eq!(
        upgrade(Some("http://evil.example")),
        403,
        "a foreign Origin"
    );
    let own = format!("http://{}", s.addr);
    assert_eq!(upgrade(Some(&own)), 101, "the preview's own page");
}

#[test]
fn an_edit_is_served_live_a_break_shows_the_overlay_and_a_fix_recovers() {
    let dir = example_copy();
    let s = Server::start(dir.path());
    let page = "/apis/shopcore-commerce-api/";
    assert!(s.get(page).text().contains("₹2,499"));
    let api = dir.path().join("plans/projects/shopcore-commerce-api.toml");
    let good = std::fs::read_to_string(&api).unwrap();

    // A client that sends half a request and never reads cannot hold up a rebuild.
    let mut stuck = TcpStream::connect(&s.addr).unwrap();
    stuck.write_all(b"GET / HTTP/1.1\r\nHost: ").unwrap();

    // One price edited: the page shows it, and the new version is marked as preview-only.
    let started = Instant::now();
    std::fs::write(
        &api,
        good.replace("{ INR = \"2499\" }", "{ INR = \"2399\" }"),
    )
    .unwrap();
    s.wait_for(page, "the new price is served", |r| {
        r.text().contains("₹2,399")
    });
    eprintln!(
        "new price served {} ms after the edit",
        started.elapsed().as_millis()
    );
    let index = s.get("/snapshots/shopcore-commerce-api/index.json");
    assert_eq!(index.header("x-plancat-preview"), Some("unpublished"));
    assert!(index.text().contains("\"1.1.0\""), "{}", index.text());
    let preview_version = s.get("/snapshots/shopcore-commerce-api/1.1.0.json");
    assert_eq!(preview_version.status, 200);
    assert_eq!(
        preview_version.header("x-plancat-preview"),
        Some("unpublished")
    );
    assert_eq!(
        preview_version.header("cache-control"),
        Some("public, max-age=5"),
        "an unpublished version may still change: never `immutable`"
    );
    assert!(
        !dir.path()
            .join("out/snapshots/shopcore-commerce-api/1.1.0.json")
            .exists()
    );

    // Broken: the last good page stays, with the problems over it (file:line:col).
    std::fs::write(
        &api,
        good.replace("{ INR = \"2499\" }", "{ INR = \"24,99\" }"),
    )
    .unwrap();
    let broken = s.wait_for(page, "the problems overlay appears", |r| {
        r.text().contains("plancat-problems")
    });
    let text = broken.text();
    assert_eq!(broken.status, 200);
    assert!(text.contains("₹2,399"), "the last good page is kept");
    assert!(
        text.contains("plans/projects/shopcore-commerce-api.toml:10:"),
        "the located diagnostic: {text}"
    );
    assert!(
        s.get("/").text().contains("plancat-problems"),
        "on every page"
    );

    // Fixed: the overlay goes by itself.
    std::fs::write(&api, &good).unwrap();
    s.wait_for(page, "recovery", |r| {
        let t = r.text();
        !t.contains("plancat-problems") && t.contains("₹2,499")
    });
    drop(stuck);
}

#[test]
fn drafts_are_previewed_only_when_asked_and_always_marked() {
    let dir = example_copy();
    let draft = "/apis/flowbridge-automation-cloud/";
    let plain = Server::start(dir.path());
    assert_eq!(plain.get(draft).status, 404);
    assert!(
        !plain
            .get("/")
            .text()
            .contains("flowbridge-automation-cloud")
    );
    drop(plain);

    let s = Server::start_with(dir.path(), &["--drafts"]);
    let page = s.get(draft);
    assert_eq!(page.status, 200, "{}", page.text());
    assert!(
        page.text().contains("<strong>DRAFT</strong>"),
        "{}",
        page.text()
    );
    assert!(
        s.get("/").text().contains("flowbridge-automation-cloud"),
        "linked from the index"
    );
    // Never part of the ledger, not even the preview's.
    assert_eq!(
        s.get("/snapshots/flowbridge-automation-cloud/index.json")
            .status,
        404
    );
    assert_eq!(
        s.get("/snapshots/flowbridge-automation-cloud/current")
            .status,
        404
    );
    let live = s.get("/apis/shopcore-commerce-api/");
    assert!(
        !live.text().contains("plancat-mark"),
        "a published page is not marked"
    );
}

#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let dir = example_copy();
    let mut s = Server::start(dir.path());
    assert_eq!(s.get("/").status, 200);
    let interrupted = std::process::Command::new("kill")
        .args(["-INT", &s.child.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = s.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "still running 10 s after Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status}");
    std::thread::sleep(Duration::from_millis(100));
    assert!(s.log().contains("Stopped"), "{}", s.log());
}

#[test]
fn a_browser_tab_reloads_by_itself_when_a_price_is_edited() {
    if !browser_available("a_browser_tab_reloads_by_itself_when_a_price_is_edited") {
        return;
    }
    let dir = example_copy();
    let s = Server::start(dir.path());
    let api = dir.path().join("plans/projects/shopcore-commerce-api.toml");
    let out = std::process::Command::new("node")
        .arg(repo().join("tests/browser/live-reload.mjs"))
        .arg(format!("http://{}/apis/shopcore-commerce-api/", s.addr))
        .arg(&api)
        .args([
            "{ INR = \"2499\" }",
            "{ INR = \"2399\" }",
            "₹2,499",
            "₹2,399",
        ])
        .env("CHROMIUM", chromium())
        .current_dir(repo())
        .output()
        .expect("node runs");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{report}\nserver log:\n{}", s.log());
    eprintln!("{report}");
}

#[test]
fn an_unreadable_catalog_is_reported_without_absolute_paths() {
    let dir = example_copy();
    let ledger = dir.path().join("out/snapshots");
    std::fs::remove_dir_all(&ledger).unwrap();
    std::fs::write(&ledger, "not a folder").unwrap();
    let s = Server::start(dir.path());
    let page = s.get("/");
    let text = page.text();
    assert!(text.contains("plancat-problems"), "{text}");
    assert!(text.contains("out/snapshots"), "{text}");
    assert!(
        !text.contains(&dir.path().display().to_string()),
        "an absolute path on a page: {text}"
    );
}

#[test]
fn a_folder_replaced_under_the_same_name_is_still_watched() {
    let dir = example_copy();
    let s = Server::start(dir.path());
    let page = "/apis/shopcore-commerce-api/";
    assert!(s.get(page).text().contains("₹2,499"));
    // `plans/` removed and made again (as a checkout of another branch does): a new folder.
    let plans = dir.path().join("plans");
    let saved = tempfile::tempdir().unwrap();
    copy_dir(&plans, saved.path());
    std::fs::remove_dir_all(&plans).unwrap();
    s.wait_for(page, "the missing plans are reported", |r| {
        r.text().contains("plancat-problems")
    });
    copy_dir(saved.path(), &plans);
    s.wait_for(page, "the plans are back", |r| {
        !r.text().contains("plancat-problems")
    });
    // An edit inside the new folder is seen.
    let api = plans.join("projects/shopcore-commerce-api.toml");
    let text = std::fs::read_to_string(&api).unwrap();
    std::fs::write(
        &api,
        text.replace("{ INR = \"2499\" }", "{ INR = \"2399\" }"),
    )
    .unwrap();
    s.wait_for(page, "an edit in the new folder is served", |r| {
        r.text().contains("₹2,399")
    });
}
