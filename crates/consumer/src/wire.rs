//! The published wire format: snapshot files and ledger indexes. Child APIs code against these
//! (their schemas are in `schemas/`), so they change only with [`FORMAT_VERSION`].
//!
//! Invariant: these are the only types written to `out/snapshots/`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use semver::Version;
use serde::{Deserialize, Serialize};

use crate::model::api::Api;
use crate::model::catalog::CatalogSettings;
use crate::model::ids::{Instant, Slug};
use crate::model::product::{Product, ProductKind, ProductPrice};

pub const FORMAT_VERSION: u32 = 1;

/// What a published plan is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Api,
    Frontend,
    Kit,
    Addon,
    Bundle,
    Subscription,
    Service,
}

impl From<ProductKind> for EntityKind {
    fn from(k: ProductKind) -> Self {
        match k {
            ProductKind::Frontend => EntityKind::Frontend,
            ProductKind::Kit => EntityKind::Kit,
            ProductKind::Addon => EntityKind::Addon,
            ProductKind::Bundle => EntityKind::Bundle,
            ProductKind::Subscription => EntityKind::Subscription,
            ProductKind::Service => EntityKind::Service,
        }
    }
}

/// `out/snapshots/<slug>/<plan_version>.json`: one immutable published version of a plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    pub format_version: u32,
    pub slug: Slug,
    pub kind: EntityKind,
    /// The API project a product belongs to; `null` for APIs and stand-alone products.
    pub project: Option<Slug>,
    #[schemars(with = "String")]
    pub plan_version: Version,
    /// When this version takes effect for new subscribers.
    pub effective_from: Instant,
    /// When it reaches existing subscribers, if later (grandfathering); absent: at
    /// `effective_from`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub existing_from: Option<Instant>,
    /// The version clients fall back to if this one is withdrawn; `null` for the first.
    #[schemars(with = "Option<String>")]
    pub rollback_to: Option<Version>,
    /// `sha256:` + hex SHA-256 of the canonical JSON of [`Content`] (sorted keys, no spaces).
    pub content_hash: String,
    /// The applied catalog settings (display currency and locale, CTA labels, trust note).
    pub catalog: CatalogSettings,
    pub plan: PublishedPlan,
    pub computed: Computed,
}

/// The published plan: the API or product section of the applied plan. Infrastructure costs
/// are internal and never published.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum PublishedPlan {
    Api(Box<Api>),
    Product(Box<Product>),
}

/// Values plancat computes rather than reads, like a bundle's price.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Computed {
    /// A bundle's price: its components' prices, summed per interval, minus its discount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundle_price: Option<ProductPrice>,
    /// The exact published versions a derived value (a bundle's price) was computed from, by
    /// slug. A derived version is only as good as its sources: withdrawing one withdraws it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<SourceRef>,
}

/// One published version a derived value was computed from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceRef {
    pub slug: Slug,
    #[schemars(with = "String")]
    pub plan_version: Version,
    /// The source snapshot's `content_hash`.
    pub content_hash: String,
}

/// The part of a snapshot its `content_hash` covers: everything but the release metadata.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Content<'a> {
    pub slug: &'a Slug,
    pub kind: EntityKind,
    pub project: &'a Option<Slug>,
    pub catalog: &'a CatalogSettings,
    pub plan: &'a PublishedPlan,
    pub computed: &'a Computed,
}

impl Snapshot {
    pub fn content(&self) -> Content<'_> {
        Content {
            slug: &self.slug,
            kind: self.kind,
            project: &self.project,
            catalog: &self.catalog,
            plan: &self.plan,
            computed: &self.computed,
        }
    }
}

/// `out/snapshots/<slug>/index.json`: every published version of one plan, oldest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SlugIndex {
    pub format_version: u32,
    pub slug: Slug,
    pub kind: EntityKind,
    pub project: Option<Slug>,
    pub versions: Vec<VersionEntry>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionEntry {
    #[schemars(with = "String")]
    pub plan_version: Version,
    pub effective_from: Instant,
    /// Same as the snapshot's `existing_from`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub existing_from: Option<Instant>,
    #[schemars(with = "Option<String>")]
    pub rollback_to: Option<Version>,
    /// Same as the snapshot's `content_hash`.
    pub content_hash: String,
    /// Hex SHA-256 of the snapshot file's exact bytes: what a client checks after fetching it.
    pub file_sha256: String,
    /// The snapshot's file name, relative to this index.
    pub file: String,
    /// Why this version has the number it has (`null` for the first version).
    pub bump: Option<Bump>,
    pub reasons: Vec<String>,
    /// Set when the version is withdrawn: resolution skips it.
    pub yanked: Option<Yanked>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Yanked {
    pub reason: String,
    /// When `plancat yank` withdrew the version.
    pub at: Instant,
    /// Set when the version was withdrawn because a version it was computed from was
    /// (`<slug> <version>`); restoring that source restores this version too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with: Option<String>,
}

/// The semver class of a change, as SPEC §5 defines it for subscribers.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Bump {
    Patch,
    Minor,
    Major,
}

impl std::fmt::Display for Bump {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        })
    }
}

/// `out/snapshots/index.json`: every published slug.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogIndex {
    pub format_version: u32,
    pub entries: BTreeMap<Slug, CatalogEntry>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogEntry {
    pub kind: EntityKind,
    pub project: Option<Slug>,
    /// The newest published version (withdrawn or not).
    #[schemars(with = "String")]
    pub latest: Version,
    /// The slug's index, relative to this file.
    pub index: String,
    /// Hex SHA-256 of the slug's index file, so no field of it (a date, a reason, a
    /// withdrawal) can be edited unseen: the catalog index → slug index → snapshot chain is
    /// hashed end to end. Absent only in ledgers written before plancat 0.2 (the next `build`
    /// adds it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_sha256: Option<String>,
}
