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
#[schemars(title = "Plan kind")]
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
#[schemars(title = "Snapshot")]
pub struct Snapshot {
    /// The version of this file format, currently `1`; bumped only when it changes incompatibly.
    #[schemars(title = "Format version")]
    pub format_version: u32,
    /// The plan's slug, like `aurora-storefront`.
    #[schemars(title = "Slug")]
    pub slug: Slug,
    /// What the plan is: `api` or a product kind (`frontend`, `bundle`, …).
    #[schemars(title = "Plan kind")]
    pub kind: EntityKind,
    /// The API project a product belongs to; `null` for APIs and stand-alone products.
    #[schemars(title = "Project")]
    pub project: Option<Slug>,
    /// This version's semver number, like `1.2.0`.
    #[schemars(title = "Plan version", with = "String")]
    pub plan_version: Version,
    /// When this version takes effect for new subscribers.
    #[schemars(title = "Effective from")]
    pub effective_from: Instant,
    /// When it reaches existing subscribers, if later (grandfathering); absent: at
    /// `effective_from`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Existing subscribers from")]
    pub existing_from: Option<Instant>,
    /// The version clients fall back to if this one is withdrawn; `null` for the first.
    #[schemars(title = "Rollback version", with = "Option<String>")]
    pub rollback_to: Option<Version>,
    /// `sha256:` + hex SHA-256 of the canonical JSON of [`Content`] (sorted keys, no spaces).
    #[schemars(title = "Content hash")]
    pub content_hash: String,
    /// The applied catalog settings (display currency and locale, CTA labels, trust note).
    #[schemars(title = "Catalog settings")]
    pub catalog: CatalogSettings,
    /// The published plan: `{ "api": … }` or `{ "product": … }`, without internal costs.
    #[schemars(title = "Published plan")]
    pub plan: PublishedPlan,
    /// Values plancat computed, like a bundle's price.
    #[schemars(title = "Computed values")]
    pub computed: Computed,
}

/// The published plan: the API or product section of the applied plan. Infrastructure costs
/// are internal and never published.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[schemars(title = "Published plan")]
pub enum PublishedPlan {
    Api(Box<Api>),
    Product(Box<Product>),
}

/// Values plancat computes rather than reads, like a bundle's price.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Computed values")]
pub struct Computed {
    /// A bundle's price: its components' prices, summed per interval, minus its discount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Bundle price")]
    pub bundle_price: Option<ProductPrice>,
    /// The exact published versions a derived value (a bundle's price) was computed from, by
    /// slug. A derived version is only as good as its sources: withdrawing one withdraws it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(title = "Sources")]
    pub sources: Vec<SourceRef>,
}

/// One published version a derived value was computed from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Source version")]
pub struct SourceRef {
    /// The source plan's slug, like `shopcore-commerce-api`.
    #[schemars(title = "Slug")]
    pub slug: Slug,
    /// The source version, like `1.0.0`.
    #[schemars(title = "Plan version", with = "String")]
    pub plan_version: Version,
    /// The source snapshot's `content_hash`.
    #[schemars(title = "Content hash")]
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
#[schemars(title = "Slug index")]
pub struct SlugIndex {
    /// The version of this file format, currently `1`; bumped only when it changes incompatibly.
    #[schemars(title = "Format version")]
    pub format_version: u32,
    /// The plan's slug, like `aurora-storefront`.
    #[schemars(title = "Slug")]
    pub slug: Slug,
    /// What the plan is: `api` or a product kind (`frontend`, `bundle`, …).
    #[schemars(title = "Plan kind")]
    pub kind: EntityKind,
    /// The API project a product belongs to; `null` for APIs and stand-alone products.
    #[schemars(title = "Project")]
    pub project: Option<Slug>,
    /// Every published version, oldest first.
    #[schemars(title = "Versions")]
    pub versions: Vec<VersionEntry>,
}

/// One published version in a slug's index.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Version entry")]
pub struct VersionEntry {
    /// The version's semver number, like `1.2.0`.
    #[schemars(title = "Plan version", with = "String")]
    pub plan_version: Version,
    /// Same as the snapshot's `effective_from`: when the version takes effect for new
    /// subscribers.
    #[schemars(title = "Effective from")]
    pub effective_from: Instant,
    /// Same as the snapshot's `existing_from`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Existing subscribers from")]
    pub existing_from: Option<Instant>,
    /// Same as the snapshot's `rollback_to`: the version clients fall back to if this one is
    /// withdrawn; `null` for the first.
    #[schemars(title = "Rollback version", with = "Option<String>")]
    pub rollback_to: Option<Version>,
    /// Same as the snapshot's `content_hash`.
    #[schemars(title = "Content hash")]
    pub content_hash: String,
    /// Hex SHA-256 of the snapshot file's exact bytes: what a client checks after fetching it.
    #[schemars(title = "File SHA-256")]
    pub file_sha256: String,
    /// The snapshot's file name, relative to this index.
    #[schemars(title = "File")]
    pub file: String,
    /// Why this version has the number it has (`null` for the first version).
    #[schemars(title = "Bump")]
    pub bump: Option<Bump>,
    /// The changes behind the bump, one line each, like "MAJOR: shorter trial on
    /// tier `growth`".
    #[schemars(title = "Reasons")]
    pub reasons: Vec<String>,
    /// Set when the version is withdrawn: resolution skips it.
    #[schemars(title = "Withdrawal")]
    pub yanked: Option<Yanked>,
}

/// Why and when a version was withdrawn (`plancat yank`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Withdrawal")]
pub struct Yanked {
    /// Why the version was withdrawn, as given to `plancat yank --reason`.
    #[schemars(title = "Reason")]
    pub reason: String,
    /// When `plancat yank` withdrew the version.
    #[schemars(title = "Withdrawn at")]
    pub at: Instant,
    /// Set when the version was withdrawn because a version it was computed from was
    /// (`<slug> <version>`); restoring that source restores this version too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Withdrawn with")]
    pub with: Option<String>,
}

/// The semver class of a change, as SPEC §5 defines it for subscribers.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[schemars(title = "Bump")]
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
#[schemars(title = "Catalog index")]
pub struct CatalogIndex {
    /// The version of this file format, currently `1`; bumped only when it changes incompatibly.
    #[schemars(title = "Format version")]
    pub format_version: u32,
    /// Every published plan, keyed by slug.
    #[schemars(title = "Entries")]
    pub entries: BTreeMap<Slug, CatalogEntry>,
}

/// One published plan in the catalog index.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Catalog entry")]
pub struct CatalogEntry {
    /// What the plan is: `api` or a product kind (`frontend`, `bundle`, …).
    #[schemars(title = "Plan kind")]
    pub kind: EntityKind,
    /// The API project a product belongs to; `null` for APIs and stand-alone products.
    #[schemars(title = "Project")]
    pub project: Option<Slug>,
    /// The newest published version (withdrawn or not).
    #[schemars(title = "Latest version", with = "String")]
    pub latest: Version,
    /// The slug's index, relative to this file.
    #[schemars(title = "Index file")]
    pub index: String,
    /// Hex SHA-256 of the slug's index file, so no field of it (a date, a reason, a
    /// withdrawal) can be edited unseen: the catalog index → slug index → snapshot chain is
    /// hashed end to end. Absent only in ledgers written before plancat 0.2 (the next `build`
    /// adds it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Index SHA-256")]
    pub index_sha256: Option<String>,
}
