//! R0201 price-guardrail: every price lies in the guardrail range for its kind and interval.

use super::{Context, Findings, Level, Rule, RuleName};
use crate::core::compile::CompiledPlan;
use crate::core::model::interval::Interval;
use crate::core::model::money::Price;
use crate::core::model::policy::PricedKind;
use crate::core::model::product::ProductKind;

pub static RULE: Rule = Rule {
    name: RuleName::PriceGuardrail,
    default: Level::Deny,
    summary: "a price is outside the guardrail range for its kind and interval",
    explanation: "\
Core sets price ranges per kind (`api` tiers, `frontend`, `kit`, `addon`, `bundle`) and
interval (`one_time`, `monthly`, `yearly`), in the catalog currency. A price outside its range
is usually a typo (a missing zero) that would charge customers the wrong amount. Bundles are
checked on their computed price.

Bad (with price.frontend.one_time = { min = \"1999\", max = \"49999\" }):
    price.one_time = { INR = \"799\" }

Good:
    price.one_time = { INR = \"7999\" }",
    check,
};

fn check(cx: &Context<'_>, out: &mut Findings) {
    for plan in cx.plans {
        if let Some(api) = plan.api() {
            for (id, t) in &api.tiers {
                let p = &t.price;
                for (interval, price) in p.by_interval() {
                    let at = format!("api.tiers.{id}.price.{interval}");
                    one(out, plan, PricedKind::Api, interval, price, &at);
                }
            }
            for (id, a) in &api.addons {
                for (interval, price) in a.price.by_interval() {
                    let at = format!("api.addons.{id}.price.{interval}");
                    one(out, plan, PricedKind::Addon, interval, price, &at);
                }
            }
        }
        if let Some(product) = plan.product() {
            let kind = match product.kind {
                ProductKind::Frontend => PricedKind::Frontend,
                ProductKind::Kit => PricedKind::Kit,
                ProductKind::Addon => PricedKind::Addon,
                ProductKind::Bundle => PricedKind::Bundle,
                ProductKind::Subscription => PricedKind::Subscription,
                ProductKind::Service => PricedKind::Service,
            };
            let (price, base) = match (&plan.computed.bundle_price, product.kind) {
                (Some(computed), ProductKind::Bundle) => (computed, "product.bundle"),
                _ => (&product.price, "product.price"),
            };
            for (interval, p) in price.by_interval() {
                let at = if base == "product.bundle" {
                    base.to_string()
                } else {
                    format!("{base}.{interval}")
                };
                one(out, plan, kind, interval, p, &at);
            }
        }
    }
}

fn one(
    out: &mut Findings,
    plan: &CompiledPlan,
    kind: PricedKind,
    interval: Interval,
    price: Option<&Price>,
    at: &str,
) {
    let cur = plan.catalog().currency;
    let Some(amount) = price.and_then(|p| p.get(cur)) else {
        return;
    };
    let Some(range) = plan
        .policy()
        .guardrails
        .price
        .get(&kind)
        .and_then(|r| r.get(interval))
    else {
        return;
    };
    let guard = format!("policy.guardrails.price.{}.{interval}", kind.name());
    let here = if at.ends_with(interval.as_str()) {
        plan.loc(&format!("{at}.{cur}"))
    } else {
        plan.loc(at)
    };
    let computed = at == "product.bundle";
    let what = if computed {
        format!("the computed {interval} price of bundle `{}`", plan.slug)
    } else {
        format!("`{at}`")
    };
    let fix = if computed {
        "the bundle's price follows from its components and discount: change those"
    } else {
        "check the amount for a missing or extra digit"
    };
    if let Some(min) = range.min.filter(|m| amount < *m) {
        out.report(
            plan,
            format!(
                "{what} is {} {cur}, below the {} {interval} minimum of {} {cur}",
                amount.to_string_in(cur),
                kind.name(),
                min.to_string_in(cur)
            ),
        )
        .label(here, "below the guardrail")
        .also(plan.loc(&format!("{guard}.min")), "minimum set here")
        .help(format!(
            "{fix}; if the price is right, change the guardrail in core"
        ));
    } else if let Some(max) = range.max.filter(|m| amount > *m) {
        out.report(
            plan,
            format!(
                "{what} is {} {cur}, above the {} {interval} maximum of {} {cur}",
                amount.to_string_in(cur),
                kind.name(),
                max.to_string_in(cur)
            ),
        )
        .label(here, "above the guardrail")
        .also(plan.loc(&format!("{guard}.max")), "maximum set here")
        .help(format!(
            "{fix}; if the price is right, change the guardrail in core"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{base, edit, run};
    use super::RULE;

    #[test]
    fn clean() {
        assert!(run(&RULE, &base()).is_empty());
    }

    #[test]
    fn too_cheap_and_too_dear() {
        let mut files = edit(
            "plans/products/shop-front.toml",
            "USD = \"49\"",
            "USD = \"4.90\"",
        );
        let api = files
            .iter_mut()
            .find(|(p, _)| p.ends_with("shop-api.toml"))
            .unwrap();
        api.1 = api.1.replacen("USD = \"50\"", "USD = \"5000\"", 1);
        assert_eq!(
            run(&RULE, &files),
            [
                "plans/projects/shop-api.toml:20:25: `api.tiers.pro.price.monthly` is 5000.00 USD, above the api monthly maximum of 1000.00 USD",
                "plans/products/shop-front.toml:6:26: `product.price.one_time` is 4.90 USD, below the frontend one_time minimum of 20.00 USD",
            ]
        );
    }

    #[test]
    fn the_range_is_exact() {
        // API monthly prices from 10 to 1000.
        super::super::testing::boundary(
            &RULE,
            "plans/projects/shop-api.toml",
            "price.monthly = { USD = \"20\" }",
            "price.monthly = { USD = \"{}\" }",
            &[
                ("9.99", true),
                ("10", false),
                ("10.01", false),
                ("999.99", false),
                ("1000", false),
                ("1000.01", true),
            ],
        );
    }
}
