//! R0402 quota-policy: quotas follow the quota policy (unlimited allowed? overage required?).

use super::{Context, Findings, Level, Rule, RuleName};
use crate::core::model::api::Limit;

pub static RULE: Rule = Rule {
    name: RuleName::QuotaPolicy,
    default: Level::Deny,
    summary: "a quota is unlimited where policy forbids it, has no overage price where one is required, or states neither",
    explanation: "\
`policy.quota.allow_unlimited = false` forbids `limit = \"unlimited\"`; `require_overage = true`
requires every limited quota to say what usage beyond it costs (`overage`), so child APIs never
have to guess between blocking a customer and charging them. A quota with no `limit` is a pure
usage fee (nothing included, every unit paid at its `overage` price); one with neither a
`limit` nor an `overage` says nothing a child API could enforce, and is always reported.

Bad (require_overage = true):
    quotas.calls = { limit = 1000, period = \"month\", unit = \"API calls\" }

Good:
    quotas.calls = { limit = 1000, period = \"month\", unit = \"API calls\", overage = { price = { USD = \"1\" }, per = 1000 } }",
    check,
};

fn check(cx: &Context<'_>, out: &mut Findings) {
    for (plan, api) in cx.apis() {
        let policy = &plan.policy().quota;
        for (tid, t) in &api.tiers {
            for (qid, q) in &t.quotas {
                let at = format!("api.tiers.{tid}.quotas.{qid}");
                if q.limit.is_none() && q.overage.is_none() {
                    out.report(plan, format!("quota `{qid}` of tier `{tid}` includes nothing and charges nothing"))
                        .label(plan.loc(&at), "no `limit`, no `overage`")
                        .help("state what is included (`limit = 10000`), what each unit costs (`overage = { price = { … }, per = … }`), or both");
                } else if q.limit == Some(Limit::Unlimited) && !policy.allow_unlimited {
                    out.report(plan, format!("quota `{qid}` of tier `{tid}` is unlimited, which the quota policy forbids"))
                        .label(plan.loc(&format!("{at}.limit")), "unlimited")
                        .also(plan.loc("policy.quota.allow_unlimited"), "forbidden here")
                        .help("give the quota a limit (and an overage price)");
                } else if q.limit != Some(Limit::Unlimited)
                    && q.overage.is_none()
                    && policy.require_overage
                {
                    out.report(plan, format!("quota `{qid}` of tier `{tid}` has no overage price, which the quota policy requires"))
                        .label(plan.loc(&at), "no `overage`")
                        .also(plan.loc("policy.quota.require_overage"), "required here")
                        .help("add `overage = { price = { … }, per = … }`");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{base, edit, run};
    use super::RULE;

    #[test]
    fn unlimited_and_missing_overage() {
        let mut files = base();
        let core = files
            .iter_mut()
            .find(|(p, _)| p.ends_with("00-core.toml"))
            .unwrap();
        core.1
            .push_str("\n[policy.quota]\nallow_unlimited = false\nrequire_overage = true\n");
        let api = files
            .iter_mut()
            .find(|(p, _)| p.ends_with("shop-api.toml"))
            .unwrap();
        api.1 = api.1.replacen("limit = 5000", "limit = \"unlimited\"", 1);
        api.1 = api
            .1
            .replacen(", overage = { price = { USD = \"1\" }, per = 100 }", "", 1);
        assert_eq!(
            run(&RULE, &files),
            [
                "plans/projects/shop-api.toml:14:16: quota `calls` of tier `basic` has no overage price, which the quota policy requires",
                "plans/projects/shop-api.toml:25:26: quota `calls` of tier `pro` is unlimited, which the quota policy forbids",
            ]
        );
        assert!(run(&RULE, &base()).is_empty());
    }

    #[test]
    fn a_pure_usage_fee_is_fine_and_a_quota_stating_nothing_is_not() {
        let usage = edit(
            "plans/projects/shop-api.toml",
            "quotas.calls = { limit = 1000,",
            "quotas.calls = {",
        );
        assert!(run(&RULE, &usage).is_empty(), "{:?}", run(&RULE, &usage));
        let mut nothing = base();
        let api = nothing
            .iter_mut()
            .find(|(p, _)| p.ends_with("shop-api.toml"))
            .unwrap();
        api.1 = api.1.replacen(
            "quotas.calls = { limit = 1000, period = \"month\", unit = \"calls\", overage = { price = { USD = \"1\" }, per = 100 } }",
            "quotas.calls = { period = \"month\", unit = \"calls\" }",
            1,
        );
        assert_eq!(
            run(&RULE, &nothing),
            [
                "plans/projects/shop-api.toml:14:16: quota `calls` of tier `basic` includes nothing and charges nothing"
            ]
        );
    }
}
