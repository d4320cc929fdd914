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
pub struct CoreLayer {
    pub catalog: Option<CatalogSettings>,
    pub policy: Option<Policy>,
    /// Dotted paths (like `policy.guardrails`) that only core may set.
    #[serde(default)]
    pub locks: Vec<String>,
    /// Rule levels: `tier-ladder = "warn"`.
    #[serde(default)]
    pub rules: Levels,
    /// Rules whose level projects and products may change for themselves.
    #[serde(default)]
    pub rule_overrides: Vec<RuleName>,
}

/// What a file in `plans/projects/` may contain.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectLayer {
    pub catalog: Option<CatalogSettings>,
    pub policy: Option<Policy>,
    pub api: Option<Api>,
    pub release: Option<Release>,
    /// Rule levels for this project and its products (only rules core lists in
    /// `rule_overrides`).
    #[serde(default)]
    pub rules: Levels,
}

/// What a file in `plans/products/` may contain.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductLayer {
    pub catalog: Option<CatalogSettings>,
    pub policy: Option<Policy>,
    pub product: Option<Product>,
    pub release: Option<Release>,
    /// Rule levels for this product (only rules core lists in `rule_overrides`).
    #[serde(default)]
    pub rules: Levels,
}

/// How the next published version of a plan is released. Not part of the published content:
/// it applies to the next version only.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Release {
    /// When the next version takes effect (a scheduled change); default: `--effective-from`,
    /// else now.
    pub effective_from: Option<Instant>,
    /// When the next version reaches existing subscribers, if later than new ones
    /// (grandfathering: a price increase for new customers now, for existing ones after the
    /// notice period).
    pub existing_from: Option<Instant>,
    /// Ask for a higher version than the change requires (never a lower one).
    #[schemars(with = "Option<String>", regex(pattern = r"^\d+\.\d+\.\d+$"))]
    pub version: Option<semver::Version>,
}

/// The applied plan of an API project: `core ⊕ project`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiPlan {
    pub catalog: CatalogSettings,
    #[serde(default)]
    pub policy: Policy,
    pub api: Api,
    #[serde(default)]
    pub release: Release,
    #[serde(default)]
    pub rules: Levels,
}

/// The applied plan of a product: `core ⊕ project ⊕ product`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductPlan {
    pub catalog: CatalogSettings,
    #[serde(default)]
    pub policy: Policy,
    pub product: Product,
    #[serde(default)]
    pub release: Release,
    #[serde(default)]
    pub rules: Levels,
}
