//! Computed values: a bundle's price is derived from its components, never typed by hand.
//!
//! Rule: per interval and currency, sum the components' prices, then take off the discount:
//! `sum × (100 − discount) / 100`, rounded to the currency's minor unit, half away from zero.
//! A one-time price sums the components' one-time prices; a recurring interval (monthly,
//! yearly) is given only when every recurring component has it; a currency only when every
//! contributing component is priced in it.
//! Invariant: arithmetic is checked; an overflow is an error, never a panic or a wrap.

use std::collections::BTreeMap;

use rust_decimal::{Decimal, RoundingStrategy};

use crate::core::diag::did_you_mean;
use crate::core::model::api::{Api, TierPrice};
use crate::core::model::ids::Slug;
use crate::core::model::money::{CurrencyCode, Money, Percent, Price};
use crate::core::model::product::{
    Bundle, Component, Product, ProductKind, ProductPrice, Rounding,
};

/// Why a bundle's price could not be computed: `component` indexes `bundle.components`, and
/// `field` names the component's offending key (`api`, `tier`, `product`).
#[derive(Debug, PartialEq)]
pub struct ComputeError {
    pub component: Option<usize>,
    pub field: Option<&'static str>,
    pub message: String,
    pub label: &'static str,
    pub help: Option<String>,
    /// The unknown API or product slug, when that is the problem.
    pub refers_to: Option<String>,
}

/// `amount` minus `percent` %, rounded to `exponent` decimals, half away from zero.
/// `None` on overflow.
pub fn discounted(amount: Decimal, percent: Percent, exponent: u32) -> Option<Decimal> {
    Some(
        exact(amount, percent)?
            .round_dp_with_strategy(exponent, RoundingStrategy::MidpointAwayFromZero),
    )
}

/// `amount` minus `percent` %, unrounded. `None` on overflow.
fn exact(amount: Decimal, percent: Percent) -> Option<Decimal> {
    let keep = Decimal::ONE_HUNDRED.checked_sub(percent.0)?;
    amount.checked_mul(keep)?.checked_div(Decimal::ONE_HUNDRED)
}

/// `amount` minus `percent` %, rounded by `rule` from the exact value. `None` on overflow.
pub fn rounded(
    amount: Decimal,
    percent: Percent,
    exponent: u32,
    rule: Rounding,
) -> Option<Decimal> {
    match rule {
        Rounding::Minor => discounted(amount, percent, exponent),
        // Down, as charm: a rounded bundle never costs more than its discount promised.
        Rounding::Whole => Some(exact(amount, percent)?.floor()),
        Rounding::Charm => {
            let exact = exact(amount, percent)?;
            // The step between charm prices, and how far below each step the charm sits.
            let (step, below) = if exponent > 0 {
                (Decimal::ONE, Decimal::new(1, 2))
            } else {
                (Decimal::TEN, Decimal::ONE)
            };
            let charm = (exact / step)
                .floor()
                .checked_add(Decimal::ONE)?
                .checked_mul(step)?
                - below;
            let charm = if charm > exact { charm - step } else { charm };
            // Below the first charm price, there is none: the minor unit.
            if charm < Decimal::ZERO {
                discounted(amount, percent, exponent)
            } else {
                Some(charm)
            }
        }
    }
}

/// Every component's problem is reported, not only the first.
pub fn bundle_price(
    bundle: &Bundle,
    apis: &BTreeMap<&Slug, &Api>,
    products: &BTreeMap<&Slug, &Product>,
) -> Result<ProductPrice, Vec<ComputeError>> {
    let mut prices = Vec::with_capacity(bundle.components.len());
    let mut errors = Vec::new();
    for (i, c) in bundle.components.iter().enumerate() {
        match component_price(c, apis, products) {
            Ok(p) => prices.push(p),
            Err(mut e) => {
                e.component = Some(i);
                errors.push(e);
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let recurring: Vec<&ProductPrice> = prices
        .iter()
        .filter(|p| p.monthly.is_some() || p.yearly.is_some())
        .collect();
    // Every one-time part: one-time prices and setup fees alike.
    let one_time: Vec<&Price> = prices
        .iter()
        .flat_map(|p| [p.one_time.as_ref(), p.setup.as_ref()])
        .flatten()
        .collect();
    let every_recurring = |get: fn(&ProductPrice) -> Option<&Price>| -> Option<Vec<&Price>> {
        recurring.iter().map(|p| get(p)).collect()
    };
    let total = |parts: Option<Vec<&Price>>| -> Result<Option<Price>, Vec<ComputeError>> {
        match parts {
            Some(parts) if !parts.is_empty() => {
                sum_discounted(&parts, bundle.discount, bundle.rounding).ok_or_else(|| {
                    vec![ComputeError {
                        component: None,
                        field: None,
                        message: "bundle price overflows".into(),
                        label: "this bundle",
                        help: None,
                        refers_to: None,
                    }]
                })
            }
            _ => Ok(None),
        }
    };
    Ok(ProductPrice {
        one_time: total(Some(one_time))?,
        monthly: total(every_recurring(|p| p.monthly.as_ref()))?,
        yearly: total(every_recurring(|p| p.yearly.as_ref()))?,
        ..ProductPrice::default()
    })
}

/// The price a component brings into a bundle.
fn component_price(
    c: &Component,
    apis: &BTreeMap<&Slug, &Api>,
    products: &BTreeMap<&Slug, &Product>,
) -> Result<ProductPrice, ComputeError> {
    let err = |field: &'static str, message: String, label: &'static str, help: Option<String>| {
        ComputeError {
            component: None,
            field: Some(field),
            message,
            label,
            help,
            refers_to: None,
        }
    };
    match c {
        Component::Tier { api, tier } => {
            let a = apis.get(api).ok_or_else(|| ComputeError {
                refers_to: Some(api.to_string()),
                ..err(
                    "api",
                    format!("bundle component refers to unknown API `{api}`"),
                    "no such API",
                    did_you_mean(api.as_str(), apis.keys().map(|s| s.as_str())),
                )
            })?;
            let t = a.tiers.get(tier).ok_or_else(|| {
                err(
                    "tier",
                    format!("bundle component refers to unknown tier `{tier}` of `{api}`"),
                    "no such tier",
                    did_you_mean(tier.as_str(), a.tiers.keys().map(Slug::as_str)),
                )
            })?;
            match &t.price {
                TierPrice {
                    contact_sales: true,
                    ..
                } => Err(err(
                    "tier",
                    format!("tier `{tier}` of `{api}` is contact-sales and has no price to bundle"),
                    "contact-sales tier",
                    None,
                )),
                TierPrice {
                    monthly,
                    yearly,
                    setup,
                    ..
                } => Ok(ProductPrice {
                    // A setup fee is the tier's one-time part.
                    setup: setup.clone(),
                    monthly: monthly.clone(),
                    yearly: yearly.clone(),
                    ..ProductPrice::default()
                }),
            }
        }
        Component::Product { product } => {
            let p = products.get(product).ok_or_else(|| ComputeError {
                refers_to: Some(product.to_string()),
                ..err(
                    "product",
                    format!("bundle component refers to unknown product `{product}`"),
                    "no such product",
                    did_you_mean(product.as_str(), products.keys().map(|s| s.as_str())),
                )
            })?;
            if p.kind == ProductKind::Bundle {
                return Err(err(
                    "product",
                    format!("`{product}` is a bundle; bundles cannot contain bundles"),
                    "a bundle",
                    None,
                ));
            }
            if p.price.per_unit.is_some() || p.price.range.is_some() {
                return Err(err(
                    "product",
                    format!(
                        "`{product}` is priced per unit or by quote; a bundle's price is computed \
                         from fixed prices only"
                    ),
                    "no fixed price",
                    Some(
                        "bundle it at a fixed price (`price.one_time` or a monthly price), or sell \
                         the bundle through sales (`contact_sales = true`) without this component"
                            .into(),
                    ),
                ));
            }
            Ok(p.price.clone())
        }
    }
}

/// Sums prices in the currencies all of them have, then discounts. `None` on overflow;
/// `Some(None)` when they share no currency.
fn sum_discounted(
    parts: &[&Price],
    discount: Percent,
    rounding: Rounding,
) -> Option<Option<Price>> {
    let currencies: Vec<CurrencyCode> = parts[0]
        .0
        .keys()
        .filter(|c| parts.iter().all(|p| p.0.contains_key(c)))
        .copied()
        .collect();
    if currencies.is_empty() {
        return Some(None);
    }
    let mut out = BTreeMap::new();
    for c in currencies {
        let mut sum = Decimal::ZERO;
        for p in parts {
            sum = sum.checked_add(p.0[&c].0)?;
        }
        out.insert(c, Money(rounded(sum, discount, c.exponent(), rounding)?));
    }
    Some(Some(Price(out)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pct(n: i64) -> Percent {
        Percent::new(Decimal::from(n)).unwrap()
    }

    #[test]
    fn discount_rounds_half_away_from_zero_to_the_minor_unit() {
        // 0.125 → 0.13 in a 2-digit currency, 1.0005 → 1.001 in a 3-digit one.
        assert_eq!(
            discounted(Decimal::new(25, 2), pct(50), 2),
            Some(Decimal::new(13, 2))
        );
        assert_eq!(
            discounted(Decimal::new(2001, 3), pct(50), 3),
            Some(Decimal::new(1001, 3))
        );
        // JPY has no minor unit: 999 × 0.75 = 749.25 → 749.
        assert_eq!(
            discounted(Decimal::from(999), pct(25), 0),
            Some(Decimal::from(749))
        );
        // Managed services: 199 + 399 + 299 at 20 % off.
        assert_eq!(
            discounted(Decimal::from(897), pct(20), 2),
            Some(Decimal::new(71760, 2))
        );
    }

    #[test]
    fn a_declared_rounding_applies_once_to_the_exact_discounted_price() {
        let d = |n: i64, scale: u32| Decimal::new(n, scale);
        // 897 at 20 % off is exactly 717.60.
        assert_eq!(
            // Whole units, down: 717.60 → 717, never 718 (above the discounted price).
            rounded(d(897, 0), pct(20), 2, Rounding::Minor),
            Some(d(71760, 2))
        );
        // Whole units, down: 717.60 → 717, never 718 (above the discounted price).
        assert_eq!(
            rounded(d(897, 0), pct(20), 2, Rounding::Whole),
            Some(d(717, 0))
        );
        assert_eq!(
            rounded(d(897, 0), pct(20), 2, Rounding::Charm),
            Some(d(71699, 2))
        );
        // A charm price is never above the exact one: 717.995 keeps 717.99.
        assert_eq!(
            rounded(d(717995, 3), pct(0), 2, Rounding::Charm),
            Some(d(71799, 2))
        );
        // Without a minor unit (JPY) the charm ends in 9: 7,179.6 → 7,179.
        assert_eq!(
            rounded(d(71796, 1), pct(0), 0, Rounding::Charm),
            Some(d(7179, 0))
        );
        // Below the first charm price there is none: the minor unit.
        assert_eq!(
            rounded(d(50, 2), pct(0), 2, Rounding::Charm),
            Some(d(50, 2))
        );
    }

    proptest! {
        #[test]
        fn a_charm_price_is_at_most_the_exact_price_and_within_one_step_of_it(
            minor in 100i64..=1_000_000_000,
            exp in 0u32..=2,
            p in 0i64..=90,
        ) {
            let amount = Decimal::new(minor, exp);
            let exact = amount * (Decimal::ONE_HUNDRED - Decimal::from(p)) / Decimal::ONE_HUNDRED;
            let step = if exp > 0 { Decimal::ONE } else { Decimal::TEN };
            let charm = rounded(amount, pct(p), exp, Rounding::Charm).unwrap();
            if exact >= step {
                prop_assert!(charm <= exact);
                prop_assert!(exact - charm < step);
                prop_assert_eq!((charm + step - (if exp > 0 { Decimal::new(99, 2) } else { Decimal::from(9) })) % step, Decimal::ZERO);
            }
        }

        #[test]
        fn no_rounding_rule_puts_a_price_above_its_list_price(
            minor in 0i64..=1_000_000_000,
            exp in 0u32..=3,
            p in 0i64..=100,
        ) {
            let amount = Decimal::new(minor, exp);
            for rule in [Rounding::Minor, Rounding::Whole, Rounding::Charm] {
                let r = rounded(amount, pct(p), exp, rule).unwrap();
                prop_assert!(r >= Decimal::ZERO);
                prop_assert!(r <= amount, "{rule:?}: {r} > {amount}");
            }
        }

        #[test]
        fn discount_never_negative_nor_above_list(
            minor in 0i64..=i64::MAX / 1000,
            exp in 0u32..=3,
            p in 0i64..=100,
        ) {
            let amount = Decimal::new(minor, exp);
            let d = discounted(amount, pct(p), exp).unwrap();
            prop_assert!(d >= Decimal::ZERO);
            prop_assert!(d <= amount);
            prop_assert!(d.scale() <= exp);
        }

        #[test]
        fn discount_does_not_panic_at_the_edges(minor in any::<i64>(), exp in 0u32..=3, p in 0i64..=100) {
            let _ = discounted(Decimal::new(minor.saturating_abs(), exp), pct(p), exp);
            let _ = discounted(Decimal::MAX, pct(p), exp);
        }
    }
}
