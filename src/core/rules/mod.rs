//! Catalog rules: the business's own checks, run over the whole catalog after merging, like
//! clippy lints. Each rule lives in its own module with its own tests, has a stable code and
//! name, a default level that core can change per rule (`[rules] tier-ladder = "warn"`), and
//! a long explanation (`plancat rules CODE`). A project or product may change a rule's level
//! for itself only when core lists the rule in `rule_overrides`.
//!
//! Invariant: rules only read the compiled catalog; they never fail, they report findings.

mod api_needs_frontends;
mod bundle_price;
mod frontend_requires_live_api;
mod gross_margin;
mod max_discount;
mod notice_period;
mod price_currency;
mod price_guardrail;
mod price_range;
mod promotion_expired;
mod promotion_stacking;
mod promotion_target;
mod promotion_window;
mod promotions;
mod quota_policy;
mod tier_ladder;
mod trial_length;
mod unknown_reference;
mod yearly_months;

#[cfg(test)]
mod testing;

use std::collections::{BTreeMap, BTreeSet};

use crate::core::compile::{CompiledPlan, PlanBody};
use crate::core::diag::{Code, Diagnostic, RuleDoc, Severity};
use crate::core::ledger::Publication;
use crate::core::model::api::Api;
use crate::core::model::ids::{Instant, Slug};
pub use crate::core::model::levels::{Level, Levels, RuleName};
use crate::core::model::product::Product;
use crate::core::path::KeyPath;
use crate::core::source::{FileId, Span};

/// One catalog rule.
pub struct Rule {
    /// Its stable name (`tier-ladder`, used in `[rules]`) and code (`R0203`).
    pub name: RuleName,
    pub default: Level,
    /// One line for `plancat rules`.
    pub summary: &'static str,
    /// The long explanation, with a bad and a good example, for `plancat rules CODE`.
    pub explanation: &'static str,
    pub(crate) check: fn(&Context<'_>, &mut Findings),
}

/// Every rule, in code order.
pub static RULES: &[&Rule] = &[
    &unknown_reference::RULE,
    &frontend_requires_live_api::RULE,
    &api_needs_frontends::RULE,
    &price_guardrail::RULE,
    &price_currency::RULE,
    &tier_ladder::RULE,
    &yearly_months::RULE,
    &gross_margin::RULE,
    &bundle_price::RULE,
    &max_discount::RULE,
    &price_range::RULE,
    &promotion_expired::RULE,
    &promotion_window::RULE,
    &promotion_target::RULE,
    &promotion_stacking::RULE,
    &trial_length::RULE,
    &quota_policy::RULE,
    &notice_period::RULE,
];

/// A rule by code (`R0203`, any case) or name (`tier-ladder`).
pub fn find(key: &str) -> Option<&'static Rule> {
    let name = RuleName::find(key)?;
    RULES.iter().copied().find(|r| r.name == name)
}

impl Rule {
    /// Its stable code, like `R0203`.
    pub fn code(&self) -> &'static str {
        self.name.code()
    }

    /// What SARIF and other reports say about it.
    pub fn doc(&self) -> RuleDoc {
        RuleDoc {
            code: self.code(),
            name: self.name.as_str(),
            default: self.default,
            summary: self.summary,
            explanation: self.explanation,
        }
    }
}

/// Every rule's documentation, in code order (for SARIF's rule table).
pub fn docs() -> Vec<RuleDoc> {
    RULES.iter().map(|r| r.doc()).collect()
}

/// `plancat rules`: every catalog rule with its default level, then the built-in checks.
pub fn listing() -> String {
    let mut s = String::from(
        "catalog rules (set levels in core: `[rules] <name> = \"deny\" | \"warn\" | \"allow\"`)\n\n",
    );
    for r in RULES {
        s.push_str(&format!(
            "{}  {:<27} {:<5} {}\n",
            r.code(),
            r.name.as_str(),
            r.default.to_string(),
            r.summary
        ));
    }
    s.push_str("\nbuilt-in checks (not configurable)\n\n");
    for c in Code::ALL {
        s.push_str(&format!("{}  {}\n", c.as_str(), c.summary()));
    }
    s
}

/// `plancat rules KEY`: one rule (by code or name) or built-in check explained, or an error
/// naming the closest one.
pub fn describe(key: &str) -> Result<String, String> {
    if let Some(r) = find(key) {
        return Ok(format!(
            "{} {}: {}\n\ndefault level: {}\n\n{}\n",
            r.code(),
            r.name,
            r.summary,
            r.default,
            r.explanation
        ));
    }
    if let Some(c) = Code::ALL
        .iter()
        .find(|c| c.as_str().eq_ignore_ascii_case(key))
    {
        return Ok(format!(
            "{}: {}\n\nA built-in check: its level cannot be changed.\n",
            c.as_str(),
            c.summary()
        ));
    }
    let names = RULES.iter().flat_map(|r| [r.code(), r.name.as_str()]);
    let hint = crate::core::diag::did_you_mean(key, names)
        .map(|s| format!(" ({s})"))
        .unwrap_or_default();
    Err(format!("no rule `{key}`{hint}: `plancat rules` lists them"))
}

/// What rules see: every compiled plan, and what `build` is about to publish.
pub(crate) struct Context<'a> {
    pub plans: &'a [CompiledPlan],
    pub apis: BTreeMap<&'a str, &'a CompiledPlan>,
    pub products: BTreeMap<&'a str, &'a CompiledPlan>,
    /// Slugs of every plan file, compiled or not (a reference to a plan that failed is not
    /// "unknown": its own errors are reported).
    pub slugs: &'a BTreeSet<String>,
    /// The real moment of the run (`--now`, `SOURCE_DATE_EPOCH` or the clock): notice is
    /// measured from it.
    pub now: Instant,
    /// When new versions take effect unless a plan schedules them (`--effective-from`, else
    /// `now`): what a published version holds is checked at it (expired promotions).
    ///
    /// Compare a stated instant `x` with `at` (or `now`) only as `x <= at` or its negation:
    /// a skipped run relies on it (`core::cache::Window`). `now` plus an offset (notice) only
    /// where there are publications, which a skipped run never has.
    pub at: Instant,
    pub publications: &'a [Publication],
}

impl<'a> Context<'a> {
    pub fn new(
        plans: &'a [CompiledPlan],
        slugs: &'a BTreeSet<String>,
        (now, at): (Instant, Instant),
        publications: &'a [Publication],
    ) -> Self {
        let apis = plans
            .iter()
            .filter(|p| matches!(p.body, PlanBody::Api(_)))
            .map(|p| (p.slug.as_str(), p))
            .collect();
        let products = plans
            .iter()
            .filter(|p| matches!(p.body, PlanBody::Product(_)))
            .map(|p| (p.slug.as_str(), p))
            .collect();
        Context {
            plans,
            apis,
            products,
            slugs,
            now,
            at,
            publications,
        }
    }

    /// Plans that are APIs, with their API section.
    pub fn apis(&self) -> impl Iterator<Item = (&'a CompiledPlan, &'a Api)> + '_ {
        self.apis.values().filter_map(|p| p.api().map(|a| (*p, a)))
    }

    /// Plans that are products, with their product section.
    pub fn products(&self) -> impl Iterator<Item = (&'a CompiledPlan, &'a Product)> + '_ {
        self.products
            .values()
            .filter_map(|p| p.product().map(|a| (*p, a)))
    }
}

/// What one rule found, each finding tied to the plan whose levels decide it.
#[derive(Default)]
pub(crate) struct Findings {
    found: Vec<(Slug, Diagnostic)>,
}

impl Findings {
    /// Reports a finding about `plan`. The code and severity are the runner's to set.
    pub fn report(&mut self, plan: &CompiledPlan, message: impl Into<String>) -> &mut Diagnostic {
        self.found.push((
            plan.slug.clone(),
            Diagnostic::error(Code::Rule(""), message),
        ));
        &mut self.found.last_mut().expect("just pushed").1
    }
}

/// Runs every rule and returns its findings at their levels, `allow`ed ones dropped.
pub(crate) fn run(cx: &Context<'_>) -> Vec<Diagnostic> {
    let by_slug: BTreeMap<&Slug, &CompiledPlan> = cx.plans.iter().map(|p| (&p.slug, p)).collect();
    let mut out = Vec::new();
    for rule in RULES {
        let mut findings = Findings::default();
        (rule.check)(cx, &mut findings);
        for (slug, mut d) in findings.found {
            let plan = by_slug[&slug];
            let set = plan
                .rules()
                .iter()
                .find(|(n, _)| **n == rule.name)
                .map(|(_, l)| *l);
            let level = set.unwrap_or(rule.default);
            d.severity = match level {
                Level::Allow => continue,
                Level::Warn => Severity::Warning,
                Level::Deny => Severity::Error,
            };
            d.code = Code::Rule(rule.code());
            // Where the level comes from: the rule's default, or a `[rules]` entry (shown).
            let whence = if set.is_some() {
                d.also(
                    plan.loc(&format!("rules.{}", rule.name)),
                    format!("`{}` set to `{level}` here", rule.name),
                );
                "as set here"
            } else {
                "by default"
            };
            // How to change it, always: a rule is the business's, not plancat's.
            let other = match level {
                Level::Deny => "warn",
                _ => "allow",
            };
            let change = if set.is_some() {
                String::new()
            } else {
                format!(
                    " (in core, `[rules] {} = \"{other}\"` changes it)",
                    rule.name
                )
            };
            d.notes.push(format!(
                "`{}` is `{level}` {whence}{change}; `plancat rules {}` explains it",
                rule.name,
                rule.code()
            ));
            out.push(d);
        }
    }
    out
}

impl CompiledPlan {
    pub fn api(&self) -> Option<&Api> {
        match &self.body {
            PlanBody::Api(p) => Some(&p.api),
            PlanBody::Product(_) => None,
        }
    }

    pub fn product(&self) -> Option<&Product> {
        match &self.body {
            PlanBody::Product(p) => Some(&p.product),
            PlanBody::Api(_) => None,
        }
    }

    /// Where the value at a dotted path (`api.tiers.growth.price.monthly.INR`,
    /// `product.bundle.components[1]`) was written, or the nearest enclosing value.
    pub fn loc(&self, path: &str) -> (FileId, Span) {
        let n = self.tree.locate(KeyPath::parse(path).segs());
        (n.origin.file, n.origin.span.clone())
    }
}

impl Diagnostic {
    /// Builder-style labels for findings (`Findings::report` returns `&mut Diagnostic`).
    pub fn label(&mut self, (file, span): (FileId, Span), message: impl Into<String>) -> &mut Self {
        self.primary = Some(crate::core::diag::Label::new(file, span, message));
        self
    }

    pub fn also(&mut self, (file, span): (FileId, Span), message: impl Into<String>) -> &mut Self {
        self.secondary
            .push(crate::core::diag::Label::new(file, span, message));
        self
    }

    pub fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }
}

#[cfg(test)]
mod registry_tests {
    use super::*;

    #[test]
    fn every_rule_name_has_exactly_one_rule_in_code_order() {
        let names: Vec<RuleName> = RULES.iter().map(|r| r.name).collect();
        assert_eq!(names, RuleName::ALL);
    }
}
