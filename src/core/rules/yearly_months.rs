//! R0204 yearly-months: a yearly price is between `min` and `max` months of the monthly one.

use rust_decimal::Decimal;

use super::{Context, Findings, Level, Rule, RuleName};
use crate::core::compile::CompiledPlan;
use crate::core::model::money::{Money, Price};

pub static RULE: Rule = Rule {
    name: RuleName::YearlyMonths,
    default: Level::Deny,
    summary: "a yearly price is outside the allowed range of months of the monthly price",
    explanation: "\
`policy.guardrails.yearly_months = { min = 9, max = 12 }` says a yearly price costs between 9
and 12 months of the monthly one: paying yearly is never dearer than monthly, and the yearly
discount is never more than 3 months free. Checked in the catalog currency for tiers, add-ons
and recurring products that have both prices.

Bad:
    price.monthly = { USD = \"49\" }
    price.yearly = { USD = \"49\" }       # one month for a year

Good:
    price.monthly = { USD = \"49\" }
    price.yearly = { USD = \"490\" }      # 10 months",
    check,
};

fn check(cx: &Context<'_>, out: &mut Findings) {
    for plan in cx.plans {
        if let Some(api) = plan.api() {
            for (id, t) in &api.tiers {
                one(
                    out,
                    plan,
                    &format!("api.tiers.{id}.price"),
                    t.price.monthly.as_ref(),
                    t.price.yearly.as_ref(),
                );
            }
            for (id, a) in &api.addons {
                one(
                    out,
                    plan,
                    &format!("api.addons.{id}.price"),
                    a.price.monthly.as_ref(),
                    a.price.yearly.as_ref(),
                );
            }
        }
        if let Some(p) = plan.product() {
            one(
                out,
                plan,
                "product.price",
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
    monthly: Option<&Price>,
    yearly: Option<&Price>,
) {
    let cur = plan.catalog().currency;
    let Some(range) = &plan.policy().guardrails.yearly_months else {
        return;
    };
    let (Some(m), Some(y)) = (
        monthly.and_then(|p| p.get(cur)),
        yearly.and_then(|p| p.get(cur)),
    ) else {
        return;
    };
    if m.0 <= Decimal::ZERO {
        return;
    }
    // Exact: min ≤ yearly / monthly ≤ max ⟺ min × monthly ≤ yearly ≤ max × monthly.
    if !(range.min.0 * m.0 <= y.0 && y.0 <= range.max.0 * m.0) {
        // Shown to two places, or four when two would print a value inside the range.
        let exact = y.0 / m.0;
        let months = match exact.round_dp(2) {
            r if range.min.0 <= r && r <= range.max.0 => exact.round_dp(4),
            r => r,
        };
        out.report(
            plan,
            format!(
                "`{at}.yearly` is {} of the monthly price; the allowed range is {} to {} months",
                crate::core::diag::plural(months.normalize(), months == Decimal::ONE, "month"),
                range.min.0.normalize(),
                range.max.0.normalize()
            ),
        )
        .label(
            plan.loc(&format!("{at}.yearly.{cur}")),
            format!("{} × monthly", months.normalize()),
        )
        .also(
            plan.loc("policy.guardrails.yearly_months"),
            "range set here",
        )
        .help(format!(
            "with a monthly price of {} {cur}, a yearly price between {} and {} {cur} fits",
            m.to_string_in(cur),
            Money((m.0 * range.min.0).round_dp_with_strategy(
                cur.exponent(),
                rust_decimal::RoundingStrategy::ToPositiveInfinity
            ))
            .to_string_in(cur),
            Money((m.0 * range.max.0).round_dp_with_strategy(
                cur.exponent(),
                rust_decimal::RoundingStrategy::ToNegativeInfinity
            ))
            .to_string_in(cur)
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
    fn yearly_dearer_than_twelve_months() {
        let files = edit(
            "plans/projects/shop-api.toml",
            "USD = \"200\"",
            "USD = \"260\"",
        );
        assert_eq!(
            run(&RULE, &files),
            [
                "plans/projects/shop-api.toml:10:24: `api.tiers.basic.price.yearly` is 13 months of the monthly price; the allowed range is 9 to 12 months"
            ]
        );
    }

    #[test]
    fn the_range_is_exact() {
        // Monthly 20, 9 to 12 months: 180 to 240 a year.
        super::super::testing::boundary(
            &RULE,
            "plans/projects/shop-api.toml",
            "USD = \"200\"",
            "USD = \"{}\"",
            &[
                ("179.99", true),
                ("180", false),
                ("180.01", false),
                ("239.99", false),
                ("240", false),
                ("240.01", true),
            ],
        );
    }

    #[test]
    fn a_value_just_outside_never_prints_as_the_edge() {
        let files = edit(
            "plans/projects/shop-api.toml",
            "USD = \"200\"",
            "USD = \"240.01\"",
        );
        let found = run(&RULE, &files);
        assert!(
            found[0].contains("is 12.0005 months of the monthly price"),
            "{found:?}"
        );
    }
}
