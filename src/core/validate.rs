//! Stages 4 and 7: validate — each layer file against its layer schema, each applied plan
//! against the full plan schema (jsonschema), every error walked back from its instance path
//! to the exact key or value in the source file.
//!
//! Invariant: every error the validator reports becomes a diagnostic with a location; none is
//! dropped, none panics.

use jsonschema::error::ValidationErrorKind;
use jsonschema::paths::LocationSegment;
use serde::de::DeserializeOwned;
use serde_json::Value as Json;

use crate::core::diag::{Code, Diagnostic, did_you_mean, suggest};
use crate::core::merge::MNode;
use crate::core::node::{Node, Value};
use crate::core::path::{Seg, display_path};
use crate::core::schema::{self, REMOVE_KEY};
use crate::core::source::{FileId, Span};

/// A compiled schema with the JSON it came from (for field names and descriptions).
pub struct Checker {
    pub schema: Json,
    validator: jsonschema::Validator,
}

impl Checker {
    pub fn new(which: schema::Which) -> Checker {
        let schema = which.generate();
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .expect("generated schemas are valid JSON Schema");
        Checker { schema, validator }
    }

    /// The checker for `which`, compiled once per process: the schemas come from plancat's own
    /// types and never change while it runs, so `serve` and repeated library calls pay for
    /// schema generation and compilation once.
    pub fn shared(which: schema::Which) -> &'static Checker {
        use std::sync::LazyLock;
        static CORE: LazyLock<Checker> = LazyLock::new(|| Checker::new(schema::Which::CoreLayer));
        static PROJECT: LazyLock<Checker> =
            LazyLock::new(|| Checker::new(schema::Which::ProjectLayer));
        static PRODUCT: LazyLock<Checker> =
            LazyLock::new(|| Checker::new(schema::Which::ProductLayer));
        static API_PLAN: LazyLock<Checker> = LazyLock::new(|| Checker::new(schema::Which::ApiPlan));
        static PRODUCT_PLAN: LazyLock<Checker> =
            LazyLock::new(|| Checker::new(schema::Which::ProductPlan));
        match which {
            schema::Which::CoreLayer => &CORE,
            schema::Which::ProjectLayer => &PROJECT,
            schema::Which::ProductLayer => &PRODUCT,
            schema::Which::ApiPlan => &API_PLAN,
            schema::Which::ProductPlan => &PRODUCT_PLAN,
            other => panic!("no plan checker for {other:?}"),
        }
    }

    /// Validates `instance`; `loc` maps instance paths back to source locations.
    pub fn check(&self, instance: &Json, loc: &dyn Locate) -> Vec<Diagnostic> {
        let errors: Vec<_> = self
            .validator
            .iter_errors(instance)
            .map(|err| {
                let path: Vec<Seg> = err
                    .instance_path()
                    .iter()
                    .map(|s| match s {
                        LocationSegment::Property(p) => Seg::Key(p.to_string()),
                        LocationSegment::Index(i) => Seg::Index(i),
                    })
                    .collect();
                (path, err)
            })
            .collect();
        // A misspelt field (`nmae`) is reported as unknown, with its suggestion; the "missing
        // field `name`" it also causes would only repeat it.
        let mut misspelt: Vec<(&[Seg], String)> = Vec::new();
        for (path, err) in &errors {
            if let ValidationErrorKind::AdditionalProperties { unexpected } = err.kind() {
                let known = schema::known_keys(&self.schema, path);
                for key in unexpected {
                    if let Some(s) = suggest(key, known.iter().map(String::as_str)) {
                        misspelt.push((path, s.to_string()));
                    }
                }
            }
        }
        let mut out = Vec::new();
        for (path, err) in &errors {
            if let ValidationErrorKind::Required { property } = err.kind() {
                let name = property.as_str().unwrap_or_default();
                if misspelt
                    .iter()
                    .any(|(p, s)| *p == path.as_slice() && s == name)
                {
                    continue;
                }
            }
            self.describe(err.kind(), path, loc, &err.to_string(), &mut out);
        }
        out.dedup();
        out
    }

    fn describe(
        &self,
        kind: &ValidationErrorKind,
        path: &[Seg],
        loc: &dyn Locate,
        fallback: &str,
        out: &mut Vec<Diagnostic>,
    ) {
        let here = loc.locate(path);
        // The path as the message names it: `api.tiers.pro`, or "the document" at the root.
        let at = match display_path(path) {
            p if p.is_empty() => "the document".to_string(),
            p => format!("`{p}`"),
        };
        match kind {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                let known = schema::known_keys(&self.schema, path);
                let is_map = schema::subschemas_at(&self.schema, path)
                    .iter()
                    .any(|s| s.get("patternProperties").is_some());
                for key in unexpected {
                    let mut child = path.to_vec();
                    child.push(Seg::Key(key.clone()));
                    let k = loc.locate(&child);
                    let span = k.key.clone().unwrap_or(k.span.clone());
                    if is_map {
                        let lower = key.to_lowercase().replace(['_', ' '], "-");
                        let help = match crate::core::model::ids::Slug::new(&lower) {
                            Ok(s) if s.as_str() != key => Some(format!("keys here are slugs (lowercase letters, digits and single hyphens): did you mean `{s}`?")),
                            _ => Some("keys here are slugs: lowercase letters, digits and single hyphens, like `growth-plus`".to_string()),
                        };
                        out.push(
                            Diagnostic::error(
                                Code::InvalidValue,
                                format!("invalid key `{key}` in {at}"),
                            )
                            .at(k.file, span, "invalid key")
                            .with_help_opt(help),
                        );
                        continue;
                    }
                    let candidates = known
                        .iter()
                        .map(String::as_str)
                        .filter(|k| *k != REMOVE_KEY && *k != schema::SCHEMA_KEY);
                    let help = match did_you_mean(key, candidates.clone()) {
                        Some(s) => s,
                        None => format!("expected one of {}", list(candidates)),
                    };
                    out.push(
                        Diagnostic::error(Code::UnknownField, format!("unknown field `{key}`"))
                            .at(k.file, span, "unknown field")
                            .with_help(help),
                    );
                }
            }
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default();
                out.push(
                    Diagnostic::error(
                        Code::MissingField,
                        format!("missing field `{name}` in {at}"),
                    )
                    .at(
                        here.file,
                        here.header(),
                        format!("`{name}` is required here"),
                    )
                    .with_help_opt(
                        schema::description_at(
                            &self.schema,
                            &[path, &[Seg::Key(name.to_string())]].concat(),
                        )
                        .map(|d| format!("`{name}`: {}", lower_first(&d))),
                    ),
                );
            }
            ValidationErrorKind::Type { kind } => {
                let expected = match kind {
                    jsonschema::error::TypeKind::Single(t) => type_word(&t.to_string()),
                    jsonschema::error::TypeKind::Multiple(ts) => ts
                        .into_iter()
                        .map(|t| type_word(&t.to_string()))
                        .collect::<Vec<_>>()
                        .join(" or "),
                };
                let found = here.describe();
                out.push(
                    Diagnostic::error(
                        Code::InvalidType,
                        format!("invalid type for {at}: expected {expected}, found {found}"),
                    )
                    .at(here.file, here.span.clone(), format!("expected {expected}"))
                    .with_help_opt(self.field_help(path)),
                );
            }
            ValidationErrorKind::Enum { options } => {
                let opts: Vec<&str> = options
                    .as_array()
                    .map(|a| a.iter().filter_map(Json::as_str).collect())
                    .unwrap_or_default();
                let value = here.value.clone().unwrap_or_default();
                let help = match did_you_mean(value.trim_matches('"'), opts.iter().copied()) {
                    Some(s) => s,
                    None if opts.len() <= 8 => {
                        format!("expected one of {}", list(opts.iter().copied()))
                    }
                    None => self.field_help(path).unwrap_or_default(),
                };
                out.push(
                    Diagnostic::error(
                        Code::InvalidValue,
                        format!("invalid value {} for {at}", tick(&value)),
                    )
                    .at(here.file, here.span.clone(), "invalid value")
                    .with_help(help),
                );
            }
            ValidationErrorKind::Minimum { limit }
            | ValidationErrorKind::ExclusiveMinimum { limit } => {
                out.push(self.simple(path, &here, format!("{at} is below its minimum of {limit}")));
            }
            ValidationErrorKind::Maximum { limit }
            | ValidationErrorKind::ExclusiveMaximum { limit } => {
                out.push(self.simple(path, &here, format!("{at} is above its maximum of {limit}")));
            }
            ValidationErrorKind::MinLength { .. }
            | ValidationErrorKind::MinItems { .. }
            | ValidationErrorKind::MinProperties { .. } => {
                out.push(self.simple(path, &here, format!("{at} must not be empty")));
            }
            ValidationErrorKind::Pattern { .. }
            | ValidationErrorKind::Format { .. }
            | ValidationErrorKind::AnyOf { .. }
            | ValidationErrorKind::OneOfNotValid { .. }
            | ValidationErrorKind::OneOfMultipleValid { .. }
            | ValidationErrorKind::Constant { .. }
            | ValidationErrorKind::MaxLength { .. } => {
                let value = here
                    .value
                    .clone()
                    .map_or_else(|| here.describe(), |v| tick(&v));
                out.push(self.simple(path, &here, format!("invalid value {value} for {at}")));
            }
            ValidationErrorKind::PropertyNames { error } => {
                // A bad currency key in a price table, say: point at the key.
                let key = error.instance().as_str().unwrap_or_default().to_string();
                let mut child = path.to_vec();
                child.push(Seg::Key(key.clone()));
                let k = loc.locate(&child);
                out.push(
                    Diagnostic::error(Code::InvalidValue, format!("invalid key `{key}` in {at}"))
                        .at(
                            k.file,
                            k.key.clone().unwrap_or(k.span.clone()),
                            "invalid key",
                        )
                        .with_help_opt(self.key_help(path, &key, error.kind())),
                );
            }
            _ => out.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    format!("invalid value for {at}: {fallback}"),
                )
                .at(here.file, here.span.clone(), "invalid value"),
            ),
        }
    }

    fn simple(&self, path: &[Seg], here: &Located, message: String) -> Diagnostic {
        Diagnostic::error(Code::InvalidValue, message)
            .at(here.file, here.span.clone(), "invalid value")
            .with_help_opt(self.field_help(path))
    }

    /// What the field at `path` holds, from its schema description, phrased as help:
    /// "`INR` is an amount in major units …".
    fn field_help(&self, path: &[Seg]) -> Option<String> {
        if path.is_empty() {
            let sections = schema::known_keys(&self.schema, path);
            let sections = sections
                .iter()
                .map(String::as_str)
                .filter(|k| *k != REMOVE_KEY && *k != schema::SCHEMA_KEY);
            return Some(format!(
                "a plan file is a table of the sections {}",
                list(sections)
            ));
        }
        let desc = schema::description_at(&self.schema, path)?;
        let desc = lower_first(&desc);
        let name = match path.last() {
            Some(Seg::Key(k)) => format!("`{k}`"),
            _ => "each item".to_string(),
        };
        Some(
            if ["a ", "an ", "the "].iter().any(|a| desc.starts_with(a)) {
                format!("{name} is {desc}")
            } else {
                format!("{name}: {desc}")
            },
        )
    }

    /// Help for a key the table's `propertyNames` rejects (an unknown currency, say).
    fn key_help(&self, path: &[Seg], key: &str, inner: &ValidationErrorKind) -> Option<String> {
        if let ValidationErrorKind::Enum { options } = inner {
            let opts = options.as_array()?.iter().filter_map(Json::as_str);
            if let Some(s) = did_you_mean(key, opts) {
                return Some(s);
            }
        }
        schema::key_schema_description(&self.schema, path)
            .map(|d| format!("expected {}", lower_first(&d)))
    }
}

/// Typed deserialization after schema validation: newtype checks the schema cannot express
/// (an amount with more decimals than its currency allows) are reported at their path.
pub fn typed<T: DeserializeOwned>(instance: Json, loc: &dyn Locate) -> Result<T, Box<Diagnostic>> {
    serde_path_to_error::deserialize::<_, T>(instance).map_err(|e| {
        let path: Vec<Seg> = e
            .path()
            .iter()
            .filter_map(|s| match s {
                serde_path_to_error::Segment::Map { key } => Some(Seg::Key(key.clone())),
                serde_path_to_error::Segment::Seq { index } => Some(Seg::Index(*index)),
                _ => None,
            })
            .collect();
        let here = loc.locate(&path);
        Box::new(
            Diagnostic::error(Code::InvalidValue, e.inner().to_string()).at(
                here.file,
                here.span.clone(),
                "invalid value",
            ),
        )
    })
}

/// Maps an instance path to a place in the source.
pub trait Locate {
    fn locate(&self, path: &[Seg]) -> Located;
}

/// What the validator needs to know about the value at a path.
#[derive(Clone, Debug)]
pub struct Located {
    pub file: FileId,
    pub key: Option<Span>,
    pub span: Span,
    pub value: Option<String>,
    pub type_name: &'static str,
}

impl Located {
    fn describe(&self) -> String {
        match &self.value {
            Some(v) => format!("{} {}", self.type_name, tick(v)),
            None => self.type_name.to_string(),
        }
    }

    /// Where to point for "missing field": a TOML table header, or the key that opened it.
    fn header(&self) -> Span {
        self.key.clone().unwrap_or(self.span.clone())
    }
}

/// One parsed file.
pub struct FileDoc<'a> {
    pub file: FileId,
    pub node: &'a Node,
}

impl Locate for FileDoc<'_> {
    fn locate(&self, path: &[Seg]) -> Located {
        let mut n = self.node;
        let mut key = None;
        for seg in path {
            let next = match (&n.value, seg) {
                (Value::Table(t), Seg::Key(k)) => {
                    t.get(k).map(|e| (Some(e.key_span.clone()), &e.node))
                }
                (Value::Array(a), Seg::Index(i)) => a.get(*i).map(|n| (None, n)),
                _ => None,
            };
            match next {
                Some((k, child)) => {
                    key = k;
                    n = child;
                }
                None => break,
            }
        }
        Located {
            file: self.file,
            key,
            span: n.span.clone(),
            value: n.value.summary(),
            type_name: n.value.type_name(),
        }
    }
}

impl Locate for MNode {
    fn locate(&self, path: &[Seg]) -> Located {
        let n = MNode::locate(self, path);
        let (value, type_name) = match &n.value {
            crate::core::merge::MValue::Scalar(v) => (v.summary(), v.type_name()),
            crate::core::merge::MValue::Array(_) => (None, "array"),
            crate::core::merge::MValue::Table(_) => (None, "table"),
        };
        Located {
            file: n.origin.file,
            key: n.origin.key.clone(),
            span: n.origin.span.clone(),
            value,
            type_name,
        }
    }
}

fn type_word(t: &str) -> String {
    match t {
        "object" => "a table".into(),
        "array" => "an array".into(),
        "integer" => "an integer".into(),
        other => format!("a {other}"),
    }
}

fn tick(v: &str) -> String {
    format!("`{v}`")
}

fn list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    items
        .into_iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn lower_first(s: &str) -> String {
    let s = s.trim_end_matches('.');
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}
