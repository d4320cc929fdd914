//! R0202 price-currency: every price is given in the catalog's currency.

use super::{Context, Findings, Level, Rule, RuleName};
use crate::core::compile::CompiledPlan;
use crate::core::model::money::Price;

pub static RULE: Rule = Rule {
    name: RuleName::PriceCurrency,
    default: Level::Deny,
    summary: "a price has no amount in the catalog currency",
    explanation: "\
Pages show prices in the catalog's currency, and guardrails, margins and ladders are checked in
it. A price given only in another currency would be shown as missing and escapes every check.

Bad (in a catalog with currency = \"USD\"):
    price.monthly = { INR = \"2499\" }

Good:
    price.monthly = { USD = \"29\", INR = \"2499\" }",
    check,
};

fn check(cx: &Context<'_>, out: &mut Findings) {
    for plan in cx.plans {
        let mut prices: Vec<(String, &Price)> = Vec::new();
        if let Some(api) = plan.api() {
            for (id, t) in &api.tiers {
                prices.extend(
                    t.price
                        .monthly
                        .iter()
                        .map(|p| (format!("api.tiers.{id}.price.monthly"), p)),
                );
                prices.extend(
                    t.price
                        .yearly
                        .iter()
                        .map(|p| (format!("api.tiers.{id}.price.yearly"), p)),
                );
            }
            for (id, a) in &api.addons {
                prices.extend(
                    a.price
                        .monthly
                        .iter()
                        .map(|p| (format!("api.addons.{id}.price.monthly"), p)),
                );
                prices.extend(
                    a.price
                        .yearly
                        .iter()
                        .map(|p| (format!("api.addons.{id}.price.yearly"), p)),
                );
            }
        }
        if let Some(product) = plan.product() {
            let p = &product.price;
            for (interval, price) in p.by_interval() {
                prices.extend(
                    price
                        .iter()
                        .map(|p| (format!("product.price.{interval}"), *p)),
                );
            }
        }
        for (at, price) in prices {
            report(out, plan, &at, price);
        }
    }
}

fn report(out: &mut Findings, plan: &CompiledPlan, at: &str, price: &Price) {
    let cur = plan.catalog().currency;
    if price.get(cur).is_none() {
        out.report(
            plan,
            format!("`{at}` has no amount in {cur}, the catalog currency"),
        )
        .label(plan.loc(at), format!("no {cur} amount"))
        .also(plan.loc("catalog.currency"), "catalog currency set here")
        .help(format!("add `{cur} = \"…\"` to this price"));
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
    fn price_only_in_another_currency() {
        let files = edit(
            "plans/products/shop-front.toml",
            "USD = \"49\"",
            "INR = \"4000\"",
        );
        assert_eq!(
            run(&RULE, &files),
            [
                "plans/products/shop-front.toml:6:18: `product.price.one_time` has no amount in USD, the catalog currency"
            ]
        );
    }
}
