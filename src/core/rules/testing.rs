//! A small valid catalog and a runner for one rule, for the rules' unit tests.

use crate::core::compile::{Compiled, InputFile, compile};
use crate::core::model::ids::Instant;
use crate::core::rules::{Context, Findings, Rule};

/// Core, one live API with two tiers and two live frontends: clean under every rule.
pub fn base() -> Vec<(String, String)> {
    let files = [
        (
            "plans/core/00-core.toml",
            r#"[catalog]
brand = "Test"
base_url = "https://test.example"
currency = "USD"
locale = "en-US"

[policy.guardrails]
min_gross_margin = 60
max_discount = 30
yearly_months = { min = 9, max = 12 }
price.api.monthly = { min = "10", max = "1000" }
price.frontend.one_time = { min = "20", max = "500" }

[policy.trial]
max_days = 30

[policy.notice]
price_increase_days = 30
"#,
        ),
        (
            "plans/projects/shop-api.toml",
            r#"[api]
name = "Shop API"
status = "live"
summary = "Sells things."

[api.tiers.basic]
name = "Basic"
order = 1
price.monthly = { USD = "20" }
price.yearly = { USD = "200" }
seats = 3
trial_days = 14
cost = { USD = "4" }
quotas.calls = { limit = 1000, period = "month", unit = "calls", overage = { price = { USD = "1" }, per = 100 } }
features = { webhooks = true, domains = 1 }

[api.tiers.pro]
name = "Pro"
order = 2
price.monthly = { USD = "50" }
price.yearly = { USD = "500" }
seats = 10
trial_days = 14
cost = { USD = "10" }
quotas.calls = { limit = 5000, period = "month", unit = "calls", overage = { price = { USD = "1" }, per = 100 } }
features = { webhooks = true, domains = 5 }
"#,
        ),
        (
            "plans/products/shop-front.toml",
            "[product]\nname = \"Shop Front\"\nkind = \"frontend\"\nstatus = \"live\"\nproject = \"shop-api\"\nprice.one_time = { USD = \"49\" }\n",
        ),
        (
            "plans/products/shop-admin.toml",
            "[product]\nname = \"Shop Admin\"\nkind = \"frontend\"\nstatus = \"live\"\nproject = \"shop-api\"\nprice.one_time = { USD = \"99\" }\n",
        ),
    ];
    files
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect()
}

/// `base()` with some files replaced or added.
pub fn with(changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut files = base();
    for (path, text) in changes {
        files.retain(|(p, _)| p != path);
        files.push((path.to_string(), text.to_string()));
    }
    files
}

/// `base()` with text replaced inside one file.
pub fn edit(path: &str, from: &str, to: &str) -> Vec<(String, String)> {
    let mut files = base();
    let f = files
        .iter_mut()
        .find(|(p, _)| p == path)
        .expect("file in base()");
    assert!(f.1.contains(from), "{from:?} not in {path}");
    f.1 = f.1.replacen(from, to, 1);
    files
}

/// Boundary cases of one rule: `original` in `path` replaced by `template` with `{}` set to
/// each value, and whether the rule must then report. Rules decide on exact values, so just
/// below, at and just above a limit must each come out right.
pub fn boundary(rule: &Rule, path: &str, original: &str, template: &str, cases: &[(&str, bool)]) {
    for (value, reports) in cases {
        let found = run(rule, &edit(path, original, &template.replace("{}", value)));
        assert_eq!(
            !found.is_empty(),
            *reports,
            "{} with {value}: {found:?}",
            rule.name
        );
    }
}

/// Compiles a catalog that must compile cleanly.
fn compiled(files: &[(String, String)]) -> Compiled {
    let inputs: Vec<InputFile> = files
        .iter()
        .map(|(p, t)| InputFile {
            path: p.clone(),
            bytes: t.clone().into_bytes(),
        })
        .collect();
    let compiled = compile(&inputs);
    assert!(
        compiled.diags.is_empty(),
        "catalog does not compile: {:?}",
        compiled.diags
    );
    compiled
}

/// The moment the rules' tests run at.
fn now() -> Instant {
    Instant::parse("2026-06-01T00:00:00Z").unwrap()
}

/// Runs one rule on a catalog (at 2026-06-01) and renders each finding as
/// `path:line:col: message` — the compile itself must be clean.
pub fn run(rule: &Rule, files: &[(String, String)]) -> Vec<String> {
    let compiled = compiled(files);
    let cx = Context::new(&compiled.plans, &compiled.slugs, (now(), now()), &[]);
    let mut findings = Findings::default();
    (rule.check)(&cx, &mut findings);
    findings
        .found
        .iter()
        .map(|(_, d)| {
            let l = d.primary.as_ref().expect("findings have a location");
            let f = compiled.sources.get(l.file);
            let (line, col) = f.line_col(l.span.start);
            format!("{}:{line}:{col}: {}", f.path, d.message)
        })
        .collect()
}

/// Runs every rule with levels applied, as `build` does.
pub fn run_all(files: &[(String, String)]) -> Vec<(crate::core::diag::Severity, String)> {
    let compiled = compiled(files);
    let cx = Context::new(&compiled.plans, &compiled.slugs, (now(), now()), &[]);
    super::run(&cx)
        .into_iter()
        .map(|d| (d.severity, format!("{}: {}", d.code, d.message)))
        .collect()
}

#[test]
fn levels_come_from_core_or_where_core_allows_from_the_plan() {
    use crate::core::diag::Severity;
    let long_trial = edit(
        "plans/projects/shop-api.toml",
        "trial_days = 14",
        "trial_days = 45",
    );
    let finding = "R0401: tier `basic` has a 45-day trial; the trial policy allows at most 30 days"
        .to_string();
    assert_eq!(run_all(&long_trial), [(Severity::Error, finding.clone())]);

    let with_core_level = |level: &str| {
        let mut files = long_trial.clone();
        files[0]
            .1
            .push_str(&format!("\n[rules]\ntrial-length = \"{level}\"\n"));
        files
    };
    assert_eq!(
        run_all(&with_core_level("warn")),
        [(Severity::Warning, finding.clone())]
    );
    assert!(run_all(&with_core_level("allow")).is_empty());

    // The project lowers the level for itself, where core lists the rule in `rule_overrides`.
    let mut files = long_trial.clone();
    files[0].1 = format!("rule_overrides = [\"trial-length\"]\n{}", files[0].1);
    files[1].1.push_str("\n[rules]\ntrial-length = \"warn\"\n");
    assert_eq!(run_all(&files), [(Severity::Warning, finding)]);
}

#[test]
fn the_base_catalog_is_clean_under_every_rule() {
    for rule in super::RULES {
        assert_eq!(run(rule, &base()), Vec::<String>::new(), "{}", rule.name);
    }
}
