//! R0501 notice-period: a price increase takes effect no sooner than the notice period allows.

use jiff::ToSpan;

use super::{Context, Findings, Level, Rule, RuleName};
use crate::core::ledger::bump::ChangeKind;

pub static RULE: Rule = Rule {
    name: RuleName::NoticePeriod,
    default: Level::Deny,
    summary: "a price increase gives subscribers less notice than the notice policy requires",
    explanation: "\
`policy.notice.price_increase_days` is how much notice existing subscribers get before they
pay more. A new version that raises a price must reach them at least that long after the
moment it is published — the real time of the run (`--now`, `SOURCE_DATE_EPOCH` or the clock),
never `--effective-from`, so a build on 1 December for 1 January gives 31 days' notice.
Schedule the whole version with
`release.effective_from`, or grandfather existing subscribers with `release.existing_from`
and charge new customers at once.

Bad (price_increase_days = 30, built on 2026-06-01):
    [release]
    effective_from = 2026-06-10T00:00:00Z

Good (new customers pay more now, existing ones from July):
    [release]
    existing_from = 2026-07-01T00:00:00Z",
    check,
};

fn check(cx: &Context<'_>, out: &mut Findings) {
    for publication in cx.publications {
        let s = &publication.snapshot;
        let Some(increase) = publication
            .changes
            .iter()
            .find(|c| c.kind == ChangeKind::PriceIncrease)
        else {
            continue;
        };
        let Some(plan) = cx.plans.iter().find(|p| p.slug == s.slug) else {
            continue;
        };
        let days = plan.policy().notice.price_increase_days;
        // Notice days are 24-hour days in UTC (a Timestamp has no calendar to add days in).
        let Ok(earliest) = cx.now.0.checked_add((i64::from(days) * 24).hours()) else {
            continue;
        };
        // Existing subscribers are the ones who need notice.
        let reaches = s.existing_from.unwrap_or(s.effective_from);
        if reaches.0 >= earliest {
            continue;
        }
        let given = (reaches.0.as_second() - cx.now.0.as_second()).max(0) / 86_400;
        let release = plan.release();
        // The price that rose, in the plan file (`api.tiers.basic.price.monthly.USD`).
        let entity = if plan.api().is_some() {
            "api"
        } else {
            "product"
        };
        let price = (!increase.path.is_empty())
            .then(|| plan.loc(&format!("{entity}.{}", increase.path.join("."))));
        let at = if release.existing_from.is_some() {
            plan.loc("release.existing_from")
        } else if release.effective_from.is_some() {
            plan.loc("release.effective_from")
        } else {
            price.clone().unwrap_or((plan.file, 0..0))
        };
        // A moment already past is no notice at all: say so, not "0 days' notice".
        let notice = if reaches < cx.now {
            format!("before now ({}), retroactively", cx.now)
        } else {
            format!("with {given} days' notice")
        };
        let finding = out.report(
            plan,
            format!(
                "`{}` {} reaches existing subscribers at {reaches} {notice}; price increases need {days} days' notice",
                s.slug, s.plan_version
            ),
        );
        finding.label(at.clone(), "too soon for a price increase");
        if let Some(p) = price.filter(|p| *p != at) {
            finding.also(p, "the price that rose");
        }
        finding
            .also(
                plan.loc("policy.notice.price_increase_days"),
                "notice period set here",
            )
            .help(format!(
            "set `release.existing_from` (existing subscribers) or `release.effective_from` (everyone) to {} or later (the increase: {})",
            crate::core::model::ids::Instant(earliest),
            increase.reason
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::base;
    use super::super::{Context, Findings};
    use super::RULE;
    use crate::core::compile::{InputFile, compile};
    use crate::core::ledger::{Ledger, plan};
    use crate::core::model::ids::Instant;

    /// Publishes `base()`, raises the basic tier's price, and runs the rule at 2026-06-01 with
    /// the given `[release]` line.
    fn findings(release: &str) -> Vec<String> {
        findings_for("2026-06-01T00:00:00Z", release)
    }

    /// The same, for versions that take effect at `effective_from` by default (as
    /// `--effective-from` sets), built at 2026-06-01.
    fn findings_for(effective_from: &str, release: &str) -> Vec<String> {
        let now = Instant::parse("2026-06-01T00:00:00Z").unwrap();
        let at = Instant::parse(effective_from).unwrap();
        let inputs = |raise: bool| -> Vec<InputFile> {
            base()
                .into_iter()
                .map(|(p, mut t)| {
                    if raise && p.ends_with("shop-api.toml") {
                        t = t.replacen("USD = \"20\"", "USD = \"25\"", 1);
                        t.push_str(&format!("\n[release]\n{release}\n"));
                    }
                    InputFile {
                        path: p,
                        bytes: t.into_bytes(),
                    }
                })
                .collect()
        };
        // Version 1.0.0, published long before.
        let v1 = compile(&inputs(false));
        let (first, _) = plan(
            &v1.plans,
            &Ledger::default(),
            Instant::parse("2026-01-01T00:00:00Z").unwrap(),
        );
        let files = crate::core::ledger::render(&Ledger::default(), &first);
        let mut sources = crate::core::source::Sources::default();
        let (ledger, _) = crate::core::ledger::load(&files, &mut sources);
        let v2 = compile(&inputs(true));
        let (publications, diags) = plan(&v2.plans, &ledger, at);
        assert!(diags.is_empty(), "{diags:?}");
        let cx = Context::new(&v2.plans, &v2.slugs, (now, at), &publications);
        let mut f = Findings::default();
        (RULE.check)(&cx, &mut f);
        f.found.iter().map(|(_, d)| d.message.clone()).collect()
    }

    #[test]
    fn too_little_notice() {
        assert_eq!(
            findings("effective_from = 2026-06-10T00:00:00Z"),
            [
                "`shop-api` 2.0.0 reaches existing subscribers at 2026-06-10T00:00:00Z with 9 days' notice; price increases need 30 days' notice"
            ]
        );
    }

    #[test]
    fn notice_counts_from_the_real_moment_of_publishing() {
        // Built on 1 June for 1 July: 30 days' notice, whatever `--effective-from` says.
        assert!(findings_for("2026-07-01T00:00:00Z", "").is_empty());
        assert_eq!(
            findings_for("2026-06-20T00:00:00Z", ""),
            [
                "`shop-api` 2.0.0 reaches existing subscribers at 2026-06-20T00:00:00Z with 19 days' notice; price increases need 30 days' notice"
            ]
        );
    }

    #[test]
    fn a_moment_already_past_is_retroactive_not_zero_days_notice() {
        assert_eq!(
            findings_for("2026-03-01T00:00:00Z", ""),
            [
                "`shop-api` 2.0.0 reaches existing subscribers at 2026-03-01T00:00:00Z before now (2026-06-01T00:00:00Z), retroactively; price increases need 30 days' notice"
            ]
        );
    }

    #[test]
    fn enough_notice() {
        assert!(findings("effective_from = 2026-07-01T00:00:00Z").is_empty());
    }

    #[test]
    fn grandfathering_gives_existing_subscribers_the_notice() {
        assert!(findings("existing_from = 2026-07-01T00:00:00Z").is_empty());
    }
}
