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
pub struct JsonReport {
    /// Bumped only when this document changes incompatibly.
    pub format_version: u32,
    pub diagnostics: Vec<JsonDiagnostic>,
    pub summary: JsonSummary,
}

#[derive(Serialize, JsonSchema)]
pub struct JsonDiagnostic {
    /// Stable code: `P0201` for built-in checks, `R0203` for catalog rules.
    pub code: String,
    pub severity: JsonSeverity,
    pub message: String,
    /// Where the problem is; absent for problems of the catalog as a whole.
    pub location: Option<JsonLocation>,
    /// Other places that explain the problem (where a guardrail or lock was set).
    pub related: Vec<JsonLocation>,
    pub help: Option<String>,
    pub notes: Vec<String>,
}

#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum JsonSeverity {
    Error,
    Warning,
}

#[derive(Serialize, JsonSchema)]
pub struct JsonLocation {
    /// Path relative to the catalog root, `/`-separated.
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// The label shown under the carets in human output.
    pub label: String,
}

#[derive(Serialize, JsonSchema)]
pub struct JsonSummary {
    pub errors: usize,
    pub warnings: usize,
}

pub fn json(diags: &[Diagnostic], sources: &Sources) -> String {
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
                location: d.primary.as_ref().map(|l| location(l, sources)),
                related: d.secondary.iter().map(|l| location(l, sources)).collect(),
                help: d.help.clone(),
                notes: d.notes.clone(),
            })
            .collect(),
        summary: summary(diags),
    };
    let mut s = serde_json::to_string_pretty(&report).expect("reports serialize");
    s.push('\n');
    s
}

/// GitHub Actions workflow commands (`::error file=…,line=…::message`), one per line, so
/// problems show inline on a pull request.
pub fn github(diags: &[Diagnostic], sources: &Sources, rules: &[RuleDoc]) -> String {
    let mut out = String::new();
    for d in diags {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = Vec::new();
        if let Some(l) = &d.primary {
            let loc = location(l, sources);
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
pub fn sarif(diags: &[Diagnostic], sources: &Sources, rules: &[RuleDoc]) -> String {
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
                r["locations"] = json!([physical(l, sources, None)]);
            }
            if !d.secondary.is_empty() {
                r["relatedLocations"] = d
                    .secondary
                    .iter()
                    .enumerate()
                    .map(|(i, l)| physical(l, sources, Some(i)))
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

fn location(l: &Label, sources: &Sources) -> JsonLocation {
    let f = sources.get(l.file);
    let (line, column) = f.line_col(l.span.start);
    let (end_line, end_column) = f.line_col(l.span.end.max(l.span.start));
    JsonLocation {
        file: f.path.clone(),
        line,
        column,
        end_line,
        end_column,
        label: l.message.clone(),
    }
}

fn physical(l: &Label, sources: &Sources, id: Option<usize>) -> Value {
    let loc = location(l, sources);
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
            github(&[d], &sources, &[]),
            "::error file=plans/a%2Cb%3Ac.toml,line=1,col=1,endLine=1,endColumn=2,\
             title=P0201 a key the schema does not define (with a suggestion)::\
             unknown field `x` (100%25)%0Ahelp: line one%0Aline two\n"
        );
    }
}
