//! The consumer contract in other languages (docs/CONSUMING.md): the Node.js and Python
//! examples in `examples/consumers/` fetch the ledger that `build` copies into `out/site/` from
//! a stock static host (nginx), verify it and resolve the version in force. They must print
//! exactly what `plancat resolve` prints, refuse what the Rust consumer refuses, and with
//! `--cache` keep serving the last verified snapshot when the host is down or serves a file
//! that fails verification.
//!
//! A missing `node`, `python3` or `nginx` skips a test loudly, except in CI, where it fails.
//! Every run passes `--at`: no test reads the clock.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{EXAMPLE_AT, Nginx, example_copy, in_ci, plancat, repo, stderr, tree};
use plancat_consumer::{self as consumer, Audience, Instant};

#[derive(Clone, Copy, Debug)]
enum Lang {
    Node,
    Python,
}

impl Lang {
    fn program(self) -> &'static str {
        match self {
            Lang::Node => "node",
            Lang::Python => "python3",
        }
    }

    fn script(self) -> PathBuf {
        repo().join(match self {
            Lang::Node => "examples/consumers/node/resolve.mjs",
            Lang::Python => "examples/consumers/python/resolve.py",
        })
    }

    /// Whether its interpreter runs here. A missing one skips the test with a message, and
    /// fails it in CI.
    fn available(self) -> bool {
        let ok = Command::new(self.program())
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            assert!(
                !in_ci(),
                "`{}` is missing (CI must install it)",
                self.program()
            );
            eprintln!(
                "skipped: `{}` is not installed, so its consumer example is not tested",
                self.program()
            );
        }
        ok
    }

    /// `<program> resolve.<ext> <base> <slug> <args…>`.
    fn resolve(self, base: &str, slug: &str, args: &[&str]) -> Output {
        Command::new(self.program())
            .arg(self.script())
            .arg(base)
            .arg(slug)
            .args(args)
            // The host is on loopback: never through a proxy the environment may name.
            .env("NO_PROXY", "127.0.0.1")
            .env("no_proxy", "127.0.0.1")
            .output()
            .expect("the interpreter runs")
    }

    /// Runs `code` with the example's functions loaded (`m` in Node, `resolve` in Python) and
    /// `paths` as its arguments; returns its stdout.
    fn eval(self, code: &str, paths: &[PathBuf]) -> String {
        let mut c = Command::new(self.program());
        match self {
            Lang::Node => c.args(["--input-type=module", "-e"]).arg(format!(
                "const m = await import({:?});\n{code}",
                format!("file://{}", self.script().display())
            )),
            Lang::Python => c.arg("-c").arg(format!(
                "import sys\nsys.path.insert(0, {:?})\nimport resolve\n{code}",
                self.script().parent().unwrap().display().to_string()
            )),
        };
        // Importing the Python example leaves no `__pycache__` in the repository.
        let o = c
            .args(paths)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .output()
            .expect("the interpreter runs");
        assert!(o.status.success(), "{self:?}: {}", stderr(&o));
        String::from_utf8(o.stdout).unwrap()
    }
}

/// The `error:` and `warning:` lines a run printed (Node 18 may add an ExperimentalWarning
/// about fetch, which is not the example's).
fn messages(o: &Output) -> Vec<String> {
    stderr(o)
        .lines()
        .filter(|l| l.starts_with("error: ") || l.starts_with("warning: "))
        .map(String::from)
        .collect()
}

/// Asserts a run failed with exit 1, printed nothing, and said one line containing `what`.
#[track_caller]
fn refused(o: &Output, what: &str) {
    assert_eq!(o.status.code(), Some(1), "stderr: {}", stderr(o));
    assert!(o.stdout.is_empty(), "nothing is printed on a refusal");
    let m = messages(o);
    assert!(
        m.len() == 1 && m[0].starts_with("error: ") && m[0].contains(what),
        "expected one error line saying {what:?}, got:\n{}",
        stderr(o)
    );
}

/// Asserts a run printed `want` from the cache, with one warning line saying why.
#[track_caller]
fn from_cache(o: &Output, want: &[u8], why: &str) {
    assert!(o.status.success(), "stderr: {}", stderr(o));
    assert!(o.stdout == want, "the cached snapshot is printed");
    let m = messages(o);
    assert!(
        m.len() == 1
            && m[0].starts_with("warning: ")
            && m[0].contains("comes from the cache")
            && m[0].contains(why),
        "expected one warning saying the snapshot comes from the cache because {why:?}, got:\n{}",
        stderr(o)
    );
}

/// Asserts a run printed `want` from the host, with no message at all.
#[track_caller]
fn clean(o: &Output, want: &[u8]) {
    assert!(o.status.success(), "stderr: {}", stderr(o));
    assert!(
        o.stdout == want,
        "printed:\n{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert_eq!(messages(o), Vec::<String>::new());
}

/// A built catalog whose `out/site/` a stock nginx serves.
struct Site {
    dir: tempfile::TempDir,
    nginx: Option<Nginx>,
    base: String,
}

impl Site {
    /// The shipped example, built (`None`, with a message, when nginx is missing outside CI).
    fn example() -> Option<Site> {
        let dir = example_copy();
        let o = plancat(dir.path(), &["build"]);
        assert!(o.status.success(), "{}", stderr(&o));
        Site::serve(dir)
    }

    /// A built catalog, served.
    fn serve(dir: tempfile::TempDir) -> Option<Site> {
        // The site carries the ledger, byte for byte: that is what a static host serves.
        let ledger = tree(&dir.path().join("out/snapshots"));
        assert!(ledger.len() > 30);
        assert_eq!(tree(&dir.path().join("out/site/snapshots")), ledger);
        let nginx = Nginx::serve(&dir.path().join("out/site"))?;
        let base = nginx.base.clone();
        Some(Site {
            dir,
            nginx: Some(nginx),
            base,
        })
    }

    /// A served ledger file (`rel` relative to `snapshots/`).
    fn served(&self, rel: &str) -> PathBuf {
        self.dir.path().join("out/site/snapshots").join(rel)
    }

    /// Every published slug, from the catalog index.
    fn slugs(&self) -> Vec<String> {
        let index: serde_json::Value = serde_json::from_slice(
            &std::fs::read(self.dir.path().join("out/snapshots/index.json")).unwrap(),
        )
        .unwrap();
        index["entries"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect()
    }

    /// `plancat resolve <slug> --at <at> [--existing]` on the catalog.
    fn plancat_resolve(&self, slug: &str, at: &str, existing: bool) -> Output {
        let mut args = vec!["resolve", slug, "--at", at];
        if existing {
            args.push("--existing");
        }
        plancat(self.dir.path(), &args)
    }

    /// What the Rust consumer makes of the served ledger.
    fn rust_resolve(&self, slug: &str, at: &str) -> Result<consumer::Snapshot, consumer::Error> {
        consumer::Ledger::open(self.dir.path().join("out/site/snapshots"))?.resolve(
            slug,
            Instant::parse(at).unwrap(),
            Audience::New,
        )
    }

    /// Replaces `from` (which must be there) by `to` in a served file.
    #[track_caller]
    fn edit(&self, rel: &str, from: &str, to: &str) {
        let path = self.served(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "`{from}` is not in {rel}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }

    /// Records a served slug index's new SHA-256 in the served catalog index, as a forger who
    /// controls the host would, so that only the checks below it can catch an edit.
    fn reseal_index(&self, slug: &str) {
        let catalog: serde_json::Value =
            serde_json::from_slice(&std::fs::read(self.served("index.json")).unwrap()).unwrap();
        let old = catalog["entries"][slug]["index_sha256"].as_str().unwrap();
        let new = consumer::hash::file_sha256(
            &std::fs::read(self.served(&format!("{slug}/index.json"))).unwrap(),
        );
        self.edit("index.json", old, &new);
    }

    /// Records a served snapshot's new SHA-256 in its slug index, and that index's in the
    /// catalog index.
    fn reseal_file(&self, slug: &str, version: &str) {
        let rel = format!("{slug}/index.json");
        let index: serde_json::Value =
            serde_json::from_slice(&std::fs::read(self.served(&rel)).unwrap()).unwrap();
        let entry = index["versions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["plan_version"] == version)
            .unwrap();
        let new = consumer::hash::file_sha256(
            &std::fs::read(self.served(&format!("{slug}/{version}.json"))).unwrap(),
        );
        self.edit(&rel, entry["file_sha256"].as_str().unwrap(), &new);
        self.reseal_index(slug);
    }
}

/// Runs a test for each language (`<test>::node`, `<test>::python`).
macro_rules! per_language {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[test]
            fn node() {
                if super::Lang::Node.available() {
                    super::$name(super::Lang::Node);
                }
            }
            #[test]
            fn python() {
                if super::Lang::Python.available() {
                    super::$name(super::Lang::Python);
                }
            }
        }
    )*};
}

per_language!(
    every_slug_resolves_to_what_plancat_resolve_prints,
    versions_schedules_grandfathering_and_withdrawals_resolve_as_in_rust,
    files_failing_verification_are_refused_as_rust_refuses_them,
    unknown_slugs_nothing_in_force_and_an_unreachable_host_exit_1,
    the_cache_revalidates_never_refetches_and_falls_back_to_the_last_verified_snapshot,
    canonical_json_and_content_hashes_are_byte_exact,
);

fn every_slug_resolves_to_what_plancat_resolve_prints(lang: Lang) {
    let Some(site) = Site::example() else { return };
    let slugs = site.slugs();
    assert!(slugs.len() > 30, "the example publishes every slug");
    for slug in &slugs {
        for existing in [false, true] {
            let want = site.plancat_resolve(slug, EXAMPLE_AT, existing);
            assert!(want.status.success(), "{slug}: {}", stderr(&want));
            let mut args = vec!["--at", EXAMPLE_AT];
            if existing {
                args.push("--existing");
            }
            let got = lang.resolve(&site.base, slug, &args);
            assert!(got.status.success(), "{slug}: {}", stderr(&got));
            assert!(
                got.stdout == want.stdout,
                "{slug} (existing: {existing}) prints otherwise than `plancat resolve`:\n{}",
                String::from_utf8_lossy(&got.stdout)
            );
            assert_eq!(messages(&got), Vec::<String>::new());
        }
    }
    // The base URL may end in a slash.
    let want = site.plancat_resolve("shopcore-commerce-api", EXAMPLE_AT, false);
    let got = lang.resolve(
        &format!("{}/", site.base),
        "shopcore-commerce-api",
        &["--at", EXAMPLE_AT],
    );
    clean(&got, &want.stdout);
}

/// A ledger with history: `aurora-storefront` 1.1.0 (a price decrease from 2026-12-01),
/// withdrawn on 2026-12-02, then 1.2.0 (from 2026-12-03, reaching existing subscribers on
/// 2027-01-05: against 1.0.1, in force, 7499 is a smaller decrease); the bundle computed
/// from it follows, version for version.
fn with_history() -> tempfile::TempDir {
    let dir = example_copy();
    let root = dir.path();
    let aurora = root.join("plans/products/aurora-storefront.toml");
    let bundle = root.join("plans/products/commerce-launch-bundle.toml");
    let text = std::fs::read_to_string(&aurora).unwrap();
    std::fs::write(&aurora, text.replace("INR = \"7999\"", "INR = \"6999\"")).unwrap();
    let o = plancat(root, &["build", "--effective-from", "2026-12-01T00:00:00Z"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = plancat(
        root,
        &[
            "yank",
            "aurora-storefront",
            "1.1.0",
            "--reason",
            "wrong price",
            "--at",
            "2026-12-02T00:00:00Z",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&aurora).unwrap();
    let release = "\n[release]\nexisting_from = 2027-01-05T00:00:00Z\n";
    std::fs::write(
        &aurora,
        text.replace("INR = \"6999\"", "INR = \"7499\"") + release,
    )
    .unwrap();
    let text = std::fs::read_to_string(&bundle).unwrap();
    std::fs::write(&bundle, text + release).unwrap();
    dir
}

fn versions_schedules_grandfathering_and_withdrawals_resolve_as_in_rust(lang: Lang) {
    let dir = with_history();
    let o = plancat(
        dir.path(),
        &["build", "--effective-from", "2026-12-03T00:00:00Z"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let Some(mut site) = Site::serve(dir) else {
        return;
    };
    let moments = [
        "2026-11-21T23:59:59Z", // before anything
        "2026-11-22T00:00:00Z", // the first versions, exactly
        "2026-12-01T00:00:00Z", // aurora 1.1.0, withdrawn since: skipped
        "2026-12-02T12:00:00Z",
        "2026-12-03T00:00:00Z", // 1.2.0 for new subscribers only
        "2027-01-04T23:59:59.999999999Z",
        "2027-01-05T05:30:00+05:30", // 1.2.0 for everyone, written with an offset
        "2027-06-01T00:00:00Z",
    ];
    let slugs = [
        "aurora-storefront",
        "commerce-launch-bundle",
        "shopcore-commerce-api",
    ];
    let mut seen = std::collections::BTreeSet::new();
    for slug in slugs {
        for at in moments {
            for existing in [false, true] {
                let want = site.plancat_resolve(slug, at, existing);
                let mut args = vec!["--at", at];
                if existing {
                    args.push("--existing");
                }
                let got = lang.resolve(&site.base, slug, &args);
                let case = format!("{slug} at {at} (existing: {existing})");
                assert_eq!(
                    got.status.code(),
                    want.status.code(),
                    "{case}: {}",
                    stderr(&got)
                );
                assert!(got.stdout == want.stdout, "{case}: printed otherwise");
                if want.status.success() {
                    assert_eq!(messages(&got), Vec::<String>::new(), "{case}");
                    let printed: serde_json::Value = serde_json::from_slice(&want.stdout).unwrap();
                    seen.insert((slug, at, existing, printed["plan_version"].to_string()));
                } else {
                    // The same sentence as the Rust consumer's.
                    assert_eq!(messages(&got), messages(&want), "{case}");
                }
            }
        }
    }
    // The history is exercised: grandfathering, the withdrawal, nothing in force.
    let version = |slug, at, existing| {
        seen.iter()
            .find(|(s, a, e, _)| *s == slug && *a == at && *e == existing)
            .map(|(.., v)| v.trim_matches('"').to_string())
    };
    let aurora = "aurora-storefront";
    assert_eq!(version(aurora, moments[0], false), None);
    assert_eq!(version(aurora, moments[1], false).as_deref(), Some("1.0.0"));
    assert_eq!(version(aurora, moments[2], false).as_deref(), Some("1.0.1"));
    assert_eq!(version(aurora, moments[4], false).as_deref(), Some("1.2.0"));
    assert_eq!(version(aurora, moments[5], true).as_deref(), Some("1.0.1"));
    assert_eq!(version(aurora, moments[6], true).as_deref(), Some("1.2.0"));

    // A scheduled version is cached ahead of its moment (the withdrawn one is not), so it still
    // resolves when the host is down by then.
    let cache = tempfile::tempdir().unwrap();
    let dir = cache.path().to_str().unwrap();
    let want = |site: &Site, at, existing| site.plancat_resolve(aurora, at, existing).stdout;
    let at = "2026-12-01T00:00:00Z";
    clean(
        &lang.resolve(&site.base, aurora, &["--at", at, "--cache", dir]),
        &want(&site, at, false),
    );
    let cached: Vec<String> = tree(cache.path()).into_keys().collect();
    assert!(
        cached.contains(&"aurora-storefront/1.2.0.json".to_string())
            && !cached.contains(&"aurora-storefront/1.1.0.json".to_string()),
        "{cached:?}"
    );
    drop(site.nginx.take());
    for (at, existing) in [
        ("2026-12-04T00:00:00Z", false), // 1.2.0
        ("2027-01-04T00:00:00Z", true),  // still 1.0.1 for existing subscribers
        ("2027-01-05T00:00:00Z", true),  // 1.2.0
    ] {
        let mut args = vec!["--at", at, "--cache", dir];
        if existing {
            args.push("--existing");
        }
        from_cache(
            &lang.resolve(&site.base, aurora, &args),
            &want(&site, at, existing),
            "could not fetch",
        );
    }
}

/// Withdraws the last version of a served slug index behind plancat's back.
fn forge_withdrawal(site: &Site, index: &str) {
    let path = site.served(index);
    let mut text = std::fs::read_to_string(&path).unwrap();
    let at = text.rfind("\"yanked\": null").unwrap();
    text.replace_range(
        at..at + "\"yanked\": null".len(),
        r#""yanked": {"reason": "forged", "at": "2026-11-30T00:00:00Z"}"#,
    );
    std::fs::write(&path, text).unwrap();
}

fn files_failing_verification_are_refused_as_rust_refuses_them(lang: Lang) {
    let Some(site) = Site::example() else { return };
    let slug = "commerce-launch-bundle"; // 1.0.2 is in force at EXAMPLE_AT
    let snapshot = format!("{slug}/1.0.2.json");
    let index = format!("{slug}/index.json");
    let pristine = tree(&site.served(""));
    let want = site.plancat_resolve(slug, EXAMPLE_AT, false);
    assert!(want.status.success());
    clean(
        &lang.resolve(&site.base, slug, &["--at", EXAMPLE_AT]),
        &want.stdout,
    );

    type Tamper<'a> = (&'a str, Box<dyn Fn(&Site) + 'a>);
    let cases: Vec<Tamper> = vec![
        (
            "a byte of the snapshot",
            Box::new(|s| s.edit(&snapshot, "ShopCore Labs", "ShopCore Lab$")),
        ),
        (
            "the snapshot's layout, its content intact",
            Box::new(|s| s.edit(&snapshot, "{\n  \"format_version\"", "{\"format_version\"")),
        ),
        (
            "the snapshot's content, with every file hash above it rewritten",
            Box::new(|s| {
                s.edit(&snapshot, "ShopCore Labs", "ShopCore Lab$");
                s.reseal_file(slug, "1.0.2");
            }),
        ),
        (
            "a withdrawal forged in the slug index",
            Box::new(|s| forge_withdrawal(s, &index)),
        ),
        (
            "a date in the slug index, with its hash in the catalog index rewritten",
            Box::new(|s| {
                // 1.0.2's date moved before 1.0.1's.
                s.edit(&index, "2026-11-30T00:00:00Z", "2026-11-28T00:00:00Z");
                s.reseal_index(slug);
            }),
        ),
        (
            "a slug index naming a file elsewhere",
            Box::new(|s| {
                // The very bytes of 1.0.2, elsewhere on the host: only the name gives it away.
                std::fs::copy(s.served(&snapshot), s.served("../elsewhere.json")).unwrap();
                s.edit(
                    &index,
                    "\"file\": \"1.0.2.json\"",
                    "\"file\": \"../../elsewhere.json\"",
                );
                s.reseal_index(slug);
            }),
        ),
        (
            "another plan's index and snapshot in the slug's place",
            Box::new(|s| {
                std::fs::copy(s.served("aurora-storefront/index.json"), s.served(&index)).unwrap();
                std::fs::copy(
                    s.served("aurora-storefront/1.0.0.json"),
                    s.served(&format!("{slug}/1.0.0.json")),
                )
                .unwrap();
                s.reseal_index(slug);
            }),
        ),
        (
            "another plan's snapshot in the slug's place, with every hash above it rewritten",
            Box::new(|s| {
                // 1.0.0 of the bundle becomes 1.0.0 of aurora-storefront (same dates), and
                // 1.0.1 and 1.0.2 are withdrawn so that it is the one in force.
                let aurora = s.served("aurora-storefront/1.0.0.json");
                std::fs::copy(&aurora, s.served(&format!("{slug}/1.0.0.json"))).unwrap();
                let theirs: serde_json::Value =
                    serde_json::from_slice(&std::fs::read(&aurora).unwrap()).unwrap();
                let ours: serde_json::Value =
                    serde_json::from_slice(&std::fs::read(s.served(&index)).unwrap()).unwrap();
                let first = &ours["versions"][0];
                s.edit(
                    &index,
                    first["content_hash"].as_str().unwrap(),
                    theirs["content_hash"].as_str().unwrap(),
                );
                s.edit(
                    &index,
                    first["file_sha256"].as_str().unwrap(),
                    &consumer::hash::file_sha256(&std::fs::read(&aurora).unwrap()),
                );
                forge_withdrawal(s, &index);
                forge_withdrawal(s, &index);
                s.reseal_index(slug);
            }),
        ),
        (
            "a catalog entry naming another plan's index",
            Box::new(|s| {
                s.edit(
                    "index.json",
                    &format!("\"index\": \"{index}\""),
                    "\"index\": \"aurora-storefront/index.json\"",
                )
            }),
        ),
    ];
    for (what, tamper) in cases {
        tamper(&site);
        let got = lang.resolve(&site.base, slug, &["--at", EXAMPLE_AT]);
        assert_eq!(got.status.code(), Some(1), "{what}: {}", stderr(&got));
        // The Rust consumer refuses it too, for the same reason.
        let rust = match site.rust_resolve(slug, EXAMPLE_AT) {
            Err(e @ consumer::Error::Tampered { .. }) => e.to_string(),
            other => panic!("{what}: the Rust consumer says {other:?}"),
        };
        let (_, why) = rust.split_once("is not the published file: ").unwrap();
        refused(&got, &format!("is not the published file: {why}"));
        for (rel, bytes) in &pristine {
            std::fs::write(site.served(rel), bytes).unwrap();
        }
    }
    clean(
        &lang.resolve(&site.base, slug, &["--at", EXAMPLE_AT]),
        &want.stdout,
    );
}

fn unknown_slugs_nothing_in_force_and_an_unreachable_host_exit_1(lang: Lang) {
    let Some(mut site) = Site::example() else {
        return;
    };
    let o = lang.resolve(&site.base, "aurora-storefrnt", &["--at", EXAMPLE_AT]);
    refused(&o, "no plan `aurora-storefrnt` in the ledger");
    // Not a slug at all: never a path on the host.
    refused(
        &lang.resolve(&site.base, "../index", &["--at", EXAMPLE_AT]),
        "no plan `../index` in the ledger",
    );
    let o = lang.resolve(
        &site.base,
        "aurora-storefront",
        &["--at", "2026-11-21T00:00:00Z"],
    );
    refused(
        &o,
        "no version of `aurora-storefront` is in force at 2026-11-21T00:00:00Z (the first takes effect at 2026-11-22T00:00:00Z)",
    );
    assert_eq!(
        messages(&o),
        messages(&site.plancat_resolve("aurora-storefront", "2026-11-21T00:00:00Z", false))
    );
    // A host that serves no ledger.
    refused(
        &lang.resolve(
            &format!("{}/apis", site.base),
            "aurora-storefront",
            &["--at", EXAMPLE_AT],
        ),
        "HTTP 404",
    );
    // A host that is down.
    drop(site.nginx.take());
    refused(
        &lang.resolve(&site.base, "aurora-storefront", &["--at", EXAMPLE_AT]),
        "could not fetch",
    );
    // A command line that is not one.
    assert_eq!(
        lang.resolve(&site.base, "a", &["--at"]).status.code(),
        Some(2)
    );
    assert_eq!(
        lang.resolve(&site.base, "a", &["--at", "tomorrow"])
            .status
            .code(),
        Some(2)
    );
}

/// Sets a file's modification time (nginx's ETag is its mtime and size).
fn set_mtime(path: &Path, t: std::time::SystemTime) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(t)
        .unwrap();
}

fn the_cache_revalidates_never_refetches_and_falls_back_to_the_last_verified_snapshot(lang: Lang) {
    let Some(mut site) = Site::example() else {
        return;
    };
    let slug = "commerce-launch-bundle";
    let snapshot = format!("{slug}/1.0.2.json");
    let index = format!("{slug}/index.json");
    let cache = tempfile::tempdir().unwrap();
    let dir = cache.path().to_str().unwrap();
    let want = site.plancat_resolve(slug, EXAMPLE_AT, false).stdout;
    let base = site.base.clone();
    let run = |cache: &str| lang.resolve(&base, slug, &["--at", EXAMPLE_AT, "--cache", cache]);
    let bare = || lang.resolve(&base, slug, &["--at", EXAMPLE_AT]);

    // A first run fills the cache with the three files of the chain, and the indexes' ETags.
    clean(&run(dir), &want);
    let rust_cache = tempfile::tempdir().unwrap();
    let o = plancat(
        site.dir.path(),
        &[
            "resolve",
            slug,
            "--at",
            EXAMPLE_AT,
            "--from",
            &base,
            "--cache",
            rust_cache.path().to_str().unwrap(),
        ],
    );
    assert!(o.status.success() && o.stdout == want, "{}", stderr(&o));
    let cached = tree(cache.path());
    assert_eq!(
        cached.keys().map(String::as_str).collect::<Vec<_>>(),
        [
            ".etags/commerce-launch-bundle/index.json",
            ".etags/index.json",
            "commerce-launch-bundle/1.0.2.json",
            "commerce-launch-bundle/index.json",
            "index.json",
        ]
    );
    for rel in [&snapshot, &index, &"index.json".to_string()] {
        assert_eq!(
            cached[rel.as_str()],
            std::fs::read(site.served(rel)).unwrap(),
            "{rel} is cached as served"
        );
    }

    // Revalidation: the served slug index now has other bytes of the same size and mtime, so
    // nginx's ETag is unchanged and it answers 304; the client uses its verified copy. (A
    // client that fetched the file again would get bytes failing the catalog's hash.)
    let path = site.served(&index);
    let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
    let original = std::fs::read(&path).unwrap();
    site.edit(&index, "2026-11-29T00:00:00Z", "2026-11-28T00:00:00Z");
    set_mtime(&path, mtime);
    refused(&bare(), "is not the published file");
    clean(&run(dir), &want);
    std::fs::write(&path, &original).unwrap();
    set_mtime(&path, mtime);

    // A publication the ETag missed: the served slug index changes (a reason reworded, and the
    // catalog index records its new hash) but keeps its size and mtime, so nginx still answers
    // 304 for it. The cached copy no longer fits the chain: the client asks again in full, and
    // caches what it got.
    let catalog = site.served("index.json");
    let catalog_mtime = std::fs::metadata(&catalog).unwrap().modified().unwrap();
    let catalog_original = std::fs::read(&catalog).unwrap();
    site.edit(&index, "PATCH: computed from", "PATCH: computed frum");
    set_mtime(&path, mtime);
    site.reseal_index(slug);
    set_mtime(&catalog, catalog_mtime + std::time::Duration::from_secs(10));
    clean(&bare(), &want);
    clean(&run(dir), &want);
    assert_eq!(
        std::fs::read(cache.path().join(&index)).unwrap(),
        std::fs::read(&path).unwrap()
    );
    // And back: the cache follows, file for file.
    std::fs::write(&path, &original).unwrap();
    set_mtime(&path, mtime);
    std::fs::write(&catalog, &catalog_original).unwrap();
    set_mtime(&catalog, catalog_mtime);
    clean(&run(dir), &want);
    assert_eq!(tree(cache.path()), cached);

    // Immutability: a snapshot cached and verified is never fetched again, so a tampered
    // copy on the host goes unseen by the cached client (and is refused by a fresh one, which
    // stores nothing it could not verify).
    site.edit(&snapshot, "ShopCore Labs", "ShopCore Lab$");
    clean(&run(dir), &want);
    refused(&bare(), "is not the published file");
    let fresh = tempfile::tempdir().unwrap();
    refused(
        &run(fresh.path().to_str().unwrap()),
        "is not the published file",
    );
    assert!(
        tree(fresh.path()).is_empty(),
        "an unverified chain is never cached"
    );
    std::fs::write(
        site.served(&snapshot),
        &cached["commerce-launch-bundle/1.0.2.json"],
    )
    .unwrap();

    // A served index that fails verification (another size: a new ETag, so it is fetched):
    // the last verified snapshot, with a warning, and the cache keeps its good copy.
    site.edit(&index, "2026-11-29T00:00:00Z", "2026-11-29T00:00:00.5Z");
    from_cache(&run(dir), &want, "is not the published file");
    assert_eq!(tree(cache.path()), cached, "nothing unverified is stored");

    // The host down: the last verified snapshot, with a warning.
    drop(site.nginx.take());
    from_cache(&run(dir), &want, "could not fetch");
    refused(&bare(), "could not fetch");
    // The caches are interchangeable: the Rust consumer (`plancat resolve --from`) answers from
    // this one, this example from one the Rust consumer filled, and so does the other example.
    let o = plancat(
        site.dir.path(),
        &[
            "resolve", slug, "--at", EXAMPLE_AT, "--from", &base, "--cache", dir,
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout == want && stderr(&o).contains("from the cache"));
    from_cache(
        &run(rust_cache.path().to_str().unwrap()),
        &want,
        "could not fetch",
    );
    let other = match lang {
        Lang::Node => Lang::Python,
        Lang::Python => Lang::Node,
    };
    if other.available() {
        from_cache(
            &other.resolve(&base, slug, &["--at", EXAMPLE_AT, "--cache", dir]),
            &want,
            "could not fetch",
        );
    }
    // Nothing cached for that slug, or a verified answer that is not a snapshot: no fallback.
    let o = lang.resolve(
        &site.base,
        "aurora-storefront",
        &["--at", EXAMPLE_AT, "--cache", dir],
    );
    refused(&o, "could not fetch");
    let o = lang.resolve(
        &site.base,
        slug,
        &["--at", "2026-11-21T00:00:00Z", "--cache", dir],
    );
    refused(&o, "is in force");
    assert_eq!(tree(cache.path()), cached);
}

/// Inputs whose canonical JSON the examples must write exactly as the Rust consumer does:
/// every committed snapshot, and a document made of the cases that go wrong (escapes, key
/// order beyond the ASCII range, where UTF-16 order is not UTF-8 order, integers beyond 2^53).
fn canonical_json_and_content_hashes_are_byte_exact(lang: Lang) {
    let work = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    let ledger = tree(&repo().join("out/snapshots"));
    for (rel, bytes) in &ledger {
        if !rel.ends_with("/index.json") && rel != "index.json" {
            paths.push(repo().join("out/snapshots").join(rel));
            assert!(!bytes.is_empty());
        }
    }
    assert!(paths.len() > 30);
    let tricky = work.path().join("tricky.json");
    std::fs::write(
        &tricky,
        concat!(
            r#"{"z": 1, "a": {"é": "\u00e9\t\n\r\b\f\u0001\u001f\u007f\"\\\/ \u2028😀", "#,
            r#""\ue000": [], "😀": {}, "A": null, "": true, "ß": [[], {}, [0, -1, false]]}, "#,
            r#""big": 18446744073709551615, "neg": -9223372036854775808, "n53": 9007199254740993}"#,
            "\n"
        ),
    )
    .unwrap();
    paths.push(tricky);

    let code = match lang {
        Lang::Node => {
            "import { readFileSync } from 'node:fs';\n\
             for (const f of process.argv.slice(1)) {\n\
               const v = m.parseJson(readFileSync(f));\n\
               process.stdout.write(m.canonical(v) + '\\n' + (v.content_hash ? m.contentHash(v) : '-') + '\\n');\n\
             }"
        }
        Lang::Python => {
            "for f in sys.argv[1:]:\n\
             \x20   v = resolve.parse_json(open(f, 'rb').read())\n\
             \x20   h = resolve.content_hash(v) if 'content_hash' in v else '-'\n\
             \x20   sys.stdout.buffer.write(resolve.canonical(v).encode() + b'\\n' + h.encode() + b'\\n')"
        }
    };
    let out = lang.eval(code, &paths);
    let lines: Vec<&str> = out.split_terminator('\n').collect();
    assert_eq!(lines.len(), 2 * paths.len());
    for (i, path) in paths.iter().enumerate() {
        let value: serde_json::Value =
            serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        let rust = String::from_utf8(consumer::hash::canonical(&value)).unwrap();
        assert!(
            lines[2 * i] == rust,
            "{lang:?} canonicalises {} otherwise:\n{}\nRust:\n{rust}",
            path.display(),
            lines[2 * i]
        );
        if let Some(recorded) = value.get("content_hash") {
            assert_eq!(lines[2 * i + 1], recorded, "{}", path.display());
        }
    }
    // The case JavaScript's own sort gets wrong is in the input, and Rust orders it by bytes.
    assert!(out.contains("\"\u{e000}\":[],\"😀\":{}"), "{out}");

    // What serde_json or the Rust types refuse, the examples refuse.
    let mut refusals: Vec<String> = [
        "\u{feff}{}",          // a byte-order mark
        r#"{"a": 1.5}"#,       // a float: plans hold none
        r#"{"a": 1e3}"#,       // ditto
        r#"{"a": -0}"#,        // serde_json reads it as a float
        r#"["\ud800"]"#,       // a lone surrogate
        "{\"a\": \"\u{1}\"}",  // a raw control character
        r#"{"a": 1, "a": 2}"#, // a field twice
        r#"{"a": 1} x"#,       // trailing characters
    ]
    .map(String::from)
    .to_vec();
    refusals.push("[".repeat(128) + &"]".repeat(128)); // beyond serde_json's depth
    let mut files = Vec::new();
    for (i, text) in refusals.iter().enumerate() {
        let p = work.path().join(format!("bad-{i}.json"));
        std::fs::write(&p, text).unwrap();
        files.push(p);
    }
    let code = match lang {
        Lang::Node => {
            "import { readFileSync } from 'node:fs';\n\
             for (const f of process.argv.slice(1)) {\n\
               let r;\n\
               try { r = m.canonical(m.parseJson(readFileSync(f))); } catch (e) { r = 'refused'; }\n\
               process.stdout.write(r + '\\n');\n\
             }"
        }
        Lang::Python => {
            "for f in sys.argv[1:]:\n\
             \x20   try:\n\
             \x20       r = resolve.canonical(resolve.parse_json(open(f, 'rb').read()))\n\
             \x20   except ValueError:\n\
             \x20       r = 'refused'\n\
             \x20   print(r)"
        }
    };
    let out = lang.eval(code, &files);
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        vec!["refused"; refusals.len()],
        "{lang:?}"
    );
    // 127 deep is the most serde_json reads; so do the examples.
    let deep = work.path().join("deep.json");
    std::fs::write(&deep, "[".repeat(127) + &"]".repeat(127)).unwrap();
    assert!(serde_json::from_slice::<serde_json::Value>(&std::fs::read(&deep).unwrap()).is_ok());
    assert!(
        serde_json::from_slice::<serde_json::Value>(refusals.last().unwrap().as_bytes()).is_err(),
        "serde_json refuses 128 deep"
    );
    let out = lang.eval(code, &[deep]);
    assert_eq!(out.trim_end(), "[".repeat(127) + &"]".repeat(127));
}
