//! The published ledger cannot be quietly rewritten: every single-field edit of an index is
//! caught, and a published version number never names different bytes. Library-level: the
//! pipeline's `verify` and `build` on the shipped example's ledger, in memory.

mod common;

use plancat::core::build::{self, Inputs};
use plancat::core::model::ids::Instant;
use plancat_consumer::check::pretty;
use plancat_consumer::hash::file_sha256;
use serde_json::{Value, json};

const SLUG: &str = "shopcore-commerce-api";

fn example() -> Inputs {
    let now = Instant::parse(common::EXAMPLE_AT).unwrap();
    plancat::edge::fs::read_inputs(&common::repo(), now, None).unwrap()
}

/// Every value of a JSON document with its path, and a different value of the same kind.
fn edits(v: &Value, path: &mut Vec<String>, out: &mut Vec<(Vec<String>, Value)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                path.push(k.clone());
                edits(x, path, out);
                path.pop();
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                path.push(i.to_string());
                edits(x, path, out);
                path.pop();
            }
            out.push((path.clone(), json!([])));
        }
        Value::String(s) => {
            // A plausible edit: a date a year later, a version one up, another letter.
            let other = if s.starts_with("2026-") {
                s.replacen("2026-", "2031-", 1)
            } else if s == "1.0.0" {
                "1.0.1".into()
            } else if s.is_empty() {
                "x".into()
            } else {
                let mut c: Vec<char> = s.chars().collect();
                let last = c.len() - 1;
                c[last] = if c[last] == 'a' { 'b' } else { 'a' };
                c.into_iter().collect()
            };
            out.push((path.clone(), Value::String(other)));
        }
        Value::Number(_) => out.push((path.clone(), json!(2))),
        Value::Null => out.push((
            path.clone(),
            json!({"reason": "edited by hand", "at": "2026-12-01T00:00:00Z"}),
        )),
        Value::Bool(b) => out.push((path.clone(), json!(!b))),
    }
}

/// Sets (or adds) the value at `path`.
fn set(v: &mut Value, path: &[String], to: Value) {
    let mut at = v;
    for p in path {
        at = match at {
            Value::Object(m) => m.entry(p.clone()).or_insert(Value::Null),
            Value::Array(a) => &mut a[p.parse::<usize>().unwrap()],
            _ => unreachable!(),
        };
    }
    *at = to;
}

#[test]
fn every_single_field_edit_of_an_index_is_caught() {
    let inputs = example();
    assert!(!build::verify(&inputs.ledger).has_errors());
    let key = format!("{SLUG}/index.json");
    let index: Value = serde_json::from_slice(&inputs.ledger[&key]).unwrap();
    let mut all = Vec::new();
    edits(&index, &mut Vec::new(), &mut all);
    // Fields the index may carry but this one does not: added by hand.
    let path = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    all.push((
        path(&["versions", "0", "existing_from"]),
        json!("2031-01-01T00:00:00Z"),
    ));
    all.push((path(&["versions", "0", "unknown"]), json!(1)));
    assert!(all.len() >= 17, "{}", all.len());
    let mut missed = Vec::new();
    for (path, to) in all {
        let mut edited = index.clone();
        set(&mut edited, &path, to.clone());
        let mut files = inputs.ledger.clone();
        // Written exactly as plancat writes indexes, so only the one field differs.
        files.insert(key.clone(), pretty(&edited));
        if !build::verify(&files).has_errors() {
            missed.push(format!("{} = {to}", path.join(".")));
        }
    }
    assert!(
        missed.is_empty(),
        "edits `verify` did not catch: {missed:#?}"
    );
}

#[test]
fn an_edit_that_also_rehashes_the_catalog_index_is_caught_by_the_snapshot() {
    // A careful forger updates the catalog index's hash of the edited index too: every field
    // the snapshot also carries still disagrees with it.
    let inputs = example();
    let key = format!("{SLUG}/index.json");
    let index: Value = serde_json::from_slice(&inputs.ledger[&key]).unwrap();
    for (field, to) in [
        ("effective_from", json!("2031-01-01T00:00:00Z")),
        ("existing_from", json!("2031-01-01T00:00:00Z")),
        ("rollback_to", json!("0.9.0")),
        ("plan_version", json!("1.0.1")),
        ("content_hash", json!("sha256:00")),
        ("file_sha256", json!("00")),
    ] {
        let mut edited = index.clone();
        edited["versions"][0][field] = to;
        let bytes = pretty(&edited);
        let mut catalog: Value = serde_json::from_slice(&inputs.ledger["index.json"]).unwrap();
        catalog["entries"][SLUG]["index_sha256"] = file_sha256(&bytes).into();
        let mut files = inputs.ledger.clone();
        files.insert(key.clone(), bytes);
        files.insert("index.json".into(), pretty(&catalog));
        let v = build::verify(&files);
        assert!(v.has_errors(), "{field} edit not caught");
    }
}

#[test]
fn a_deleted_ledger_folder_is_never_republished_under_the_same_version() {
    let mut inputs = example();
    let prefix = format!("{SLUG}/");
    inputs.ledger.retain(|k, _| !k.starts_with(&prefix));
    let v = build::verify(&inputs.ledger);
    let missing = format!(
        "`out/snapshots/{SLUG}/` is missing, but versions up to 1.0.1 of `{SLUG}` were published"
    );
    let d = v
        .diags
        .iter()
        .find(|d| d.message == missing)
        .expect("the missing folder is reported");
    // The bundles' live versions computed from it are reported too (two bundles, two live
    // versions each): their source is gone.
    assert_eq!(v.diags.len(), 5, "{:?}", v.diags);
    assert!(
        d.help
            .as_deref()
            .is_some_and(|h| h.contains("git checkout -- out/snapshots/shopcore-commerce-api"))
    );
    // `build` refuses: nothing is published, least of all a new 1.0.1 with other bytes.
    let a = build::build(&inputs);
    assert!(a.has_errors());
    assert!(
        a.publications
            .iter()
            .all(|p| p.snapshot.slug.as_str() != SLUG),
        "republished"
    );
}

#[test]
fn a_live_bundle_computed_from_a_withdrawn_price_fails_verify() {
    // The API's version withdrawn by hand (hashes recomputed), its bundles left live.
    let inputs = example();
    let key = format!("{SLUG}/index.json");
    let mut index: Value = serde_json::from_slice(&inputs.ledger[&key]).unwrap();
    index["versions"][0]["yanked"] = json!({"reason": "wrong", "at": "2026-12-01T00:00:00Z"});
    let bytes = pretty(&index);
    let mut catalog: Value = serde_json::from_slice(&inputs.ledger["index.json"]).unwrap();
    catalog["entries"][SLUG]["index_sha256"] = file_sha256(&bytes).into();
    let mut files = inputs.ledger.clone();
    files.insert(key, bytes);
    files.insert("index.json".into(), pretty(&catalog));
    let v = build::verify(&files);
    // (Written with sorted keys, the edited index also leaves the catalog index stale.)
    let messages: Vec<&str> = v
        .diags
        .iter()
        .map(|d| d.message.as_str())
        .filter(|m| m.contains("is live but"))
        .collect();
    assert_eq!(
        messages,
        [
            "`commerce-launch-bundle` 1.0.1 is live but was computed from `shopcore-commerce-api` 1.0.0, which is withdrawn",
            "`commerce-marketplace-bundle` 1.0.1 is live but was computed from `shopcore-commerce-api` 1.0.0, which is withdrawn",
        ]
    );
    // `plancat yank` withdraws them with it instead.
    let y = match build::yank(
        &inputs.ledger,
        SLUG,
        &"1.0.0".parse().unwrap(),
        Some(plancat_consumer::wire::Yanked {
            reason: "wrong".into(),
            at: Instant::parse("2026-12-01T00:00:00Z").unwrap(),
            with: None,
        }),
        Instant::parse("2026-12-01T00:00:00Z").unwrap(),
    ) {
        Ok(y) => y,
        Err(_) => panic!("yank refused"),
    };
    assert_eq!(
        y.dependents,
        [
            "commerce-launch-bundle 1.0.1: 1.0.2 is in force at 2026-12-01T00:00:00Z",
            "commerce-marketplace-bundle 1.0.1: 1.0.2 is in force at 2026-12-01T00:00:00Z",
        ]
    );
    let mut after = inputs.ledger.clone();
    after.extend(y.changes);
    assert!(!build::verify(&after).has_errors());
}
