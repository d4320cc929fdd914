//! Every property of every JSON Schema in `schemas/` has a `title` and a `description`, so an
//! editor (taplo, VS Code) says what a field means on completion and hover.
//!
//! The rule. From each schema's root the walk follows `properties`, `$defs`, `items`,
//! `additionalProperties`, `patternProperties`, `anyOf` / `oneOf` / `allOf` and `if` / `then` /
//! `else`, and checks
//! - the root and every `$defs` entry: a `title` and a `description` of its own;
//! - every entry of every `properties` table it reaches: a `title` and a `description`, each
//!   either its own or, for a property with a `$ref`, the referenced definition's (following
//!   further `$ref`s). So `"percent": { "$ref": "#/$defs/Percent" }` counts as documented because
//!   `Percent` is; a property's own text, where it has one, is what editors show.
//!
//! A failure lists every undocumented place by its JSON pointer, in every file at once.

use std::path::Path;

use serde_json::Value;

const KEYS: [&str; 2] = ["title", "description"];

fn schemas() -> Vec<(String, Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let mut out: Vec<(String, Value)> = std::fs::read_dir(&dir)
        .expect("schemas/ exists")
        .map(|e| e.expect("a readable directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&p).expect("a readable schema");
            let v = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, v)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(!out.is_empty(), "no schemas in {}", dir.display());
    out
}

/// A JSON pointer segment (RFC 6901).
fn seg(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Whether `schema` itself has a non-blank `key`.
fn own(schema: &Value, key: &str) -> bool {
    schema
        .get(key)
        .and_then(Value::as_str)
        .is_some_and(|t| !t.trim().is_empty())
}

/// Whether `schema`, or a definition its `$ref` chain leads to, has a non-blank `key`.
fn has(root: &Value, schema: &Value, key: &str) -> bool {
    let mut s = schema;
    for _ in 0..32 {
        if own(s, key) {
            return true;
        }
        match s
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|p| root.pointer(p))
        {
            Some(target) => s = target,
            None => return false,
        }
    }
    false
}

fn check_own(schema: &Value, at: &str, missing: &mut Vec<String>) {
    for key in KEYS {
        if !own(schema, key) {
            missing.push(format!("{at}: no `{key}`"));
        }
    }
}

fn walk(root: &Value, schema: &Value, at: &str, missing: &mut Vec<String>) {
    match schema {
        Value::Array(items) => {
            for (i, s) in items.iter().enumerate() {
                walk(root, s, &format!("{at}/{i}"), missing);
            }
        }
        Value::Object(obj) => {
            if let Some(Value::Object(props)) = obj.get("properties") {
                for (name, p) in props {
                    let here = format!("{at}/properties/{}", seg(name));
                    for key in KEYS {
                        if !has(root, p, key) {
                            missing.push(format!("{here}: no `{key}`"));
                        }
                    }
                    walk(root, p, &here, missing);
                }
            }
            if let Some(Value::Object(defs)) = obj.get("$defs") {
                for (name, d) in defs {
                    let here = format!("{at}/$defs/{}", seg(name));
                    check_own(d, &here, missing);
                    walk(root, d, &here, missing);
                }
            }
            if let Some(Value::Object(pats)) = obj.get("patternProperties") {
                for (pattern, s) in pats {
                    walk(
                        root,
                        s,
                        &format!("{at}/patternProperties/{}", seg(pattern)),
                        missing,
                    );
                }
            }
            for key in [
                "items",
                "additionalProperties",
                "anyOf",
                "oneOf",
                "allOf",
                "if",
                "then",
                "else",
            ] {
                if let Some(s) = obj.get(key) {
                    walk(root, s, &format!("{at}/{key}"), missing);
                }
            }
        }
        _ => {}
    }
}

#[test]
fn every_property_of_every_schema_has_a_title_and_a_description() {
    let mut missing = Vec::new();
    for (name, root) in schemas() {
        let mut here = Vec::new();
        check_own(&root, "(root)", &mut here);
        walk(&root, &root, "", &mut here);
        missing.extend(here.into_iter().map(|m| format!("schemas/{name}#{m}")));
    }
    assert!(
        missing.is_empty(),
        "{} undocumented place(s); add a `///` doc comment and `#[schemars(title = \"…\")]` to \
         the Rust field or type, then run `cargo run -- schema`:\n  {}",
        missing.len(),
        missing.join("\n  ")
    );
}

/// `_remove` is in every table of a layer schema, so it is documented once, as a definition
/// every table refers to, and sorts after the real fields in editors that support it.
#[test]
fn the_remove_key_is_documented_once_and_sorts_last() {
    fn removes<'a>(s: &'a Value, out: &mut Vec<&'a Value>) {
        match s {
            Value::Array(items) => items.iter().for_each(|s| removes(s, out)),
            Value::Object(obj) => {
                if let Some(r) = obj.get("properties").and_then(|p| p.get("_remove")) {
                    out.push(r);
                }
                obj.values().for_each(|s| removes(s, out));
            }
            _ => {}
        }
    }
    let mut layers = 0;
    for (name, root) in schemas() {
        let mut found = Vec::new();
        removes(&root, &mut found);
        if !name.ends_with("-layer.schema.json") {
            assert!(found.is_empty(), "{name}: `_remove` outside a layer schema");
            continue;
        }
        layers += 1;
        assert!(
            found.len() > 1,
            "{name}: `_remove` in {} table(s)",
            found.len()
        );
        for r in &found {
            assert_eq!(
                **r,
                serde_json::json!({ "$ref": "#/$defs/LayerRemoval" }),
                "{name}: `_remove` is not a bare reference to the one definition"
            );
        }
        let def = &root["$defs"]["LayerRemoval"];
        assert!(
            def["description"]
                .as_str()
                .is_some_and(|d| d.starts_with("Layer removal:")),
            "{name}: {def}"
        );
        assert_eq!(def["type"], "array", "{name}: {def}");
        assert_eq!(def["items"]["type"], "string", "{name}: {def}");
        assert_eq!(def["suggestSortText"], "~_remove", "{name}: {def}");
    }
    assert_eq!(layers, 3, "the core, project and product layer schemas");
}
