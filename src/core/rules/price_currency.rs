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
                let p = &t.price;
                for (field, price) in [
                    ("monthly", &p.monthly),
                    ("yearly", &p.yearly),
                    ("setup", &p.setup),
                ] {
                    if let Some(price) = price {
                        prices.push((format!("api.tiers.{id}.price.{field}"), price));
                    }
                }
            }
            for (id, a) in &api.addons {
                for (interval, price) in a.price.by_interval() {
                    if let Some(price) = price {
                        prices.push((format!("api.addons.{id}.price.{interval}"), price));
                    }
                }
            }
        }
        if let Some(product) = plan.product() {
            for (field, price) in product.price.all() {
                prices.push((format!("product.price.{field}"), price));
            }
        }
        for (at, price) in prices {
            report(out, plan, &at, price);
        }
    }
}

/// Every price states the display currency, and every further currency the pages offer.
fn report(out: &mut Findings, plan: &CompiledPlan, at: &str, price: &Price) {
    let c = plan.catalog();
    let offered = std::iter::once((
        c.currency,
        "catalog.currency",
        "the catalog currency",
        "catalog currency set here",
    ))
    .chain(c.currencies.iter().map(|cur| {
        (
            *cur,
            "catalog.currencies",
            "a currency the pages offer",
            "offered here",
        )
    }));
    for (cur, set_at, what, label) in offered {
        if price.get(cur).is_none() {
            out.report(plan, format!("`{at}` has no amount in {cur}, {what}"))
                .label(plan.loc(at), format!("no {cur} amount"))
                .also(plan.loc(set_at), label)
                .help(format!("add `{cur} = \"…\"` to this price"));
        }
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
