//! Policies (the `[policy]` table): pricing guardrails, quota, trial, promotion and notice
//! policy. Core sets them; projects and products may override what core does not lock.

use super::interval::Interval;
use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::money::{Money, Months, Percent};

/// Policies (the `[policy]` table): checks on the plans, never published.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
#[schemars(title = "Policy")]
pub struct Policy {
    /// Price ranges, minimum margin, yearly-price months and maximum discount.
    #[schemars(title = "Pricing guardrails")]
    pub guardrails: Guardrails,
    /// Whether quotas may be unlimited and must state an overage price.
    #[schemars(title = "Quota policy")]
    pub quota: QuotaPolicy,
    /// The longest free trial a tier may offer.
    #[schemars(title = "Trial policy")]
    pub trial: TrialPolicy,
    /// Whether promotions may stack.
    #[schemars(title = "Promotion policy")]
    pub promotions: PromotionPolicy,
    /// The notice subscribers get before a price increase.
    #[schemars(title = "Notice policy")]
    pub notice: NoticePolicy,
}

/// Pricing guardrails: limits every price and discount must respect.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
#[schemars(title = "Pricing guardrails")]
pub struct Guardrails {
    /// Allowed price range per kind (`api`, `frontend`, `kit`, `addon`, `bundle`,
    /// `subscription`, `service`) and interval,
    /// in the catalog currency.
    #[schemars(title = "Price ranges")]
    pub price: BTreeMap<PricedKind, IntervalRanges>,
    /// Minimum gross margin of a tier over its infrastructure cost, in percent.
    #[schemars(title = "Minimum gross margin")]
    pub min_gross_margin: Option<Percent>,
    /// The yearly price must lie between `min` and `max` months of the monthly price.
    #[schemars(title = "Yearly price in months")]
    pub yearly_months: Option<MonthsRange>,
    /// Largest discount any bundle or promotion may give, in percent.
    #[schemars(title = "Maximum discount")]
    pub max_discount: Option<Percent>,
}

/// What a price guardrail applies to.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[schemars(title = "Priced kind")]
pub enum PricedKind {
    Api,
    Frontend,
    Kit,
    Addon,
    Bundle,
    Subscription,
    Service,
}

/// Allowed price ranges of one kind, per interval, in the catalog currency.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
#[schemars(title = "Price ranges per interval")]
pub struct IntervalRanges {
    /// The range of one-time prices, like `{ min = "1999", max = "49999" }`.
    #[schemars(title = "One-time price range")]
    pub one_time: Option<MoneyRange>,
    /// The range of monthly prices, like `{ min = "9", max = "999" }`.
    #[schemars(title = "Monthly price range")]
    pub monthly: Option<MoneyRange>,
    /// The range of yearly prices, like `{ min = "90", max = "9990" }`.
    #[schemars(title = "Yearly price range")]
    pub yearly: Option<MoneyRange>,
}

/// An allowed price range in the catalog currency; a bound not stated is not checked.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
#[schemars(title = "Price range")]
pub struct MoneyRange {
    /// The lowest allowed price, like `"1999"`.
    #[schemars(title = "Minimum price")]
    pub min: Option<Money>,
    /// The highest allowed price, like `"49999"`.
    #[schemars(title = "Maximum price")]
    pub max: Option<Money>,
}

/// How many months of the monthly price a yearly price may cost: `{ min = 9, max = 12 }`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Yearly price in months")]
pub struct MonthsRange {
    /// The fewest months of the monthly price a yearly price may cost, like `9`.
    #[schemars(title = "Minimum months")]
    pub min: Months,
    /// The most months of the monthly price a yearly price may cost, like `12`.
    #[schemars(title = "Maximum months")]
    pub max: Months,
}

/// What quotas may offer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
#[schemars(title = "Quota policy")]
pub struct QuotaPolicy {
    /// Whether a tier may offer an unlimited quota.
    #[schemars(title = "Allow unlimited")]
    pub allow_unlimited: bool,
    /// Whether every limited quota must state an overage price.
    #[schemars(title = "Require overage")]
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

/// How long free trials may be.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
#[schemars(title = "Trial policy")]
pub struct TrialPolicy {
    /// Longest free trial any tier may offer, in days.
    #[schemars(title = "Maximum trial days")]
    pub max_days: Option<u32>,
}

/// Whether promotions may stack.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
#[schemars(title = "Promotion policy")]
pub struct PromotionPolicy {
    /// Whether promotions may be combined with each other.
    #[schemars(title = "Allow stacking")]
    pub allow_stacking: bool,
}

/// The notice subscribers get before a change.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
#[schemars(title = "Notice policy")]
pub struct NoticePolicy {
    /// Days of notice subscribers get before a price increase takes effect.
    #[schemars(title = "Price increase notice days")]
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
