//! R0205 gross-margin: a tier's (or add-on's, or recurring product's) margin over its
//! infrastructure cost is at least the minimum.

use crate::core::model::interval::Interval;
use rust_decimal::Decimal;

use super::{Context, Findings, Level, Rule, RuleName};
use crate::core::compile::CompiledPlan;
use crate::core::model::money::Price;

pub static RULE: Rule = Rule {
    name: RuleName::GrossMargin,
    default: Level::Deny,
    summary: "gross margin over the infrastructure cost is below the minimum",
    explanation: "\
`cost` is what one customer costs per month to serve. The gross margin of a price is
`(price − cost) / price`, for the monthly price and for the yearly price divided by 12, in the
catalog currency; it must be at least `policy.guardrails.min_gross_margin` percent. Costs are
never published.

Bad (min_gross_margin = 60):
    price.monthly = { USD = \"49\" }
    cost = { USD = \"30\" }            # 38.8 % margin

Good:
    price.monthly = { USD = \"99\" }
    cost = { USD = \"30\" }            # 69.7 % margin",
    check,
};

fn check(cx: &Context<'_>, out: &mut Findings) {
    for plan in cx.plans {
        if let Some(api) = plan.api() {
            for (id, t) in &api.tiers {
                let at = format!("api.tiers.{id}");
                one(
                    out,
                    plan,
                    &at,
                    t.cost.as_ref(),
                    t.price.monthly.as_ref(),
                    t.price.yearly.as_ref(),
                );
            }
            for (id, a) in &api.addons {
                let at = format!("api.addons.{id}");
                one(
                    out,
                    plan,
                    &at,
                    a.cost.as_ref(),
                    a.price.monthly.as_ref(),
                    a.price.yearly.as_ref(),
                );
            }
        }
        if let Some(p) = plan.product() {
            one(
                out,
                plan,
                "product",
                p.cost.as_ref(),
                p.price.monthly.as_ref(),
                p.price.yearly.as_ref(),
            );
        }
    }
}

fn one(
    out: &mut Findings,
    plan: &CompiledPlan,
    at: &str,
    cost: Option<&Price>,
    monthly: Option<&Price>,
    yearly: Option<&Price>,
) {
    let cur = plan.catalog().currency;
    let Some(min) = plan.policy().guardrails.min_gross_margin else {
        return;
    };
    let Some(cost) = cost.and_then(|c| c.get(cur)) else {
        return;
    };
    let twelve = Decimal::from(12);
    let candidates = [
        (
            Interval::Monthly,
            monthly.and_then(|p| p.get(cur)).map(|m| m.0),
        ),
        (
            Interval::Yearly,
            yearly.and_then(|p| p.get(cur)).map(|y| y.0 / twelve),
        ),
    ];
    for (interval, per_month) in candidates {
        let Some(price) = per_month.filter(|p| *p > Decimal::ZERO) else {
            continue;
        };
        // Exact: (price − cost) / price < min % ⟺ (price − cost) × 100 < min × price (price > 0).
        if (price - cost.0) * Decimal::ONE_HUNDRED < min.0 * price {
            // Shown rounded down, so the figure shown is below the minimum too.
            let margin = ((price - cost.0) / price * Decimal::ONE_HUNDRED)
                .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::ToNegativeInfinity)
                .normalize();
            let per = if interval == Interval::Yearly {
                " (yearly ÷ 12)"
            } else {
                ""
            };
            out.report(
                plan,
                format!(
                    "gross margin of `{at}` is {margin} % on its {interval} price{per}, below the minimum of {} %",
                    min.0.normalize()
                ),
            )
            .label(
                plan.loc(&format!("{at}.price.{interval}.{cur}")),
                format!("{} {cur} a month", money(price, cur)),
            )
            .also(plan.loc(&format!("{at}.cost.{cur}")), format!("costs {} {cur} a month", cost.to_string_in(cur)))
            .also(plan.loc("policy.guardrails.min_gross_margin"), "minimum set here")
            .help({
                let least = cost.0 / (Decimal::ONE - min.0 / Decimal::ONE_HUNDRED);
                if interval == Interval::Yearly {
                    format!("at this cost the yearly price must be at least {} {cur} a year", money(least * twelve, cur))
                } else {
                    format!("at this cost the monthly price must be at least {} {cur}", money(least, cur))
                }
            });
            return;
        }
    }
}

/// An amount with the currency's decimals, rounded up so the advice is always enough.
fn money(d: Decimal, cur: crate::core::model::money::CurrencyCode) -> String {
    let up = d.round_dp_with_strategy(cur.exponent(), rust_decimal::RoundingStrategy::AwayFromZero);
    crate::core::model::money::Money(up).to_string_in(cur)
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
    fn cost_eats_the_margin() {
        let files = edit(
            "plans/projects/shop-api.toml",
            "cost = { USD = \"10\" }",
            "cost = { USD = \"30\" }",
        );
        assert_eq!(
            run(&RULE, &files),
            [
                "plans/projects/shop-api.toml:20:25: gross margin of `api.tiers.pro` is 40 % on its monthly price, below the minimum of 60 %"
            ]
        );
    }

    #[test]
    fn the_minimum_is_exact() {
        // Cost 10, minimum 60 %: the margin is 60 % at a price of exactly 25.
        super::super::testing::boundary(
            &RULE,
            "plans/projects/shop-api.toml",
            "price.monthly = { USD = \"50\" }",
            "price.monthly = { USD = \"{}\" }",
            &[("24.99", true), ("25", false), ("25.01", false)],
        );
        // 59.98 % must not be rounded up to 60 % and pass.
        let files = edit(
            "plans/projects/shop-api.toml",
            "price.monthly = { USD = \"50\" }",
            "price.monthly = { USD = \"24.99\" }",
        );
        assert_eq!(
            run(&RULE, &files),
            [
                "plans/projects/shop-api.toml:20:25: gross margin of `api.tiers.pro` is 59.98 % on its monthly price, below the minimum of 60 %"
            ]
        );
    }
}
