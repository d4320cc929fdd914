//! A child API trusts nothing it reads: `Ledger::resolve` returns the snapshot of the plan it
//! was asked for, or an error — never another plan's price, a file outside the ledger, or a
//! read that blocks or never ends.

use std::path::{Path, PathBuf};

use plancat_consumer::{Audience, Error, Instant, Ledger};

const A: &str = "aurora-storefront";
const B: &str = "bookwise-bookstore";

fn at() -> Instant {
    Instant::parse("2026-12-01T00:00:00Z").unwrap()
}

/// A copy of the shipped example's ledger.
fn ledger() -> (tempfile::TempDir, PathBuf) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../out/snapshots");
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("snapshots");
    for entry in std::fs::read_dir(&from).unwrap() {
        let entry = entry.unwrap();
        let dst = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&dst).unwrap();
            for f in std::fs::read_dir(entry.path()).unwrap() {
                let f = f.unwrap();
                std::fs::copy(f.path(), dst.join(f.file_name())).unwrap();
            }
        } else {
            std::fs::create_dir_all(&to).unwrap();
            std::fs::copy(entry.path(), &dst).unwrap();
        }
    }
    (dir, to)
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from} not in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// Records `slug`'s index hash in the catalog index, as a careful forger would.
fn rehash(dir: &Path, slug: &str) {
    let catalog = dir.join("index.json");
    let mut v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&catalog).unwrap()).unwrap();
    let bytes = std::fs::read(dir.join(slug).join("index.json")).unwrap();
    v["entries"][slug]["index_sha256"] = plancat_consumer::hash::file_sha256(&bytes).into();
    std::fs::write(&catalog, plancat_consumer::check::pretty(&v)).unwrap();
}

fn tampered(r: Result<impl std::fmt::Debug, Error>) -> String {
    match r {
        Err(e @ Error::Tampered { .. }) => e.to_string(),
        other => panic!("expected a tampered ledger, got {other:?}"),
    }
}

#[test]
fn the_untouched_ledger_resolves() {
    let (_d, dir) = ledger();
    let s = Ledger::open(&dir)
        .unwrap()
        .resolve(A, at(), Audience::New)
        .unwrap();
    assert_eq!(s.slug.as_str(), A);
}

#[test]
fn another_plans_snapshot_under_a_slug_is_refused() {
    let (_d, dir) = ledger();
    // B's verified index and snapshot, moved under A's name: every hash still matches.
    std::fs::copy(
        dir.join(B).join("1.0.1.json"),
        dir.join(A).join("1.0.1.json"),
    )
    .unwrap();
    std::fs::copy(
        dir.join(B).join("index.json"),
        dir.join(A).join("index.json"),
    )
    .unwrap();
    edit(
        &dir.join(A).join("index.json"),
        &format!("\"slug\": \"{B}\""),
        &format!("\"slug\": \"{A}\""),
    );
    let err = tampered(Ledger::open(&dir).unwrap().resolve(A, at(), Audience::New));
    assert!(err.contains("does not match the catalog index"), "{err}");
    rehash(&dir, A);
    let err = tampered(Ledger::open(&dir).unwrap().resolve(A, at(), Audience::New));
    assert!(
        err.contains(&format!("a snapshot of `{B}`, not of `{A}`")),
        "{err}"
    );
}

#[test]
fn the_catalog_index_cannot_point_a_slug_at_another_index() {
    let (_d, dir) = ledger();
    edit(
        &dir.join("index.json"),
        &format!("\"index\": \"{A}/index.json\""),
        &format!("\"index\": \"{B}/index.json\""),
    );
    let err = tampered(Ledger::open(&dir).unwrap().resolve(A, at(), Audience::New));
    assert!(
        err.contains(&format!("is `{B}/index.json`, not `{A}/index.json`")),
        "{err}"
    );
}

#[test]
fn an_index_cannot_name_a_file_outside_its_folder() {
    for name in [
        "/dev/zero",
        "../bookwise-bookstore/1.0.1.json",
        "1.0.1.json/..",
    ] {
        let (_d, dir) = ledger();
        edit(
            &dir.join(A).join("index.json"),
            "\"file\": \"1.0.1.json\"",
            &format!("\"file\": \"{name}\""),
        );
        rehash(&dir, A);
        let err = tampered(Ledger::open(&dir).unwrap().resolve(A, at(), Audience::New));
        assert!(err.contains("names the file"), "{name}: {err}");
    }
}

#[test]
fn a_fifo_in_place_of_a_snapshot_is_an_error_not_a_hang() {
    let (_d, dir) = ledger();
    let snapshot = dir.join(A).join("1.0.1.json");
    std::fs::remove_file(&snapshot).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(&snapshot)
        .status()
        .unwrap();
    assert!(made.success());
    match Ledger::open(&dir).unwrap().resolve(A, at(), Audience::New) {
        Err(Error::Io { source, .. }) => assert!(source.to_string().contains("not a regular file")),
        other => panic!("expected an I/O error, got {other:?}"),
    }
}
