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

/// A catalog in a subfolder of its repository: GitHub annotations and SARIF name files from the
/// repository root (so they land on the right lines of a pull request), human output from the
/// directory plancat runs in — found above it, or below it with `--root`.
#[test]
fn paths_are_the_readers_in_a_catalog_below_the_repository_root() {
    let repo_dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(repo_dir.path().join(".git")).unwrap();
    let shop = repo_dir.path().join("catalogs/shop");
    std::fs::create_dir_all(&shop).unwrap();
    common::copy_dir(catalog().path(), &shop);
    let plancat_in = |cwd: &Path, args: &[&str]| {
        let o = std::process::Command::new(common::BIN)
            .args(args)
            .current_dir(cwd)
            .env("NO_COLOR", "1")
            .env("SOURCE_DATE_EPOCH", common::NOW_EPOCH)
            .env_remove("GITHUB_WORKSPACE")
            .output()
            .unwrap();
        (
            String::from_utf8(o.stdout).unwrap(),
            String::from_utf8(o.stderr).unwrap(),
        )
    };
    let file = "plans/products/b-front.toml";
    // From the repository root, with `--root`: every format names the file from there.
    let (gh, _) = plancat_in(
        repo_dir.path(),
        &["--root", "catalogs/shop", "check", "--format", "github"],
    );
    assert!(
        gh.contains(&format!("file=catalogs/shop/{file},line=7")),
        "{gh}"
    );
    let (sarif, _) = plancat_in(
        repo_dir.path(),
        &["--root", "catalogs/shop", "check", "--format", "sarif"],
    );
    let v: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let uris: Vec<&str> = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect();
    assert!(
        uris.contains(&format!("catalogs/shop/{file}").as_str()),
        "{uris:?}"
    );
    let (_, human) = plancat_in(repo_dir.path(), &["--root", "catalogs/shop", "check"]);
    assert!(
        human.contains(&format!("--> catalogs/shop/{file}:7:1")),
        "{human}"
    );
    // From inside the catalog, found by walking up: human paths from here, annotations still
    // from the repository root.
    let products = shop.join("plans/products");
    let (_, human) = plancat_in(&products, &["check"]);
    assert!(human.contains("--> b-front.toml:7:1"), "{human}");
    assert!(human.contains("--> ../projects/b-api.toml:"), "{human}");
    let (gh, _) = plancat_in(&products, &["check", "--format", "github"]);
    assert!(
        gh.contains(&format!("file=catalogs/shop/{file},line=7")),
        "{gh}"
    );
    // GitHub's workspace, when set, is the root annotations are relative to.
    let o = std::process::Command::new(common::BIN)
        .args(["check", "--format", "github"])
        .current_dir(&shop)
        .env("SOURCE_DATE_EPOCH", common::NOW_EPOCH)
        .env("GITHUB_WORKSPACE", repo_dir.path().join("catalogs"))
        .output()
        .unwrap();
    let gh = String::from_utf8(o.stdout).unwrap();
    assert!(gh.contains(&format!("file=shop/{file},line=7")), "{gh}");
}

/// A run that cannot finish (exit 2) still writes one valid document in the machine format it
/// was asked for: SARIF with a tool-execution notification, the JSON report with `error`, a
/// GitHub error annotation — so a CI step never uploads an empty or broken report.
#[test]
fn a_run_that_cannot_finish_still_writes_a_valid_report() {
    let missing = tempfile::tempdir().unwrap().path().join("no-such-catalog");
    let run = |command: &str, format: &str| {
        let o = plancat(&missing, &[command, "--format", format]);
        (o.status.code(), String::from_utf8(o.stdout).unwrap())
    };
    for command in ["check", "build", "verify"] {
        let (status, out) = run(command, "sarif");
        assert_eq!(status, Some(2), "{command}");
        let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
        let errors: Vec<String> = schema(&repo().join("tests/fixtures/sarif-schema-2.1.0.json"))
            .iter_errors(&doc)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{command}: {errors:?}");
        let invocation = &doc["runs"][0]["invocations"][0];
        assert_eq!(invocation["executionSuccessful"], false);
        let text = invocation["toolExecutionNotifications"][0]["message"]["text"]
            .as_str()
            .unwrap();
        assert!(text.contains("does not exist"), "{text}");

        let (status, out) = run(command, "json");
        assert_eq!(status, Some(2));
        let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
        let errors: Vec<String> = schema(&repo().join("schemas/diagnostics.schema.json"))
            .iter_errors(&doc)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{command}: {errors:?}");
        assert!(doc["error"].as_str().unwrap().contains("does not exist"));

        let (status, out) = run(command, "github");
        assert_eq!(status, Some(2));
        assert!(
            out.starts_with("::error title=plancat could not finish::"),
            "{out}"
        );
    }
}

/// Every command that prints data has `--format json`: one document on stdout, and a failure
/// is that document's `error` (exit 2), never human text alone.
#[test]
fn data_commands_print_one_json_document_with_their_errors_in_it() {
    let dir = common::example_copy();
    let json = |args: &[&str]| {
        let o = plancat(dir.path(), args);
        let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
            panic!(
                "{args:?}: not JSON ({e}): {}",
                String::from_utf8_lossy(&o.stdout)
            )
        });
        (o.status.code(), doc)
    };
    let (status, doc) = json(&[
        "explain",
        "shopcore-commerce-api",
        "tiers.growth.price.monthly",
        "--format",
        "json",
    ]);
    assert_eq!(status, Some(0));
    let entry = &doc["entries"][0];
    assert_eq!(entry["path"], "api.tiers.growth.price.monthly.INR");
    assert_eq!(entry["kind"], "set");
    assert_eq!(
        entry["set_at"]["file"],
        "plans/projects/shopcore-commerce-api.toml"
    );
    assert_eq!(entry["set_at"]["layer"], "project");
    let (status, doc) = json(&[
        "explain",
        "shopcore-commerce-api",
        "api.tiers.growth.trial_days",
        "--format",
        "json",
    ]);
    assert_eq!(status, Some(0));
    assert!(
        doc["entries"][0]["kind"] == "set" || doc["entries"][0]["kind"] == "not_stated",
        "{doc}"
    );
    let (status, doc) = json(&["explain", "nope", "--format", "json"]);
    assert_eq!(status, Some(2));
    assert!(
        doc["error"].as_str().unwrap().contains("no plan `nope`"),
        "{doc}"
    );

    let (status, doc) = json(&["rules", "--format", "json"]);
    assert_eq!(status, Some(0));
    let rules = doc["rules"].as_array().unwrap();
    assert!(
        rules
            .iter()
            .any(|r| r["name"] == "tier-ladder" && r["default"] == "deny")
    );
    assert!(
        doc["checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "P0201")
    );
    let (status, doc) = json(&["rules", "nope", "--format", "json"]);
    assert_eq!(status, Some(2));
    assert!(doc["error"].as_str().unwrap().contains("no rule `nope`"));

    let (status, doc) = json(&[
        "yank",
        "aurora-storefront",
        "1.0.1",
        "--reason",
        "x",
        "--at",
        "2026-12-02T00:00:00Z",
        "--format",
        "json",
    ]);
    assert_eq!(status, Some(0), "{doc}");
    assert_eq!(doc["action"], "withdrawn");
    assert_eq!(doc["in_force"], "1.0.0 is in force at 2026-12-02T00:00:00Z");
    let (status, doc) = json(&[
        "yank",
        "aurora-storefront",
        "9.9.9",
        "--reason",
        "x",
        "--format",
        "json",
    ]);
    assert_eq!(status, Some(1));
    assert!(
        doc["error"]
            .as_str()
            .unwrap()
            .contains("has no version 9.9.9"),
        "{doc}"
    );
}
