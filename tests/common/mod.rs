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
