//! Helpers shared by the integration tests: run the real binary on a catalog tree on disk.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_plancat");

/// The moment every test run of the binary treats as now, unless it passes `--now`:
/// 2026-12-01T00:00:00Z, when the shipped example's committed ledger is in force and its
/// promotion is running. No test reads the clock.
pub const NOW_EPOCH: &str = "1796083200";

/// A fixed moment at which the shipped example catalog is clean and its committed ledger is
/// in force: after the ledger's `effective_from` (2026-11-22) and inside the `launch20`
/// promotion of `shopcore-commerce-api` (2026-01-01 to 2027-01-01). Every command a test runs
/// on the example that depends on the time is pinned to it (or another fixed moment), so no
/// test depends on the wall clock: from 2027-01-01 the promotion has expired, and before
/// 2026-11-22 no published version is in force.
pub const EXAMPLE_AT: &str = "2026-12-01T00:00:00Z";

/// The repository root (the shipped example catalog lives here).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `plancat --root <root> <args…>` without colour, at the pinned moment.
pub fn plancat(root: &Path, args: &[&str]) -> Output {
    command(root, args)
        .output()
        .expect("the plancat binary runs")
}

/// `plancat --root <root> <args…>`, without colour and with "now" pinned to [`NOW_EPOCH`]
/// (`SOURCE_DATE_EPOCH`), to run or spawn: no test reads the clock.
pub fn command(root: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--root")
        .arg(root)
        .args(args)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", NOW_EPOCH);
    c
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Copies a directory tree (files and folders only).
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dst = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dst).unwrap();
        } else {
            std::fs::copy(entry.path(), &dst).unwrap();
        }
    }
}

/// A copy of the shipped example catalog (plans and published ledger) in a temporary dir.
pub fn example_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("plans"), &dir.path().join("plans"));
    copy_dir(
        &repo().join("out/snapshots"),
        &dir.path().join("out/snapshots"),
    );
    dir
}

/// Every file under `dir` (relative `/` path → bytes); empty if `dir` does not exist.
/// A killed build's leftover staging directory is not part of the tree.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return out;
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel.starts_with(".snapshots.") {
            continue;
        }
        out.insert(rel, std::fs::read(entry.path()).unwrap());
    }
    out
}

/// Whether this run must not skip a test for a missing tool: `CI` is set (and not `false` /
/// `0`).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// A port the kernel just handed out on 127.0.0.1 (free when this returns).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("an ephemeral loopback port")
        .port()
}

/// A stock nginx (Debian's) serving `root` as a static host on an ephemeral loopback port, the
/// way a CDN or object store serves `out/site/`. Stopped when dropped.
pub struct Nginx {
    pub base: String,
    child: std::process::Child,
    _dir: tempfile::TempDir,
}

impl Nginx {
    /// `None` when nginx is not installed (and this is not CI, where it must be).
    pub fn serve(root: &Path) -> Option<Nginx> {
        let bin = std::env::var_os("NGINX")
            .map_or_else(|| PathBuf::from("/usr/sbin/nginx"), PathBuf::from);
        if !bin.is_file() {
            assert!(
                !in_ci(),
                "nginx is missing at {} (`apt-get install nginx-light`)",
                bin.display()
            );
            eprintln!(
                "skipped: nginx is not installed at {} (`apt-get install nginx-light`)",
                bin.display()
            );
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        for attempt in 0.. {
            let port = free_port();
            let conf = format!(
                "daemon off;\nmaster_process off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
                 events {{ worker_connections 64; }}\n\
                 http {{\n  include /etc/nginx/mime.types;\n  access_log {d}/access.log;\n\
                 client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n  fastcgi_temp_path {d}/fastcgi;\n\
                 uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n\
                 server {{\n    listen 127.0.0.1:{port};\n    root {root};\n  }}\n}}\n",
                d = dir.path().display(),
                root = root.display(),
            );
            std::fs::write(dir.path().join("nginx.conf"), conf).unwrap();
            let mut child = Command::new(&bin)
                .arg("-e")
                .arg(dir.path().join("error.log"))
                .arg("-c")
                .arg(dir.path().join("nginx.conf"))
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("nginx starts");
            // Ready when it accepts a connection; a port taken meanwhile makes it exit.
            for _ in 0..200 {
                if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return Some(Nginx {
                        base: format!("http://127.0.0.1:{port}"),
                        child,
                        _dir: dir,
                    });
                }
                if child.try_wait().unwrap().is_some() {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(25));
            }
            let _ = child.kill();
            let _ = child.wait();
            let log = std::fs::read_to_string(dir.path().join("error.log")).unwrap_or_default();
            assert!(attempt < 3, "nginx did not start:\n{log}");
        }
        unreachable!()
    }
}

impl Nginx {
    /// The access log so far: one line per request, `"GET /path HTTP/1.1" 200 …`.
    pub fn access_log(&self) -> String {
        std::fs::read_to_string(self._dir.path().join("access.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---- the real browser (headless Chromium driven by Node and playwright-core) -------------------

pub fn chromium() -> PathBuf {
    std::env::var_os("CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from)
}

/// What the browser tests need, or why they cannot run.
pub fn browser_missing() -> Option<String> {
    let mut missing = Vec::new();
    let chromium = chromium();
    if !chromium.is_file() {
        missing.push(format!(
            "Chromium at {} (`apt-get install chromium`, or set CHROMIUM)",
            chromium.display()
        ));
    }
    let node = Command::new("node").arg("--version").output();
    if !node.is_ok_and(|o| o.status.success()) {
        missing.push("Node.js (`node` on PATH)".to_string());
    }
    if !repo()
        .join("tests/browser/node_modules/playwright-core/package.json")
        .is_file()
    {
        missing.push("playwright-core (`npm ci --prefix tests/browser`)".to_string());
    }
    (!missing.is_empty()).then(|| missing.join(", "))
}

/// `true` when the browser test can run; otherwise skips loudly, or fails in CI.
pub fn browser_available(test: &str) -> bool {
    let Some(missing) = browser_missing() else {
        return true;
    };
    assert!(
        !in_ci(),
        "{test}: CI is set but the browser test cannot run: missing {missing}. `.ci/run` installs them."
    );
    let line = "!".repeat(78);
    // Straight to the process's stderr, not `eprintln!`: the test harness captures that macro's
    // output of passing tests, and a skip nobody sees is a silent pass.
    let _ = std::io::Write::write_fmt(
        &mut std::io::stderr(),
        format_args!(
            "\n{line}\n!! SKIPPED {test}: missing {missing}.\n!! The pages were NOT checked in a real browser. Run `.ci/run`, or install those.\n{line}\n"
        ),
    );
    false
}

pub fn node(script: &str, args: &[&Path]) -> std::process::Output {
    Command::new("node")
        .arg(repo().join("tests/browser").join(script))
        .args(args)
        .env("CHROMIUM", chromium())
        .current_dir(repo())
        .output()
        .expect("node runs")
}
