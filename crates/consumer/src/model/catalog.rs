//! Catalog settings (the `[catalog]` table): brand, base URL, display currency and locale,
//! CTA labels and the trust note.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::money::CurrencyCode;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogSettings {
    /// The business's name, shown on every page.
    #[schemars(length(min = 1))]
    pub brand: String,
    /// Where the site is published; canonical URLs start here.
    #[schemars(url)]
    pub base_url: String,
    /// The display currency (ISO 4217); guardrail ranges are in this currency.
    pub currency: CurrencyCode,
    /// The display locale (BCP 47), like `en-IN` or `de-DE`.
    #[schemars(regex(pattern = r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$"))]
    pub locale: String,
    #[serde(default)]
    pub cta: Cta,
    /// A reassuring line shown near every call to action.
    #[serde(default)]
    pub trust_note: String,
}

/// Labels of the calls to action on product pages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Cta {
    pub primary: String,
    pub secondary: String,
    pub contact_sales: String,
    /// Where the primary CTA of a tier leads (a signup page); default: the API's tier table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signup_url: Option<String>,
    /// Where "contact sales" leads (`mailto:` or a page); default: `mailto:sales@<base host>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sales_url: Option<String>,
}

impl Default for Cta {
    fn default() -> Self {
        Cta {
            primary: "Start API Subscription".into(),
            secondary: "View Compatible Products".into(),
            contact_sales: "Contact sales".into(),
            signup_url: None,
            sales_url: None,
        }
    }
}
