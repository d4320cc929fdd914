//! Stage 2: parse — file bytes to a spanned [`Node`] tree, or diagnostics.
//!
//! Invariant: parsing never panics and never recurses without bound: both parsers cap nesting,
//! and [`MAX_DEPTH`] caps the tree the rest of the pipeline walks.

mod json;
mod toml;

use crate::core::diag::{Code, Diagnostic};
use crate::core::node::{Node, Value};
use crate::core::source::{FileId, SourceFile};

/// Plan files are small; anything larger is a mistake (a generated dump, a wrong file).
pub const MAX_FILE_BYTES: usize = 1024 * 1024;
/// Deepest nesting a plan file may have. Real plans need about eight.
pub const MAX_DEPTH: usize = 32;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Toml,
    Json,
}

impl Format {
    pub fn from_path(path: &str) -> Option<Format> {
        match path.rsplit_once('.')?.1 {
            "toml" => Some(Format::Toml),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// Turns raw bytes into a source file: non-UTF-8 input is kept (lossily) so it can be shown,
/// and reported at the first bad byte.
pub fn decode(path: &str, bytes: &[u8]) -> (SourceFile, Option<(Code, String, usize)>) {
    if bytes.len() > MAX_FILE_BYTES {
        let msg = format!("file is too large: plan files are limited to {MAX_FILE_BYTES} bytes");
        return (
            SourceFile::new(path, ""),
            Some((Code::FileTooLarge, msg, 0)),
        );
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (SourceFile::new(path, text), None),
        Err(e) => {
            let at = e.valid_up_to();
            let text = String::from_utf8_lossy(bytes).into_owned();
            let msg = format!("file is not valid UTF-8 (invalid byte at offset {at})");
            (SourceFile::new(path, text), Some((Code::NotUtf8, msg, at)))
        }
    }
}

/// Parses one plan file. On failure, returns the diagnostics instead of a tree.
pub fn parse(file: FileId, src: &SourceFile, format: Format) -> Result<Node, Vec<Diagnostic>> {
    // TOML's and JSON's whitespace only: a form feed is content (and a syntax error).
    if src.text.trim_matches([' ', '\t', '\n', '\r']).is_empty() {
        return Err(vec![
            Diagnostic::error(Code::EmptyFile, "plan file is empty")
                .at(file, 0..0, "no content")
                .with_help("add the file's tables, or delete the file"),
        ]);
    }
    let node = match format {
        Format::Toml => toml::parse(file, &src.text)?,
        Format::Json => json::parse(file, &src.text)?,
    };
    if let Some(span) = too_deep(&node, 0) {
        return Err(vec![
            Diagnostic::error(
                Code::TooDeep,
                format!("nesting is deeper than {MAX_DEPTH} levels"),
            )
            .at(file, span, "too deep"),
        ]);
    }
    Ok(node)
}

fn too_deep(node: &Node, depth: usize) -> Option<crate::core::source::Span> {
    if depth > MAX_DEPTH {
        return Some(node.span.clone());
    }
    match &node.value {
        Value::Array(a) => a.iter().find_map(|n| too_deep(n, depth + 1)),
        Value::Table(t) => t.values().find_map(|e| too_deep(&e.node, depth + 1)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(path: &str, text: &str) -> Result<Node, Vec<Diagnostic>> {
        let src = SourceFile::new(path, text);
        let id = crate::core::source::Sources::default().add(SourceFile::new(path, ""));
        parse(id, &src, Format::from_path(path).unwrap())
    }

    #[test]
    fn toml_and_json_give_the_same_tree_values() {
        let t = parse_str("a.toml", "[api]\nname = \"X\"\ntiers.a.order = 1\n").unwrap();
        let j = parse_str(
            "a.json",
            r#"{"api": {"tiers": {"a": {"order": 1}}, "name": "X"}}"#,
        )
        .unwrap();
        assert_eq!(t.value.to_json(), j.value.to_json());
    }

    #[test]
    fn empty_file_is_an_error() {
        let e = parse_str("a.toml", "  \n").unwrap_err();
        assert_eq!(e[0].code, Code::EmptyFile);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        for (path, text) in [
            (
                "a.json",
                format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
            ),
            (
                "a.toml",
                format!("a = {}{}", "[".repeat(100_000), "]".repeat(100_000)),
            ),
            ("b.json", format!("{}1{}", "[".repeat(40), "]".repeat(40))),
        ] {
            let e = parse_str(path, &text).unwrap_err();
            assert!(
                matches!(
                    e[0].code,
                    Code::TooDeep | Code::JsonSyntax | Code::TomlSyntax
                ),
                "{path}: {e:?}"
            );
        }
    }

    #[test]
    fn non_utf8_is_reported_at_the_first_bad_byte() {
        let (_, err) = decode("a.toml", b"a = \"\xff\"");
        let (code, _, at) = err.unwrap();
        assert_eq!((code, at), (Code::NotUtf8, 5));
    }
}
