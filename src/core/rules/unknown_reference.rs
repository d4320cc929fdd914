//! R0101 unknown-reference: every API a product requires, every tier an add-on is offered on
//! and every tier or add-on a promotion applies to must exist.

use super::{Context, Findings, Level, Rule, RuleName};

pub static RULE: Rule = Rule {
    name: RuleName::UnknownReference,
    default: Level::Deny,
    summary: "a product, add-on or promotion refers to an API, tier or add-on that does not exist",
    explanation: "\
A reference to something that does not exist is a typo or a leftover: the product would be
sold as requiring an API nobody can subscribe to, or an add-on offered on a tier that is gone.
Checked: `product.requires` (APIs), `api.addons.*.available_on` (tiers of the same API),
`api.promotions.*.applies_to` (tiers and add-ons of the same API) and
`product.promotions.*.applies_to` (only the product itself), and — when the catalog declares
its features in `[catalog.features]` — every feature a tier lists. Unknown projects and bundle
components are hard errors (P0303, P0306): a plan cannot be built without them.

Bad:
    [api.addons.payment-gateway]
    available_on = [\"grwoth\"]

Good:
    [api.addons.payment-gateway]
    available_on = [\"growth\"]",
    check,
};

fn check(cx: &Context<'_>, out: &mut Findings) {
    for (plan, product) in cx.products() {
        for (id, promo) in &product.promotions {
            for (i, target) in promo
                .applies_to
                .iter()
                .enumerate()
                .filter(|(_, t)| **t != plan.slug)
            {
                out.report(plan, format!("promotion `{id}` applies to `{target}`, which is not this product"))
                    .label(plan.loc(&format!("product.promotions.{id}.applies_to[{i}]")), "not this product")
                    .help(format!("a product's promotion applies to the product itself: leave `applies_to` empty (or list `{}`)", plan.slug));
            }
        }
        for (i, api) in product.requires.iter().enumerate() {
            if !cx.apis.contains_key(api.as_str()) && !cx.slugs.contains(api.as_str()) {
                let help = crate::core::diag::did_you_mean(api.as_str(), cx.apis.keys().copied())
                    .unwrap_or_else(|| "APIs are the files in `plans/projects/`".to_string());
                out.report(
                    plan,
                    format!("`{}` requires unknown API `{api}`", plan.slug),
                )
                .label(plan.loc(&format!("product.requires[{i}]")), "no such API")
                .help(help);
            }
        }
    }
    for (plan, api) in cx.apis() {
        let declared = &plan.catalog().features;
        for (tid, tier) in api.tiers.iter().filter(|_| !declared.is_empty()) {
            for f in tier.features.keys().filter(|f| !declared.contains_key(*f)) {
                let help = crate::core::diag::did_you_mean(
                    f.as_str(),
                    declared.keys().map(|k| k.as_str()),
                )
                .unwrap_or_else(|| {
                    format!("declare it: `[catalog.features.{f}]` with the `name` pages show")
                });
                out.report(plan, format!("tier `{tid}` lists undeclared feature `{f}`"))
                    .label(
                        plan.loc(&format!("api.tiers.{tid}.features.{f}")),
                        "not in `[catalog.features]`",
                    )
                    .help(help);
            }
        }
        let tiers = || api.tiers.keys().map(|t| t.as_str());
        for (id, addon) in &api.addons {
            for (i, tier) in addon.available_on.iter().enumerate() {
                if !api.tiers.contains_key(tier) {
                    out.report(
                        plan,
                        format!("add-on `{id}` is offered on unknown tier `{tier}`"),
                    )
                    .label(
                        plan.loc(&format!("api.addons.{id}.available_on[{i}]")),
                        "no such tier",
                    )
                    .help(did_you_mean(tier.as_str(), tiers()));
                }
            }
        }
        for (id, promo) in &api.promotions {
            for (i, target) in promo.applies_to.iter().enumerate() {
                if !api.tiers.contains_key(target) && !api.addons.contains_key(target) {
                    let all = tiers().chain(api.addons.keys().map(|a| a.as_str()));
                    out.report(
                        plan,
                        format!("promotion `{id}` applies to unknown tier or add-on `{target}`"),
                    )
                    .label(
                        plan.loc(&format!("api.promotions.{id}.applies_to[{i}]")),
                        "no such tier or add-on",
                    )
                    .help(did_you_mean(target.as_str(), all));
                }
            }
        }
    }
}

fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    match crate::core::diag::did_you_mean(word, candidates.iter().copied()) {
        Some(s) => s,
        None => format!(
            "known here: {}",
            candidates
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
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
    fn unknown_required_api_and_tier() {
        let mut files = edit(
            "plans/products/shop-front.toml",
            "project = \"shop-api\"",
            "project = \"shop-api\"\nrequires = [\"shop-ap\"]",
        );
        let api = files
            .iter_mut()
            .find(|(p, _)| p.ends_with("shop-api.toml"))
            .unwrap();
        api.1.push_str("\n[api.addons.gateway]\nname = \"Gateway\"\nprice.monthly = { USD = \"5\" }\navailable_on = [\"por\"]\n");
        assert_eq!(
            run(&RULE, &files),
            [
                "plans/products/shop-front.toml:6:13: `shop-front` requires unknown API `shop-ap`",
                "plans/projects/shop-api.toml:31:17: add-on `gateway` is offered on unknown tier `por`",
            ]
        );
    }

    #[test]
    fn features_must_be_declared_once_the_catalog_declares_any() {
        let declared = edit(
            "plans/core/00-core.toml",
            "locale = \"en-US\"",
            "locale = \"en-US\"\n\n[catalog.features.webhooks]\nname = \"Webhooks\"\n\n[catalog.features.domain]\nname = \"Custom domains\"",
        );
        assert_eq!(
            run(&RULE, &declared),
            [
                "plans/projects/shop-api.toml:15:41: tier `basic` lists undeclared feature `domains`",
                "plans/projects/shop-api.toml:26:41: tier `pro` lists undeclared feature `domains`",
            ]
        );
    }
}
