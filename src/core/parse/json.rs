//! JSON → [`Node`], keeping spans, via `jsonc-parser` in strict mode (no comments, no trailing
//! commas, no loose keys): plan files are plain JSON.

use jsonc_parser::ast;
use jsonc_parser::common::Ranged;

use crate::core::diag::{Code, Diagnostic};
use crate::core::node::{Entry, Node, Table, Value};
use crate::core::source::FileId;

pub fn parse(file: FileId, text: &str) -> Result<Node, Vec<Diagnostic>> {
    let options = jsonc_parser::ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        ..Default::default()
    };
    let parsed = jsonc_parser::parse_to_ast(text, &Default::default(), &options).map_err(|e| {
        let r = e.range();
        let message = message(e.kind());
        // Deeper than any parser goes is deeper than a plan may be.
        let code = if message.contains("nesting depth") {
            Code::TooDeep
        } else {
            Code::JsonSyntax
        };
        vec![
            Diagnostic::error(code, format!("invalid JSON: {message}")).at(
                file,
                r.start..r.end,
                "here",
            ),
        ]
    })?;
    // jsonc-parser is lenient where RFC 8259 is not (`NaN`, `.5`, `+1`, `"\a"`, raw control
    // characters in strings, form feed as whitespace): serde_json's strict grammar decides.
    strict(file, text)?;
    let Some(root) = parsed.value else {
        return Err(vec![
            Diagnostic::error(Code::EmptyFile, "plan file is empty").at(file, 0..0, "no content"),
        ]);
    };
    let mut diags = Vec::new();
    let node = convert(file, &root, &mut diags);
    if diags.is_empty() {
        Ok(node)
    } else {
        Err(diags)
    }
}

/// RFC 8259's grammar, exactly: serde_json's parser, located at its line:col. Nesting is left
/// to the depth check (its recursion limit is not a syntax error).
fn strict(file: FileId, text: &str) -> Result<(), Vec<Diagnostic>> {
    let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) else {
        return Ok(());
    };
    if e.to_string().starts_with("recursion limit exceeded") {
        return Ok(());
    }
    let at = offset(text, e.line(), e.column());
    let message = e.to_string();
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(m, _)| m);
    Err(vec![
        Diagnostic::error(Code::JsonSyntax, format!("invalid JSON: {message}")).at(
            file,
            at..at,
            "here",
        ),
    ])
}

/// The byte offset of serde_json's 1-based line and column (a column counts bytes; 0 is
/// before the line's first byte), snapped to a character boundary.
fn offset(text: &str, line: usize, column: usize) -> usize {
    let start = if line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    let mut at = (start + column.saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn convert(file: FileId, v: &ast::Value<'_>, diags: &mut Vec<Diagnostic>) -> Node {
    let r = v.range();
    let value = match v {
        ast::Value::StringLit(s) => Value::String(s.value.to_string()),
        ast::Value::NumberLit(n) => n
            .value
            .parse::<i64>()
            .map_or_else(|_| Value::Float(n.value.to_string()), Value::Integer),
        ast::Value::BooleanLit(b) => Value::Bool(b.value),
        ast::Value::NullKeyword(_) => {
            diags.push(
                Diagnostic::error(Code::NullValue, "`null` is not a plan value")
                    .at(file, r.start..r.end, "null here")
                    .with_help(
                        "leave the key out to inherit it, or list it in `_remove` to remove an inherited entry",
                    ),
            );
            Value::Bool(false)
        }
        ast::Value::Array(a) => {
            Value::Array(a.elements.iter().map(|e| convert(file, e, diags)).collect())
        }
        ast::Value::Object(o) => {
            let mut t = Table::new();
            for p in &o.properties {
                let key = p.name.as_str().to_string();
                let kr = p.name.range();
                let node = convert(file, &p.value, diags);
                if let Some(first) = t.get(&key) {
                    diags.push(
                        Diagnostic::error(Code::DuplicateKey, format!("duplicate key `{key}`"))
                            .at(file, kr.start..kr.end, "duplicate key")
                            .with_secondary(file, first.key_span.clone(), "first defined here"),
                    );
                    continue;
                }
                t.insert(
                    key,
                    Entry {
                        key_span: kr.start..kr.end,
                        node,
                    },
                );
            }
            Value::Table(t)
        }
    };
    Node {
        span: r.start..r.end,
        value,
    }
}

/// jsonc-parser's messages, in our style (lowercase, no trailing period).
fn message(kind: &jsonc_parser::errors::ParseErrorKind) -> String {
    let s = kind.to_string();
    let s = s.trim_end_matches('.');
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}
