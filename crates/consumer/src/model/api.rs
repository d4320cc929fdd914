//! An API project (the `[api]` table of `plans/projects/<slug>.toml`) and its subscription
//! tiers, quotas, features, add-ons and promotions. Collections an override touches one entry
//! at a time are keyed maps, never arrays.

use std::borrow::Cow;
use std::collections::BTreeMap;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

use super::ids::{Instant, Slug};
use super::money::{CurrencyCode, Percent, Price};

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Live,
    Retired,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Api {
    #[schemars(length(min = 1))]
    pub name: String,
    /// What the project sells by subscription: an `api` (default), a `membership`, `software`
    /// (a SaaS app) or a `service`. Pages and the default calls to action speak of it so, and
    /// API-only rules (`api-needs-frontends`) apply to APIs only.
    #[serde(default, skip_serializing_if = "ProjectKind::is_api")]
    pub kind: ProjectKind,
    pub status: Status,
    pub summary: String,
    #[serde(default)]
    pub tiers: BTreeMap<Slug, Tier>,
    /// Priced extras available on some tiers.
    #[serde(default)]
    pub addons: BTreeMap<Slug, Addon>,
    #[serde(default)]
    pub promotions: BTreeMap<Slug, Promotion>,
}

/// What a project's tiers are subscriptions to: an `api` (developers subscribe; frontends may
/// be built on it), a `membership` or community, `software` (a micro-SaaS app), or a managed
/// `service` run for the customer.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ProjectKind {
    #[default]
    Api,
    Membership,
    Software,
    Service,
}

impl ProjectKind {
    pub fn is_api(&self) -> bool {
        *self == ProjectKind::Api
    }

    /// `api`, `membership`, `software`, `service`.
    pub fn as_str(self) -> &'static str {
        match self {
            ProjectKind::Api => "api",
            ProjectKind::Membership => "membership",
            ProjectKind::Software => "software",
            ProjectKind::Service => "service",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("if" = {
    "properties": { "contact_sales": { "const": true } },
    "required": ["contact_sales"]
}, "else" = { "required": ["monthly"] }))]
pub struct TierPrice {
    pub monthly: Option<Price>,
    pub yearly: Option<Price>,
    /// A one-time setup or onboarding fee, charged once with the first payment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setup: Option<Price>,
    /// No public price: the page shows the contact-sales CTA instead. A monthly or yearly
    /// price stated beside it is indicative — where the tier starts ("From $99.00 / month —
    /// contact us") — and is published as stated.
    #[serde(default, skip_serializing_if = "is_false")]
    pub contact_sales: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    #[schemars(length(min = 1))]
    pub name: String,
    /// Position in the tier ladder, lowest first.
    pub order: u32,
    pub price: TierPrice,
    #[serde(default)]
    pub description: String,
    /// Included seats: a number, or "unlimited". Absent: not stated — never read as unlimited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seats: Option<Limit>,
    #[serde(default)]
    pub quotas: BTreeMap<Slug, Quota>,
    /// Entitlements: on/off, or a limit.
    #[serde(default)]
    pub features: BTreeMap<Slug, Feature>,
    /// Free trial days. Absent: no trial stated (a child API offers none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trial_days: Option<u32>,
    /// Infrastructure cost per customer per month, for margin checks. Never published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<Price>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub highlighted: bool,
    /// Where a customer buys this tier, per billing interval (a payment link); the page's button
    /// follows the monthly / yearly toggle. Absent: the button leads to `catalog.cta.signup_url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkout: Option<Checkout>,
}

/// Checkout URLs per billing interval: `checkout = { monthly = "https://…", yearly = "https://…" }`,
/// and per currency where a currency the pages offer has its own payment links
/// (`checkout.currencies.EUR = { monthly = "https://…" }`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("minProperties" = 1))]
pub struct Checkout {
    /// Where the monthly plan is bought (`https:`, `http:` or `mailto:`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly: Option<String>,
    /// Where the yearly plan is bought.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yearly: Option<String>,
    /// Links for one currency, used on the pages in that currency; an interval a currency does
    /// not name falls back to `monthly` / `yearly`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub currencies: BTreeMap<CurrencyCode, CheckoutLinks>,
}

/// One currency's checkout links.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("minProperties" = 1))]
pub struct CheckoutLinks {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yearly: Option<String>,
}

impl Checkout {
    /// Where `interval` (`monthly` or `yearly`) is bought in `currency`: the currency's own link,
    /// else the interval's.
    pub fn url(&self, currency: CurrencyCode, yearly: bool) -> Option<&String> {
        let own = self.currencies.get(&currency).and_then(|l| {
            if yearly {
                l.yearly.as_ref()
            } else {
                l.monthly.as_ref()
            }
        });
        own.or(if yearly {
            self.yearly.as_ref()
        } else {
            self.monthly.as_ref()
        })
    }

    /// Every link with its path under `checkout` (`monthly`, `currencies.EUR.yearly`), for
    /// URL checks.
    pub fn links(&self) -> Vec<(String, &String)> {
        let mut out: Vec<(String, &String)> = Vec::new();
        out.extend(self.monthly.iter().map(|u| ("monthly".to_string(), u)));
        out.extend(self.yearly.iter().map(|u| ("yearly".to_string(), u)));
        for (c, l) in &self.currencies {
            out.extend(
                l.monthly
                    .iter()
                    .map(|u| (format!("currencies.{c}.monthly"), u)),
            );
            out.extend(
                l.yearly
                    .iter()
                    .map(|u| (format!("currencies.{c}.yearly"), u)),
            );
        }
        out
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Quota {
    /// Included amount per period: a number, or "unlimited". Absent (with an `overage`): a pure
    /// usage fee — nothing included, every unit paid (`$0.01 per 1,000 API calls`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<Limit>,
    pub period: Period,
    /// What is counted, like "API calls".
    #[schemars(length(min = 1))]
    pub unit: String,
    pub overage: Option<Overage>,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Hour,
    Day,
    Month,
    Year,
}

/// "0.50 per 1,000 API calls beyond the included limit": `{ price = { INR = "0.50" }, per = 1000 }`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Overage {
    pub price: Price,
    #[serde(default = "one")]
    #[schemars(range(min = 1))]
    pub per: u64,
}

fn one() -> u64 {
    1
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Addon {
    #[schemars(length(min = 1))]
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub price: RecurringPrice,
    /// Infrastructure cost per customer per month, for margin checks. Never published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<Price>,
    /// Tiers the add-on can be bought with; empty means every tier.
    #[serde(default)]
    pub available_on: Vec<Slug>,
    /// Where a customer buys the add-on, per billing interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkout: Option<Checkout>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("minProperties" = 1))]
pub struct RecurringPrice {
    pub monthly: Option<Price>,
    pub yearly: Option<Price>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Promotion {
    #[schemars(length(min = 1))]
    pub name: String,
    /// The code a customer enters, if any.
    pub code: Option<String>,
    pub off: Discount,
    pub valid_from: Instant,
    pub valid_until: Option<Instant>,
    /// Tier or add-on ids (or product slugs) the promotion applies to; empty means everything.
    #[serde(default)]
    pub applies_to: Vec<Slug>,
    #[serde(default)]
    pub stackable: bool,
}

/// `{ percent = 20 }` or `{ amount = { INR = "500" } }`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Discount {
    Percent(Percent),
    Amount(Price),
}

/// A count, or unlimited: `10`, `"unlimited"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    Count(u64),
    Unlimited,
}

impl Quota {
    /// What is included each period: the stated limit, or nothing for a pure usage fee.
    pub fn included(&self) -> Limit {
        self.limit.unwrap_or(Limit::Count(0))
    }
}

impl Limit {
    pub fn unlimited() -> Self {
        Limit::Unlimited
    }
}

impl PartialOrd for Limit {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Limit {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        match (self, other) {
            (Limit::Count(a), Limit::Count(b)) => a.cmp(b),
            (Limit::Count(_), Limit::Unlimited) => std::cmp::Ordering::Less,
            (Limit::Unlimited, Limit::Count(_)) => std::cmp::Ordering::Greater,
            (Limit::Unlimited, Limit::Unlimited) => std::cmp::Ordering::Equal,
        }
    }
}

impl Serialize for Limit {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Limit::Count(n) => s.serialize_u64(*n),
            Limit::Unlimited => s.serialize_str("unlimited"),
        }
    }
}

impl<'de> Deserialize<'de> for Limit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw<'a> {
            Count(u64),
            Word(Cow<'a, str>),
        }
        match Raw::deserialize(d)? {
            Raw::Count(n) => Ok(Limit::Count(n)),
            Raw::Word(w) if w == "unlimited" => Ok(Limit::Unlimited),
            Raw::Word(w) => Err(de::Error::custom(format!(
                "invalid limit `{w}`: expected a number or \"unlimited\""
            ))),
        }
    }
}

impl JsonSchema for Limit {
    fn schema_name() -> Cow<'static, str> {
        "Limit".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A count (a non-negative integer) or \"unlimited\".",
            "anyOf": [
                { "type": "integer", "minimum": 0 },
                { "const": "unlimited" }
            ]
        })
    }
}

/// An entitlement: on/off (`true`), or a limit (`10`, `"unlimited"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Feature {
    Enabled(bool),
    Limit(Limit),
}

impl Serialize for Feature {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Feature::Enabled(b) => s.serialize_bool(*b),
            Feature::Limit(l) => l.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Feature {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Enabled(bool),
            Limit(Limit),
        }
        Ok(match Raw::deserialize(d)? {
            Raw::Enabled(b) => Feature::Enabled(b),
            Raw::Limit(l) => Feature::Limit(l),
        })
    }
}

impl JsonSchema for Feature {
    fn schema_name() -> Cow<'static, str> {
        "Feature".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "An entitlement: true or false, a count, or \"unlimited\".",
            "anyOf": [
                { "type": "boolean" },
                { "type": "integer", "minimum": 0 },
                { "const": "unlimited" }
            ]
        })
    }
}

pub(crate) fn is_false(b: &bool) -> bool {
    !*b
}
