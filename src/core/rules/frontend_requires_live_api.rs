//! R0102 frontend-requires-live-api: a live frontend must require at least one API, and every
//! API it requires must be live.

use super::{Context, Findings, Level, Rule, RuleName};
use crate::core::model::api::Status;
use crate::core::model::product::ProductKind;

pub static RULE: Rule = Rule {
    name: RuleName::FrontendRequiresLiveApi,
    default: Level::Deny,
    summary: "a live frontend must require an existing, live API",
    explanation: "\
A frontend is sold to run against an API subscription. A live frontend that requires no API,
or an API that is still a draft or already retired, is a product customers cannot use.
The API a frontend requires defaults to its `project`.

Bad:
    # plans/projects/notify-api.toml has status = \"draft\"
    [product]
    kind = \"frontend\"
    status = \"live\"
    project = \"notify-api\"

Good: keep the frontend in `draft` until its API is `live`, or make the API live first.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Findings) {
    for (plan, product) in cx.products() {
        if product.kind != ProductKind::Frontend || product.status != Status::Live {
            continue;
        }
        if product.requires.is_empty() {
            out.report(
                plan,
                format!("live frontend `{}` does not require any API", plan.slug),
            )
            .label(plan.loc("product.kind"), "a frontend")
            .help("set `project` (or `requires`) to the API this frontend runs against");
            continue;
        }
        for (i, slug) in product.requires.iter().enumerate() {
            let Some(api) = cx.apis.get(slug.as_str()).and_then(|p| p.api()) else {
                continue; // unknown-reference reports it
            };
            if api.status != Status::Live {
                let status = format!("{:?}", api.status).to_lowercase();
                let article = if api.status == Status::Draft {
                    "a draft"
                } else {
                    "retired"
                };
                let at = if product.project.as_ref() == Some(slug) && product.requires.len() == 1 {
                    plan.loc("product.project")
                } else {
                    plan.loc(&format!("product.requires[{i}]"))
                };
                let api_plan = cx.apis[slug.as_str()];
                out.report(
                    plan,
                    format!(
                        "live frontend `{}` requires `{slug}`, which is {article}",
                        plan.slug
                    ),
                )
                .label(at, format!("`{slug}` is not live"))
                .also(
                    api_plan.loc("api.status"),
                    format!("status is `{status}` here"),
                )
                .help("keep the frontend in `draft` until the API is live");
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
    fn frontend_on_a_draft_api() {
        let files = edit(
            "plans/projects/shop-api.toml",
            "status = \"live\"",
            "status = \"draft\"",
        );
        assert_eq!(
            run(&RULE, &files),
            [
                "plans/products/shop-admin.toml:5:11: live frontend `shop-admin` requires `shop-api`, which is a draft",
                "plans/products/shop-front.toml:5:11: live frontend `shop-front` requires `shop-api`, which is a draft",
            ]
        );
    }
}
