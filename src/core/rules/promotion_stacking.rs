//! R0304 promotion-stacking: a promotion is stackable only where policy allows stacking.

use super::{Context, Findings, Level, Rule, RuleName, promotions};

pub static RULE: Rule = Rule {
    name: RuleName::PromotionStacking,
    default: Level::Deny,
    summary: "a promotion is stackable but the promotion policy does not allow stacking",
    explanation: "\
When `policy.promotions.allow_stacking` is false, no promotion may combine with another: a
`stackable = true` promotion would let customers add discounts up beyond anything the
guardrails allow.

Bad (allow_stacking = false):
    [api.promotions.spring]
    stackable = true

Good:
    stackable = false      # the default",
    check,
};

fn check(cx: &Context<'_>, out: &mut Findings) {
    for plan in cx.plans {
        if plan.policy().promotions.allow_stacking {
            continue;
        }
        for (at, id, p) in promotions::of(plan) {
            if p.stackable {
                out.report(plan, format!("promotion `{id}` is stackable, but the promotion policy does not allow stacking"))
                    .label(plan.loc(&format!("{at}.stackable")), "stackable")
                    .help("set `stackable = false`, or set `allow_stacking = true` in `[policy.promotions]` in core");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{base, run};
    use super::RULE;

    #[test]
    fn stacking_not_allowed() {
        let mut files = base();
        let api = files
            .iter_mut()
            .find(|(p, _)| p.ends_with("shop-api.toml"))
            .unwrap();
        api.1.push_str("\n[api.promotions.x]\nname = \"X\"\noff = { percent = 10 }\nvalid_from = 2026-01-01T00:00:00Z\nstackable = true\n");
        assert_eq!(
            run(&RULE, &files),
            [
                "plans/projects/shop-api.toml:32:13: promotion `x` is stackable, but the promotion policy does not allow stacking"
            ]
        );
        assert!(run(&RULE, &base()).is_empty());
    }
}
