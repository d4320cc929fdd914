//! R0206 bundle-price: a bundle's stated price equals the price computed from its components.

use super::{Context, Findings, Level, Rule, RuleName};
use crate::core::model::interval::Interval;
use crate::core::model::money::Percent;
use crate::core::model::product::ProductPrice;

pub static RULE: Rule = Rule {
    name: RuleName::BundlePrice,
    default: Level::Deny,
    summary: "a bundle's stated price differs from the price computed from its components",
    explanation: "\
plancat computes every bundle's price: per interval and currency, the sum of its components'
prices minus the discount, rounded to the currency's minor unit, half away from zero. A bundle
may state the price marketing expects (`stated_price`); when it differs from the computed one,
that is this error, naming both numbers. Hand-typed totals are how fake numbers reach a page.

Bad (components 199 + 399 + 299 at 20 % off = 717.60):
    stated_price.monthly = { USD = \"699\" }

Good:
    stated_price.monthly = { USD = \"717.60\" }    # or leave stated_price out",
    check,
};

fn check(cx: &Context<'_>, out: &mut Findings) {
    for (plan, product) in cx.products() {
        let (Some(bundle), Some(computed)) = (&product.bundle, &plan.computed.bundle_price) else {
            continue;
        };
        for m in mismatches(bundle.stated_price.as_ref(), computed, bundle.discount) {
            let at = plan.loc(&format!(
                "product.bundle.stated_price.{}.{}",
                m.interval, m.currency
            ));
            out.report(
                plan,
                format!(
                    "bundle `{}` states a {} price of {} {}, but its components give {}",
                    plan.slug, m.interval, m.stated, m.currency, m.computed
                ),
            )
            .label(at, format!("components give {}", m.computed))
            .help(m.help);
        }
    }
}

struct Mismatch {
    interval: Interval,
    currency: String,
    stated: String,
    computed: String,
    help: String,
}

/// Every (interval, currency) where a stated bundle price differs from the computed one.
fn mismatches(
    stated: Option<&ProductPrice>,
    computed: &ProductPrice,
    discount: Percent,
) -> Vec<Mismatch> {
    let Some(stated) = stated else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for interval in Interval::ALL {
        let Some(s) = stated.get(interval) else {
            continue;
        };
        let c = computed.get(interval);
        for (cur, amount) in &s.0 {
            let got = c.and_then(|c| c.get(*cur));
            if got == Some(*amount) {
                continue;
            }
            let (computed, help) = match got {
                Some(g) => (
                    format!("{} {cur}", g.to_string_in(*cur)),
                    format!(
                        "set it to \"{}\" or remove it: the price is the components' sum minus {} %, rounded half away from zero to the minor unit",
                        g.to_string_in(*cur),
                        discount.0.normalize()
                    ),
                ),
                None => (
                    "no price".to_string(),
                    format!(
                        "the components have no common {interval} price in {cur}; remove this stated price"
                    ),
                ),
            };
            out.push(Mismatch {
                interval,
                currency: cur.code().to_string(),
                stated: amount.to_string_in(*cur),
                computed,
                help,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::testing::{run, with};
    use super::RULE;

    const BUNDLE: &str = "plans/products/shop-bundle.toml";

    fn bundle(stated: &str) -> String {
        format!(
            "[product]\nname = \"B\"\nkind = \"bundle\"\nstatus = \"live\"\n[product.bundle]\ncomponents = [{{ api = \"shop-api\", tier = \"basic\" }}, {{ product = \"shop-front\" }}]\ndiscount = 10\n{stated}"
        )
    }

    #[test]
    fn stated_price_that_follows_is_clean() {
        // 20 × 0.9 = 18.00 monthly; 49 × 0.9 = 44.10 one-time.
        let text = bundle(
            "stated_price.monthly = { USD = \"18.00\" }\nstated_price.one_time = { USD = \"44.10\" }\n",
        );
        assert!(run(&RULE, &with(&[(BUNDLE, &text)])).is_empty());
    }

    #[test]
    fn stated_price_that_does_not_follow() {
        let text = bundle("stated_price.monthly = { USD = \"17.99\" }\n");
        assert_eq!(
            run(&RULE, &with(&[(BUNDLE, &text)])),
            [
                "plans/products/shop-bundle.toml:8:32: bundle `shop-bundle` states a monthly price of 17.99 USD, but its components give 18.00 USD"
            ]
        );
    }
}
