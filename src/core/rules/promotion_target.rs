//! R0303 promotion-target: a promotion applies only to something with a price to discount.

use super::{Context, Findings, Level, Rule, RuleName};

pub static RULE: Rule = Rule {
    name: RuleName::PromotionTarget,
    default: Level::Deny,
    summary: "a promotion applies to a contact-sales tier, which has no price to discount",
    explanation: "\
A promotion takes money off a price. A contact-sales tier has no public price, so a promotion
that names it in `applies_to` promises a discount nobody can compute. (A promotion with an
empty `applies_to` applies to everything that has a price.) Unknown targets are reported by
`unknown-reference`.

Bad:
    [api.tiers.enterprise]
    price.contact_sales = true
    [api.promotions.launch]
    applies_to = [\"enterprise\"]

Good: list only priced tiers and add-ons in `applies_to`.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Findings) {
    for (plan, api) in cx.apis() {
        for (id, promo) in &api.promotions {
            for (tid, tier) in &api.tiers {
                if !tier.price.contact_sales {
                    continue;
                }
                let named = promo.applies_to.iter().position(|t| t == tid);
                if named.is_none() && !promo.applies_to.is_empty() {
                    continue;
                }
                let at = match named {
                    Some(i) => plan.loc(&format!("api.promotions.{id}.applies_to[{i}]")),
                    None => plan.loc(&format!("api.promotions.{id}")),
                };
                out.report(
                    plan,
                    format!(
                        "promotion `{id}` applies to contact-sales tier `{tid}`, which has no price"
                    ),
                )
                .label(
                    at,
                    if named.is_some() {
                        "a contact-sales tier"
                    } else {
                        "applies to every tier"
                    },
                )
                .also(
                    plan.loc(&format!("api.tiers.{tid}.price.contact_sales")),
                    "no public price",
                )
                .help("list the priced tiers and add-ons it applies to in `applies_to`");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{base, run};
    use super::RULE;

    #[test]
    fn contact_sales_target() {
        let mut files = base();
        let api = files
            .iter_mut()
            .find(|(p, _)| p.ends_with("shop-api.toml"))
            .unwrap();
        api.1.push_str(
            "\n[api.tiers.enterprise]\nname = \"Enterprise\"\norder = 3\nprice.contact_sales = true\nseats = \"unlimited\"\ntrial_days = 14\n\
             quotas.calls = { limit = 9000, period = \"month\", unit = \"calls\", overage = { price = { USD = \"1\" }, per = 100 } }\n\
             features = { webhooks = true, domains = 9 }\n\
             \n[api.promotions.launch]\nname = \"Launch\"\noff = { percent = 10 }\nvalid_from = 2026-01-01T00:00:00Z\napplies_to = [\"pro\", \"enterprise\"]\n",
        );
        assert_eq!(
            run(&RULE, &files),
            [
                "plans/projects/shop-api.toml:41:22: promotion `launch` applies to contact-sales tier `enterprise`, which has no price"
            ]
        );
        assert!(run(&RULE, &base()).is_empty());
    }
}
