//! Policies (the `[policy]` table): pricing guardrails, quota, trial, promotion and notice
//! policy. Core sets them; projects and products may override what core does not lock.

use super::interval::Interval;
use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::money::{Money, Months, Percent};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Policy {
    pub guardrails: Guardrails,
    pub quota: QuotaPolicy,
    pub trial: TrialPolicy,
    pub promotions: PromotionPolicy,
    pub notice: NoticePolicy,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Guardrails {
    /// Allowed price range per kind (`api`, `frontend`, `kit`, `addon`, `bundle`,
    /// `subscription`, `service`) and interval,
    /// in the catalog currency.
    pub price: BTreeMap<PricedKind, IntervalRanges>,
    /// Minimum gross margin of a tier over its infrastructure cost, in percent.
    pub min_gross_margin: Option<Percent>,
    /// The yearly price must lie between `min` and `max` months of the monthly price.
    pub yearly_months: Option<MonthsRange>,
    /// Largest discount any bundle or promotion may give, in percent.
    pub max_discount: Option<Percent>,
}

/// What a price guardrail applies to.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum PricedKind {
    Api,
    Frontend,
    Kit,
    Addon,
    Bundle,
    Subscription,
    Service,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct IntervalRanges {
    pub one_time: Option<MoneyRange>,
    pub monthly: Option<MoneyRange>,
    pub yearly: Option<MoneyRange>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct MoneyRange {
    pub min: Option<Money>,
    pub max: Option<Money>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MonthsRange {
    pub min: Months,
    pub max: Months,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct QuotaPolicy {
    /// Whether a tier may offer an unlimited quota.
    pub allow_unlimited: bool,
    /// Whether every limited quota must state an overage price.
    pub require_overage: bool,
}

impl Default for QuotaPolicy {
    fn default() -> Self {
        QuotaPolicy {
            allow_unlimited: true,
            require_overage: false,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct TrialPolicy {
    /// Longest free trial any tier may offer, in days.
    pub max_days: Option<u32>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct PromotionPolicy {
    /// Whether promotions may be combined with each other.
    pub allow_stacking: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct NoticePolicy {
    /// Days of notice subscribers get before a price increase takes effect.
    pub price_increase_days: u32,
}

impl IntervalRanges {
    /// The range for an interval.
    pub fn get(&self, interval: Interval) -> Option<&MoneyRange> {
        match interval {
            Interval::OneTime => self.one_time.as_ref(),
            Interval::Monthly => self.monthly.as_ref(),
            Interval::Yearly => self.yearly.as_ref(),
        }
    }
}

impl PricedKind {
    pub fn name(self) -> &'static str {
        match self {
            PricedKind::Api => "api",
            PricedKind::Frontend => "frontend",
            PricedKind::Kit => "kit",
            PricedKind::Addon => "addon",
            PricedKind::Bundle => "bundle",
            PricedKind::Subscription => "subscription",
            PricedKind::Service => "service",
        }
    }
}
