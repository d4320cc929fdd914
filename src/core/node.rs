//! The spanned document tree every plan file is parsed into, whatever its format.
//!
//! TOML and JSON both become a [`Node`]; later stages never ask which format a file was.
//! Invariant: tables are `BTreeMap`s, so the order keys were written in never changes output.

use std::collections::BTreeMap;

use crate::core::source::Span;

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub span: Span,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Bool(bool),
    Integer(i64),
    /// A non-integer number, kept as written: money and percentages are never floats, so a float
    /// only ever exists to be reported as the wrong type.
    Float(String),
    String(String),
    /// A TOML date-time, as its RFC 3339 text.
    Datetime(String),
    Array(Vec<Node>),
    Table(Table),
}

pub type Table = BTreeMap<String, Entry>;

/// A table entry: the key's own span (for "unknown field" carets) and its value.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key_span: Span,
    pub node: Node,
}

impl Value {
    /// The name used in "invalid type" messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Bool(_) => "boolean",
            Value::Integer(_) => "integer",
            Value::Float(_) => "number",
            Value::String(_) => "string",
            Value::Datetime(_) => "date-time",
            Value::Array(_) => "array",
            Value::Table(_) => "table",
        }
    }

    pub fn as_table(&self) -> Option<&Table> {
        match self {
            Value::Table(t) => Some(t),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// A short rendering of a scalar for messages (`"Pro"`, `12`), `None` for containers.
    pub fn summary(&self) -> Option<String> {
        match self {
            Value::Bool(b) => Some(b.to_string()),
            Value::Integer(i) => Some(i.to_string()),
            Value::Float(f) | Value::Datetime(f) => Some(f.clone()),
            Value::String(s) => Some(format!("{s:?}")),
            Value::Array(_) | Value::Table(_) => None,
        }
    }

    /// The JSON value schema validation and typed deserialization see.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Bool(b) => (*b).into(),
            Value::Integer(i) => (*i).into(),
            // Never text: a number the parsers let through but JSON cannot hold is no value.
            Value::Float(f) => f
                .parse::<serde_json::Number>()
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            Value::String(s) | Value::Datetime(s) => s.clone().into(),
            Value::Array(a) => a.iter().map(|n| n.value.to_json()).collect(),
            Value::Table(t) => t
                .iter()
                .map(|(k, e)| (k.clone(), e.node.value.to_json()))
                .collect::<serde_json::Map<_, _>>()
                .into(),
        }
    }
}

impl Node {
    /// Walks a path of table keys and array indices.
    pub fn get_path<'a>(&self, path: &[PathSeg<'a>]) -> Option<&Node> {
        let mut n = self;
        for seg in path {
            n = match (&n.value, seg) {
                (Value::Table(t), PathSeg::Key(k)) => &t.get(*k)?.node,
                (Value::Array(a), PathSeg::Index(i)) => a.get(*i)?,
                _ => return None,
            };
        }
        Some(n)
    }
}

/// One step of a path into a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathSeg<'a> {
    Key(&'a str),
    Index(usize),
}
