//! Laws, property-tested: canonical JSON is a fixed point and ignores key order; resolution
//! picks the newest live version that has taken effect; the pipeline's output does not depend
//! on the order files are discovered in.

mod common;

use plancat_consumer::Instant;
use plancat_consumer::hash::{canonical, content_hash};
use plancat_consumer::resolve::{Audience, resolve};
use plancat_consumer::wire::{VersionEntry, Yanked};
use proptest::prelude::*;
use serde_json::Value;

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "[a-zé\"\\\\ ]{0,8}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec(("[a-z]{1,4}", inner), 0..5)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// The same object with its keys inserted in reverse order, at every depth.
fn reversed(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut out = serde_json::Map::new();
            for (k, x) in m.iter().rev() {
                out.insert(k.clone(), reversed(x));
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(reversed).collect()),
        other => other.clone(),
    }
}

fn at(day: u32) -> Instant {
    Instant::parse(&format!("2026-01-{:02}T00:00:00Z", day % 28 + 1)).unwrap()
}

proptest! {
    #[test]
    fn canonical_json_is_a_fixed_point_and_ignores_key_order(v in json()) {
        let once = canonical(&v);
        let again: Value = serde_json::from_slice(&once).unwrap();
        prop_assert_eq!(canonical(&again), once.clone());
        prop_assert_eq!(canonical(&reversed(&v)), once);
        prop_assert_eq!(content_hash(&v), content_hash(&reversed(&v)));
    }

    #[test]
    fn resolution_picks_the_newest_live_version_in_force(
        versions in prop::collection::vec((0u32..28, proptest::option::of(0u32..28), any::<bool>()), 1..8),
        when in 0u32..28,
        existing in any::<bool>(),
    ) {
        let entries: Vec<VersionEntry> = versions
            .iter()
            .enumerate()
            .map(|(i, (from, later, yanked))| VersionEntry {
                plan_version: semver::Version::new(1, i as u64, 0),
                effective_from: at(*from),
                existing_from: later.map(|l| at((*from).max(l))),
                rollback_to: None,
                content_hash: String::new(),
                file_sha256: String::new(),
                file: format!("1.{i}.0.json"),
                bump: None,
                reasons: Vec::new(),
                yanked: yanked.then(|| Yanked { reason: "r".into(), at: at(0), with: None }),
            })
            .collect();
        let audience = if existing { Audience::Existing } else { Audience::New };
        let moment = |v: &VersionEntry| match audience {
            Audience::New => v.effective_from,
            Audience::Existing => v.existing_from.unwrap_or(v.effective_from),
        };
        let eligible: Vec<&VersionEntry> = entries
            .iter()
            .filter(|v| v.yanked.is_none() && moment(v) <= at(when))
            .collect();
        let got = resolve(&entries, at(when), audience);
        match got {
            None => prop_assert!(eligible.is_empty()),
            Some(v) => {
                prop_assert!(v.yanked.is_none());
                prop_assert!(moment(v) <= at(when));
                prop_assert!(eligible.iter().all(|e| e.plan_version <= v.plan_version));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]
    #[test]
    fn the_output_does_not_depend_on_the_order_files_are_found_in(seed in any::<u64>()) {
        use plancat::core::build;
        let mut inputs = plancat::edge::fs::read_inputs(
            &common::repo(),
            Instant::parse(common::EXAMPLE_AT).unwrap(),
            None,
        )
        .unwrap();
        // A change to core, so every live plan publishes and every page changes.
        for f in inputs.plans.iter_mut().filter(|f| f.path == "plans/core/00-defaults.toml") {
            f.bytes = String::from_utf8(f.bytes.clone())
                .unwrap()
                .replace("7-day refund on frontends", "10-day refund on frontends")
                .into_bytes();
        }
        let reference = build::build(&inputs);
        prop_assert_eq!(reference.publications.len(), 36);
        // A deterministic shuffle of the plan files from the seed.
        let mut state = seed | 1;
        for i in (1..inputs.plans.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            inputs.plans.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let shuffled = build::build(&inputs);
        prop_assert_eq!(reference.changes, shuffled.changes);
        prop_assert_eq!(reference.site, shuffled.site);
        prop_assert_eq!(reference.diags.len(), shuffled.diags.len());
    }
}
