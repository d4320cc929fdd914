//! The machine-readable forms of diagnostics: one JSON document (schema:
//! `schemas/diagnostics.schema.json`), GitHub Actions workflow commands, and SARIF 2.1.0.
//! Positions are 1-based; columns count characters; `end_*` points just past the span
//! (SARIF's convention), so an empty span has `end_column == column`.

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Value, json};

use super::{Diagnostic, Label, RuleDoc, Severity};
use crate::core::model::levels::Level;
use crate::core::source::Sources;

/// `plancat check --format json`: every diagnostic, and the counts.
#[derive(Serialize, JsonSchema)]
#[schemars(title = "Diagnostics report")]
pub struct JsonReport {
    /// Bumped only when this document changes incompatibly.
    #[schemars(title = "Format version")]
    pub format_version: u32,
    /// Every problem found: errors and warnings.
    #[schemars(title = "Diagnostics")]
    pub diagnostics: Vec<JsonDiagnostic>,
    /// How many errors and warnings there are.
    #[schemars(title = "Summary")]
    pub summary: JsonSummary,
    /// Why plancat could not finish (exit status 2): an unreadable root, a lock held too long, a
    /// write that failed. Absent when it finished.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Fatal error")]
    pub error: Option<String>,
}

/// One problem: its code, severity, message, where it is, and how to fix it.
#[derive(Serialize, JsonSchema)]
#[schemars(title = "Diagnostic")]
pub struct JsonDiagnostic {
    /// Stable code: `P0201` for built-in checks, `R0203` for catalog rules.
    #[schemars(title = "Code")]
    pub code: String,
    /// `error` (the run fails) or `warning`.
    #[schemars(title = "Severity")]
    pub severity: JsonSeverity,
    /// What is wrong, in one line, like "unknown field `tittle`".
    #[schemars(title = "Message")]
    pub message: String,
    /// Where the problem is; absent for problems of the catalog as a whole.
    #[schemars(title = "Location")]
    pub location: Option<JsonLocation>,
    /// Other places that explain the problem (where a guardrail or lock was set).
    #[schemars(title = "Related locations")]
    pub related: Vec<JsonLocation>,
    /// How to fix it, like "did you mean `title`?"; absent when there is no advice.
    #[schemars(title = "Help")]
    pub help: Option<String>,
    /// Further context, one line each.
    #[schemars(title = "Notes")]
    pub notes: Vec<String>,
}

/// How serious a diagnostic is: `error` fails the run, `warning` does not.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(title = "Severity")]
pub enum JsonSeverity {
    Error,
    Warning,
}

/// A span in a source file: 1-based lines and columns (in characters); the end points just
/// past the span.
#[derive(Serialize, JsonSchema)]
#[schemars(title = "Location")]
pub struct JsonLocation {
    /// The file as the reader sees it, `/`-separated: relative to the current directory when
    /// the catalog is in or below it, else to the catalog root.
    #[schemars(title = "File")]
    pub file: String,
    /// The 1-based line where the span starts.
    #[schemars(title = "Line")]
    pub line: usize,
    /// The 1-based column (in characters) where the span starts.
    #[schemars(title = "Column")]
    pub column: usize,
    /// The 1-based line where the span ends.
    #[schemars(title = "End line")]
    pub end_line: usize,
    /// The 1-based column just past the span's end; equal to `column` for an empty span.
    #[schemars(title = "End column")]
    pub end_column: usize,
    /// The label shown under the carets in human output.
    #[schemars(title = "Label")]
    pub label: String,
}

/// The counts of a report's diagnostics.
#[derive(Serialize, JsonSchema)]
#[schemars(title = "Summary")]
pub struct JsonSummary {
    /// How many diagnostics are errors.
    #[schemars(title = "Errors")]
    pub errors: usize,
    /// How many diagnostics are warnings.
    #[schemars(title = "Warnings")]
    pub warnings: usize,
}

/// How a catalog path (`plans/core/00.toml`) is shown to the reader: from the current
/// directory, or from the repository root.
pub type PathView<'a> = &'a dyn Fn(&str) -> String;

/// Catalog paths as they are.
pub fn as_is(p: &str) -> String {
    p.to_string()
}

pub fn json(diags: &[Diagnostic], sources: &Sources, path: PathView<'_>) -> String {
    let report = JsonReport {
        format_version: 1,
        diagnostics: diags
            .iter()
            .map(|d| JsonDiagnostic {
                code: d.code.as_str().to_string(),
                severity: match d.severity {
                    Severity::Error => JsonSeverity::Error,
                    Severity::Warning => JsonSeverity::Warning,
                },
                message: d.message.clone(),
                location: d.primary.as_ref().map(|l| location(l, sources, path)),
                related: d
                    .secondary
                    .iter()
                    .map(|l| location(l, sources, path))
                    .collect(),
                help: d.help.clone(),
                notes: d.notes.clone(),
            })
            .collect(),
        summary: summary(diags),
        error: None,
    };
    let mut s = serde_json::to_string_pretty(&report).expect("reports serialize");
    s.push('\n');
    s
}

/// GitHub Actions workflow commands (`::error file=…,line=…::message`), one per line, so
/// problems show inline on a pull request.
pub fn github(
    diags: &[Diagnostic],
    sources: &Sources,
    rules: &[RuleDoc],
    path: PathView<'_>,
) -> String {
    let mut out = String::new();
    for d in diags {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = Vec::new();
        if let Some(l) = &d.primary {
            let loc = location(l, sources, path);
            props.push(format!("file={}", property(&loc.file)));
            props.push(format!("line={}", loc.line));
            props.push(format!("col={}", loc.column));
            props.push(format!("endLine={}", loc.end_line));
            props.push(format!("endColumn={}", loc.end_column));
        }
        props.push(format!(
            "title={}",
            property(&format!("{} {}", d.code, code_summary(d.code, rules)))
        ));
        let mut message = d.message.clone();
        for note in &d.notes {
            message.push_str(&format!("\nnote: {note}"));
        }
        if let Some(help) = &d.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        out.push_str(&format!(
            "::{command} {}::{}\n",
            props.join(","),
            data(&message)
        ));
    }
    out
}

/// SARIF 2.1.0, for code-scanning dashboards. `rules` documents every catalog rule.
pub fn sarif(
    diags: &[Diagnostic],
    sources: &Sources,
    rules: &[RuleDoc],
    path: PathView<'_>,
) -> String {
    // Every catalog rule, then each built-in code that occurs, in code order.
    let mut ids: Vec<(String, &str, &str, String)> = rules
        .iter()
        .map(|r| {
            (
                r.code.to_string(),
                r.name,
                r.summary,
                r.explanation.to_string(),
            )
        })
        .collect();
    let mut builtin: Vec<_> = diags
        .iter()
        .filter(|d| !matches!(d.code, super::Code::Rule(_)))
        .map(|d| d.code)
        .collect();
    builtin.sort();
    builtin.dedup();
    for c in builtin {
        ids.push((
            c.as_str().to_string(),
            c.as_str(),
            c.summary(),
            c.summary().to_string(),
        ));
    }
    ids.sort_by(|a, b| a.0.cmp(&b.0));
    let rule_meta: Vec<Value> = ids
        .iter()
        .map(|(id, name, summary, full)| {
            let level = match rules.iter().find(|r| r.code == id).map(|r| r.default) {
                Some(Level::Allow) => "none",
                Some(Level::Warn) => "warning",
                _ => "error",
            };
            json!({
                "id": id,
                "name": name,
                "shortDescription": { "text": summary },
                "fullDescription": { "text": full },
                "help": { "text": format!("plancat rules {id}") },
                "defaultConfiguration": { "level": level },
            })
        })
        .collect();
    let results: Vec<Value> = diags
        .iter()
        .map(|d| {
            let id = d.code.as_str();
            let mut text = d.message.clone();
            if let Some(help) = &d.help {
                text.push_str(&format!("\nhelp: {help}"));
            }
            let mut r = json!({
                "ruleId": id,
                "ruleIndex": ids.iter().position(|(i, ..)| i == id).expect("every result's rule is listed"),
                "level": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
                "message": { "text": text },
            });
            if let Some(l) = &d.primary {
                r["locations"] = json!([physical(l, sources, None, path)]);
            }
            if !d.secondary.is_empty() {
                r["relatedLocations"] = d
                    .secondary
                    .iter()
                    .enumerate()
                    .map(|(i, l)| physical(l, sources, Some(i), path))
                    .collect();
            }
            r
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "plancat",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rule_meta,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("SARIF serializes");
    s.push('\n');
    s
}

/// A run that could not finish, as a valid SARIF log: no results, and a tool-execution
/// notification saying why — so a CI step that uploads the report never uploads an empty or
/// broken file.
pub fn sarif_failure(message: &str) -> String {
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": { "name": "plancat", "version": env!("CARGO_PKG_VERSION") } },
            "results": [],
            "invocations": [{
                "executionSuccessful": false,
                "exitCode": 2,
                "toolExecutionNotifications": [{
                    "level": "error",
                    "message": { "text": message },
                }],
            }],
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("SARIF serializes");
    s.push('\n');
    s
}

/// A run that could not finish, as the JSON report: no diagnostics, and `error`.
pub fn json_failure(message: &str) -> String {
    let report = JsonReport {
        format_version: 1,
        diagnostics: Vec::new(),
        summary: JsonSummary {
            errors: 0,
            warnings: 0,
        },
        error: Some(message.to_string()),
    };
    let mut s = serde_json::to_string_pretty(&report).expect("the report serializes");
    s.push('\n');
    s
}

/// A run that could not finish, as a workflow command (an error annotation without a file).
pub fn github_failure(message: &str) -> String {
    format!(
        "::error title=plancat could not finish::{}\n",
        data(message)
    )
}

pub fn summary(diags: &[Diagnostic]) -> JsonSummary {
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    JsonSummary {
        errors,
        warnings: diags.len() - errors,
    }
}

/// A label's place, its file named by `path` (as the reader sees it).
fn location(l: &Label, sources: &Sources, path: PathView<'_>) -> JsonLocation {
    let f = sources.get(l.file);
    let (line, column) = f.line_col(l.span.start);
    let (end_line, end_column) = f.line_col(l.span.end.max(l.span.start));
    JsonLocation {
        file: path(&f.path),
        line,
        column,
        end_line,
        end_column,
        label: l.message.clone(),
    }
}

fn physical(l: &Label, sources: &Sources, id: Option<usize>, path: PathView<'_>) -> Value {
    let loc = location(l, sources, path);
    let mut v = json!({
        "physicalLocation": {
            "artifactLocation": { "uri": loc.file },
            "region": {
                "startLine": loc.line,
                "startColumn": loc.column,
                "endLine": loc.end_line,
                "endColumn": loc.end_column,
            },
        },
    });
    if let Some(id) = id {
        v["id"] = json!(id);
        v["message"] = json!({ "text": loc.label });
    }
    v
}

/// Escapes a workflow command's message (`%`, CR, LF), as @actions/core does.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value (also `:` and `,`).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

/// A code's one-line summary: a catalog rule's own, or the built-in check's.
fn code_summary(code: super::Code, rules: &[RuleDoc]) -> &'static str {
    match code {
        super::Code::Rule(c) => rules.iter().find(|r| r.code == c).map_or("", |r| r.summary),
        other => other.summary(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::diag::Code;
    use crate::core::source::SourceFile;

    #[test]
    fn github_commands_escape_data_and_properties() {
        let mut sources = Sources::default();
        let f = sources.add(SourceFile::new("plans/a,b:c.toml", "x = 1\n"));
        let d = Diagnostic::error(Code::UnknownField, "unknown field `x` (100%)")
            .at(f, 0..1, "unknown field")
            .with_help("line one\nline two");
        assert_eq!(
            github(&[d], &sources, &[], &as_is),
            "::error file=plans/a%2Cb%3Ac.toml,line=1,col=1,endLine=1,endColumn=2,\
             title=P0201 a key the schema does not define (with a suggestion)::\
             unknown field `x` (100%25)%0Ahelp: line one%0Aline two\n"
        );
    }
}
