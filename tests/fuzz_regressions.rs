//! The fuzz harness (`fuzz/src/lib.rs`) in the normal suite: every minimised crasher the
//! fuzzers found stays fixed (`fuzz/regressions/<target>/`), and the harness's invariants hold
//! on the shipped example — its plan files and its published ledger — so a change that breaks
//! them fails here, without nightly or libFuzzer. How to fuzz: docs/RELIABILITY.md.

mod common;

#[path = "../fuzz/src/lib.rs"]
mod harness;

use std::path::Path;

/// Runs `target` on every file of `fuzz/regressions/<dir>/`, naming the file that fails.
fn replay(dir: &str, target: fn(&[u8])) -> usize {
    let dir = common::repo().join("fuzz/regressions").join(dir);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    files.sort();
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        if std::panic::catch_unwind(|| target(&bytes)).is_err() {
            panic!("fuzz regression {} fails again", f.display());
        }
    }
    files.len()
}

#[test]
fn minimised_plan_file_crashers_stay_fixed() {
    assert!(replay("plan_file", harness::plan_file) > 0);
}

#[test]
fn minimised_ledger_crashers_stay_fixed() {
    assert!(replay("ledger", harness::ledger) > 0);
}

#[test]
fn every_example_plan_file_passes_the_plan_harness_at_its_own_path() {
    let root = common::repo();
    let mut n = 0;
    for e in walkdir::WalkDir::new(root.join("plans")).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(&root).unwrap().to_str().unwrap();
            let mut input = format!("{rel}\n").into_bytes();
            input.extend(std::fs::read(e.path()).unwrap());
            harness::plan_file(&input);
            n += 1;
        }
    }
    assert_eq!(n, 41);
}

/// The example ledger verifies clean, so the harness also checks that the consumer crate
/// accepts every version it lists: the compiler's verifier and the consumer's agree.
#[test]
fn the_example_ledger_passes_the_ledger_harness_whole_and_cut_short() {
    let ledger = common::repo().join("out/snapshots");
    let mut files = Vec::new();
    for e in walkdir::WalkDir::new(&ledger).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(&ledger).unwrap();
            files.push((
                rel.to_str().unwrap().to_string(),
                std::fs::read(e.path()).unwrap(),
            ));
        }
    }
    let whole = harness::join_files(files.iter().map(|(p, b)| (p.as_str(), b.as_slice())));
    assert_eq!(harness::split_files(&whole).count(), files.len());
    harness::ledger(&whole);
    // Truncated at every 997th byte: a torn copy of the ledger.
    for cut in (0..whole.len()).step_by(997) {
        harness::ledger(&whole[..cut]);
    }
    assert!(Path::new(&ledger).join("index.json").is_file());
}
