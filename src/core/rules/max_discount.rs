//! R0207 max-discount: no bundle or promotion gives more than the maximum discount.

use rust_decimal::Decimal;

use super::{Context, Findings, Level, Rule};
use crate::core::compile::CompiledPlan;
use crate::core::model::api::{Discount, Promotion};
use crate::core::model::ids::Slug;
use std::collections::BTreeMap;

pub static RULE: Rule = Rule {
    code: "R0207",
    name: "max-discount",
    default: Level::Deny,
    summary: "a bundle or promotion discount is above the maximum",
    explanation: "\
`policy.guardrails.max_discount` caps every discount: a bundle's `discount` and a promotion's
`off.percent`. An amount-off promotion is compared as a percentage of the monthly price of each
tier it applies to, in the catalog currency.

Bad (max_discount = 30):
    [product.bundle]
    discount = 45

Good:
    discount = 30",
    check,
};

fn check(cx: &Context<'_>, out: &mut Findings) {
    for plan in cx.plans {
        let Some(max) = plan.policy().guardrails.max_discount else {
            continue;
        };
        if let Some(bundle) = plan.product().and_then(|p| p.bundle.as_ref())
            && bundle.discount.0 > max.0
        {
            report(
                out,
                plan,
                "product.bundle.discount",
                format!("bundle discount of {} %", bundle.discount.0.normalize()),
                max.0,
            );
        }
        let (promos, tiers): (&BTreeMap<Slug, Promotion>, _) = match (plan.api(), plan.product()) {
            (Some(a), _) => (&a.promotions, Some(&a.tiers)),
            (_, Some(p)) => (&p.promotions, None),
            _ => continue,
        };
        for (id, promo) in promos {
            match &promo.off {
                Discount::Percent(p) if p.0 > max.0 => {
                    report(
                        out,
                        plan,
                        &format!("{}promotions.{id}.off.percent", base(plan)),
                        format!("promotion `{id}` gives {} % off", p.0.normalize()),
                        max.0,
                    );
                }
                Discount::Amount(amount) => {
                    let cur = plan.catalog().currency;
                    let (Some(off), Some(tiers)) = (amount.get(cur), tiers) else {
                        continue;
                    };
                    for (tid, t) in tiers.iter().filter(|(t, _)| {
                        promo.applies_to.is_empty() || promo.applies_to.contains(t)
                    }) {
                        let Some(price) = t
                            .price
                            .monthly
                            .as_ref()
                            .and_then(|p| p.get(cur))
                            .filter(|p| p.0 > Decimal::ZERO)
                        else {
                            continue;
                        };
                        let percent = (off.0 / price.0 * Decimal::ONE_HUNDRED).round_dp(1);
                        if percent > max.0 {
                            report(
                                out,
                                plan,
                                &format!("api.promotions.{id}.off.amount.{cur}"),
                                format!(
                                    "promotion `{id}` takes {} {cur} off tier `{tid}`, {percent} % of its monthly price",
                                    off.to_string_in(cur)
                                ),
                                max.0,
                            );
                        }
                    }
                }
                Discount::Percent(_) => {}
            }
        }
    }
}

fn base(plan: &CompiledPlan) -> &'static str {
    if plan.api().is_some() {
        "api."
    } else {
        "product."
    }
}

fn report(out: &mut Findings, plan: &CompiledPlan, at: &str, what: String, max: Decimal) {
    out.report(
        plan,
        format!(
            "{what}, above the maximum discount of {} %",
            max.normalize()
        ),
    )
    .label(plan.loc(at), "too large a discount")
    .also(
        plan.loc("policy.guardrails.max_discount"),
        "maximum set here",
    )
    .help(format!("discounts are at most {} %", max.normalize()));
}

#[cfg(test)]
mod tests {
    use super::super::testing::{base, run, with};
    use super::RULE;

    #[test]
    fn clean() {
        assert!(run(&RULE, &base()).is_empty());
    }

    #[test]
    fn bundle_and_promotion_above_the_maximum() {
        let bundle = "[product]\nname = \"B\"\nkind = \"bundle\"\nstatus = \"live\"\n[product.bundle]\ncomponents = [{ product = \"shop-front\" }]\ndiscount = 45\n";
        let mut files = with(&[("plans/products/shop-bundle.toml", bundle)]);
        let api = files
            .iter_mut()
            .find(|(p, _)| p.ends_with("shop-api.toml"))
            .unwrap();
        api.1.push_str("\n[api.promotions.big]\nname = \"Big\"\noff = { percent = 50 }\nvalid_from = 2026-01-01T00:00:00Z\n");
        assert_eq!(
            run(&RULE, &files),
            [
                "plans/projects/shop-api.toml:30:19: promotion `big` gives 50 % off, above the maximum discount of 30 %",
                "plans/products/shop-bundle.toml:7:12: bundle discount of 45 %, above the maximum discount of 30 %",
            ]
        );
    }
}
