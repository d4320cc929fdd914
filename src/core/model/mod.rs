//! The domain (SPEC §2) as Rust types. These types are the single source of truth: the JSON
//! Schemas in `schemas/` are generated from them, and typed plans are deserialized into them.
//!
//! Invariant: no `f64` — money is `Decimal`; identifiers are validated newtypes.

pub mod levels;
pub mod policy;

// The published vocabulary lives in the wire-contract crate, shared with child APIs.
pub use plancat_consumer::model::{api, catalog, ids, interval, money, product};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use api::Api;
use catalog::CatalogSettings;
use ids::Instant;
use policy::Policy;
use product::Product;

use levels::{Levels, RuleName};

/// What a file in `plans/core/` may contain. Every field is optional in a layer file (see
/// `schema::layer`); `locks` lists paths projects and products may not override.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Core layer")]
pub struct CoreLayer {
    /// Catalog settings: brand, base URL, currencies, locale, calls to action and wording.
    #[schemars(title = "Catalog settings")]
    pub catalog: Option<CatalogSettings>,
    /// Pricing guardrails and the quota, trial, promotion and notice policies (checks, never
    /// published).
    #[schemars(title = "Policy")]
    pub policy: Option<Policy>,
    /// Dotted paths (like `policy.guardrails`) that only core may set.
    #[serde(default)]
    #[schemars(title = "Locked paths")]
    pub locks: Vec<String>,
    /// Rule levels: `tier-ladder = "warn"`.
    #[serde(default)]
    #[schemars(title = "Rule levels")]
    pub rules: Levels,
    /// Rules whose level projects and products may change for themselves.
    #[serde(default)]
    #[schemars(title = "Rule overrides")]
    pub rule_overrides: Vec<RuleName>,
    /// The plancat versions this catalog needs, as a semver requirement like `">=0.2"` or
    /// `"0.1"`; any other plancat refuses the catalog with one error naming both versions,
    /// instead of misreading fields it does not know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Required plancat version", with = "Option<String>", extend("examples" = [">=0.1", "0.1"]))]
    pub plancat: Option<semver::VersionReq>,
}

/// What a file in `plans/projects/` may contain.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Project layer")]
pub struct ProjectLayer {
    /// Catalog settings: brand, base URL, currencies, locale, calls to action and wording.
    #[schemars(title = "Catalog settings")]
    pub catalog: Option<CatalogSettings>,
    /// Pricing guardrails and the quota, trial, promotion and notice policies (checks, never
    /// published).
    #[schemars(title = "Policy")]
    pub policy: Option<Policy>,
    /// The project customers subscribe to: its name, kind, status, tiers, add-ons and
    /// promotions.
    #[schemars(title = "Project")]
    pub api: Option<Api>,
    /// How the project's next published version is released: when, and with what version.
    #[schemars(title = "Release")]
    pub release: Option<Release>,
    /// Rule levels for this project and its products (only rules core lists in
    /// `rule_overrides`).
    #[serde(default)]
    #[schemars(title = "Rule levels")]
    pub rules: Levels,
}

/// What a file in `plans/products/` may contain.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Product layer")]
pub struct ProductLayer {
    /// Catalog settings: brand, base URL, currencies, locale, calls to action and wording.
    #[schemars(title = "Catalog settings")]
    pub catalog: Option<CatalogSettings>,
    /// Pricing guardrails and the quota, trial, promotion and notice policies (checks, never
    /// published).
    #[schemars(title = "Policy")]
    pub policy: Option<Policy>,
    /// The product: its name, kind, status, price, requirements and page copy.
    #[schemars(title = "Product")]
    pub product: Option<Product>,
    /// How the product's next published version is released: when, and with what version.
    #[schemars(title = "Release")]
    pub release: Option<Release>,
    /// Rule levels for this product (only rules core lists in `rule_overrides`).
    #[serde(default)]
    #[schemars(title = "Rule levels")]
    pub rules: Levels,
}

/// How the next published version of a plan is released. Not part of the published content:
/// it applies to the next version only.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
#[schemars(title = "Release")]
pub struct Release {
    /// When the next version takes effect (a scheduled change); default: `--effective-from`,
    /// else now.
    #[schemars(title = "Effective from")]
    pub effective_from: Option<Instant>,
    /// When the next version reaches existing subscribers, if later than new ones
    /// (grandfathering: a price increase for new customers now, for existing ones after the
    /// notice period).
    #[schemars(title = "Existing subscribers from")]
    pub existing_from: Option<Instant>,
    /// Ask for a higher version than the change requires (never a lower one).
    #[schemars(
        title = "Version",
        with = "Option<String>",
        regex(pattern = r"^\d+\.\d+\.\d+$")
    )]
    pub version: Option<semver::Version>,
}

/// The applied plan of an API project: `core ⊕ project`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Applied project plan")]
pub struct ApiPlan {
    /// Catalog settings: brand, base URL, currencies, locale, calls to action and wording.
    #[schemars(title = "Catalog settings")]
    pub catalog: CatalogSettings,
    /// Pricing guardrails and the quota, trial, promotion and notice policies (checks, never
    /// published).
    #[serde(default)]
    #[schemars(title = "Policy")]
    pub policy: Policy,
    /// The project customers subscribe to: its name, kind, status, tiers, add-ons and
    /// promotions.
    #[schemars(title = "Project")]
    pub api: Api,
    /// How the next published version is released: when, and with what version.
    #[serde(default)]
    #[schemars(title = "Release")]
    pub release: Release,
    /// Rule levels: `tier-ladder = "warn"`.
    #[serde(default)]
    #[schemars(title = "Rule levels")]
    pub rules: Levels,
}

/// The applied plan of a product: `core ⊕ project ⊕ product`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Applied product plan")]
pub struct ProductPlan {
    /// Catalog settings: brand, base URL, currencies, locale, calls to action and wording.
    #[schemars(title = "Catalog settings")]
    pub catalog: CatalogSettings,
    /// Pricing guardrails and the quota, trial, promotion and notice policies (checks, never
    /// published).
    #[serde(default)]
    #[schemars(title = "Policy")]
    pub policy: Policy,
    /// The product: its name, kind, status, price, requirements and page copy.
    #[schemars(title = "Product")]
    pub product: Product,
    /// How the next published version is released: when, and with what version.
    #[serde(default)]
    #[schemars(title = "Release")]
    pub release: Release,
    /// Rule levels: `tier-ladder = "warn"`.
    #[serde(default)]
    #[schemars(title = "Rule levels")]
    pub rules: Levels,
}
