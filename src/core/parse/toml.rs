//! TOML → [`Node`], keeping the span of every key and value (`toml::de::DeTable`).

use std::cell::Cell;

use toml::de::{DeTable, DeValue};

use crate::core::diag::{Code, Diagnostic, MAX_PER_FILE};
use crate::core::node::{Entry, Node, Table, Value};
use crate::core::source::{FileId, Span};

pub fn parse(file: FileId, text: &str) -> Result<Node, Vec<Diagnostic>> {
    // A file of garbage has an error per line: recovering from each costs memory and time in
    // proportion. Count them cheaply first, and recover only up to the line of the first
    // problems shown.
    let (count, cut) = syntax_errors(text);
    let prefix = cut.map_or(text, |c| &text[..c]);
    let (doc, errors) = DeTable::parse_recoverable(prefix);
    if !errors.is_empty() || cut.is_some() {
        let mut diags: Vec<Diagnostic> = errors
            .iter()
            .map(|e| {
                let span = e.span().unwrap_or(0..0);
                Diagnostic::error(
                    Code::TomlSyntax,
                    format!("invalid TOML: {}", tidy(e.message())),
                )
                .at(file, span, "here")
            })
            .collect();
        if let Some(cut) = cut {
            diags.push(
                Diagnostic::error(
                    Code::TooManyProblems,
                    format!("{count} syntax errors in this file in all: checking stopped here"),
                )
                .at(file, cut..cut, "not checked further")
                .with_help("fix the errors shown and run again"),
            );
        }
        return Err(diags);
    }
    let mut diags = Vec::new();
    let root = table(file, doc.get_ref(), &mut diags);
    if !diags.is_empty() {
        return Err(diags);
    }
    Ok(Node {
        span: 0..text.len(),
        value: Value::Table(root),
    })
}

/// How many syntax errors `text` has (the TOML grammar alone, no recovery), and, when there
/// are more than [`MAX_PER_FILE`], where the line of the first one not to be shown begins.
fn syntax_errors(text: &str) -> (usize, Option<usize>) {
    let found = Found {
        text,
        count: Cell::new(0),
        first: Cell::new(usize::MAX),
        cut: Cell::new(None),
    };
    let tokens = toml_parser::Source::new(text).lex().into_vec();
    let mut sink = |e: toml_parser::ParseError| {
        found.note(e.unexpected().or(e.context()).map_or(0, |s| s.start()));
    };
    let mut events = &found;
    // The same nesting guard the toml crate puts in front of its own pass.
    let mut guard = toml_parser::parser::RecursionGuard::new(&mut events, 80);
    toml_parser::parser::parse_document(&tokens, &mut guard, &mut sink);
    (found.count.get(), found.cut.get())
}

/// Syntax errors as the grammar finds them: reported to the sink, or as error events.
struct Found<'t> {
    text: &'t str,
    count: Cell<usize>,
    first: Cell<usize>,
    cut: Cell<Option<usize>>,
}

impl Found<'_> {
    fn note(&self, at: usize) {
        let n = self.count.get() + 1;
        self.count.set(n);
        self.first.set(self.first.get().min(at));
        if n == MAX_PER_FILE + 1 {
            let text = self.text;
            let mut at = at.min(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            // At the start of its line, unless the errors so far share that line: then at
            // the error itself.
            let line = text[..at].rfind('\n').map_or(0, |i| i + 1);
            self.cut
                .set(Some(if line > self.first.get() { line } else { at }));
        }
    }
}

impl Found<'_> {
    /// Decodes a key or scalar as the toml crate will, counting what its decoder reports
    /// (`=` alone is grammatical: the empty key is the decoder's error).
    fn decode(
        &self,
        span: toml_parser::Span,
        kind: Option<toml_parser::decoder::Encoding>,
        key: bool,
    ) {
        let Some(raw) = self.text.get(span.start()..span.end()) else {
            return;
        };
        let raw = toml_parser::Raw::new_unchecked(raw, kind, span);
        let mut decoded = std::borrow::Cow::Borrowed("");
        let mut sink = |e: toml_parser::ParseError| {
            self.note(
                e.unexpected()
                    .or(e.context())
                    .map_or(span.start(), |s| s.start()),
            );
        };
        if key {
            raw.decode_key(&mut decoded, &mut sink);
        } else {
            let _ = raw.decode_scalar(&mut decoded, &mut sink);
        }
    }
}

impl toml_parser::parser::EventReceiver for &Found<'_> {
    fn simple_key(
        &mut self,
        span: toml_parser::Span,
        kind: Option<toml_parser::decoder::Encoding>,
        _: &mut dyn toml_parser::ErrorSink,
    ) {
        self.decode(span, kind, true);
    }

    fn scalar(
        &mut self,
        span: toml_parser::Span,
        kind: Option<toml_parser::decoder::Encoding>,
        _: &mut dyn toml_parser::ErrorSink,
    ) {
        self.decode(span, kind, false);
    }

    fn error(&mut self, span: toml_parser::Span, _: &mut dyn toml_parser::ErrorSink) {
        self.note(span.start());
    }
}

fn table(file: FileId, t: &DeTable<'_>, diags: &mut Vec<Diagnostic>) -> Table {
    t.iter()
        .map(|(k, v)| {
            let entry = Entry {
                key_span: k.span(),
                node: Node {
                    span: v.span(),
                    value: value(file, v.get_ref(), v.span(), diags),
                },
            };
            (k.get_ref().to_string(), entry)
        })
        .collect()
}

/// A TOML value as a plan value. Numbers are never coerced to text: an integer whose digits
/// the grammar should have refused (`0x`) is a syntax error, and a float that is not a finite
/// number (`nan`, `inf`) is never a plan value.
fn value(file: FileId, v: &DeValue<'_>, span: Span, diags: &mut Vec<Diagnostic>) -> Value {
    match v {
        DeValue::String(s) => Value::String(s.to_string()),
        DeValue::Integer(i) => {
            let digits = i.as_str().replace('_', "");
            let unsigned = digits.trim_start_matches(['+', '-']);
            if unsigned.is_empty() || !unsigned.chars().all(|c| c.is_digit(i.radix())) {
                diags.push(
                    Diagnostic::error(
                        Code::TomlSyntax,
                        format!(
                            "invalid TOML: an integer needs base-{} digits (and single `_` between them)",
                            i.radix()
                        ),
                    )
                    .at(file, span, "not an integer"),
                );
                return Value::Integer(0);
            }
            match i64::from_str_radix(&digits, i.radix()) {
                Ok(n) => Value::Integer(n),
                // Too large for 64 bits: still a number, which no plan field accepts.
                Err(_) => Value::Float(digits),
            }
        }
        DeValue::Float(f) => {
            // TOML allows `+1.5` and `1_000.5`; JSON numbers do not.
            let repr = f.as_str().replace('_', "");
            let repr = repr.strip_prefix('+').unwrap_or(&repr);
            if repr.parse::<serde_json::Number>().is_err() {
                diags.push(
                    Diagnostic::error(
                        Code::InvalidType,
                        format!("`{}` is not a finite number: no plan value is", f.as_str()),
                    )
                    .at(file, span, "not a plan value")
                    .with_help(
                        "prices are decimal strings like \"9.99\"; counts are whole numbers",
                    ),
                );
            }
            Value::Float(repr.to_string())
        }
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::Datetime(d.to_string()),
        DeValue::Array(a) => Value::Array(
            a.iter()
                .map(|n| Node {
                    span: n.span(),
                    value: value(file, n.get_ref(), n.span(), diags),
                })
                .collect(),
        ),
        DeValue::Table(t) => Value::Table(table(file, t, diags)),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_counted_and_cut_after_the_first_problems() {
        let text = "=\n".repeat(1000);
        let (count, cut) = syntax_errors(&text);
        assert!(count > MAX_PER_FILE, "{count}");
        let cut = cut.expect("a cut");
        assert!(cut > 0 && cut < 200, "{cut}");
    }
}
