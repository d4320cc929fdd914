//! R0401 trial-length: no tier's free trial is longer than policy allows.

use super::{Context, Findings, Level, Rule, RuleName};

pub static RULE: Rule = Rule {
    name: RuleName::TrialLength,
    default: Level::Deny,
    summary: "a tier's trial is longer than the trial policy allows",
    explanation: "\
`policy.trial.max_days` caps every tier's `trial_days`. A longer trial gives away more than the
business decided to (a project may raise the cap for itself where core does not lock it).

Bad (max_days = 30):
    trial_days = 60

Good:
    trial_days = 30",
    check,
};

fn check(cx: &Context<'_>, out: &mut Findings) {
    for (plan, api) in cx.apis() {
        let Some(max) = plan.policy().trial.max_days else {
            continue;
        };
        for (id, t) in &api.tiers {
            if let Some(days) = t.trial_days.filter(|d| *d > max) {
                out.report(plan, format!("tier `{id}` has a {days}-day trial; the trial policy allows at most {max} days"))
                    .label(plan.loc(&format!("api.tiers.{id}.trial_days")), "too long")
                    .also(plan.loc("policy.trial.max_days"), "maximum set here")
                    .help(format!("set `trial_days` to {max} or less"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{base, edit, run};
    use super::RULE;

    #[test]
    fn long_trial() {
        let files = edit(
            "plans/projects/shop-api.toml",
            "trial_days = 14",
            "trial_days = 45",
        );
        assert_eq!(
            run(&RULE, &files),
            [
                "plans/projects/shop-api.toml:12:14: tier `basic` has a 45-day trial; the trial policy allows at most 30 days"
            ]
        );
        assert!(run(&RULE, &base()).is_empty());
    }

    #[test]
    fn the_maximum_is_exact() {
        super::super::testing::boundary(
            &RULE,
            "plans/projects/shop-api.toml",
            "trial_days = 14",
            "trial_days = {}",
            &[("29", false), ("30", false), ("31", true)],
        );
    }
}
