//! A product (the `[product]` table of `plans/products/<slug>.toml`): a frontend, kit, add-on
//! or bundle, with its price, the API(s) it requires and its page copy.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::api::{Promotion, Status};
use super::ids::Slug;
use super::money::{Percent, Price};

/// What a product is: a `frontend` built on an API (it needs the API's subscription); a `kit`
/// (a one-time download); an `addon` sold beside a subscription; a `bundle` of components at a
/// computed, discounted price; a `subscription` (a recurring product that is not an API: a
/// membership, a micro-SaaS app, a newsletter); or a `service` (work sold by the hour, per unit
/// or per project, at a stated price or a quoted range).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[schemars(title = "Product kind")]
pub enum ProductKind {
    Frontend,
    Kit,
    Addon,
    Bundle,
    Subscription,
    Service,
}

/// A product (the `[product]` table): a frontend, kit, add-on, bundle, subscription or
/// service, with its price, the APIs it requires and its page copy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Product")]
pub struct Product {
    /// The product's display name, like `Aurora Storefront`.
    #[schemars(title = "Product name", length(min = 1))]
    pub name: String,
    /// What the product is: `frontend`, `kit`, `addon`, `bundle`, `subscription` or `service`.
    #[schemars(title = "Product kind")]
    pub kind: ProductKind,
    /// `draft` (checked, never published), `live` (published and on the pages) or `retired`
    /// (withdrawn: published, no longer shown).
    #[schemars(title = "Status")]
    pub status: Status,
    /// The API project whose layer this product inherits (`core ⊕ project ⊕ product`).
    #[schemars(title = "Project")]
    pub project: Option<Slug>,
    /// APIs the product needs; defaults to `[project]`.
    #[serde(default)]
    #[schemars(title = "Required APIs")]
    pub requires: Vec<Slug>,
    /// What the product costs: `price.one_time = { USD = "79" }`, a recurring price, a price
    /// per unit of work or a quoted range.
    #[serde(default)]
    #[schemars(title = "Product price")]
    pub price: ProductPrice,
    /// The words on the product's page: tagline, description and highlights.
    #[serde(default)]
    #[schemars(title = "Page copy")]
    pub copy: PageCopy,
    /// Cost per customer per month of a recurring product, for margin checks. Never published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Cost")]
    pub cost: Option<Price>,
    /// For `kind = "bundle"`: what it contains and its discount.
    #[schemars(title = "Bundle")]
    pub bundle: Option<Bundle>,
    /// Discounts on the product, keyed by promotion id (a slug, like `launch20`).
    #[serde(default)]
    #[schemars(title = "Promotions")]
    pub promotions: BTreeMap<Slug, Promotion>,
    /// Where a customer buys this product, kit, add-on or bundle (a payment link; `https:`,
    /// `http:` or `mailto:`). Absent: the buy button leads to `catalog.cta.signup_url`, else
    /// to sales.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Checkout URL")]
    pub checkout: Option<String>,
    /// Sold through sales, not a checkout: the page leads to the contact link, and any price
    /// shown is where it starts (`From $1,990.00 — contact us`). A bundle's price is still
    /// computed from its components.
    #[serde(default, skip_serializing_if = "super::api::is_false")]
    #[schemars(title = "Contact sales")]
    pub contact_sales: bool,
}

/// One-time (kits, frontends) and/or recurring prices; for services, a price per unit of work
/// and a quoted range.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Product price")]
pub struct ProductPrice {
    /// A price paid once, like `{ USD = "79" }` (kits, frontends).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(title = "One-time price")]
    pub one_time: Option<Price>,
    /// The price per month, like `{ USD = "19" }`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Monthly price")]
    pub monthly: Option<Price>,
    /// The price per year, like `{ USD = "190" }`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Yearly price")]
    pub yearly: Option<Price>,
    /// A one-time setup or onboarding fee, charged once with the first payment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Setup fee")]
    pub setup: Option<Price>,
    /// A price per unit of work: `{ price = { USD = "150" }, up_to = { USD = "300" }, unit =
    /// "hour" }` is `$150.00–$300.00 / hour`; without `up_to`, exactly `$150.00 / hour`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Price per unit")]
    pub per_unit: Option<UnitPrice>,
    /// A quoted one-time price: `{ from = { USD = "99" }, to = { USD = "499" } }` is
    /// `$99.00–$499.00`; without `to`, `From $99.00`. What a customer pays is agreed per
    /// order, so no rule treats it as a charge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Quoted price range")]
    pub range: Option<PriceRange>,
}

/// A price per unit of work (an hour, a page, a seat-day).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Price per unit")]
pub struct UnitPrice {
    /// The price per unit, or the low end of its range.
    #[schemars(title = "Unit price")]
    pub price: Price,
    /// The high end, for a range (`$150–300 / hour`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Up to")]
    pub up_to: Option<Price>,
    /// What one unit is, like `hour` or `page`.
    #[schemars(title = "Unit", length(min = 1))]
    pub unit: String,
}

/// A quoted price: where it starts, and where it ends if stated.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Quoted price range")]
pub struct PriceRange {
    /// Where the quoted price starts, like `{ USD = "99" }`.
    #[schemars(title = "From")]
    pub from: Price,
    /// Where the quoted price ends, like `{ USD = "499" }`; absent: the page shows `From …`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "To")]
    pub to: Option<Price>,
}

impl ProductPrice {
    pub fn is_empty(&self) -> bool {
        self.one_time.is_none()
            && self.monthly.is_none()
            && self.yearly.is_none()
            && self.per_unit.is_none()
            && self.range.is_none()
    }

    /// Every stated amount with its field path under `price` (`monthly`, `per_unit.up_to`, …):
    /// what currency and sign checks walk.
    pub fn all(&self) -> Vec<(&'static str, &Price)> {
        let mut out = Vec::new();
        let fields = [
            ("one_time", self.one_time.as_ref()),
            ("monthly", self.monthly.as_ref()),
            ("yearly", self.yearly.as_ref()),
            ("setup", self.setup.as_ref()),
            ("per_unit.price", self.per_unit.as_ref().map(|u| &u.price)),
            (
                "per_unit.up_to",
                self.per_unit.as_ref().and_then(|u| u.up_to.as_ref()),
            ),
            ("range.from", self.range.as_ref().map(|r| &r.from)),
            ("range.to", self.range.as_ref().and_then(|r| r.to.as_ref())),
        ];
        for (path, price) in fields {
            if let Some(p) = price {
                out.push((path, p));
            }
        }
        out
    }
}

/// Page copy: changes here alone are PATCH releases.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
#[schemars(title = "Page copy")]
pub struct PageCopy {
    /// One line a customer reads first, under the name, like `A fast, SEO-friendly storefront.`
    #[schemars(title = "Tagline")]
    pub tagline: String,
    /// A paragraph about the product on its page; empty: none.
    #[schemars(title = "Description")]
    pub description: String,
    /// Short selling points, shown as a list, like `["Responsive on every screen"]`.
    #[schemars(title = "Highlights")]
    pub highlights: Vec<String>,
}

/// What a bundle contains and the discount on its components' summed price.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Bundle")]
pub struct Bundle {
    /// What the bundle contains: API tiers (`{ api = "x", tier = "growth" }`) and products
    /// (`{ product = "y" }`).
    #[schemars(title = "Components", length(min = 1))]
    pub components: Vec<Component>,
    /// The discount on the components' summed price, in percent, like `15`.
    #[schemars(title = "Discount")]
    pub discount: Percent,
    /// The price marketing expects. plancat computes the real one from the components; when
    /// this is stated and differs, that is an error naming both numbers.
    #[schemars(title = "Stated price")]
    pub stated_price: Option<ProductPrice>,
    /// How the computed price is rounded (default: to the currency's minor unit).
    #[serde(default, skip_serializing_if = "Rounding::is_default")]
    #[schemars(title = "Rounding")]
    pub rounding: Rounding,
}

/// How a computed price is rounded, per interval and currency. Every rule applies to the exact
/// discounted sum, once.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(title = "Rounding")]
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
#[schemars(title = "Bundle component")]
pub enum Component {
    Tier {
        /// The API project the tier belongs to, like `shopcore-commerce-api`.
        #[schemars(title = "API")]
        api: Slug,
        /// The tier's id in that API, like `growth`.
        #[schemars(title = "Tier")]
        tier: Slug,
    },
    Product {
        /// The product's slug, like `marketstall-multivendor`.
        #[schemars(title = "Product")]
        product: Slug,
    },
}
