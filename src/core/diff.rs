//! `plancat diff`: what `build` would publish, per plan — every field that changes, old and
//! new, the version bump and its reasons, and when the new version takes effect.
//!
//! Invariant: pure; compares what is published with what would be, nothing else.

use semver::Version;
use serde::Serialize;
use serde_json::Value;

use crate::core::ledger::{Ledger, Publication, Published, comparable};
use crate::core::model::ids::{Instant, Slug};
use plancat_consumer::wire::{Bump, EntityKind};

/// One plan's pending change.
#[derive(Debug, Serialize)]
pub struct PlanDiff {
    pub slug: Slug,
    pub kind: EntityKind,
    /// The latest published version, `null` for a plan never published.
    pub from: Option<Version>,
    pub to: Version,
    pub bump: Option<Bump>,
    pub reasons: Vec<String>,
    pub effective_from: Instant,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing_from: Option<Instant>,
    pub fields: Vec<FieldChange>,
    /// A line diff of the two versions' content (pretty JSON), for `--lines`.
    #[serde(skip)]
    pub lines: String,
}

/// One leaf that changes: `old` is absent for an addition, `new` for a removal.
#[derive(Debug, PartialEq, Serialize)]
pub struct FieldChange {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
}

/// The JSON document `plancat diff --format json` writes.
#[derive(Debug, Serialize)]
pub struct DiffReport<'a> {
    pub format_version: u32,
    pub changes: &'a [PlanDiff],
}

pub fn diffs(publications: &[Publication], ledger: &Ledger) -> Vec<PlanDiff> {
    publications
        .iter()
        .map(|p| {
            let s = &p.snapshot;
            let previous = ledger
                .slugs
                .get(s.slug.as_str())
                .and_then(Published::latest);
            let old = previous.map_or(Value::Null, |prev| comparable(&prev.content()));
            let new = comparable(&s.content());
            let mut fields = Vec::new();
            // A plan never published: everything it would publish is an addition.
            let before = if previous.is_some() { Some(&old) } else { None };
            leaves(&mut String::new(), before, Some(&new), &mut fields);
            let pretty = |v: &Value| {
                if v.is_null() {
                    String::new()
                } else {
                    serde_json::to_string_pretty(v).expect("JSON") + "\n"
                }
            };
            let lines = similar::TextDiff::from_lines(pretty(&old), pretty(&new))
                .unified_diff()
                .context_radius(2)
                .header(
                    &previous.map_or("(unpublished)".into(), |p| {
                        format!("{} {}", s.slug, p.plan_version)
                    }),
                    &format!("{} {}", s.slug, s.plan_version),
                )
                .to_string();
            PlanDiff {
                slug: s.slug.clone(),
                kind: s.kind,
                from: previous.map(|p| p.plan_version.clone()),
                to: s.plan_version.clone(),
                bump: p.bump,
                reasons: p.reasons.clone(),
                effective_from: s.effective_from,
                existing_from: s.existing_from,
                fields,
                lines,
            }
        })
        .collect()
}

/// Every leaf that differs (arrays count as leaves), in path order; an added or removed table
/// is listed leaf by leaf, so a new tier shows its prices.
fn leaves(path: &mut String, old: Option<&Value>, new: Option<&Value>, out: &mut Vec<FieldChange>) {
    let empty = serde_json::Map::new();
    match (table(old, &empty), table(new, &empty)) {
        (Some(a), Some(b))
            if old.is_some_and(Value::is_object) || new.is_some_and(Value::is_object) =>
        {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for k in keys {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                leaves(path, a.get(k), b.get(k), out);
                path.truncate(len);
            }
        }
        _ if old == new => {}
        _ if old.is_none_or(Value::is_null) && new.is_none_or(Value::is_null) => {}
        _ => out.push(FieldChange {
            path: path.clone(),
            old: old.filter(|v| !v.is_null()).cloned(),
            new: new.filter(|v| !v.is_null()).cloned(),
        }),
    }
}

/// A value as a table to walk: absent and `null` are empty tables; other scalars are not tables.
fn table<'a>(
    v: Option<&'a Value>,
    empty: &'a serde_json::Map<String, Value>,
) -> Option<&'a serde_json::Map<String, Value>> {
    match v {
        Some(Value::Object(o)) => Some(o),
        None | Some(Value::Null) => Some(empty),
        _ => None,
    }
}

/// The human form: a header per plan, its reasons, then `~`/`+`/`-` lines per field.
pub fn human(diffs: &[PlanDiff], lines: bool) -> String {
    let mut out = String::new();
    for d in diffs {
        let from = d
            .from
            .as_ref()
            .map_or("unpublished".to_string(), ToString::to_string);
        let bump = d
            .bump
            .map_or("new".to_string(), |b| b.to_string().to_uppercase());
        out.push_str(&format!(
            "{} {from} → {} ({bump}), effective {}",
            d.slug, d.to, d.effective_from
        ));
        if let Some(e) = d.existing_from {
            out.push_str(&format!(", for existing subscribers {e}"));
        }
        out.push('\n');
        for r in &d.reasons {
            out.push_str(&format!("    {r}\n"));
        }
        for f in &d.fields {
            let show = |v: &Value| {
                let s = v.to_string();
                if s.chars().count() > 80 {
                    format!("{}…", s.chars().take(79).collect::<String>())
                } else {
                    s
                }
            };
            match (&f.old, &f.new) {
                (Some(o), Some(n)) => {
                    out.push_str(&format!("  ~ {}: {} → {}\n", f.path, show(o), show(n)))
                }
                (None, Some(n)) => out.push_str(&format!("  + {}: {}\n", f.path, show(n))),
                (Some(o), None) => out.push_str(&format!("  - {}: {}\n", f.path, show(o))),
                (None, None) => {}
            }
        }
        if lines {
            out.push_str(&d.lines);
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn added_tables_are_listed_leaf_by_leaf() {
        let mut out = Vec::new();
        leaves(
            &mut String::new(),
            Some(&json!({"tiers": {}})),
            Some(&json!({"tiers": {"pro": {"price": {"USD": "9.00"}, "yearly": null}}})),
            &mut out,
        );
        assert_eq!(
            out,
            [FieldChange {
                path: "tiers.pro.price.USD".into(),
                old: None,
                new: Some(json!("9.00"))
            }]
        );
    }

    #[test]
    fn leaves_are_field_level() {
        let mut out = Vec::new();
        leaves(
            &mut String::new(),
            Some(&json!({"a": {"b": 1, "c": [1]}, "gone": true, "none": null})),
            Some(&json!({"a": {"b": 2, "c": [1]}, "new": "x", "none": null})),
            &mut out,
        );
        assert_eq!(
            out,
            [
                FieldChange {
                    path: "a.b".into(),
                    old: Some(json!(1)),
                    new: Some(json!(2))
                },
                FieldChange {
                    path: "gone".into(),
                    old: Some(json!(true)),
                    new: None
                },
                FieldChange {
                    path: "new".into(),
                    old: None,
                    new: Some(json!("x"))
                },
            ]
        );
    }
}
