//! The human form of diagnostics, in the cargo/rustc style, via `annotate-snippets`.
//!
//! ```text
//! error[P0201]: unknown field `tittle`
//!  --> plans/core/00-defaults.toml:3:1
//!   |
//! 3 | tittle = "x"
//!   | ^^^^^^ unknown field
//!   |
//!   = help: did you mean `title`?
//! ```

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use super::{Diagnostic, Severity};
use crate::core::source::Sources;

/// Renders one diagnostic; `color` adds ANSI styles (the caller decides, honouring NO_COLOR).
pub fn human(d: &Diagnostic, sources: &Sources, color: bool) -> String {
    human_from(d, sources, color, &super::formats::as_is)
}

/// [`human`], with file paths as the reader sees them (`path` maps a catalog path).
pub fn human_from(
    d: &Diagnostic,
    sources: &Sources,
    color: bool,
    path: super::formats::PathView<'_>,
) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let mut group = Group::with_title(
        level
            .primary_title(super::printable_lines(&d.message))
            .id(d.code.as_str()),
    );

    // One snippet per file: the primary file first, then secondary files in label order.
    let mut files = Vec::new();
    for l in d.primary.iter().chain(&d.secondary) {
        if !files.contains(&l.file) {
            files.push(l.file);
        }
    }
    for file in files {
        let src = sources.get(file);
        let labels: Vec<_> = d
            .primary
            .iter()
            .filter(|p| p.file == file)
            .map(|p| (AnnotationKind::Primary, p))
            .chain(
                d.secondary
                    .iter()
                    .filter(|s| s.file == file)
                    .map(|s| (AnnotationKind::Context, s)),
            )
            .collect();
        // Only the lines the labels cover go to the renderer: the cost of a diagnostic
        // follows its excerpt, not the size of the file.
        let spans: Vec<_> = labels
            .iter()
            .map(|(_, l)| clamp(&l.span, &src.text))
            .collect();
        let first = spans
            .iter()
            .map(|r| src.line_col(r.start).0)
            .min()
            .unwrap_or(1);
        let last = spans
            .iter()
            .map(|r| src.line_col(r.end).0)
            .max()
            .unwrap_or(1);
        let start = src.offset(first, 1);
        let end = src.offset(last + 1, 1).max(start);
        let excerpt = &src.text[start..end];
        let shown = Excerpt::new(excerpt);
        let shown_path = path(&src.path);
        let mut snippet = Snippet::source(shown.text.clone())
            .path(super::printable(&shown_path).into_owned())
            .line_start(first)
            .fold(true);
        for ((kind, label), span) in labels.into_iter().zip(spans) {
            let local = clamp(&(span.start - start..span.end.min(end) - start), excerpt);
            let local = shown.map(local.start)..shown.map(local.end);
            snippet = snippet.annotation(
                kind.span(local)
                    .label(super::printable_lines(&label.message)),
            );
        }
        group = group.element(snippet);
    }
    for note in &d.notes {
        group = group.element(Level::NOTE.message(super::printable_lines(note)));
    }
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(super::printable_lines(help)));
    }
    let report: &[Group] = &[group];
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    renderer.render(report)
}

/// The closing summary line, e.g. `2 errors, 1 warning`.
pub fn summary(errors: usize, warnings: usize) -> String {
    format!(
        "{}, {}",
        super::count(errors, "error"),
        super::count(warnings, "warning")
    )
}

/// An excerpt as shown: each line made [`super::printable`] (the renderer pictures some control
/// characters itself but prints others, like U+009B, raw), with the byte offsets of the
/// original mapped onto it so the carets still point at the same characters.
struct Excerpt {
    text: String,
    /// (offset in the original just after a replaced character, growth up to there).
    shifts: Vec<(usize, usize)>,
}

impl Excerpt {
    fn new(excerpt: &str) -> Excerpt {
        let mut text = String::with_capacity(excerpt.len());
        let mut shifts = Vec::new();
        for (i, c) in excerpt.char_indices() {
            if c.is_control() && !matches!(c, '\n' | '\r' | '\t') {
                let before = text.len();
                text.push_str(&super::printable(c.encode_utf8(&mut [0; 4])));
                let grown =
                    shifts.last().map_or(0, |&(_, g)| g) + (text.len() - before) - c.len_utf8();
                shifts.push((i + c.len_utf8(), grown));
            } else {
                text.push(c);
            }
        }
        Excerpt { text, shifts }
    }

    /// Where an offset of the original (a char boundary) is in the shown text.
    fn map(&self, offset: usize) -> usize {
        let k = self.shifts.partition_point(|&(at, _)| at <= offset);
        offset + k.checked_sub(1).map_or(0, |k| self.shifts[k].1)
    }
}

/// Spans from parsers can end past the text or split a character; snap them to char boundaries.
fn clamp(span: &std::ops::Range<usize>, text: &str) -> std::ops::Range<usize> {
    let mut start = span.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = span.end.clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::diag::{Code, Diagnostic};
    use crate::core::source::SourceFile;

    #[test]
    fn control_characters_in_paths_excerpts_and_messages_are_pictured_and_carets_stay() {
        let mut sources = Sources::default();
        let f = sources.add(SourceFile::new(
            "plans/products/a\x1b[2Jb.toml",
            "x = \"\u{9b}31m\"\ny = 1\n",
        ));
        let d = Diagnostic::error(Code::UnknownField, "unknown field `\u{9b}x`")
            .at(f, 12..17, "unknown field")
            .with_secondary(f, 4..11, "the string");
        let out = human(&d, &sources, false);
        assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out}");
        assert!(out.contains("--> plans/products/a␛[2Jb.toml:2:1"), "{out}");
        assert!(out.contains("unknown field `\\u{9b}x`"), "{out}");
        // The string is underlined whole as shown (it grew from 7 bytes to 11 characters),
        // and `y = 1` exactly.
        let expected =
            "1 | x = \"\\u{9b}31m\"\n  |     ----------- the string\n2 | y = 1\n  | ^^^^^";
        assert!(out.contains(expected), "{out}");
    }

    #[test]
    fn renders_cargo_style_with_location_and_help() {
        let mut sources = Sources::default();
        let f = sources.add(SourceFile::new(
            "plans/core/00-defaults.toml",
            "[catalog]\nbrand = \"x\"\ntittle = \"y\"\n",
        ));
        let d = Diagnostic::error(Code::UnknownField, "unknown field `tittle`")
            .at(f, 22..28, "unknown field")
            .with_help("did you mean `title`?");
        let out = human(&d, &sources, false);
        assert_eq!(
            out,
            "error[P0201]: unknown field `tittle`\n \
             --> plans/core/00-defaults.toml:3:1\n  \
             |\n\
             3 | tittle = \"y\"\n  \
             | ^^^^^^ unknown field\n  \
             |\n  \
             = help: did you mean `title`?"
        );
    }

    #[test]
    fn summary_pluralises() {
        assert_eq!(summary(1, 0), "1 error, 0 warnings");
        assert_eq!(summary(2, 1), "2 errors, 1 warning");
    }
}
