//! R0207 max-discount: no bundle or promotion gives more than the maximum discount.

use rust_decimal::Decimal;

use super::{Context, Findings, Level, Rule, RuleName};
use crate::core::compile::CompiledPlan;
use crate::core::model::api::Discount;
use crate::core::model::money::Money;

pub static RULE: Rule = Rule {
    name: RuleName::MaxDiscount,
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
        let cur = plan.catalog().currency;
        if let Some(bundle) = plan.product().and_then(|p| p.bundle.as_ref())
            && bundle.discount.0 > max.0
        {
            report(
                out,
                plan,
                "product.bundle.discount",
                format!(
                    "the bundle's discount of {} %",
                    bundle.discount.0.normalize()
                ),
                max.0,
            );
        }
        // What each promotion target costs, to weigh amount-off promotions against.
        let mut targets: Vec<(String, Option<Money>)> = Vec::new();
        let (base, promos) = match (plan.api(), plan.product()) {
            (Some(a), _) => {
                for (id, t) in &a.tiers {
                    targets.push((
                        id.to_string(),
                        t.price.monthly.as_ref().and_then(|p| p.get(cur)),
                    ));
                }
                for (id, ad) in &a.addons {
                    targets.push((
                        id.to_string(),
                        ad.price.monthly.as_ref().and_then(|p| p.get(cur)),
                    ));
                }
                ("api", &a.promotions)
            }
            (_, Some(p)) => {
                let price = p
                    .price
                    .one_time
                    .as_ref()
                    .or(p.price.monthly.as_ref())
                    .and_then(|x| x.get(cur));
                targets.push((plan.slug.to_string(), price));
                ("product", &p.promotions)
            }
            _ => continue,
        };
        for (id, promo) in promos {
            let at = format!("{base}.promotions.{id}");
            match &promo.off {
                Discount::Percent(p) => {
                    if p.0 > max.0 {
                        report(
                            out,
                            plan,
                            &format!("{at}.off.percent"),
                            format!("promotion `{id}`'s {} % off", p.0.normalize()),
                            max.0,
                        );
                    }
                }
                Discount::Amount(amount) => {
                    let Some(off) = amount.get(cur) else { continue };
                    let applies = |t: &str| {
                        base == "product"
                            || promo.applies_to.is_empty()
                            || promo.applies_to.iter().any(|a| a.as_str() == t)
                    };
                    for (target, price) in targets.iter().filter(|(t, _)| applies(t)) {
                        let Some(price) = price.filter(|p| p.0 > Decimal::ZERO) else {
                            continue;
                        };
                        // Exact: off / price > max % ⟺ off × 100 > max × price (price > 0).
                        if off.0 * Decimal::ONE_HUNDRED > max.0 * price.0 {
                            // Shown rounded up, so the figure shown is above the maximum too.
                            let percent = (off.0 / price.0 * Decimal::ONE_HUNDRED)
                                .round_dp_with_strategy(
                                    2,
                                    rust_decimal::RoundingStrategy::ToPositiveInfinity,
                                )
                                .normalize();
                            let most = Money(
                                (price.0 * max.0 / Decimal::ONE_HUNDRED).round_dp_with_strategy(
                                    cur.exponent(),
                                    rust_decimal::RoundingStrategy::ToNegativeInfinity,
                                ),
                            );
                            out.report(
                                plan,
                                format!(
                                    "promotion `{id}` takes {} {cur} off `{target}` ({} {cur}): {percent} %, above the maximum discount of {} %",
                                    off.to_string_in(cur),
                                    price.to_string_in(cur),
                                    max.0.normalize()
                                ),
                            )
                            .label(plan.loc(&format!("{at}.off.amount.{cur}")), "too large a discount")
                            .also(plan.loc("policy.guardrails.max_discount"), "maximum set here")
                            .help(format!("at most {} {cur} off `{target}`", most.to_string_in(cur)));
                        }
                    }
                }
            }
        }
    }
}

fn report(out: &mut Findings, plan: &CompiledPlan, at: &str, what: String, max: Decimal) {
    out.report(
        plan,
        format!(
            "{what} is above the maximum discount of {} %",
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
    fn amount_off_a_product() {
        let mut files = base();
        let front = files
            .iter_mut()
            .find(|(p, _)| p.ends_with("shop-front.toml"))
            .unwrap();
        front.1.push_str("\n[product.promotions.deal]\nname = \"Deal\"\noff = { amount = { USD = \"45\" } }\nvalid_from = 2026-01-01T00:00:00Z\n");
        assert_eq!(
            run(&RULE, &files),
            [
                "plans/products/shop-front.toml:10:26: promotion `deal` takes 45.00 USD off `shop-front` (49.00 USD): 91.84 %, above the maximum discount of 30 %"
            ]
        );
    }

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
                "plans/projects/shop-api.toml:30:19: promotion `big`'s 50 % off is above the maximum discount of 30 %",
                "plans/products/shop-bundle.toml:7:12: the bundle's discount of 45 % is above the maximum discount of 30 %",
            ]
        );
    }

    #[test]
    fn the_maximum_is_exact() {
        // 30 % of 49.00 is 14.70: exactly the maximum.
        let promo = |off: &str| {
            let mut files = base();
            let front = files
                .iter_mut()
                .find(|(p, _)| p.ends_with("shop-front.toml"))
                .unwrap();
            front.1.push_str(&format!("\n[product.promotions.deal]\nname = \"Deal\"\noff = {{ {off} }}\nvalid_from = 2026-01-01T00:00:00Z\n"));
            run(&RULE, &files)
        };
        assert!(promo("amount = { USD = \"14.69\" }").is_empty());
        assert!(promo("amount = { USD = \"14.70\" }").is_empty());
        assert_eq!(
            promo("amount = { USD = \"14.71\" }"),
            [
                "plans/products/shop-front.toml:10:26: promotion `deal` takes 14.71 USD off `shop-front` (49.00 USD): 30.03 %, above the maximum discount of 30 %"
            ]
        );
        assert!(promo("percent = \"29.99\"").is_empty());
        assert!(promo("percent = 30").is_empty());
        assert_eq!(promo("percent = \"30.01\"").len(), 1);
    }
}
