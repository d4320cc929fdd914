//! R0208 price-range: a quoted range or per-unit range ends at or above where it starts, in
//! every currency it states.

use super::{Context, Findings, Level, Rule, RuleName};
use crate::core::model::money::Price;

pub static RULE: Rule = Rule {
    name: RuleName::PriceRange,
    default: Level::Deny,
    summary: "a price range whose high end is below its low end",
    explanation: "\
A service may state a range instead of one price: `price.range = { from, to }` (\"$99–499\")
or `price.per_unit = { price, up_to, unit }` (\"$150–300 / hour\"). Pages show both ends as
stated, so a high end below the low end (usually swapped fields or a missing digit) would be
published as a nonsensical price.

Bad:
    price.per_unit = { price = { USD = \"300\" }, up_to = { USD = \"150\" }, unit = \"hour\" }

Good:
    price.per_unit = { price = { USD = \"150\" }, up_to = { USD = \"300\" }, unit = \"hour\" }",
    check,
};

fn check(cx: &Context<'_>, out: &mut Findings) {
    for (plan, product) in cx.products() {
        let p = &product.price;
        let ranges: [(&str, Option<(&Price, &Price)>); 2] = [
            (
                "product.price.range",
                p.range
                    .as_ref()
                    .and_then(|r| Some((&r.from, r.to.as_ref()?))),
            ),
            (
                "product.price.per_unit",
                p.per_unit
                    .as_ref()
                    .and_then(|u| Some((&u.price, u.up_to.as_ref()?))),
            ),
        ];
        for (at, range) in ranges {
            let Some((low, high)) = range else { continue };
            let (low_field, high_field) = if at.ends_with("range") {
                ("from", "to")
            } else {
                ("price", "up_to")
            };
            for (cur, lo) in &low.0 {
                let Some(hi) = high.get(*cur) else { continue };
                if hi.0 < lo.0 {
                    out.report(
                        plan,
                        format!(
                            "`{at}` ends at {} {cur}, below where it starts ({} {cur})",
                            hi.to_string_in(*cur),
                            lo.to_string_in(*cur)
                        ),
                    )
                    .label(
                        plan.loc(&format!("{at}.{high_field}.{cur}")),
                        "the high end",
                    )
                    .also(plan.loc(&format!("{at}.{low_field}.{cur}")), "the low end")
                    .help(format!(
                        "`{low_field}` is the low end and `{high_field}` the high one: swap them, \
                         or check for a missing digit"
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{base, run, with};
    use super::RULE;

    const SERVICE: &str = "[product]\nname = \"Audit\"\nkind = \"service\"\nstatus = \"live\"\n";

    #[test]
    fn clean() {
        assert!(run(&RULE, &base()).is_empty());
        let ok = format!(
            "{SERVICE}price.per_unit = {{ price = {{ USD = \"150\" }}, up_to = {{ USD = \"300\" }}, unit = \"hour\" }}\nprice.range = {{ from = {{ USD = \"99\" }}, to = {{ USD = \"99\" }} }}\n"
        );
        assert!(run(&RULE, &with(&[("plans/products/audit.toml", &ok)])).is_empty());
    }

    #[test]
    fn a_swapped_range_is_found_in_both_shapes() {
        let bad = format!(
            "{SERVICE}price.per_unit = {{ price = {{ USD = \"300\" }}, up_to = {{ USD = \"150\" }}, unit = \"hour\" }}\nprice.range = {{ from = {{ USD = \"499\" }}, to = {{ USD = \"99\" }} }}\n"
        );
        assert_eq!(
            run(&RULE, &with(&[("plans/products/audit.toml", &bad)])),
            [
                "plans/products/audit.toml:6:54: `product.price.range` ends at 99.00 USD, below where it starts (499.00 USD)",
                "plans/products/audit.toml:5:61: `product.price.per_unit` ends at 150.00 USD, below where it starts (300.00 USD)",
            ]
        );
    }
}
