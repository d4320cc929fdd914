//! TOML → [`Node`], keeping the span of every key and value (`toml::de::DeTable`).

use toml::de::{DeTable, DeValue};

use crate::core::diag::{Code, Diagnostic};
use crate::core::node::{Entry, Node, Table, Value};
use crate::core::source::FileId;

pub fn parse(file: FileId, text: &str) -> Result<Node, Vec<Diagnostic>> {
    let (doc, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        return Err(errors
            .iter()
            .map(|e| {
                let span = e.span().unwrap_or(0..0);
                Diagnostic::error(
                    Code::TomlSyntax,
                    format!("invalid TOML: {}", tidy(e.message())),
                )
                .at(file, span, "here")
            })
            .collect());
    }
    let span = 0..text.len();
    Ok(Node {
        span,
        value: Value::Table(table(doc.get_ref())),
    })
}

fn table(t: &DeTable<'_>) -> Table {
    t.iter()
        .map(|(k, v)| {
            let entry = Entry {
                key_span: k.span(),
                node: Node {
                    span: v.span(),
                    value: value(v.get_ref()),
                },
            };
            (k.get_ref().to_string(), entry)
        })
        .collect()
}

fn value(v: &DeValue<'_>) -> Value {
    match v {
        DeValue::String(s) => Value::String(s.to_string()),
        DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
            .map_or_else(|_| Value::Float(i.as_str().to_string()), Value::Integer),
        DeValue::Float(f) => Value::Float(f.as_str().to_string()),
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::Datetime(d.to_string()),
        DeValue::Array(a) => Value::Array(
            a.iter()
                .map(|n| Node {
                    span: n.span(),
                    value: value(n.get_ref()),
                })
                .collect(),
        ),
        DeValue::Table(t) => Value::Table(table(t)),
    }
}

/// toml's messages are sentences; ours are lowercase without a trailing period.
fn tidy(msg: &str) -> String {
    let msg = msg.trim().trim_end_matches('.');
    let mut c = msg.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}
