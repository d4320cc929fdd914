//! R0301 promotion-expired: a plan still carries a promotion whose window has ended.

use super::{Context, Findings, Level, Rule, RuleName, promotions};

pub static RULE: Rule = Rule {
    name: RuleName::PromotionExpired,
    default: Level::Warn,
    summary: "a promotion's `valid_until` has passed",
    explanation: "\
An expired promotion is dead weight in a published plan: child APIs must skip it and pages
must hide it. Checked against the moment the run publishes for (`--effective-from`, else now).
It is a warning by default: nothing is charged wrongly, but the plan should be cleaned up.

Bad:
    valid_until = 2025-01-01T00:00:00Z

Good: remove the promotion (`_remove = [\"launch20\"]` if it is inherited), or extend it.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Findings) {
    for plan in cx.plans {
        for (at, id, p) in promotions::of(plan) {
            if let Some(until) = p.valid_until.filter(|u| *u <= cx.at) {
                out.report(plan, format!("promotion `{id}` expired at {until}"))
                    .label(plan.loc(&format!("{at}.valid_until")), "in the past")
                    .help("remove the promotion, or move `valid_until` into the future");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{base, run};
    use super::RULE;

    #[test]
    fn expired_and_current() {
        let mut files = base();
        let api = files
            .iter_mut()
            .find(|(p, _)| p.ends_with("shop-api.toml"))
            .unwrap();
        api.1.push_str(
            "\n[api.promotions.old]\nname = \"Old\"\noff = { percent = 10 }\nvalid_from = 2025-01-01T00:00:00Z\nvalid_until = 2026-01-01T00:00:00Z\n\
             \n[api.promotions.now]\nname = \"Now\"\noff = { percent = 10 }\nvalid_from = 2026-01-01T00:00:00Z\nvalid_until = 2027-01-01T00:00:00Z\n",
        );
        assert_eq!(
            run(&RULE, &files),
            ["plans/projects/shop-api.toml:32:15: promotion `old` expired at 2026-01-01T00:00:00Z"]
        );
    }
}
