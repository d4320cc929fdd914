//! `plancat explain`: the applied value(s) at a path of a plan, with the chain of layers
//! behind each — where the winning value was written, every value it overrode, down to core —
//! and removed and locked entries shown as such.
//!
//! Invariant: pure; reads the merged tree's provenance and the source texts, nothing else.

use serde::Serialize;

use crate::core::compile::CompiledPlan;
use crate::core::diag::suggest;
use crate::core::merge::{Lock, MNode, MValue, Origin};
use crate::core::path::{Seg, display_path};
use crate::core::schema::{self, Which};
use crate::core::source::Sources;

/// One applied value (or removal) under the explained path, with where it comes from.
#[derive(Debug, Serialize)]
pub struct Entry {
    /// The dotted path, like `api.tiers.growth.price.monthly.INR`.
    pub path: String,
    #[serde(flatten)]
    pub what: What,
}

#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum What {
    /// A value a file sets: as written, where, what it overrode (nearest first), and the lock
    /// that keeps projects and products from changing it.
    Set {
        value: String,
        set_at: At,
        overrides: Vec<Overridden>,
        #[serde(skip_serializing_if = "Option::is_none")]
        locked: Option<Locked>,
    },
    /// Removed by a layer (`_remove`), with the values it had.
    Removed { removed_at: At, was: Vec<Was> },
    /// No file sets it: the typed plan's default.
    Default { value: serde_json::Value },
    /// No file sets it and it has no default: snapshots and pages leave it out.
    NotStated,
}

/// Core keeps projects and products from changing this value: a lock core declared at `at`
/// (`file:line:col`), or — `at` absent — a rule level, which only core sets unless it lists the
/// rule in `rule_overrides`.
#[derive(Debug, Serialize)]
pub struct Locked {
    pub at: Option<String>,
}

/// A place in a plan file.
#[derive(Debug, Serialize)]
pub struct At {
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// `core`, `project` or `product`.
    pub layer: String,
}

#[derive(Debug, Serialize)]
pub struct Overridden {
    pub value: String,
    pub at: At,
}

#[derive(Debug, Serialize)]
pub struct Was {
    pub path: String,
    pub value: String,
    pub at: At,
}

/// The explanation as text, as `plancat explain` prints it.
pub fn render(entries: &[Entry]) -> String {
    let mut out = String::new();
    for e in entries {
        match &e.what {
            What::Set {
                value,
                set_at,
                overrides,
                locked,
            } => {
                out.push_str(&format!("{} = {value}\n", e.path));
                out.push_str(&format!("  set at {}\n", set_at.text()));
                for o in overrides {
                    out.push_str(&format!("  overrides {} at {}\n", o.value, o.at.text()));
                }
                if let Some(l) = locked {
                    let by = match &l.at {
                        Some(at) => format!(" at {at}"),
                        None => " (rule levels are core's unless listed in `rule_overrides`)".into(),
                    };
                    out.push_str(&format!(
                        "  locked by core{by}: projects and products cannot override it\n"
                    ));
                }
            }
            What::Removed { removed_at, was } => {
                out.push_str(&format!(
                    "{} is removed\n  removed at {}\n",
                    e.path,
                    removed_at.text()
                ));
                for w in was {
                    let name = if w.path == e.path {
                        String::new()
                    } else {
                        format!("{} = ", w.path)
                    };
                    out.push_str(&format!("  was {name}{} set at {}\n", w.value, w.at.text()));
                }
            }
            What::Default { value } => {
                out.push_str(&format!(
                    "{} = {value}\n  default: no file sets it\n",
                    e.path
                ));
            }
            What::NotStated => out.push_str(&format!(
                "{} is not stated: no file sets it and it has no default, so snapshots and pages leave it out\n",
                e.path
            )),
        }
    }
    out
}

impl At {
    /// `plans/core/00-defaults.toml:12:11 (core)`.
    fn text(&self) -> String {
        format!(
            "{}:{}:{} ({})",
            self.file, self.line, self.column, self.layer
        )
    }
}

/// The explanation of `path` in `plan`, or an error message (unknown path, with a suggestion).
/// Paths as `diff` prints them (`tiers.growth…`, without `api.`) are accepted too.
pub fn explain(
    plan: &CompiledPlan,
    path: &[Seg],
    sources: &Sources,
    locks: &[Lock],
) -> Result<Vec<Entry>, String> {
    let path = within_entity(plan, path);
    let typed = typed(plan);
    let mut node = &plan.tree;
    let mut walked: Vec<Seg> = Vec::new();
    for seg in &path {
        let here = display_path(&walked);
        let next = match (&node.value, seg) {
            (MValue::Table(t), Seg::Key(k)) => match t.entries.get(k) {
                Some(n) => Ok(&**n),
                None => Err(t.removed.get(k)),
            },
            (MValue::Array(a), Seg::Index(n)) => a.get(*n).ok_or(None),
            (MValue::Array(a), Seg::Key(k)) => {
                k.parse().ok().and_then(|n: usize| a.get(n)).ok_or(None)
            }
            (MValue::Table(_), Seg::Index(n)) => {
                return Err(format!(
                    "`{here}` of `{}` is a table, not an array: there is no [{n}]",
                    plan.slug
                ));
            }
            (MValue::Scalar(_), _) => {
                return Err(format!(
                    "`{here}` of `{}` is a value, not a table or array",
                    plan.slug
                ));
            }
        };
        walked.push(seg.clone());
        match next {
            Ok(n) => node = n,
            Err(Some(removal)) => {
                let mut values = Vec::new();
                leaves(&removal.was, &mut Vec::new(), &mut values);
                let was = values
                    .into_iter()
                    .map(|(sub, origin)| Was {
                        path: display_path(&[&walked[..], &sub[..]].concat()),
                        value: text(origin, sources),
                        at: at(origin, sources),
                    })
                    .collect();
                return Ok(vec![Entry {
                    path: display_path(&walked),
                    what: What::Removed {
                        removed_at: at(&removal.at, sources),
                        was,
                    },
                }]);
            }
            Err(None) => {
                // Not in any file: a default of the typed plan, or no such field.
                if let Some(v) = lookup(&typed, &path) {
                    return Ok(vec![Entry {
                        path: display_path(&path),
                        what: What::Default { value: v.clone() },
                    }]);
                }
                // A field the plan may state but does not, with no default: not stated.
                let schema = if plan.api().is_some() {
                    Which::ApiPlan
                } else {
                    Which::ProductPlan
                }
                .generate();
                if let Seg::Key(k) = seg
                    && schema::known_keys(&schema, &walked[..walked.len() - 1]).contains(k)
                {
                    return Ok(vec![Entry {
                        path: display_path(&path),
                        what: What::NotStated,
                    }]);
                }
                let parent = lookup(&typed, &walked[..walked.len() - 1]);
                let mut keys: Vec<String> = parent
                    .and_then(|p| p.as_object().map(|o| o.keys().cloned().collect()))
                    .unwrap_or_default();
                if let MValue::Table(t) = &node.value {
                    keys.extend(t.entries.keys().cloned());
                }
                let name = match seg {
                    Seg::Key(k) => k.clone(),
                    Seg::Index(i) => i.to_string(),
                };
                let hint = suggest(&name, keys.iter().map(String::as_str))
                    .map(|s| {
                        format!(
                            "; did you mean `{}`?",
                            display_path(
                                &[&walked[..walked.len() - 1], &[Seg::Key(s.into())]].concat()
                            )
                        )
                    })
                    .unwrap_or_default();
                let within = if here.is_empty() {
                    String::new()
                } else {
                    format!(" in `{here}`")
                };
                return Err(format!("`{}` has no `{name}`{within}{hint}", plan.slug));
            }
        }
    }
    let mut out = Vec::new();
    walk(node, &mut path.to_vec(), sources, locks, &mut out);
    Ok(out)
}

/// Every leaf under `node`, with its path below `node` and where it was written.
fn leaves<'a>(node: &'a MNode, path: &mut Vec<Seg>, out: &mut Vec<(Vec<Seg>, &'a Origin)>) {
    match &node.value {
        MValue::Table(t) => {
            for (k, child) in &t.entries {
                path.push(Seg::Key(k.clone()));
                leaves(child, path, out);
                path.pop();
            }
        }
        _ => out.push((path.clone(), &node.origin)),
    }
}

/// `tiers.growth` → `api.tiers.growth` when the plan has no top-level `tiers`.
fn within_entity(plan: &CompiledPlan, path: &[Seg]) -> Vec<Seg> {
    let entity = if plan.api().is_some() {
        "api"
    } else {
        "product"
    };
    match path.first() {
        Some(Seg::Key(k))
            if plan.tree.get(k).is_none()
                && plan.tree.get(entity).and_then(|e| e.get(k)).is_some() =>
        {
            std::iter::once(Seg::Key(entity.into()))
                .chain(path.iter().cloned())
                .collect()
        }
        _ => path.to_vec(),
    }
}

fn typed(plan: &CompiledPlan) -> serde_json::Value {
    match &plan.body {
        crate::core::compile::PlanBody::Api(p) => serde_json::to_value(p),
        crate::core::compile::PlanBody::Product(p) => serde_json::to_value(p),
    }
    .unwrap_or_default()
}

fn lookup<'a>(v: &'a serde_json::Value, path: &[Seg]) -> Option<&'a serde_json::Value> {
    let mut v = v;
    for seg in path {
        v = match seg {
            Seg::Key(k) => v
                .get(k)
                .or_else(|| k.parse::<usize>().ok().and_then(|i| v.get(i)))?,
            Seg::Index(i) => v.get(i)?,
        };
    }
    (!v.is_null()).then_some(v)
}

fn walk(
    node: &MNode,
    path: &mut Vec<Seg>,
    sources: &Sources,
    locks: &[Lock],
    out: &mut Vec<Entry>,
) {
    match &node.value {
        MValue::Table(t) => {
            for (k, child) in &t.entries {
                path.push(Seg::Key(k.clone()));
                walk(child, path, sources, locks, out);
                path.pop();
            }
            for (k, removal) in &t.removed {
                path.push(Seg::Key(k.clone()));
                out.push(Entry {
                    path: display_path(path),
                    what: What::Removed {
                        removed_at: at(&removal.at, sources),
                        was: Vec::new(),
                    },
                });
                path.pop();
            }
        }
        _ => {
            let keys: Vec<String> = path
                .iter()
                .map(|s| match s {
                    Seg::Key(k) => k.clone(),
                    Seg::Index(i) => i.to_string(),
                })
                .collect();
            let locked = locks.iter().find(|l| l.covers(&keys)).map(|lock| Locked {
                at: lock.declared.as_ref().map(|(file, span)| {
                    let f = sources.get(*file);
                    let (line, col) = f.line_col(span.start);
                    format!("{}:{line}:{col}", f.path)
                }),
            });
            out.push(Entry {
                path: display_path(path),
                what: What::Set {
                    value: text(&node.origin, sources),
                    set_at: at(&node.origin, sources),
                    overrides: node
                        .overridden
                        .iter()
                        .rev()
                        .map(|o| Overridden {
                            value: text(o, sources),
                            at: at(o, sources),
                        })
                        .collect(),
                    locked,
                },
            });
        }
    }
}

/// Where an origin is: `plans/core/00-defaults.toml:12:11 (core)` in text.
fn at(o: &Origin, sources: &Sources) -> At {
    let f = sources.get(o.file);
    let (line, column) = f.line_col(o.span.start);
    At {
        file: f.path.clone(),
        line,
        column,
        layer: o.layer.name().to_string(),
    }
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
