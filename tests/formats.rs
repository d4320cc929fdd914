//! `--format json|github|sarif`: each output is exact and valid against its schema, and the
//! exit status does not depend on the format.

mod common;

use std::path::Path;

use common::{EXAMPLE_AT, plancat, repo};

/// A small catalog with one error (a misspelt field) and one warning (an expired promotion).
fn catalog() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let plans = dir.path().join("plans");
    for d in ["core", "projects", "products"] {
        std::fs::create_dir_all(plans.join(d)).unwrap();
    }
    std::fs::write(
        plans.join("core/00-core.toml"),
        "[catalog]\nbrand = \"B\"\nbase_url = \"https://b.example\"\ncurrency = \"USD\"\nlocale = \"en-US\"\n\n[rules]\napi-needs-frontends = \"allow\"\n",
    )
    .unwrap();
    std::fs::write(
        plans.join("projects/b-api.toml"),
        "[api]\nname = \"B API\"\nstatus = \"live\"\nsummary = \"s\"\n\n[api.tiers.basic]\nname = \"Basic\"\norder = 1\nprice.monthly = { USD = \"9\" }\n\n\
         [api.promotions.old]\nname = \"Old\"\noff = { percent = 10 }\nvalid_from = 2025-01-01T00:00:00Z\nvalid_until = 2025-06-01T00:00:00Z\n",
    )
    .unwrap();
    std::fs::write(
        plans.join("products/b-front.toml"),
        "[product]\nname = \"B Front\"\nkind = \"frontend\"\nstatus = \"live\"\nproject = \"b-api\"\nprice.one_time = { USD = \"19\" }\ntaglin = \"x\"\n",
    )
    .unwrap();
    dir
}

/// `build` with errors writes nothing, so the report is the same every run.
fn run(dir: &Path, format: &str) -> (Option<i32>, String) {
    let o = plancat(
        dir,
        &[
            "build",
            "--effective-from",
            "2026-01-01T00:00:00Z",
            "--format",
            format,
        ],
    );
    (o.status.code(), String::from_utf8(o.stdout).unwrap())
}

fn schema(path: &Path) -> jsonschema::Validator {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::validator_for(&v).unwrap()
}

#[test]
fn json_output_is_one_document_valid_against_its_schema() {
    let dir = catalog();
    let (status, out) = run(dir.path(), "json");
    assert_eq!(status, Some(1));
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let errors: Vec<String> = schema(&repo().join("schemas/diagnostics.schema.json"))
        .iter_errors(&doc)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}\n{out}");
    assert_eq!(
        doc["summary"],
        serde_json::json!({"errors": 1, "warnings": 1})
    );
    let d = &doc["diagnostics"];
    assert_eq!(d[0]["code"], "P0201");
    assert_eq!(d[0]["severity"], "error");
    assert_eq!(d[0]["message"], "unknown field `taglin`");
    assert_eq!(
        d[0]["location"],
        serde_json::json!({"file": "plans/products/b-front.toml", "line": 7, "column": 1, "end_line": 7, "end_column": 7, "label": "unknown field"})
    );
    assert_eq!(d[1]["code"], "R0301");
    assert_eq!(d[1]["severity"], "warning");
    assert_eq!(d[1]["location"]["line"], 15);
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let dir = catalog();
    let (status, out) = run(dir.path(), "sarif");
    assert_eq!(status, Some(1));
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let errors: Vec<String> = schema(&repo().join("tests/fixtures/sarif-schema-2.1.0.json"))
        .iter_errors(&doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["ruleId"], "P0201");
    assert_eq!(results[0]["level"], "error");
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["region"],
        serde_json::json!({"startLine": 7, "startColumn": 1, "endLine": 7, "endColumn": 7})
    );
    assert_eq!(results[1]["ruleId"], "R0301");
    assert_eq!(results[1]["level"], "warning");
    // Every result's rule is described in the driver, at its index.
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    for r in results {
        assert_eq!(
            rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"],
            r["ruleId"]
        );
    }
}

#[test]
fn github_output_is_workflow_commands() {
    let dir = catalog();
    let (status, out) = run(dir.path(), "github");
    assert_eq!(status, Some(1));
    assert_eq!(
        out,
        "::error file=plans/products/b-front.toml,line=7,col=1,endLine=7,endColumn=7,\
         title=P0201 a key the schema does not define (with a suggestion)::unknown field `taglin`\
         %0Ahelp: expected one of `bundle`, `checkout`, `contact_sales`, `copy`, `cost`, `kind`, `name`, `price`, `project`, `promotions`, `requires`, `status`\n\
         ::warning file=plans/projects/b-api.toml,line=15,col=15,endLine=15,endColumn=35,\
         title=R0301 a promotion's `valid_until` has passed::promotion `old` expired at 2025-06-01T00:00:00Z\
         %0Anote: `promotion-expired` is `warn` by default (in core, `[rules] promotion-expired = \"allow\"` changes it); `plancat rules R0301` explains it\
         %0Ahelp: remove the promotion, or move `valid_until` into the future\n"
    );
}

#[test]
fn a_clean_catalog_gives_an_empty_report_and_exit_0() {
    // Pinned: the example is clean at `EXAMPLE_AT`, not at every moment (its promotion ends).
    let check = |format| {
        let o = plancat(
            &repo(),
            &["check", "--effective-from", EXAMPLE_AT, "--format", format],
        );
        (o.status.code(), String::from_utf8(o.stdout).unwrap())
    };
    let (status, out) = check("json");
    assert_eq!(status, Some(0));
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["diagnostics"], serde_json::json!([]));
    assert_eq!(check("github"), (Some(0), String::new()));
}

#[test]
fn rules_lists_every_rule_and_explains_each() {
    let o = plancat(&repo(), &["rules"]);
    assert!(o.status.success());
    let list = String::from_utf8(o.stdout).unwrap();
    // One line per rule, in code order: its code, name and default level, then its summary --
    // what a user needs to pick a rule and set its level. Column widths are not checked.
    let listed: Vec<&str> = list
        .lines()
        .filter(|l| {
            l.split_whitespace().next().is_some_and(|w| {
                w.len() == 5 && w.starts_with('R') && w[1..].bytes().all(|b| b.is_ascii_digit())
            })
        })
        .collect();
    assert_eq!(listed.len(), plancat::core::rules::RULES.len(), "{list}");
    for (line, r) in listed.iter().zip(plancat::core::rules::RULES) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let level = r.default.to_string();
        assert_eq!(
            fields[..3],
            [r.code(), r.name.as_str(), level.as_str()],
            "{line}"
        );
        assert_eq!(fields[3..].join(" "), r.summary, "{line}");

        // The explanation is the same whether asked for by code (any case) or by name, and it
        // gives the default level and a bad and a good example.
        let o = plancat(&repo(), &["rules", r.code()]);
        assert!(o.status.success(), "{}", r.code());
        let text = String::from_utf8(o.stdout).unwrap();
        for (what, want) in [
            ("name", r.name.as_str()),
            ("summary", r.summary),
            ("default level", &format!("default level: {level}")),
            ("bad example", "Bad"),
            ("good example", "Good"),
        ] {
            assert!(text.contains(want), "{}: no {what} in\n{text}", r.code());
        }
        for key in [r.name.as_str(), &r.code().to_lowercase()] {
            let o = plancat(&repo(), &["rules", key]);
            assert_eq!(o.stdout, text.as_bytes(), "`plancat rules {key}`");
        }
    }
    let o = plancat(&repo(), &["rules", "tier-ladr"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(common::stderr(&o).contains("did you mean `tier-ladder`?"));
}

#[test]
fn a_json_plan_file_may_name_its_schema_for_editors() {
    let dir = common::example_copy();
    let kit = dir.path().join("plans/products/csat-survey-kit.json");
    let text = std::fs::read_to_string(&kit).unwrap();
    let named = text.replacen(
        '{',
        "{\n  \"$schema\": \"../../schemas/product-layer.schema.json\",",
        1,
    );
    std::fs::write(&kit, &named).unwrap();
    // Not part of the plan: nothing to publish, the ledger is still up to date.
    let check = plancat(dir.path(), &["check", "--effective-from", EXAMPLE_AT]);
    assert!(check.status.success(), "{}", common::stderr(&check));
    // And the editor's view: the layer schema accepts it, and still refuses a typo beside it.
    let v = schema(&repo().join("schemas/product-layer.schema.json"));
    let doc: serde_json::Value = serde_json::from_str(&named).unwrap();
    assert!(v.is_valid(&doc));
    let mut typo = doc.clone();
    typo["$schemaa"] = serde_json::json!("x");
    assert!(!v.is_valid(&typo));
    // A `$schema` that is not a string is reported where it is.
    std::fs::write(&kit, text.replacen('{', "{\n  \"$schema\": 7,", 1)).unwrap();
    let bad = plancat(dir.path(), &["check", "--effective-from", EXAMPLE_AT]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        common::stderr(&bad).contains("plans/products/csat-survey-kit.json:2:"),
        "{}",
        common::stderr(&bad)
    );
}
