//! R0302 promotion-window: a promotion's window is not empty.

use super::{Context, Findings, Level, Rule, RuleName, promotions};

pub static RULE: Rule = Rule {
    name: RuleName::PromotionWindow,
    default: Level::Deny,
    summary: "a promotion ends before it starts, so it is never valid",
    explanation: "\
A promotion is valid from `valid_from` until `valid_until`. When `valid_until` is not after
`valid_from` the promotion can never apply: usually swapped dates or a wrong year. (A promotion
that starts in the future is fine: it is published now and applies from then.)

Bad:
    valid_from = 2026-12-01T00:00:00Z
    valid_until = 2026-01-01T00:00:00Z

Good:
    valid_from = 2026-12-01T00:00:00Z
    valid_until = 2027-01-01T00:00:00Z",
    check,
};

fn check(cx: &Context<'_>, out: &mut Findings) {
    for plan in cx.plans {
        for (at, id, p) in promotions::of(plan) {
            if let Some(until) = p.valid_until.filter(|u| *u <= p.valid_from) {
                out.report(
                    plan,
                    format!(
                        "promotion `{id}` ends ({until}) before it starts ({})",
                        p.valid_from
                    ),
                )
                .label(
                    plan.loc(&format!("{at}.valid_until")),
                    "not after `valid_from`",
                )
                .also(plan.loc(&format!("{at}.valid_from")), "starts here")
                .help("check for swapped dates");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{base, run};
    use super::RULE;

    #[test]
    fn swapped_dates() {
        let mut files = base();
        let api = files
            .iter_mut()
            .find(|(p, _)| p.ends_with("shop-api.toml"))
            .unwrap();
        api.1.push_str("\n[api.promotions.x]\nname = \"X\"\noff = { percent = 10 }\nvalid_from = 2026-12-01T00:00:00Z\nvalid_until = 2026-01-01T00:00:00Z\n");
        assert_eq!(
            run(&RULE, &files),
            [
                "plans/projects/shop-api.toml:32:15: promotion `x` ends (2026-01-01T00:00:00Z) before it starts (2026-12-01T00:00:00Z)"
            ]
        );
        assert!(run(&RULE, &base()).is_empty());
    }
}
