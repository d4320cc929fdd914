//! Stage 5: merge — layers combined by priority into one tree that remembers, for every value,
//! where it was written and what it overrode.
//!
//! Rules (SPEC §3): tables merge key by key, recursively; a scalar or array in a higher layer
//! replaces the lower one; `_remove = ["key"]` in a table deletes inherited entries; a path
//! locked by core may not be touched by a project or product.
//! Invariant: merge never panics and never stops early; conflicts become diagnostics.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::core::diag::{Code, Diagnostic, did_you_mean};
use crate::core::discover::LayerKind;
use crate::core::node::{Node, Value};
use crate::core::path::Seg;
use crate::core::schema::REMOVE_KEY;
use crate::core::source::{FileId, Span};

/// Where a value was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    pub file: FileId,
    /// The key's span, when the value was written under a key.
    pub key: Option<Span>,
    pub span: Span,
    pub layer: LayerKind,
}

/// A merged value with its provenance.
#[derive(Clone, Debug, PartialEq)]
pub struct MNode {
    pub origin: Origin,
    /// Values this one replaced, oldest first.
    pub overridden: Vec<Origin>,
    pub value: MValue,
}

#[derive(Clone, Debug, PartialEq)]
pub enum MValue {
    Scalar(Value),
    Array(Vec<MNode>),
    /// Shared, copy-on-write: a product's tree starts as its project's (a pointer copy), and
    /// merging copies only the tables on the paths it writes (`Arc::make_mut`).
    Table(Arc<MTable>),
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct MTable {
    /// Boxed: a B-tree node holds room for eleven values, and most tables have a few.
    pub entries: BTreeMap<String, Box<MNode>>,
    /// Inherited entries a layer removed: where, and what was there.
    pub removed: BTreeMap<String, Removal>,
}

/// An inherited entry a `_remove` deleted.
#[derive(Clone, Debug, PartialEq)]
pub struct Removal {
    /// The `_remove` item that removed it.
    pub at: Origin,
    /// The value it had, with its own provenance.
    pub was: Box<MNode>,
}

/// A path core forbids other layers to touch, and where the lock was declared.
#[derive(Clone, Debug)]
pub struct Lock {
    pub path: Vec<String>,
    /// Direct children of `path` that stay open (the rules core lists in `rule_overrides`).
    pub except: Vec<String>,
    /// The lock is on each child, not on the table itself (`rules`: a layer may write
    /// `[rules]`, and each rule in it is checked).
    pub children_only: bool,
    /// Where core declared the lock; `None` for the built-in lock on `rules`.
    pub declared: Option<(FileId, Span)>,
}

impl Lock {
    /// Whether the lock forbids a lower layer to write at `path`.
    pub fn covers(&self, path: &[String]) -> bool {
        let n = self.path.len();
        if path.len() < n || path[..n] != self.path[..] {
            return false;
        }
        match path.get(n) {
            None => !self.children_only,
            Some(child) => !self.except.contains(child),
        }
    }
}

impl MNode {
    /// An empty table standing for a whole document.
    pub fn root(file: FileId, layer: LayerKind) -> MNode {
        MNode {
            origin: Origin {
                file,
                key: None,
                span: 0..0,
                layer,
            },
            overridden: Vec::new(),
            value: MValue::Table(Arc::default()),
        }
    }

    pub fn table(&self) -> Option<&MTable> {
        match &self.value {
            MValue::Table(t) => Some(t),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&MNode> {
        self.table()?.entries.get(key).map(|b| &**b)
    }

    /// Removes a top-level entry (used to drop core's `locks` from applied plans).
    pub fn remove(&mut self, key: &str) {
        if let MValue::Table(t) = &mut self.value {
            Arc::make_mut(t).entries.remove(key);
        }
    }

    /// The value schema validation and typed deserialization see.
    pub fn to_json(&self) -> serde_json::Value {
        match &self.value {
            MValue::Scalar(v) => v.to_json(),
            MValue::Array(a) => a.iter().map(MNode::to_json).collect(),
            MValue::Table(t) => t
                .entries
                .iter()
                .map(|(k, n)| (k.clone(), n.to_json()))
                .collect::<serde_json::Map<_, _>>()
                .into(),
        }
    }

    /// The node at `path`, or the deepest ancestor that exists.
    pub fn locate(&self, path: &[Seg]) -> &MNode {
        let mut n = self;
        for seg in path {
            let next = match (&n.value, seg) {
                (MValue::Table(t), Seg::Key(k)) => t.entries.get(k).map(|b| &**b),
                (MValue::Array(a), Seg::Index(i)) => a.get(*i),
                _ => None,
            };
            match next {
                Some(x) => n = x,
                None => break,
            }
        }
        n
    }

    fn from_node(node: &Node, file: FileId, key: Option<Span>, layer: LayerKind) -> MNode {
        let origin = Origin {
            file,
            key,
            span: node.span.clone(),
            layer,
        };
        let value = match &node.value {
            Value::Array(a) => MValue::Array(
                a.iter()
                    .map(|n| MNode::from_node(n, file, None, layer).filled(n))
                    .collect(),
            ),
            // Filled by the merger key by key (or by `filled` inside arrays).
            Value::Table(_) => MValue::Table(Arc::default()),
            scalar => MValue::Scalar(scalar.clone()),
        };
        MNode {
            origin,
            overridden: Vec::new(),
            value,
        }
    }
}

impl MNode {
    /// Fills a table converted by `from_node` from its source node, recursively (for tables
    /// inside arrays, which are replaced whole and never merged).
    fn filled(mut self, node: &Node) -> MNode {
        if let (MValue::Table(t), Value::Table(src)) = (&mut self.value, &node.value) {
            let t = Arc::make_mut(t);
            for (k, e) in src {
                let child = MNode::from_node(
                    &e.node,
                    self.origin.file,
                    Some(e.key_span.clone()),
                    self.origin.layer,
                )
                .filled(&e.node);
                t.entries.insert(k.clone(), Box::new(child));
            }
        }
        self
    }
}

/// Merges one layer file's document into `base`. Only top-level keys for which `keep` is true
/// are merged (a project's `api` table is its own, not its products').
pub fn apply(
    base: &mut MNode,
    file: FileId,
    doc: &Node,
    layer: LayerKind,
    locks: &[Lock],
    keep: &dyn Fn(&str) -> bool,
) -> Vec<Diagnostic> {
    let mut m = Merger {
        file,
        layer,
        locks,
        path: Vec::new(),
        diags: Vec::new(),
    };
    if let (MValue::Table(bt), Value::Table(lt)) = (&mut base.value, &doc.value) {
        let filtered: crate::core::node::Table = lt
            .iter()
            .filter(|(k, _)| keep(k))
            .map(|(k, e)| (k.clone(), e.clone()))
            .collect();
        m.table(Arc::make_mut(bt), &filtered);
    }
    m.diags
}

struct Merger<'a> {
    file: FileId,
    layer: LayerKind,
    locks: &'a [Lock],
    path: Vec<String>,
    diags: Vec<Diagnostic>,
}

impl Merger<'_> {
    fn table(&mut self, base: &mut MTable, layer: &crate::core::node::Table) {
        if let Some(rm) = layer.get(REMOVE_KEY) {
            self.removals(base, &rm.node);
        }
        for (key, entry) in layer.iter().filter(|(k, _)| *k != REMOVE_KEY) {
            self.path.push(key.clone());
            if let Some(lock) = self.locked() {
                let d = self.lock_error(lock, entry.key_span.clone());
                self.diags.push(d);
                self.path.pop();
                continue;
            }
            let mut fresh = MNode::from_node(
                &entry.node,
                self.file,
                Some(entry.key_span.clone()),
                self.layer,
            );
            let inherited = base.entries.remove(key).map(|b| *b);
            base.removed.remove(key);
            match (inherited, &entry.node.value) {
                // Table onto table: merge key by key, keeping the table's first origin.
                (
                    Some(
                        mut old @ MNode {
                            value: MValue::Table(_),
                            ..
                        },
                    ),
                    Value::Table(lt),
                ) => {
                    if let MValue::Table(ot) = &mut old.value {
                        self.table(Arc::make_mut(ot), lt);
                    }
                    base.entries.insert(key.clone(), Box::new(old));
                }
                (old, value) => {
                    if let Some(old) = old {
                        fresh.overridden = old.overridden;
                        fresh.overridden.push(old.origin);
                    }
                    // A new table goes through the same per-key path, so locks and `_remove`
                    // inside it are seen.
                    if let (MValue::Table(ft), Value::Table(lt)) = (&mut fresh.value, value) {
                        self.table(Arc::make_mut(ft), lt);
                    }
                    base.entries.insert(key.clone(), Box::new(fresh));
                }
            }
            self.path.pop();
        }
    }

    fn removals(&mut self, base: &mut MTable, list: &Node) {
        let Value::Array(items) = &list.value else {
            return; // the layer schema reports the wrong type
        };
        for item in items {
            let Value::String(key) = &item.value else {
                continue;
            };
            self.path.push(key.clone());
            if let Some(lock) = self.locked() {
                let d = self.lock_error(lock, item.span.clone());
                self.diags.push(d);
            } else if let Some(was) = base.entries.remove(key) {
                let at = Origin {
                    file: self.file,
                    key: None,
                    span: item.span.clone(),
                    layer: self.layer,
                };
                base.removed.insert(key.clone(), Removal { at, was });
            } else {
                let here = self.path[..self.path.len() - 1].join(".");
                let help =
                    did_you_mean(key, base.entries.keys().map(String::as_str)).or_else(|| {
                        (!base.entries.is_empty()).then(|| {
                            let keys: Vec<_> =
                                base.entries.keys().map(|k| format!("`{k}`")).collect();
                            format!("inherited entries here: {}", keys.join(", "))
                        })
                    });
                self.diags.push(
                    Diagnostic::error(
                        Code::RemoveMissing,
                        format!(
                            "cannot remove `{key}`: no lower layer defines it{}",
                            if here.is_empty() {
                                String::new()
                            } else {
                                format!(" in `{here}`")
                            }
                        ),
                    )
                    .at(self.file, item.span.clone(), "nothing to remove")
                    .with_help_opt(help),
                );
            }
            self.path.pop();
        }
    }

    /// The lock covering the current path, if this layer may not touch it.
    fn locked(&self) -> Option<&Lock> {
        if self.layer == LayerKind::Core {
            return None;
        }
        self.locks.iter().find(|l| l.covers(&self.path))
    }

    fn lock_error(&self, lock: &Lock, span: Span) -> Diagnostic {
        let path = self.path.join(".");
        let locked = lock.path.join(".");
        let d = Diagnostic::error(
            Code::LockedPath,
            format!(
                "`{path}` is locked by core and cannot be overridden in a {} file",
                self.layer.name()
            ),
        )
        .at(self.file, span, "override of a locked path");
        match &lock.declared {
            Some((file, span)) => d
                .with_secondary(*file, span.clone(), format!("`{locked}` locked here"))
                .with_help("remove this override, or change the value in core"),
            None => d.with_help(format!(
                "only core sets rule levels, except for the rules it lists in `rule_overrides = [...]`; add `{}` there to allow this",
                self.path.get(1).map_or("the rule", String::as_str)
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::parse::{Format, parse};
    use crate::core::source::{SourceFile, Sources};
    use proptest::prelude::*;

    fn doc(sources: &mut Sources, path: &str, text: &str) -> (FileId, Node) {
        let src = SourceFile::new(path, text);
        let node = parse(
            FileId::for_tests(sources.len()),
            &src,
            Format::from_path(path).unwrap(),
        )
        .unwrap();
        (sources.add(src), node)
    }

    fn merged(layers: &[(&str, &str, LayerKind)], locks: &[Lock]) -> (MNode, Vec<Diagnostic>) {
        let mut sources = Sources::default();
        let mut root = MNode::root(FileId::for_tests(0), LayerKind::Core);
        let mut diags = Vec::new();
        for (path, text, layer) in layers {
            let (f, n) = doc(&mut sources, path, text);
            diags.extend(apply(&mut root, f, &n, *layer, locks, &|_| true));
        }
        (root, diags)
    }

    #[test]
    fn tables_merge_and_scalars_replace_with_provenance() {
        let (m, d) = merged(
            &[
                (
                    "core.toml",
                    "[a]\nx = 1\ny = [1, 2]\n[a.n]\np = 1\n",
                    LayerKind::Core,
                ),
                (
                    "proj.json",
                    r#"{"a": {"y": [3], "n": {"q": 2}}}"#,
                    LayerKind::Project,
                ),
            ],
            &[],
        );
        assert!(d.is_empty());
        assert_eq!(
            m.to_json(),
            serde_json::json!({"a": {"x": 1, "y": [3], "n": {"p": 1, "q": 2}}})
        );
        let y = m.locate(&[Seg::Key("a".into()), Seg::Key("y".into())]);
        assert_eq!(y.origin.layer, LayerKind::Project);
        assert_eq!(y.overridden.len(), 1);
        assert_eq!(y.overridden[0].layer, LayerKind::Core);
    }

    #[test]
    fn a_product_shares_what_it_does_not_touch_and_never_changes_its_project() {
        let (project, d) = merged(
            &[
                ("core.toml", "[a]\nx = 1\n[b.n]\np = 1\n", LayerKind::Core),
                ("proj.toml", "[b.n]\nq = 2\n", LayerKind::Project),
            ],
            &[],
        );
        assert!(d.is_empty());
        let before = project.to_json();
        let mut sources = Sources::default();
        let (f, n) = doc(&mut sources, "prod.toml", "[b.n]\np = 9\n[c]\nz = 3\n");
        let mut product = project.clone();
        assert!(apply(&mut product, f, &n, LayerKind::Product, &[], &|_| true).is_empty());

        assert_eq!(
            project.to_json(),
            before,
            "merging a product wrote into its project"
        );
        assert_eq!(
            product.to_json(),
            serde_json::json!({"a": {"x": 1}, "b": {"n": {"p": 9, "q": 2}}, "c": {"z": 3}})
        );
        let table = |m: &MNode, k: &str| match &m.get(k).unwrap().value {
            MValue::Table(t) => Arc::clone(t),
            _ => unreachable!(),
        };
        // Untouched: the same table in memory. Written: a copy.
        assert!(Arc::ptr_eq(&table(&project, "a"), &table(&product, "a")));
        assert!(!Arc::ptr_eq(&table(&project, "b"), &table(&product, "b")));
    }

    #[test]
    fn remove_deletes_inherited_entries_in_toml_and_json() {
        for (path, text) in [
            ("p.toml", "[t]\n_remove = [\"b\"]\n"),
            ("p.json", r#"{"t": {"_remove": ["b"]}}"#),
        ] {
            let (m, d) = merged(
                &[
                    ("c.toml", "[t]\na = 1\nb = 2\n", LayerKind::Core),
                    (path, text, LayerKind::Project),
                ],
                &[],
            );
            assert!(d.is_empty(), "{d:?}");
            assert_eq!(m.to_json(), serde_json::json!({"t": {"a": 1}}));
            assert!(
                m.get("t")
                    .unwrap()
                    .table()
                    .unwrap()
                    .removed
                    .contains_key("b")
            );
        }
    }

    #[test]
    fn removing_what_is_not_inherited_suggests_a_name() {
        let (_, d) = merged(
            &[
                ("c.toml", "[t]\nalpha = 1\n", LayerKind::Core),
                ("p.toml", "[t]\n_remove = [\"alpa\"]\n", LayerKind::Project),
            ],
            &[],
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, Code::RemoveMissing);
        assert_eq!(d[0].help.as_deref(), Some("did you mean `alpha`?"));
    }

    #[test]
    fn locked_paths_reject_overrides_below_core() {
        let lock = Lock {
            path: vec!["policy".into(), "guardrails".into()],
            except: Vec::new(),
            children_only: false,
            declared: Some((FileId::for_tests(0), 0..1)),
        };
        let (m, d) = merged(
            &[
                (
                    "c.toml",
                    "[policy.guardrails]\nmax_discount = 30\n",
                    LayerKind::Core,
                ),
                (
                    "c2.toml",
                    "[policy.guardrails]\nmax_discount = 35\n",
                    LayerKind::Core,
                ),
                (
                    "p.toml",
                    "[policy.guardrails]\nmax_discount = 90\n[policy.trial]\nmax_days = 3\n",
                    LayerKind::Project,
                ),
            ],
            std::slice::from_ref(&lock),
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code, Code::LockedPath);
        assert_eq!(m.to_json()["policy"]["guardrails"]["max_discount"], 35);
        assert_eq!(m.to_json()["policy"]["trial"]["max_days"], 3);
    }

    #[test]
    fn rule_levels_are_locked_except_where_core_opens_them() {
        let lock = Lock {
            path: vec!["rules".into()],
            except: vec!["tier-ladder".into()],
            children_only: true,
            declared: None,
        };
        let (m, d) = merged(
            &[
                (
                    "c.toml",
                    "[rules]\ntier-ladder = \"deny\"\ngross-margin = \"deny\"\n",
                    LayerKind::Core,
                ),
                (
                    "p.toml",
                    "[rules]\ntier-ladder = \"allow\"\ngross-margin = \"allow\"\n",
                    LayerKind::Product,
                ),
            ],
            std::slice::from_ref(&lock),
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            d[0].message,
            "`rules.gross-margin` is locked by core and cannot be overridden in a product file"
        );
        assert_eq!(
            m.to_json()["rules"],
            serde_json::json!({"tier-ladder": "allow", "gross-margin": "deny"})
        );
    }

    // Laws of the merge, on random documents without removals. As in every schema-checked
    // plan, a key has one type in all layers: here keys `a`/`b` hold tables, `x`/`y` leaves
    // or arrays (associativity does not hold when one layer turns a table into a scalar).
    fn arb_leaf() -> impl Strategy<Value = serde_json::Value> + Clone {
        let scalar = prop_oneof![
            any::<bool>().prop_map(serde_json::Value::from),
            (0i64..5).prop_map(serde_json::Value::from),
            "[a-c]{1,2}".prop_map(serde_json::Value::from),
        ];
        prop_oneof![
            scalar.clone(),
            prop::collection::vec(scalar, 0..3).prop_map(serde_json::Value::from),
        ]
    }

    fn arb_doc() -> impl Strategy<Value = serde_json::Value> {
        let leaves = || prop::collection::btree_map("[xy]", arb_leaf(), 0..3);
        leaves()
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect()))
            .prop_recursive(3, 24, 2, move |inner| {
                (prop::collection::btree_map("[ab]", inner, 0..3), leaves()).prop_map(
                    |(tables, leaves)| {
                        serde_json::Value::Object(tables.into_iter().chain(leaves).collect())
                    },
                )
            })
    }

    fn merge_json(docs: &[&serde_json::Value]) -> serde_json::Value {
        let texts: Vec<String> = docs.iter().map(|d| d.to_string()).collect();
        let layers: Vec<_> = texts
            .iter()
            .map(|t| ("x.json", t.as_str(), LayerKind::Core))
            .collect();
        merged(&layers, &[]).0.to_json()
    }

    proptest! {
        #[test]
        fn merge_has_identities(a in arb_doc()) {
            let empty = serde_json::json!({});
            prop_assert_eq!(merge_json(&[&a, &empty]), a.clone());
            prop_assert_eq!(merge_json(&[&empty, &a]), a.clone());
        }

        #[test]
        fn merge_is_idempotent(a in arb_doc()) {
            prop_assert_eq!(merge_json(&[&a, &a]), a.clone());
        }

        #[test]
        fn merge_is_associative(a in arb_doc(), b in arb_doc(), c in arb_doc()) {
            let bc = merge_json(&[&b, &c]);
            prop_assert_eq!(merge_json(&[&a, &b, &c]), merge_json(&[&a, &bc]));
        }
    }
}
