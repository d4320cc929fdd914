//! R0103 api-needs-frontends: a live API needs at least two live frontend products.

use super::{Context, Findings, Level, Rule, RuleName};
use crate::core::model::api::Status;
use crate::core::model::product::ProductKind;

pub static RULE: Rule = Rule {
    name: RuleName::ApiNeedsFrontends,
    default: Level::Deny,
    summary: "a live API with fewer than 2 live frontend products cannot launch",
    explanation: "\
The business sells APIs through the frontends built on them: an API goes live with at least
two live frontend products that require it, so its page has something to offer. Only projects
of `kind = \"api\"` (the default) are checked — a membership, software or managed service sells
itself — and a catalog that sells no frontend products at all is not checked; any other
business whose model differs sets this rule to `allow` in core.

Bad:
    # shop-api is live, and only shop-front requires it

Good: add a second live frontend with `project = \"shop-api\"`, or keep the API in `draft`.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Findings) {
    // A business that sells no frontends at all (memberships, managed services) is not the
    // API-plus-frontends business this rule is about.
    if !cx.products().any(|(_, p)| p.kind == ProductKind::Frontend) {
        return;
    }
    for (plan, api) in cx.apis() {
        if api.status != Status::Live || !api.kind.is_api() {
            continue;
        }
        let fronts: Vec<_> = cx
            .products()
            .filter(|(_, p)| {
                p.kind == ProductKind::Frontend
                    && p.status == Status::Live
                    && p.requires.contains(&plan.slug)
            })
            .collect();
        if fronts.len() < 2 {
            let d = out
                .report(
                    plan,
                    format!(
                        "live API `{}` has {}; it needs at least 2 to launch",
                        plan.slug,
                        crate::core::diag::count(fronts.len(), "live frontend product"),
                    ),
                )
                .label(plan.loc("api.status"), "live")
                .help("add live frontends that require this API, or keep it in `draft`");
            for (p, _) in fronts {
                d.also(p.loc("product.kind"), format!("`{}` is one", p.slug));
            }
        }
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
    fn one_frontend_is_not_enough() {
        let files = edit(
            "plans/products/shop-admin.toml",
            "status = \"live\"",
            "status = \"draft\"",
        );
        assert_eq!(
            run(&RULE, &files),
            [
                "plans/projects/shop-api.toml:3:10: live API `shop-api` has 1 live frontend product; it needs at least 2 to launch"
            ]
        );
    }

    #[test]
    fn a_catalog_that_sells_no_frontends_is_not_checked() {
        // Every product a kit: a business without frontends (its API sold on its own).
        let files: Vec<(String, String)> = base()
            .into_iter()
            .map(|(p, t)| (p, t.replace("kind = \"frontend\"", "kind = \"kit\"")))
            .collect();
        assert!(files.iter().any(|(_, t)| t.contains("kind = \"kit\"")));
        assert!(run(&RULE, &files).is_empty(), "{:?}", run(&RULE, &files));
        // One frontend left: the rule applies again.
        let one = edit(
            "plans/products/shop-admin.toml",
            "status = \"live\"",
            "status = \"draft\"",
        );
        assert_eq!(run(&RULE, &one).len(), 1);
    }

    #[test]
    fn a_project_that_is_not_an_api_is_not_checked() {
        let one = edit(
            "plans/products/shop-admin.toml",
            "status = \"live\"",
            "status = \"draft\"",
        );
        assert_eq!(run(&RULE, &one).len(), 1);
        let membership: Vec<(String, String)> = one
            .into_iter()
            .map(|(p, t)| (p, t.replace("[api]\n", "[api]\nkind = \"membership\"\n")))
            .collect();
        assert!(
            membership
                .iter()
                .any(|(_, t)| t.contains("kind = \"membership\""))
        );
        assert!(run(&RULE, &membership).is_empty());
    }
}
