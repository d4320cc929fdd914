//! R0203 tier-ladder: a higher tier never costs less or includes less than a lower one.

use std::collections::BTreeMap;

use super::{Context, Findings, Level, Rule, RuleName};
use crate::core::model::api::{Feature, Limit, Tier};
use crate::core::model::ids::Slug;
use crate::core::model::interval::Interval;
use crate::core::model::money::Money;

pub static RULE: Rule = Rule {
    name: RuleName::TierLadder,
    default: Level::Deny,
    summary: "a higher tier is cheaper, or includes a lower quota, fewer seats or fewer features",
    explanation: "\
Tiers are a ladder ordered by `order`: each step up costs at least as much and includes at
least as much (quotas, seats, features) as the step below. A Growth tier that costs less than
Starter, or includes fewer API calls, is a pricing mistake customers will find. Contact-sales
tiers are compared on what they include, not on price. Two tiers may not share an `order`.

Bad:
    [api.tiers.starter]
    order = 1
    price.monthly = { USD = \"49\" }
    [api.tiers.growth]
    order = 2
    price.monthly = { USD = \"39\" }

Good: give `growth` a price of at least 49, or swap the orders.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Findings) {
    for (plan, api) in cx.apis() {
        let cur = plan.catalog().currency;
        let mut tiers: Vec<(&Slug, &Tier)> = api.tiers.iter().collect();
        tiers.sort_by_key(|(id, t)| (t.order, (*id).clone()));
        let at = |id: &Slug, f: &str| plan.loc(&format!("api.tiers.{id}.{f}"));
        for pair in tiers.windows(2) {
            let [(a, ta), (b, tb)] = pair else { continue };
            if ta.order == tb.order {
                out.report(
                    plan,
                    format!("tiers `{a}` and `{b}` share order {}", tb.order),
                )
                .label(at(b, "order"), "same order")
                .also(at(a, "order"), "as here")
                .help("give every tier its own `order`: the ladder needs one direction");
            }
        }
        // The most any lower tier offers (or charges), and which tier that is: each tier is
        // compared with everything below it, not only with its neighbour.
        let mut price: BTreeMap<Interval, (Money, &Slug)> = BTreeMap::new();
        let mut seats: Option<(Limit, &Slug)> = None;
        let mut quotas: BTreeMap<&Slug, (Limit, &Slug)> = BTreeMap::new();
        let mut features: BTreeMap<&Slug, (Limit, &Slug)> = BTreeMap::new();
        for (id, t) in &tiers {
            let step = |lo: &Slug| {
                format!(
                    "tier `{id}` (order {}) is above `{lo}` (order {})",
                    t.order, api.tiers[lo].order
                )
            };
            if !t.price.contact_sales {
                for (interval, p) in t.price.by_interval() {
                    let Some(amount) = p.and_then(|p| p.get(cur)) else {
                        continue;
                    };
                    if let Some((lo_amount, lo)) = price.get(&interval).filter(|(m, _)| amount < *m)
                    {
                        out.report(
                            plan,
                            format!(
                                "{} but costs less {interval}: {} {cur} < {} {cur}",
                                step(lo),
                                amount.to_string_in(cur),
                                lo_amount.to_string_in(cur)
                            ),
                        )
                        .label(
                            at(id, &format!("price.{interval}.{cur}")),
                            "cheaper than a tier below",
                        )
                        .also(
                            at(lo, &format!("price.{interval}.{cur}")),
                            format!("`{lo}` costs this"),
                        )
                        .help("a higher tier costs at least as much as every tier below it");
                    }
                    raise(&mut price, interval, amount, id);
                }
            }
            // Seats a tier does not state are not compared: nothing was promised.
            if let Some(t_seats) = t.seats
                && let Some((lo_seats, lo)) = seats.filter(|(s, _)| t_seats < *s)
            {
                out.report(
                    plan,
                    format!(
                        "{} but has fewer seats: {} < {}",
                        step(lo),
                        show(t_seats),
                        show(lo_seats)
                    ),
                )
                .label(at(id, "seats"), "fewer seats")
                .also(at(lo, "seats"), format!("`{lo}` has {}", show(lo_seats)))
                .help("a higher tier includes at least as many seats as every tier below it");
            }
            if let Some(t_seats) = t.seats
                && seats.is_none_or(|(s, _)| t_seats > s)
            {
                seats = Some((t_seats, id));
            }
            for (q, (lo_limit, lo)) in &quotas {
                match t.quotas.get(*q) {
                    None => {
                        out.report(plan, format!("{} but lacks quota `{q}`", step(lo)))
                            .label(plan.loc(&format!("api.tiers.{id}")), format!("no `{q}` quota"))
                            .also(at(lo, &format!("quotas.{q}")), format!("`{lo}` includes it"))
                            .help("a higher tier includes every quota of the tiers below, at least as large");
                    }
                    Some(hq) if hq.included() < *lo_limit => {
                        out.report(
                            plan,
                            format!(
                                "{} but includes less `{q}`: {} < {}",
                                step(lo),
                                show(hq.included()),
                                show(*lo_limit)
                            ),
                        )
                        .label(at(id, &format!("quotas.{q}.limit")), "lower quota")
                        .also(
                            at(lo, &format!("quotas.{q}.limit")),
                            format!("`{lo}` includes {}", show(*lo_limit)),
                        )
                        .help("a higher tier's quota is at least every lower tier's");
                    }
                    Some(_) => {}
                }
            }
            for (q, quota) in &t.quotas {
                raise(&mut quotas, q, quota.included(), id);
            }
            for (f, (lo_rank, lo)) in &features {
                let mine = t.features.get(*f).copied().map_or(Limit::Count(0), rank);
                if mine < *lo_rank {
                    let here = if t.features.contains_key(*f) {
                        at(id, &format!("features.{f}"))
                    } else {
                        plan.loc(&format!("api.tiers.{id}"))
                    };
                    out.report(plan, format!("{} but has less of feature `{f}`", step(lo)))
                        .label(here, "less of this feature")
                        .also(at(lo, &format!("features.{f}")), format!("`{lo}` has this"))
                        .help("a higher tier includes every feature of the tiers below, at least as much");
                }
            }
            for (f, v) in &t.features {
                raise(&mut features, f, rank(*v), id);
            }
        }
    }
}

/// Records `value` for `key` when it is the largest seen so far.
fn raise<'a, K: Ord, V: PartialOrd + Copy>(
    best: &mut BTreeMap<K, (V, &'a Slug)>,
    key: K,
    value: V,
    tier: &'a Slug,
) {
    match best.get(&key) {
        Some((v, _)) if *v >= value => {}
        _ => {
            best.insert(key, (value, tier));
        }
    }
}

/// Orders entitlements: off, then counts, then on or unlimited.
fn rank(f: Feature) -> Limit {
    match f {
        Feature::Enabled(false) => Limit::Count(0),
        Feature::Enabled(true) => Limit::Unlimited,
        Feature::Limit(l) => l,
    }
}

fn show(l: Limit) -> String {
    match l {
        Limit::Count(n) => n.to_string(),
        Limit::Unlimited => "unlimited".into(),
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
    fn cheaper_higher_tier_and_lower_quota() {
        let mut files = edit(
            "plans/projects/shop-api.toml",
            "USD = \"50\"",
            "USD = \"15\"",
        );
        let api = files
            .iter_mut()
            .find(|(p, _)| p.ends_with("shop-api.toml"))
            .unwrap();
        api.1 = api.1.replacen("limit = 5000", "limit = 500", 1);
        assert_eq!(
            run(&RULE, &files),
            [
                "plans/projects/shop-api.toml:20:25: tier `pro` (order 2) is above `basic` (order 1) but costs less monthly: 15.00 USD < 20.00 USD",
                "plans/projects/shop-api.toml:25:26: tier `pro` (order 2) is above `basic` (order 1) but includes less `calls`: 500 < 1000",
            ]
        );
    }

    #[test]
    fn every_lower_tier_counts_not_only_the_neighbour() {
        // basic 20 → pro 50 → enterprise (contact sales) → scale 30: scale is cheaper than pro.
        let mut files = base();
        let api = files
            .iter_mut()
            .find(|(p, _)| p.ends_with("shop-api.toml"))
            .unwrap();
        api.1.push_str(
            "\n[api.tiers.enterprise]\nname = \"Enterprise\"\norder = 3\nprice.contact_sales = true\nseats = 10\n\
             quotas.calls = { limit = 5000, period = \"month\", unit = \"calls\" }\nfeatures = { webhooks = true, domains = 5 }\n\
             \n[api.tiers.scale]\nname = \"Scale\"\norder = 4\nprice.monthly = { USD = \"30\" }\nseats = 10\n\
             quotas.calls = { limit = 5000, period = \"month\", unit = \"calls\" }\nfeatures = { webhooks = true, domains = 5 }\n",
        );
        assert_eq!(
            run(&RULE, &files),
            [
                "plans/projects/shop-api.toml:39:25: tier `scale` (order 4) is above `pro` (order 2) but costs less monthly: 30.00 USD < 50.00 USD"
            ]
        );
    }

    #[test]
    fn fewer_features_higher_up() {
        let files = edit(
            "plans/projects/shop-api.toml",
            "features = { webhooks = true, domains = 5 }",
            "features = { domains = 5 }",
        );
        assert_eq!(
            run(&RULE, &files),
            [
                "plans/projects/shop-api.toml:17:1: tier `pro` (order 2) is above `basic` (order 1) but has less of feature `webhooks`"
            ]
        );
    }
}
