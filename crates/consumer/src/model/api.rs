//! An API project (the `[api]` table of `plans/projects/<slug>.toml`) and its subscription
//! tiers, quotas, features, add-ons and promotions. Collections an override touches one entry
//! at a time are keyed maps, never arrays.

use std::borrow::Cow;
use std::collections::BTreeMap;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

use super::ids::{Instant, Slug};
use super::money::{CurrencyCode, Percent, Price};

/// Where a plan is in its life: `draft` (checked, never published), `live` (published and
/// shown on the pages) or `retired` (withdrawn from sale: published, no longer shown).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[schemars(title = "Status")]
pub enum Status {
    Draft,
    Live,
    Retired,
}

/// A project customers subscribe to (the `[api]` table): an API, a membership, software or a
/// service, with its tiers, add-ons and promotions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Project")]
pub struct Api {
    /// The project's display name, like `ShopCore Commerce API`.
    #[schemars(title = "Project name", length(min = 1))]
    pub name: String,
    /// What the project sells by subscription: an `api` (default), a `membership`, `software`
    /// (a SaaS app) or a `service`. Pages and the default calls to action speak of it so, and
    /// API-only rules (`api-needs-frontends`) apply to APIs only.
    #[serde(default, skip_serializing_if = "ProjectKind::is_api")]
    #[schemars(title = "Project kind")]
    pub kind: ProjectKind,
    /// `draft` (checked, never published), `live` (published and on the pages) or `retired`
    /// (withdrawn: published, no longer shown).
    #[schemars(title = "Status")]
    pub status: Status,
    /// One line under the name on the pages, like `Catalog, cart, checkout and orders.`
    #[schemars(title = "Summary")]
    pub summary: String,
    /// The subscription tiers, keyed by tier id (a slug, like `growth`).
    #[serde(default)]
    #[schemars(title = "Tiers")]
    pub tiers: BTreeMap<Slug, Tier>,
    /// Priced extras available on some tiers.
    #[serde(default)]
    #[schemars(title = "Add-ons")]
    pub addons: BTreeMap<Slug, Addon>,
    /// Discounts on the tiers and add-ons, keyed by promotion id (a slug, like `launch20`).
    #[serde(default)]
    #[schemars(title = "Promotions")]
    pub promotions: BTreeMap<Slug, Promotion>,
}

/// What a project's tiers are subscriptions to: an `api` (developers subscribe; frontends may
/// be built on it), a `membership` or community, `software` (a micro-SaaS app), or a managed
/// `service` run for the customer.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[schemars(title = "Project kind")]
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

/// A tier's price: `monthly` (required unless `contact_sales`), and optionally `yearly` and a
/// one-time `setup` fee.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Tier price")]
#[schemars(extend("if" = {
    "properties": { "contact_sales": {
        "const": true,
        "title": "Contact sales",
        "description": "Set to `true`: the tier needs no monthly price."
    } },
    "required": ["contact_sales"]
}, "else" = { "required": ["monthly"] }))]
pub struct TierPrice {
    /// The price per month, like `{ USD = "49" }`; required unless `contact_sales = true`.
    #[schemars(title = "Monthly price")]
    pub monthly: Option<Price>,
    /// The price per year, like `{ USD = "490" }`, if the tier can be paid yearly.
    #[schemars(title = "Yearly price")]
    pub yearly: Option<Price>,
    /// A one-time setup or onboarding fee, charged once with the first payment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Setup fee")]
    pub setup: Option<Price>,
    /// No public price: the page shows the contact-sales CTA instead. A monthly or yearly
    /// price stated beside it is indicative — where the tier starts ("From $99.00 / month —
    /// contact us") — and is published as stated.
    #[serde(default, skip_serializing_if = "is_false")]
    #[schemars(title = "Contact sales")]
    pub contact_sales: bool,
}

/// One subscription tier: its name, place in the ladder, price, seats, quotas, features and
/// trial.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Tier")]
pub struct Tier {
    /// The tier's display name, like `Growth`.
    #[schemars(title = "Tier name", length(min = 1))]
    pub name: String,
    /// Position in the tier ladder, lowest first.
    #[schemars(title = "Tier order")]
    pub order: u32,
    /// What the tier costs: `price.monthly = { USD = "49" }`, or `price.contact_sales = true`.
    #[schemars(title = "Tier price")]
    pub price: TierPrice,
    /// A sentence about the tier shown on its card, like `For growing shops.`; empty: none.
    #[serde(default)]
    #[schemars(title = "Tier description")]
    pub description: String,
    /// Included seats: a number, or "unlimited". Absent: not stated — never read as unlimited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Seats")]
    pub seats: Option<Limit>,
    /// Metered allowances, keyed by quota id: `quotas.api-calls = { limit = 500000, period =
    /// "month", unit = "API calls" }`.
    #[serde(default)]
    #[schemars(title = "Quotas")]
    pub quotas: BTreeMap<Slug, Quota>,
    /// Entitlements: on/off, or a limit.
    #[serde(default)]
    #[schemars(title = "Features")]
    pub features: BTreeMap<Slug, Feature>,
    /// Free trial days. Absent: no trial stated (a child API offers none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Trial days")]
    pub trial_days: Option<u32>,
    /// Infrastructure cost per customer per month, for margin checks. Never published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Cost")]
    pub cost: Option<Price>,
    /// Marks the tier to recommend: its card gets a "Most popular" badge and the primary button.
    #[serde(default, skip_serializing_if = "is_false")]
    #[schemars(title = "Highlighted")]
    pub highlighted: bool,
    /// Where a customer buys this tier, per billing interval (a payment link); the page's button
    /// follows the monthly / yearly toggle. Absent: the button leads to `catalog.cta.signup_url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Checkout links")]
    pub checkout: Option<Checkout>,
}

/// Checkout URLs per billing interval: `checkout = { monthly = "https://…", yearly = "https://…" }`,
/// and per currency where a currency the pages offer has its own payment links
/// (`checkout.currencies.EUR = { monthly = "https://…" }`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Checkout links", extend("minProperties" = 1))]
pub struct Checkout {
    /// Where the monthly plan is bought (`https:`, `http:` or `mailto:`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Monthly checkout URL")]
    pub monthly: Option<String>,
    /// Where the yearly plan is bought.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Yearly checkout URL")]
    pub yearly: Option<String>,
    /// Links for one currency, used on the pages in that currency; an interval a currency does
    /// not name falls back to `monthly` / `yearly`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(title = "Checkout links per currency")]
    pub currencies: BTreeMap<CurrencyCode, CheckoutLinks>,
}

/// One currency's checkout links.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Checkout links for one currency", extend("minProperties" = 1))]
pub struct CheckoutLinks {
    /// Where the monthly plan is bought in this currency, like `https://pay.example/growth-eur`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Monthly checkout URL")]
    pub monthly: Option<String>,
    /// Where the yearly plan is bought in this currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Yearly checkout URL")]
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

/// A metered allowance: how much of a unit is included per period, and the price beyond it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Quota")]
pub struct Quota {
    /// Included amount per period: a number, or "unlimited". Absent (with an `overage`): a pure
    /// usage fee — nothing included, every unit paid (`$0.01 per 1,000 API calls`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Included amount")]
    pub limit: Option<Limit>,
    /// How often the included amount resets: `hour`, `day`, `month` or `year`.
    #[schemars(title = "Quota period")]
    pub period: Period,
    /// What is counted, like "API calls".
    #[schemars(title = "Unit", length(min = 1))]
    pub unit: String,
    /// The price of usage beyond the included amount, like `{ price = { USD = "0.50" }, per =
    /// 1000 }`. Absent: no overage price stated.
    #[schemars(title = "Overage price")]
    pub overage: Option<Overage>,
}

/// How often a quota's included amount resets.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[schemars(title = "Quota period")]
pub enum Period {
    Hour,
    Day,
    Month,
    Year,
}

/// "0.50 per 1,000 API calls beyond the included limit": `{ price = { INR = "0.50" }, per = 1000 }`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Overage price")]
pub struct Overage {
    /// The price of each `per` units beyond the included amount, like `{ INR = "0.50" }`.
    #[schemars(title = "Overage price")]
    pub price: Price,
    /// How many units the price is for, like `1000`; default 1 (the price is per unit).
    #[serde(default = "one")]
    #[schemars(title = "Units per price", range(min = 1))]
    pub per: u64,
}

fn one() -> u64 {
    1
}

/// A priced extra sold beside a tier, like a payment gateway.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Add-on")]
pub struct Addon {
    /// The add-on's display name, like `Payment gateway`.
    #[schemars(title = "Add-on name", length(min = 1))]
    pub name: String,
    /// A sentence about the add-on shown on the page; empty: none.
    #[serde(default)]
    #[schemars(title = "Add-on description")]
    pub description: String,
    /// What the add-on costs: `price.monthly = { USD = "9" }` and/or `price.yearly`.
    #[schemars(title = "Add-on price")]
    pub price: RecurringPrice,
    /// Infrastructure cost per customer per month, for margin checks. Never published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Cost")]
    pub cost: Option<Price>,
    /// Tiers the add-on can be bought with; empty means every tier.
    #[serde(default)]
    #[schemars(title = "Available on")]
    pub available_on: Vec<Slug>,
    /// Where a customer buys the add-on, per billing interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Checkout links")]
    pub checkout: Option<Checkout>,
}

/// A recurring price: `monthly` and/or `yearly` (at least one).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Recurring price", extend("minProperties" = 1))]
pub struct RecurringPrice {
    /// The price per month, like `{ USD = "9" }`.
    #[schemars(title = "Monthly price")]
    pub monthly: Option<Price>,
    /// The price per year, like `{ USD = "90" }`.
    #[schemars(title = "Yearly price")]
    pub yearly: Option<Price>,
}

/// A discount for a time window, optionally behind a code.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Promotion")]
pub struct Promotion {
    /// The promotion's display name, like `Launch offer`.
    #[schemars(title = "Promotion name", length(min = 1))]
    pub name: String,
    /// The code a customer enters, if any.
    #[schemars(title = "Promotion code")]
    pub code: Option<String>,
    /// The discount: `{ percent = 20 }` or `{ amount = { INR = "500" } }`.
    #[schemars(title = "Discount")]
    pub off: Discount,
    /// When the promotion starts, like `2026-01-01T00:00:00Z`.
    #[schemars(title = "Valid from")]
    pub valid_from: Instant,
    /// When the promotion ends: it runs until just before this moment. Absent: no end stated.
    #[schemars(title = "Valid until")]
    pub valid_until: Option<Instant>,
    /// Tier or add-on ids (or product slugs) the promotion applies to; empty means everything.
    #[serde(default)]
    #[schemars(title = "Applies to")]
    pub applies_to: Vec<Slug>,
    /// Whether the promotion may be combined with other promotions (default `false`); the
    /// promotion policy must allow stacking.
    #[serde(default)]
    #[schemars(title = "Stackable")]
    pub stackable: bool,
}

/// `{ percent = 20 }` or `{ amount = { INR = "500" } }`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[schemars(title = "Discount")]
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
            "title": "Limit",
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
            "title": "Feature",
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
