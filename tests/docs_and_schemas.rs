//! The README's quick start works as written, the committed schemas match the types, and the
//! committed ledger validates against the published schemas.

mod common;

use common::{EXAMPLE_AT, plancat, repo, stderr};

/// The commands in the README's "Quick start" code block.
fn quick_start() -> Vec<String> {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let section = readme
        .split("## Quick start")
        .nth(1)
        .expect("README has a Quick start section");
    let block = section
        .split("```")
        .nth(1)
        .expect("the section has a code block");
    block
        .lines()
        .skip(1) // the fence's language tag
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn quick_start_is_exactly_two_commands() {
    assert_eq!(
        quick_start(),
        ["cargo run --release -- build", "cargo test"]
    );
}

#[test]
fn quick_start_build_works_on_the_shipped_example() {
    // `cargo run --release -- build` is this binary's `build` on the repository's catalog; run
    // it on a copy so the test never writes into the repository. The quick start builds at
    // "now"; the test pins that moment so its outcome cannot change with the date.
    let dir = common::example_copy();
    let before = common::tree(&dir.path().join("out/snapshots"));
    let o = plancat(dir.path(), &["build", "--effective-from", EXAMPLE_AT]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o)
            .ends_with("Finished 39 plans: 0 published, 36 unchanged, 3 drafts not published\n"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        common::tree(&dir.path().join("out/snapshots")),
        before,
        "the committed ledger is up to date"
    );
}

#[test]
fn the_shipped_example_checks_clean() {
    let o = plancat(&repo(), &["check", "--effective-from", EXAMPLE_AT]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
}

#[test]
fn committed_schemas_are_exactly_what_plancat_schema_writes() {
    // `plancat schema` into an empty directory writes what the types generate; `schemas/` must
    // hold exactly those files, byte for byte, and no stale extra one.
    let dir = tempfile::tempdir().unwrap();
    let o = plancat(dir.path(), &["schema"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let written = common::tree(&dir.path().join("schemas"));
    let committed = common::tree(&repo().join("schemas"));
    assert_eq!(
        committed.keys().collect::<Vec<_>>(),
        written.keys().collect::<Vec<_>>(),
        "the files in schemas/ are not the ones `plancat schema` writes"
    );
    for (name, bytes) in &written {
        assert!(
            committed[name] == *bytes,
            "schemas/{name} is out of date: run `cargo run -- schema`"
        );
    }
    let o = plancat(&repo(), &["schema", "--check"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn schema_check_fails_with_a_diff_when_a_schema_drifts() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&repo().join("schemas"), &dir.path().join("schemas"));
    let p = dir.path().join("schemas/snapshot.schema.json");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, text.replacen("\"content_hash\"", "\"hash\"", 1)).unwrap();
    let o = plancat(dir.path(), &["schema", "--check"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("error: `schemas/snapshot.schema.json` is out of date"),
        "{err}"
    );
    // The diff shows the committed line against the generated one.
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines.contains(&"--- schemas/snapshot.schema.json") && lines.contains(&"+++ generated"),
        "{err}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with('-') && l.contains("\"hash\"")),
        "{err}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with('+') && l.contains("\"content_hash\"")),
        "{err}"
    );
}

#[test]
fn the_committed_ledger_validates_against_the_published_schemas() {
    let load = |name: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(repo().join("schemas").join(name)).unwrap())
            .unwrap()
    };
    let snapshot = jsonschema::validator_for(&load("snapshot.schema.json")).unwrap();
    let slug_index = jsonschema::validator_for(&load("slug-index.schema.json")).unwrap();
    let catalog_index = jsonschema::validator_for(&load("catalog-index.schema.json")).unwrap();
    let ledger = common::tree(&repo().join("out/snapshots"));
    assert!(ledger.len() > 36);
    for (path, bytes) in ledger {
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let validator = if path == "index.json" {
            &catalog_index
        } else if path.ends_with("/index.json") {
            &slug_index
        } else {
            &snapshot
        };
        let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{path}: {errors:?}");
    }
}
