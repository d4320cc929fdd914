//! `plancat explain`: the applied value(s) at a path of a plan, with the chain of layers
//! behind each — where the winning value was written, every value it overrode, down to core —
//! and removed and locked entries shown as such.
//!
//! Invariant: pure; reads the merged tree's provenance and the source texts, nothing else.

use crate::core::compile::CompiledPlan;
use crate::core::diag::suggest;
use crate::core::merge::{Lock, MNode, MValue, Origin};
use crate::core::schema::Seg;
use crate::core::source::Sources;

/// Parses `api.tiers.growth`, `product.bundle.components[1]` or a JSON pointer
/// (`/api/tiers/growth`).
pub fn parse_path(path: &str) -> Vec<Seg> {
    if let Some(pointer) = path.strip_prefix('/') {
        return pointer
            .split('/')
            .map(|p| {
                let key = p.replace("~1", "/").replace("~0", "~");
                key.parse().map_or(Seg::Key(key), Seg::Index)
            })
            .collect();
    }
    path.split('.')
        .filter(|p| !p.is_empty())
        .flat_map(|part| {
            let (key, index) = match part.split_once('[') {
                Some((k, i)) => (k, i.trim_end_matches(']').parse().ok()),
                None => (part, None),
            };
            std::iter::once(Seg::Key(key.to_string())).chain(index.map(Seg::Index))
        })
        .collect()
}

/// The explanation of `path` in `plan`, or an error message (unknown path, with a suggestion).
pub fn explain(
    plan: &CompiledPlan,
    path: &[Seg],
    sources: &Sources,
    locks: &[Lock],
) -> Result<String, String> {
    let mut node = &plan.tree;
    for (i, seg) in path.iter().enumerate() {
        let here = display(&path[..i]);
        match (&node.value, seg) {
            (MValue::Table(t), Seg::Key(k)) => match t.entries.get(k) {
                Some(n) => node = n,
                None => {
                    let full = display(&path[..=i]);
                    if let Some(o) = t.removed.get(k) {
                        return Ok(format!(
                            "{full} is removed\n  removed at {}\n",
                            at(o, sources)
                        ));
                    }
                    if let Some(v) = default_value(plan, &path[..=i]) {
                        return Ok(format!("{full} = {v}\n  default: no file sets it\n"));
                    }
                    let hint = suggest(k, t.entries.keys().map(String::as_str))
                        .map(|s| {
                            format!(
                                "; did you mean `{}`?",
                                display(&[&path[..i], &[Seg::Key(s.into())]].concat())
                            )
                        })
                        .unwrap_or_default();
                    let within = if here.is_empty() {
                        String::new()
                    } else {
                        format!(" in `{here}`")
                    };
                    return Err(format!("`{}` has no `{k}`{within}{hint}", plan.slug));
                }
            },
            (MValue::Array(a), Seg::Index(n)) => match a.get(*n) {
                Some(x) => node = x,
                None => {
                    return Err(format!(
                        "`{here}` of `{}` has {} items; there is no [{n}]",
                        plan.slug,
                        a.len()
                    ));
                }
            },
            _ => {
                return Err(format!(
                    "`{here}` of `{}` is a value, not a table or array",
                    plan.slug
                ));
            }
        }
    }
    let mut out = String::new();
    walk(node, &mut path.to_vec(), sources, locks, &mut out);
    Ok(out)
}

fn walk(node: &MNode, path: &mut Vec<Seg>, sources: &Sources, locks: &[Lock], out: &mut String) {
    match &node.value {
        MValue::Table(t) => {
            for (k, child) in &t.entries {
                path.push(Seg::Key(k.clone()));
                walk(child, path, sources, locks, out);
                path.pop();
            }
            for (k, o) in &t.removed {
                path.push(Seg::Key(k.clone()));
                out.push_str(&format!(
                    "{} is removed\n  removed at {}\n",
                    display(path),
                    at(o, sources)
                ));
                path.pop();
            }
        }
        _ => {
            out.push_str(&format!(
                "{} = {}\n",
                display(path),
                text(&node.origin, sources)
            ));
            out.push_str(&format!("  set at {}\n", at(&node.origin, sources)));
            for o in node.overridden.iter().rev() {
                out.push_str(&format!(
                    "  overrides {} at {}\n",
                    text(o, sources),
                    at(o, sources)
                ));
            }
            let keys: Vec<String> = path
                .iter()
                .map(|s| match s {
                    Seg::Key(k) => k.clone(),
                    Seg::Index(i) => i.to_string(),
                })
                .collect();
            if let Some(lock) = locks.iter().find(|l| l.covers(&keys)) {
                let by = match &lock.declared {
                    Some((file, span)) => {
                        let f = sources.get(*file);
                        let (line, col) = f.line_col(span.start);
                        format!(" at {}:{line}:{col}", f.path)
                    }
                    None => " (rule levels are core's unless listed in `rule_overrides`)".into(),
                };
                out.push_str(&format!(
                    "  locked by core{by}: projects and products cannot override it\n"
                ));
            }
        }
    }
}

/// `plans/core/00-defaults.toml:12:11 (core)`.
fn at(o: &Origin, sources: &Sources) -> String {
    let f = sources.get(o.file);
    let (line, col) = f.line_col(o.span.start);
    format!("{}:{line}:{col} ({})", f.path, o.layer.name())
}

/// The value as written in its file, on one line.
fn text(o: &Origin, sources: &Sources) -> String {
    let src = &sources.get(o.file).text;
    let raw = src.get(o.span.clone()).unwrap_or("?");
    let one_line: String = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 72 {
        format!("{}…", one_line.chars().take(71).collect::<String>())
    } else {
        one_line
    }
}

/// A value no file sets but the typed plan has (a serde default).
fn default_value(plan: &CompiledPlan, path: &[Seg]) -> Option<String> {
    let typed = match &plan.body {
        crate::core::compile::PlanBody::Api(p) => serde_json::to_value(p),
        crate::core::compile::PlanBody::Product(p) => serde_json::to_value(p),
    }
    .ok()?;
    let mut v = &typed;
    for seg in path {
        v = match seg {
            Seg::Key(k) => v.get(k)?,
            Seg::Index(i) => v.get(i)?,
        };
    }
    Some(v.to_string())
}

fn display(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_dotted_or_json_pointers() {
        let want = vec![
            Seg::Key("api".into()),
            Seg::Key("tiers".into()),
            Seg::Key("a/b".into()),
        ];
        assert_eq!(parse_path("/api/tiers/a~1b"), want);
        assert_eq!(
            parse_path("product.bundle.components[1]"),
            vec![
                Seg::Key("product".into()),
                Seg::Key("bundle".into()),
                Seg::Key("components".into()),
                Seg::Index(1)
            ]
        );
        assert_eq!(parse_path(""), Vec::<Seg>::new());
    }
}
