//! JSON Schemas generated from the Rust types (schemars), and the subschema walker that turns a
//! validation error's instance path back into field names for "did you mean" help.
//!
//! Layer schemas are *derived*: the schema of the applied plan's sections with every `required`
//! dropped (a layer may set any subset) and a `_remove` directive allowed in every table.
//! Invariant: `schemas/` is exactly [`all`]; a test and `plancat schema --check` enforce it.

use std::collections::BTreeSet;

use schemars::generate::SchemaSettings;
use schemars::transform::{Transform, transform_subschemas};
use schemars::{JsonSchema, Schema};
use serde_json::{Value, json};

use crate::core::model::{ApiPlan, CoreLayer, ProductLayer, ProductPlan, ProjectLayer};
use crate::core::path::Seg;
use plancat_consumer::wire;

/// The top-level key naming the JSON Schema an editor validates a JSON plan file against
/// (`"$schema": "../../schemas/product-layer.schema.json"`); plancat ignores it.
pub const SCHEMA_KEY: &str = "$schema";

/// The table key that removes inherited entries: `_remove = ["enterprise"]`.
pub const REMOVE_KEY: &str = "_remove";

/// The `$defs` entry that documents [`REMOVE_KEY`] once; every table of a layer schema refers
/// to it.
const REMOVE_DEF: &str = "LayerRemoval";

/// The schema of [`REMOVE_KEY`]. Editors list it in every table, so it sorts last where an
/// editor supports that (VS Code's `suggestSortText`; `~` sorts after every letter).
fn remove_schema() -> Value {
    json!({
        "title": "Remove inherited entries",
        "description": "Layer removal: the keys of entries this table inherits from a lower layer (an earlier core file, core, or the project) to remove, like `_remove = [\"enterprise\"]`. Removing a key no lower layer sets is an error.",
        "type": "array",
        "items": { "type": "string" },
        "suggestSortText": "~_remove"
    })
}

/// Which schema a document is checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Which {
    CoreLayer,
    ProjectLayer,
    ProductLayer,
    ApiPlan,
    ProductPlan,
    Snapshot,
    SlugIndex,
    CatalogIndex,
    Diagnostics,
}

impl Which {
    pub const ALL: [Which; 9] = [
        Which::CoreLayer,
        Which::ProjectLayer,
        Which::ProductLayer,
        Which::ApiPlan,
        Which::ProductPlan,
        Which::Snapshot,
        Which::SlugIndex,
        Which::CatalogIndex,
        Which::Diagnostics,
    ];

    /// File name under `schemas/`.
    pub fn file_name(self) -> &'static str {
        match self {
            Which::CoreLayer => "core-layer.schema.json",
            Which::ProjectLayer => "project-layer.schema.json",
            Which::ProductLayer => "product-layer.schema.json",
            Which::ApiPlan => "api-plan.schema.json",
            Which::ProductPlan => "product-plan.schema.json",
            Which::Snapshot => "snapshot.schema.json",
            Which::SlugIndex => "slug-index.schema.json",
            Which::CatalogIndex => "catalog-index.schema.json",
            Which::Diagnostics => "diagnostics.schema.json",
        }
    }

    pub fn generate(self) -> Value {
        match self {
            Which::CoreLayer => layer::<CoreLayer>(),
            Which::ProjectLayer => layer::<ProjectLayer>(),
            Which::ProductLayer => layer::<ProductLayer>(),
            Which::ApiPlan => plan::<ApiPlan>(),
            Which::ProductPlan => plan::<ProductPlan>(),
            Which::Snapshot => wire_schema::<wire::Snapshot>(),
            Which::SlugIndex => wire_schema::<wire::SlugIndex>(),
            Which::CatalogIndex => wire_schema::<wire::CatalogIndex>(),
            Which::Diagnostics => wire_schema::<crate::core::diag::formats::JsonReport>(),
        }
    }
}

/// Every schema, as the pretty-printed text written to `schemas/<file_name>`.
pub fn all() -> Vec<(&'static str, String)> {
    Which::ALL
        .iter()
        .map(|w| (w.file_name(), pretty(&w.generate())))
        .collect()
}

pub fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("a JSON value always serializes");
    s.push('\n');
    s
}

fn wire_schema<T: JsonSchema>() -> Value {
    SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<T>()
        .to_value()
}

fn plan<T: JsonSchema>() -> Value {
    SchemaSettings::draft2020_12()
        .with_transform(NoNull)
        .into_generator()
        .into_root_schema_for::<T>()
        .to_value()
}

fn layer<T: JsonSchema>() -> Value {
    let mut v = SchemaSettings::draft2020_12()
        .with_transform(NoNull)
        .with_transform(Partial)
        .into_generator()
        .into_root_schema_for::<T>()
        .to_value();
    if let Some(Value::Object(props)) = v.get_mut("properties") {
        props.insert(
            SCHEMA_KEY.into(),
            json!({
                "type": "string",
                "title": "JSON Schema",
                "description": "The JSON Schema editors validate this file against (this file's layer schema in `schemas/`); plancat ignores it."
            }),
        );
    }
    if let Some(obj) = v.as_object_mut() {
        obj.entry("$defs")
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .expect("`$defs` is an object")
            .insert(REMOVE_DEF.into(), remove_schema());
    }
    v
}

/// Plan files cannot hold `null` (TOML has none; JSON's is rejected at parse time), so
/// `Option<T>` fields are just `T` in plan schemas.
#[derive(Clone)]
struct NoNull;

impl Transform for NoNull {
    fn transform(&mut self, schema: &mut Schema) {
        transform_subschemas(self, schema);
        let Some(obj) = schema.as_object_mut() else {
            return;
        };
        if let Some(Value::Array(types)) = obj.get_mut("type") {
            types.retain(|t| t != "null");
            if types.len() == 1 {
                let t = types.remove(0);
                obj.insert("type".into(), t);
            }
        }
        if let Some(Value::Array(any)) = obj.get_mut("anyOf") {
            any.retain(|s| s.get("type") != Some(&json!("null")));
            if any.len() == 1 {
                let Some(Value::Object(only)) = any.pop() else {
                    return;
                };
                obj.remove("anyOf");
                for (k, v) in only {
                    obj.entry(k).or_insert(v);
                }
            }
        }
    }
}

/// Makes a schema describe a *layer*: any subset of fields, plus `_remove` in every table.
#[derive(Clone)]
struct Partial;

impl Transform for Partial {
    fn transform(&mut self, schema: &mut Schema) {
        transform_subschemas(self, schema);
        let Some(obj) = schema.as_object_mut() else {
            return;
        };
        obj.remove("required");
        obj.remove("minProperties");
        for k in ["if", "then", "else"] {
            obj.remove(k);
        }
        // Without `required`, several `oneOf` branches can match one value.
        if let Some(one) = obj.remove("oneOf") {
            obj.insert("anyOf".into(), one);
        }
        let is_table = obj.contains_key("properties") || obj.contains_key("additionalProperties");
        if is_table && obj.get("type") == Some(&json!("object")) {
            let props = obj
                .entry("properties")
                .or_insert_with(|| json!({}))
                .as_object_mut()
                .expect("`properties` is an object");
            props.insert(
                REMOVE_KEY.into(),
                json!({ "$ref": format!("#/$defs/{REMOVE_DEF}") }),
            );
            if let Some(names) = obj.remove("propertyNames") {
                obj.insert(
                    "propertyNames".into(),
                    json!({ "anyOf": [{ "const": REMOVE_KEY }, names] }),
                );
            }
        }
    }
}

/// Whether `key` matches a schema's `patternProperties` pattern. The patterns are the few of
/// plancat's own schemas, each compiled once per process.
fn pattern_matches(pattern: &str, key: &str) -> bool {
    use std::collections::HashMap;
    use std::sync::{LazyLock, Mutex};
    static COMPILED: LazyLock<Mutex<HashMap<String, Option<regex::Regex>>>> =
        LazyLock::new(Mutex::default);
    let mut compiled = COMPILED.lock().unwrap_or_else(|e| e.into_inner());
    compiled
        .entry(pattern.to_string())
        .or_insert_with(|| regex::Regex::new(pattern).ok())
        .as_ref()
        .is_some_and(|r| r.is_match(key))
}

/// The subschemas that can describe the instance at `path` (following `$ref`, `anyOf`, `oneOf`,
/// `allOf`, `properties`, `additionalProperties` and `items`).
pub fn subschemas_at<'a>(root: &'a Value, path: &[Seg]) -> Vec<&'a Value> {
    let mut current = expand(root, root);
    for seg in path {
        let mut next = Vec::new();
        for s in &current {
            let child = match seg {
                Seg::Key(k) => s
                    .get("properties")
                    .and_then(|p| p.get(k))
                    .or_else(|| {
                        // Keyed maps (slug keys) and prices (currency keys).
                        s.get("patternProperties")
                            .and_then(Value::as_object)
                            .and_then(|p| {
                                p.iter()
                                    .find(|(re, _)| pattern_matches(re, k))
                                    .map(|(_, v)| v)
                            })
                    })
                    .or_else(|| s.get("additionalProperties").filter(|a| a.is_object())),
                Seg::Index(_) => s.get("items").filter(|i| i.is_object()),
            };
            if let Some(c) = child {
                next.extend(expand(root, c));
            }
        }
        current = next;
    }
    current
}

/// Field names a table at `path` may have (for "did you mean" and lock-path checks).
pub fn known_keys(root: &Value, path: &[Seg]) -> BTreeSet<String> {
    subschemas_at(root, path)
        .iter()
        .filter_map(|s| s.get("properties").and_then(Value::as_object))
        .flat_map(|p| p.keys().cloned())
        .collect()
}

/// The `description` of the schema at `path`, if any (used as help for invalid values).
pub fn description_at(root: &Value, path: &[Seg]) -> Option<String> {
    subschemas_at(root, path)
        .iter()
        .find_map(|s| s.get("description").and_then(Value::as_str))
        .map(str::to_string)
}

/// The schema of the *keys* of the table at `path` (`propertyNames`), if any.
pub fn key_schema_description(root: &Value, path: &[Seg]) -> Option<String> {
    subschemas_at(root, path).iter().find_map(|s| {
        let names = s.get("propertyNames")?;
        expand(root, names)
            .into_iter()
            .find_map(|n| n.get("description").and_then(Value::as_str))
            .map(str::to_string)
    })
}

/// Follows `$ref` and flattens `anyOf` / `oneOf` / `allOf` into the list of candidate schemas.
fn expand<'a>(root: &'a Value, s: &'a Value) -> Vec<&'a Value> {
    let mut out = Vec::new();
    let mut stack = vec![s];
    let mut guard = 0;
    while let Some(s) = stack.pop() {
        guard += 1;
        if guard > 256 {
            break;
        }
        if let Some(r) = s.get("$ref").and_then(Value::as_str)
            && let Some(target) = r.strip_prefix('#').and_then(|p| root.pointer(p))
        {
            stack.push(target);
        }
        for k in ["anyOf", "oneOf", "allOf"] {
            if let Some(Value::Array(branches)) = s.get(k) {
                stack.extend(branches.iter().rev());
            }
        }
        out.push(s);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer_schemas_allow_partial_tables_and_remove() {
        let s = Which::ProjectLayer.generate();
        let v = jsonschema::validator_for(&s).unwrap();
        assert!(v.is_valid(&json!({ "api": { "tiers": { "pro": { "trial_days": 7 } } } })));
        assert!(v.is_valid(&json!({ "api": { "tiers": { "_remove": ["pro"] } } })));
        assert!(v.is_valid(&json!({ "api": { "tiers": { "a": { "price": { "monthly": { "_remove": ["USD"] } } } } } })));
        assert!(!v.is_valid(&json!({ "api": { "tittle": "x" } })));
    }

    #[test]
    fn plan_schema_requires_a_price_unless_contact_sales() {
        let s = Which::ApiPlan.generate();
        let v = jsonschema::validator_for(&s).unwrap();
        let tier = |price: Value| {
            json!({
                "catalog": { "brand": "B", "base_url": "https://x.test", "currency": "USD", "locale": "en-US" },
                "api": { "name": "A", "status": "live", "summary": "",
                         "tiers": { "a": { "name": "A", "order": 1, "price": price } } }
            })
        };
        assert!(v.is_valid(&tier(json!({ "monthly": { "USD": "9" } }))));
        assert!(v.is_valid(&tier(json!({ "contact_sales": true }))));
        assert!(!v.is_valid(&tier(json!({}))));
    }

    #[test]
    fn known_keys_follow_refs_and_maps() {
        let s = Which::ApiPlan.generate();
        let path = [
            Seg::Key("api".into()),
            Seg::Key("tiers".into()),
            Seg::Key("x".into()),
        ];
        let keys = known_keys(&s, &path);
        assert!(
            keys.contains("trial_days") && keys.contains("quotas"),
            "{keys:?}"
        );
    }
}
