//! A product (the `[product]` table of `plans/products/<slug>.toml`): a frontend, kit, add-on
//! or bundle, with its price, the API(s) it requires and its page copy.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::api::{Promotion, Status};
use super::ids::Slug;
use super::money::{Percent, Price};

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ProductKind {
    Frontend,
    Kit,
    Addon,
    Bundle,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Product {
    #[schemars(length(min = 1))]
    pub name: String,
    pub kind: ProductKind,
    pub status: Status,
    /// The API project whose layer this product inherits (`core ⊕ project ⊕ product`).
    pub project: Option<Slug>,
    /// APIs the product needs; defaults to `[project]`.
    #[serde(default)]
    pub requires: Vec<Slug>,
    #[serde(default)]
    pub price: ProductPrice,
    #[serde(default)]
    pub copy: PageCopy,
    /// Cost per customer per month of a recurring product, for margin checks. Never published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<Price>,
    /// For `kind = "bundle"`: what it contains and its discount.
    pub bundle: Option<Bundle>,
    #[serde(default)]
    pub promotions: BTreeMap<Slug, Promotion>,
    /// Where a customer buys this product, kit, add-on or bundle (a payment link; `https:`,
    /// `http:` or `mailto:`). Absent: the buy button leads to `catalog.cta.signup_url`, else
    /// to sales.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkout: Option<String>,
}

/// One-time (kits, frontends) and/or recurring prices.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductPrice {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub one_time: Option<Price>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monthly: Option<Price>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub yearly: Option<Price>,
}

impl ProductPrice {
    pub fn is_empty(&self) -> bool {
        self.one_time.is_none() && self.monthly.is_none() && self.yearly.is_none()
    }
}

/// Page copy: changes here alone are PATCH releases.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct PageCopy {
    pub tagline: String,
    pub description: String,
    pub highlights: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    #[schemars(length(min = 1))]
    pub components: Vec<Component>,
    pub discount: Percent,
    /// The price marketing expects. plancat computes the real one from the components; when
    /// this is stated and differs, that is an error naming both numbers.
    pub stated_price: Option<ProductPrice>,
    /// How the computed price is rounded (default: to the currency's minor unit).
    #[serde(default, skip_serializing_if = "Rounding::is_default")]
    pub rounding: Rounding,
}

/// How a computed price is rounded, per interval and currency. Every rule applies to the exact
/// discounted sum, once.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Rounding {
    /// To the currency's minor unit (cents, paise), half away from zero: `717.60`.
    #[default]
    Minor,
    /// Down to whole units: `717` (never above the discounted price).
    Whole,
    /// Down to the nearest charm price at or below the exact price — ending in `.99` in a
    /// currency with minor units (`716.99`), in `9` in one without (`¥7,179`) — so the charm
    /// never costs more than the discount promised.
    Charm,
}

impl Rounding {
    pub fn is_default(&self) -> bool {
        *self == Rounding::Minor
    }
}

/// A bundle component: an API tier (`{ api = "x", tier = "growth" }`) or a product
/// (`{ product = "y" }`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(untagged, deny_unknown_fields)]
pub enum Component {
    Tier { api: Slug, tier: Slug },
    Product { product: Slug },
}
