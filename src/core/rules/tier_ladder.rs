//! R0203 tier-ladder: a higher tier never costs less or includes less than a lower one.

use super::{Context, Findings, Level, Rule};
use crate::core::model::api::{Feature, Limit, Tier};
use crate::core::model::ids::Slug;

pub static RULE: Rule = Rule {
    code: "R0203",
    name: "tier-ladder",
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
        for pair in tiers.windows(2) {
            let [(lo_id, lo), (hi_id, hi)] = pair else {
                continue;
            };
            let lo_at = |f: &str| plan.loc(&format!("api.tiers.{lo_id}.{f}"));
            let hi_at = |f: &str| plan.loc(&format!("api.tiers.{hi_id}.{f}"));
            let step = format!(
                "tier `{hi_id}` (order {}) is above `{lo_id}` (order {})",
                hi.order, lo.order
            );
            if lo.order == hi.order {
                out.report(
                    plan,
                    format!("tiers `{lo_id}` and `{hi_id}` share order {}", hi.order),
                )
                .label(hi_at("order"), "same order")
                .also(lo_at("order"), "as here")
                .help("give every tier its own `order`: the ladder needs one direction");
                continue;
            }
            if !lo.price.contact_sales && !hi.price.contact_sales {
                for (interval, l, h) in [
                    ("monthly", &lo.price.monthly, &hi.price.monthly),
                    ("yearly", &lo.price.yearly, &hi.price.yearly),
                ] {
                    let (Some(l), Some(h)) = (
                        l.as_ref().and_then(|p| p.get(cur)),
                        h.as_ref().and_then(|p| p.get(cur)),
                    ) else {
                        continue;
                    };
                    if h < l {
                        out.report(
                            plan,
                            format!(
                                "{step} but costs less {interval}: {} {cur} < {} {cur}",
                                h.to_string_in(cur),
                                l.to_string_in(cur)
                            ),
                        )
                        .label(
                            hi_at(&format!("price.{interval}.{cur}")),
                            "cheaper than the tier below",
                        )
                        .also(
                            lo_at(&format!("price.{interval}.{cur}")),
                            format!("`{lo_id}` costs this"),
                        )
                        .help("a higher tier costs at least as much as the one below it");
                    }
                }
            }
            if hi.seats < lo.seats {
                out.report(
                    plan,
                    format!(
                        "{step} but has fewer seats: {} < {}",
                        show(hi.seats),
                        show(lo.seats)
                    ),
                )
                .label(hi_at("seats"), "fewer seats")
                .also(lo_at("seats"), format!("`{lo_id}` has {}", show(lo.seats)))
                .help("a higher tier includes at least as many seats");
            }
            for (q, lq) in &lo.quotas {
                match hi.quotas.get(q) {
                    None => {
                        out.report(plan, format!("{step} but lacks quota `{q}`"))
                            .label(plan.loc(&format!("api.tiers.{hi_id}")), format!("no `{q}` quota"))
                            .also(lo_at(&format!("quotas.{q}")), format!("`{lo_id}` includes it"))
                            .help("a higher tier includes every quota of the tier below, at least as large");
                    }
                    Some(hq) if hq.limit < lq.limit => {
                        out.report(
                            plan,
                            format!(
                                "{step} but includes less `{q}`: {} < {}",
                                show(hq.limit),
                                show(lq.limit)
                            ),
                        )
                        .label(hi_at(&format!("quotas.{q}.limit")), "lower quota")
                        .also(
                            lo_at(&format!("quotas.{q}.limit")),
                            format!("`{lo_id}` includes {}", show(lq.limit)),
                        )
                        .help("a higher tier's quota is at least the tier below's");
                    }
                    Some(_) => {}
                }
            }
            for (f, lf) in &lo.features {
                let hf = hi
                    .features
                    .get(f)
                    .copied()
                    .unwrap_or(Feature::Enabled(false));
                if rank(hf) < rank(*lf) {
                    out.report(plan, format!("{step} but has less of feature `{f}`"))
                        .label(
                            if hi.features.contains_key(f) {
                                hi_at(&format!("features.{f}"))
                            } else {
                                plan.loc(&format!("api.tiers.{hi_id}"))
                            },
                            "less of this feature",
                        )
                        .also(lo_at(&format!("features.{f}")), format!("`{lo_id}` has this"))
                        .help("a higher tier includes every feature of the tier below, at least as much");
                }
            }
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
