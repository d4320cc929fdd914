//! Catalog settings (the `[catalog]` table): brand, base URL, display currency and locale,
//! CTA labels and the trust note.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::ids::Slug;
use super::money::CurrencyCode;

/// Catalog settings (the `[catalog]` table): brand, base URL, currencies, locale, calls to
/// action, feature names and page wording.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Catalog settings")]
pub struct CatalogSettings {
    /// The business's name, shown on every page.
    #[schemars(title = "Brand", length(min = 1))]
    pub brand: String,
    /// Where the site is published; canonical URLs start here.
    #[schemars(title = "Base URL", url)]
    pub base_url: String,
    /// The display currency (ISO 4217); guardrail ranges are in this currency.
    #[schemars(title = "Display currency")]
    pub currency: CurrencyCode,
    /// The display locale (BCP 47), like `en-IN` or `de-DE`.
    #[schemars(
        title = "Locale",
        regex(pattern = r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$")
    )]
    pub locale: String,
    /// Labels and links of the calls to action, like `primary = "Start API Subscription"`.
    #[serde(default)]
    #[schemars(title = "Calls to action")]
    pub cta: Cta,
    /// A reassuring line shown near every call to action.
    #[serde(default)]
    #[schemars(title = "Trust note")]
    pub trust_note: String,
    /// Whether the prices include tax (VAT, GST, sales tax): pages say so next to every price
    /// list. Absent: pages say nothing about tax.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Prices include tax")]
    pub prices_include_tax: Option<bool>,
    /// What each feature id of the tiers means: its display name, description, unit, order
    /// and group. When a catalog declares any, every feature a tier lists must be declared
    /// (`unknown-reference`), so pages never show an id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(title = "Feature names")]
    pub features: BTreeMap<Slug, FeatureInfo>,
    /// Further currencies the pages offer beside `currency` (ISO 4217), each on its own copy of
    /// the site under `<code>/` with a switch on every page. Every price must state each one
    /// (`price-currency`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(title = "Further currencies")]
    pub currencies: Vec<CurrencyCode>,
    /// The pages' wording, overriding the built-in messages of the locale's language (English,
    /// German and Hindi are built in): `[catalog.messages] all_products = "Everything we sell"`.
    /// `plancat messages` lists every key.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(title = "Page messages")]
    pub messages: BTreeMap<String, String>,
}

/// A feature as customers read it: `[catalog.features.sla-hours] name = "Support response",
/// unit = "hours"`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Feature")]
pub struct FeatureInfo {
    /// The name pages show, like `Data retention`.
    #[schemars(title = "Feature name", length(min = 1))]
    pub name: String,
    /// A sentence saying what it is.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[schemars(title = "Feature description")]
    pub description: String,
    /// The unit of a limit, like `months` (`Data retention: 13 months`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Unit")]
    pub unit: Option<String>,
    /// Position in feature lists, lowest first (then by id).
    #[serde(default, skip_serializing_if = "is_zero")]
    #[schemars(title = "Feature order")]
    pub order: u32,
    /// A heading features are grouped under, like `Support`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Feature group")]
    pub group: Option<String>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// Labels of the calls to action on product pages. A label not stated comes from the pages'
/// messages, in the catalog's language and for what a project sells (`Start API Subscription`,
/// `Join`, `Subscribe`, `Get started`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
#[schemars(title = "Calls to action")]
pub struct Cta {
    /// The label of a project's subscribe buttons, like `Start API Subscription`; default: the
    /// pages' message for what the project sells.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Primary label")]
    pub primary: Option<String>,
    /// The label of the button to a project's compatible products, like `View Compatible
    /// Products`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Secondary label")]
    pub secondary: Option<String>,
    /// The label of the contact-sales button, like `Contact sales`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Contact-sales label")]
    pub contact_sales: Option<String>,
    /// Where the primary CTA of a tier leads (a signup page); default: the API's tier table.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Signup URL")]
    pub signup_url: Option<String>,
    /// Where "contact sales" leads (`mailto:` or a page); default: `mailto:sales@<base host>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Sales URL")]
    pub sales_url: Option<String>,
}
