//! Production delivery: a built `out/site/` (ledger copy included) on a stock static server —
//! Debian's nginx, which sends ETags and answers `If-None-Match` — and the consumer fetching,
//! verifying, caching and resolving through it (`plancat resolve --from URL [--cache DIR]`,
//! the `plancat_consumer::remote::Remote` a Rust child API uses). No plancat process serves.

mod common;

use std::path::Path;

use common::*;

/// A copy of the example, built, and nginx serving its `out/site/`.
fn hosted() -> Option<(tempfile::TempDir, Nginx)> {
    let dir = example_copy();
    let built = plancat(dir.path(), &["build"]);
    assert!(built.status.success(), "{}", stderr(&built));
    let nginx = Nginx::serve(&dir.path().join("out/site"))?;
    Some((dir, nginx))
}

fn slugs(root: &Path) -> Vec<String> {
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("out/snapshots/index.json")).unwrap())
            .unwrap();
    index["entries"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

fn resolve(root: &Path, slug: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["resolve", slug, "--at", EXAMPLE_AT];
    args.extend_from_slice(extra);
    plancat(root, &args)
}

#[test]
fn every_plan_resolves_through_a_static_host_exactly_as_from_the_ledger() {
    let Some((dir, nginx)) = hosted() else { return };
    let slugs = slugs(dir.path());
    assert!(slugs.len() > 30, "{slugs:?}");
    for slug in &slugs {
        for audience in [&[][..], &["--existing"][..]] {
            let local = resolve(dir.path(), slug, audience);
            let mut args = audience.to_vec();
            args.extend(["--from", nginx.base.as_str()]);
            let fetched = resolve(dir.path(), slug, &args);
            assert_eq!(
                fetched.status.code(),
                local.status.code(),
                "{slug}: {}",
                stderr(&fetched)
            );
            assert_eq!(
                String::from_utf8_lossy(&fetched.stdout),
                String::from_utf8_lossy(&local.stdout),
                "{slug} {audience:?}"
            );
        }
    }
    // An unknown slug is a usage error (exit 2), as in every command.
    let unknown = resolve(dir.path(), "no-such-plan", &["--from", &nginx.base]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("no plan `no-such-plan`"),
        "{}",
        stderr(&unknown)
    );
}

#[test]
fn the_cache_revalidates_with_etags_and_keeps_the_last_verified_snapshot() {
    let Some((dir, nginx)) = hosted() else { return };
    let cache = tempfile::tempdir().unwrap();
    let cache_dir = cache.path().to_str().unwrap();
    let slug = "shopcore-commerce-api";
    let local = resolve(dir.path(), slug, &[]);
    let base = nginx.base.clone();
    let from = ["--from", base.as_str(), "--cache", cache_dir];

    let first = resolve(dir.path(), slug, &from);
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(first.stdout, local.stdout);
    assert!(cache.path().join(slug).join("index.json").is_file());
    assert!(
        cache.path().join(".etags/index.json").is_file(),
        "nginx's ETag kept"
    );

    // Again: the indexes are revalidated (304, no body) and the version is not fetched again.
    let before = nginx.access_log().lines().count();
    let second = resolve(dir.path(), slug, &from);
    assert_eq!(second.stdout, local.stdout);
    let log = nginx.access_log();
    let again: Vec<&str> = log.lines().skip(before).collect();
    assert_eq!(again.len(), 2, "two index revalidations only: {again:#?}");
    assert!(again.iter().all(|l| l.contains("\" 304 ")), "{again:#?}");

    // A cached snapshot damaged on disk is the cache's fault, not the host's: fetched again,
    // answered live (no warning), and the cache repaired.
    let cached_version = std::fs::read_dir(cache.path().join(slug))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap() != "index.json")
        .unwrap();
    let good = std::fs::read(&cached_version).unwrap();
    std::fs::write(&cached_version, b"{ \"damaged\": true }").unwrap();
    let repaired = resolve(dir.path(), slug, &from);
    assert!(repaired.status.success(), "{}", stderr(&repaired));
    assert_eq!(repaired.stdout, local.stdout);
    assert!(
        !stderr(&repaired).contains("warning"),
        "{}",
        stderr(&repaired)
    );
    assert_eq!(std::fs::read(&cached_version).unwrap(), good);

    // The host serves a tampered index: refused without a cache, the last verified with one.
    let served = dir
        .path()
        .join("out/site/snapshots")
        .join(slug)
        .join("index.json");
    let text = std::fs::read_to_string(&served).unwrap();
    std::fs::write(&served, text.replace("\"reasons\"", "\"reasons\" ")).unwrap();
    let refused = resolve(dir.path(), slug, &["--from", &nginx.base]);
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("is not the published file"),
        "{}",
        stderr(&refused)
    );
    let kept = resolve(dir.path(), slug, &from);
    assert!(kept.status.success(), "{}", stderr(&kept));
    assert_eq!(kept.stdout, local.stdout);
    assert!(
        stderr(&kept).contains("last verified snapshot from the cache"),
        "{}",
        stderr(&kept)
    );

    // The host is down: the same, and without a cache an I/O failure (exit 2).
    drop(nginx);
    let down = resolve(dir.path(), slug, &from);
    assert!(down.status.success(), "{}", stderr(&down));
    assert_eq!(down.stdout, local.stdout);
    assert!(
        stderr(&down).contains("could not fetch"),
        "{}",
        stderr(&down)
    );
    let nothing = resolve(dir.path(), slug, &["--from", &base]);
    assert_eq!(nothing.status.code(), Some(2), "{}", stderr(&nothing));
}
