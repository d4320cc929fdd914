//! Problems found in a catalog, as data: every stage returns `Diagnostic`s instead of failing,
//! so one run reports everything. Rendering happens once, at the edge ([`render`]).
//!
//! Invariant: a `Diagnostic` never holds a file-system error; I/O failures are
//! edge errors and exit with status 2.

pub mod codes;
pub mod formats;
pub mod render;

pub use codes::Code;

use crate::core::model::levels::Level;
use crate::core::source::{FileId, Sources, Span};

/// What reports say about a catalog rule (SARIF's rule table). The rules are far above the
/// diagnostics in the import order, so whoever renders a report passes their documentation in.
#[derive(Clone, Copy, Debug)]
pub struct RuleDoc {
    pub code: &'static str,
    pub name: &'static str,
    pub default: Level,
    pub summary: &'static str,
    pub explanation: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// A place in a file with a short explanation shown under the carets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub file: FileId,
    pub span: Span,
    pub message: String,
}

impl Label {
    pub fn new(file: FileId, span: Span, message: impl Into<String>) -> Self {
        Label {
            file,
            span,
            message: message.into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// Lowercase, no trailing period, user values in backticks.
    pub message: String,
    pub primary: Option<Label>,
    pub secondary: Vec<Label>,
    pub help: Option<String>,
    /// Context, like which rule level applies (`= note: …`).
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
            notes: Vec::new(),
        }
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn at(mut self, file: FileId, span: Span, label: impl Into<String>) -> Self {
        self.primary = Some(Label::new(file, span, label));
        self
    }

    pub fn with_secondary(mut self, file: FileId, span: Span, label: impl Into<String>) -> Self {
        self.secondary.push(Label::new(file, span, label));
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_help_opt(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sorts diagnostics into the one order every output uses: by file path, position, code, message.
/// Diagnostics without a location come last.
pub fn sort(diags: &mut [Diagnostic], sources: &Sources) {
    diags.sort_by(|a, b| key(a, sources).cmp(&key(b, sources)));
    fn key<'a>(d: &'a Diagnostic, s: &'a Sources) -> (bool, &'a str, usize, &'a str, &'a str) {
        match &d.primary {
            Some(l) => (
                false,
                s.get(l.file).path.as_str(),
                l.span.start,
                d.code.as_str(),
                &d.message,
            ),
            None => (true, "", 0, d.code.as_str(), &d.message),
        }
    }
}

/// At most this many diagnostics are shown per file; the rest are counted.
pub const MAX_PER_FILE: usize = 50;
/// At most this many are shown per run.
pub const MAX_PER_RUN: usize = 500;

/// Keeps the first [`MAX_PER_FILE`] diagnostics of each file and [`MAX_PER_RUN`] in all
/// (`diags` already sorted), each cut replaced by one `P0112` that counts what it hid, so a
/// file of garbage costs what its first problems cost to show.
pub fn cap(diags: Vec<Diagnostic>, sources: &Sources) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut hidden: Vec<(Option<FileId>, usize, bool)> = Vec::new();
    let mut per_file: std::collections::HashMap<Option<FileId>, usize> = Default::default();
    let mut total = 0;
    let mut run_hidden = (0, false);
    for d in diags {
        let file = d.primary.as_ref().map(|l| l.file);
        let n = per_file.entry(file).or_default();
        *n += 1;
        if *n > MAX_PER_FILE && file.is_some() {
            match hidden.iter_mut().find(|(f, ..)| *f == file) {
                Some(h) => {
                    h.1 += 1;
                    h.2 |= d.is_error();
                }
                None => hidden.push((file, 1, d.is_error())),
            }
            continue;
        }
        if total >= MAX_PER_RUN {
            run_hidden.0 += 1;
            run_hidden.1 |= d.is_error();
            continue;
        }
        total += 1;
        out.push(d);
    }
    for (file, n, error) in hidden {
        let file = file.expect("only located diagnostics are hidden per file");
        let message = format!(
            "{} in `{}` not shown (the first {MAX_PER_FILE} are above)",
            count(n, "more problem"),
            sources.get(file).path
        );
        let d = if error {
            Diagnostic::error(Code::TooManyProblems, message)
        } else {
            Diagnostic::warning(Code::TooManyProblems, message)
        };
        out.push(d.with_help("fix the problems shown and run again"));
    }
    if run_hidden.0 > 0 {
        let message = format!(
            "{} in this run not shown (the first {MAX_PER_RUN} are above)",
            count(run_hidden.0, "more problem")
        );
        out.push(if run_hidden.1 {
            Diagnostic::error(Code::TooManyProblems, message)
        } else {
            Diagnostic::warning(Code::TooManyProblems, message)
        });
    }
    out
}

/// Collects the diagnostics of a run.
#[derive(Debug, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(ds);
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// "did you mean": the closest candidate, when it is close enough — one edit away (a typo or a
/// swap of two letters, as in `por` for `pro`), or similar by Jaro-Winkler.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .filter_map(|c| {
            let edits = strsim::damerau_levenshtein(word, c);
            let similarity = strsim::jaro_winkler(word, c);
            let close = (edits <= 1 && c.chars().count() >= 3) || similarity > 0.8;
            close.then_some((edits, std::cmp::Reverse(ordered(similarity)), c))
        })
        .min()
        .map(|(_, _, c)| c)
}

/// The one pluralisation: `1 plan`, `2 plans`, `1.5 months` — `count` as shown, `one` when it
/// is exactly one.
pub fn plural(count: impl std::fmt::Display, one: bool, what: &str) -> String {
    format!("{count} {what}{}", if one { "" } else { "s" })
}

/// `plural` for whole numbers.
pub fn count(n: usize, what: &str) -> String {
    plural(n, n == 1, what)
}

/// The one "did you mean" phrasing: `did you mean `x`?`, when a candidate is close.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    suggest(word, candidates).map(|s| format!("did you mean `{s}`?"))
}

/// `text` safe to print on a terminal: C0 control characters and DEL become their Unicode
/// control pictures (`\x01` → `␁`, as the excerpt renderer shows them), other control
/// characters an escape (`\u{9b}`). File names reach reports through here, so a name cannot
/// move the cursor, recolour or hide a CI log.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\0'..='\x1f' => {
                out.push(char::from_u32(0x2400 + c as u32).expect("a control picture"))
            }
            '\x7f' => out.push('\u{2421}'),
            c if c.is_control() => out.extend(c.escape_unicode()),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// [`printable`] line by line, keeping the line breaks: for messages, which may quote what a
/// file or a file name says.
pub fn printable_lines(text: &str) -> String {
    text.split('\n')
        .map(printable)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Similarity in thousandths, so candidates sort without floats.
fn ordered(similarity: f64) -> u32 {
    (similarity * 1000.0) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_pictures_control_characters_and_keeps_the_rest() {
        assert_eq!(printable("plans/ok-₹.toml"), "plans/ok-₹.toml");
        assert_eq!(printable("a\x1b[31mb\nc\x7f\u{9b}"), "a␛[31mb␊c␡\\u{9b}");
    }

    #[test]
    fn suggest_finds_close_names_only() {
        let names = ["title", "tiers", "trial_days"];
        assert_eq!(suggest("tittle", names), Some("title"));
        assert_eq!(suggest("trial_dys", names), Some("trial_days"));
        assert_eq!(suggest("zebra", names), None);
        assert_eq!(suggest("por", ["pro", "starter"]), Some("pro"));
        assert_eq!(suggest("x", ["y"]), None);
    }
}
