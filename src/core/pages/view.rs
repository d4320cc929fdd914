//! What templates see: plain, already-formatted values built from published snapshots
//! (`site`, `page`, and `api` / `product` / `bundle` / `index`). Money is formatted for the
//! catalog's currency and locale here, so templates never do arithmetic or formatting.

use std::collections::BTreeMap;

use serde::Serialize;

use rust_decimal::Decimal;

use super::money;
use crate::core::compute;
use crate::core::model::api::{Api, Discount, Feature, Limit, Period, Promotion, Status, Tier};
use crate::core::model::catalog::CatalogSettings;
use crate::core::model::ids::{Instant, Slug};
use crate::core::model::money::{CurrencyCode, Percent, Price};
use crate::core::model::product::{Component, Product, ProductKind, ProductPrice};
use plancat_consumer::wire::{EntityKind, PublishedPlan, Snapshot};

/// The live plans of the catalog, by slug, with the site-wide settings.
pub struct Catalog<'a> {
    settings: CatalogSettings,
    /// The moment the pages show: promotions running then are shown.
    at: Instant,
    apis: BTreeMap<&'a str, (&'a Snapshot, &'a Api)>,
    products: BTreeMap<&'a str, (&'a Snapshot, &'a Product)>,
}

#[derive(Serialize)]
pub struct Site {
    pub brand: String,
    pub base_url: String,
    pub locale: String,
    pub language: String,
    pub currency: String,
    pub cta: CtaView,
    pub trust_note: String,
    /// The icon's file under `assets/` (the catalog's own, else the built-in one).
    pub favicon: String,
    /// The catalog's logo under `assets/`, if it has one (else the brand's initial shows).
    pub logo: Option<String>,
    /// `Prices exclude tax.` / `Prices include tax.`, when the catalog says which.
    pub tax_note: Option<String>,
}

#[derive(Serialize)]
pub struct CtaView {
    pub primary: String,
    pub secondary: String,
    pub contact_sales: String,
    pub signup_url: Option<String>,
    pub sales_url: String,
}

#[derive(Serialize)]
pub struct Page {
    pub title: String,
    pub description: String,
    pub canonical: String,
    /// Relative path from this page to the site root (`../../`), so the site works from disk.
    pub root: String,
    pub plan_version: String,
}

#[derive(Serialize)]
pub struct ApiView {
    pub slug: String,
    pub name: String,
    pub summary: String,
    pub plan_version: String,
    pub url: String,
    pub tiers: Vec<TierView>,
    pub has_yearly: bool,
    pub addons: Vec<AddonView>,
    pub frontends: Vec<Card>,
}

#[derive(Serialize)]
pub struct TierView {
    pub id: String,
    pub name: String,
    pub description: String,
    pub highlighted: bool,
    pub contact_sales: bool,
    pub monthly: Option<String>,
    pub yearly: Option<String>,
    /// What paying yearly saves, computed from the two prices: `2 months free`, `Save 17 %`.
    pub saving: Option<String>,
    /// A promotion running now that applies to this tier.
    pub promotion: Option<PromotionView>,
    /// A one-time setup fee: `₹4,999.00`.
    pub setup: Option<String>,
    /// A contact-sales tier's stated price, shown as where it starts: `From ₹99.00 / month`.
    pub from: Option<String>,
    /// Where the tier is bought, per interval (the button follows the billing toggle).
    pub checkout_monthly: Option<String>,
    pub checkout_yearly: Option<String>,
    /// Absent when the tier does not state its seats: the page says nothing about them.
    pub seats: Option<String>,
    pub trial_days: Option<u32>,
    pub quotas: Vec<QuotaView>,
    pub features: Vec<FeatureView>,
}

/// A promotion running at the moment of the pages, with the prices it gives — computed, never
/// typed.
#[derive(Serialize)]
pub struct PromotionView {
    pub name: String,
    pub code: Option<String>,
    /// `20 % off`, `₹500.00 off`.
    pub off: String,
    /// The last day it runs (`2026-12-31`), if it ends.
    pub until: Option<String>,
    /// The discounted prices, where the discount is a percentage (or an amount off a
    /// one-time price).
    pub monthly: Option<String>,
    pub yearly: Option<String>,
    pub one_time: Option<String>,
}

#[derive(Serialize)]
pub struct QuotaView {
    pub name: String,
    pub included: String,
    pub overage: Option<String>,
}

#[derive(Serialize)]
pub struct FeatureView {
    pub name: String,
    pub value: String,
    pub included: bool,
}

#[derive(Serialize)]
pub struct AddonView {
    pub name: String,
    pub description: String,
    pub price: String,
    pub tiers: Vec<String>,
    /// Where the add-on is bought, if the catalog says (monthly first).
    pub checkout: Option<String>,
}

/// A product or bundle as a link with its price, for lists.
#[derive(Serialize)]
pub struct Card {
    pub name: String,
    pub tagline: String,
    pub price: String,
    pub url: String,
}

#[derive(Serialize)]
pub struct ProductView {
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub tagline: String,
    pub description: String,
    pub highlights: Vec<String>,
    pub price: String,
    pub plan_version: String,
    pub url: String,
    /// The APIs this product requires, with their pages.
    pub requires: Vec<Link>,
    /// A promotion running now on this product.
    pub promotion: Option<PromotionView>,
    /// Where the product is bought: its checkout URL, else the catalog's signup URL, else sales.
    pub buy_url: String,
    /// Whether the catalog states a checkout URL for it.
    pub has_checkout: bool,
}

#[derive(Serialize)]
pub struct BundleView {
    pub slug: String,
    pub name: String,
    pub tagline: String,
    pub description: String,
    pub discount: String,
    pub components: Vec<Card>,
    /// The computed price, never a stated one.
    pub price: String,
    /// The components' prices summed (what they cost bought one by one), when it differs.
    pub list_price: Option<String>,
    /// Where the bundle is bought, if the catalog says.
    pub checkout: Option<String>,
    pub plan_version: String,
    pub url: String,
}

#[derive(Serialize)]
pub struct Link {
    pub name: String,
    pub url: String,
    /// The compatible-products section of the linked page.
    pub products_url: String,
}

#[derive(Serialize)]
pub struct IndexView {
    pub apis: Vec<IndexApi>,
    pub bundles: Vec<Card>,
    pub others: Vec<Card>,
}

#[derive(Serialize)]
pub struct IndexApi {
    pub name: String,
    pub summary: String,
    pub url: String,
    pub from: Option<String>,
    pub frontends: Vec<Card>,
}

impl<'a> Catalog<'a> {
    /// The live plans among `snapshots` (and the drafts, in a preview that asks for them).
    pub fn new(snapshots: &[&'a Snapshot], drafts: bool, at: Instant) -> Catalog<'a> {
        let shown = |s: Status| s == Status::Live || (drafts && s == Status::Draft);
        let mut apis = BTreeMap::new();
        let mut products = BTreeMap::new();
        for s in snapshots {
            match &s.plan {
                PublishedPlan::Api(a) if shown(a.status) => {
                    apis.insert(s.slug.as_str(), (*s, a.as_ref()));
                }
                PublishedPlan::Product(p) if shown(p.status) => {
                    products.insert(s.slug.as_str(), (*s, p.as_ref()));
                }
                _ => {}
            }
        }
        // Site-wide settings are the APIs' (core's and their project's), else any plan's.
        let settings = apis
            .values()
            .map(|(s, _)| &s.catalog)
            .chain(snapshots.iter().map(|s| &s.catalog))
            .next()
            .cloned()
            .unwrap_or_else(|| CatalogSettings {
                brand: String::new(),
                base_url: "https://example.invalid".into(),
                currency: CurrencyCode::new("USD").expect("USD exists"),
                locale: "en".into(),
                cta: Default::default(),
                trust_note: String::new(),
                prices_include_tax: None,
                features: BTreeMap::new(),
            });
        Catalog {
            settings,
            at,
            apis,
            products,
        }
    }

    pub fn site(&self) -> Site {
        let s = &self.settings;
        Site {
            brand: s.brand.clone(),
            base_url: s.base_url.trim_end_matches('/').to_string(),
            locale: s.locale.clone(),
            language: s.locale.split('-').next().unwrap_or("en").to_string(),
            currency: s.currency.code().to_string(),
            cta: cta(s),
            trust_note: s.trust_note.clone(),
            favicon: "favicon.svg".into(),
            logo: None,
            tax_note: s.prices_include_tax.map(|incl| {
                if incl {
                    "Prices include tax.".into()
                } else {
                    "Prices exclude tax.".into()
                }
            }),
        }
    }

    pub fn canonical(&self, path: &str) -> String {
        let clean = path.trim_end_matches("index.html");
        format!("{}/{clean}", self.settings.base_url.trim_end_matches('/'))
    }

    pub fn index_page(&self) -> Page {
        Page {
            title: self.settings.brand.clone(),
            description: format!("APIs, frontends and bundles from {}", self.settings.brand),
            canonical: self.canonical("index.html"),
            root: String::new(),
            plan_version: String::new(),
        }
    }

    pub fn page_for(&self, url: &str, name: &str, description: &str, version: &str) -> Page {
        Page {
            title: format!("{name} · {}", self.settings.brand),
            description: description.to_string(),
            canonical: self.canonical(url),
            root: "../".repeat(url.matches('/').count()),
            plan_version: version.to_string(),
        }
    }

    pub fn apis(&self) -> Vec<ApiView> {
        self.apis
            .iter()
            .map(|(slug, (s, api))| self.api_view(slug, s, api))
            .collect()
    }

    fn api_view(&self, slug: &str, s: &Snapshot, api: &Api) -> ApiView {
        let locale = &s.catalog.locale;
        let cur = s.catalog.currency;
        let mut tiers: Vec<(&Slug, &Tier)> = api.tiers.iter().collect();
        tiers.sort_by_key(|(id, t)| (t.order, (*id).clone()));
        let names: BTreeMap<&str, &str> = api
            .tiers
            .iter()
            .map(|(k, t)| (k.as_str(), t.name.as_str()))
            .collect();
        ApiView {
            slug: slug.to_string(),
            name: api.name.clone(),
            summary: api.summary.clone(),
            plan_version: s.plan_version.to_string(),
            url: format!("apis/{slug}/index.html"),
            has_yearly: api.tiers.values().any(|t| t.price.yearly.is_some()),
            tiers: tiers
                .iter()
                .map(|(id, t)| TierView {
                    id: id.to_string(),
                    name: t.name.clone(),
                    description: t.description.clone(),
                    highlighted: t.highlighted,
                    contact_sales: t.price.contact_sales,
                    monthly: t.price.monthly.as_ref().map(|p| amount(p, cur, locale)),
                    yearly: t.price.yearly.as_ref().map(|p| amount(p, cur, locale)),
                    saving: match (&t.price.monthly, &t.price.yearly) {
                        (Some(m), Some(y)) if !t.price.contact_sales => saving(m, y, cur),
                        _ => None,
                    },
                    setup: t.price.setup.as_ref().map(|p| amount(p, cur, locale)),
                    from: t
                        .price
                        .contact_sales
                        .then(|| {
                            let stated = recurring(&t.price.monthly, &t.price.yearly, cur, locale);
                            (!stated.is_empty()).then(|| format!("From {stated}"))
                        })
                        .flatten(),
                    checkout_monthly: t.checkout.as_ref().and_then(|c| c.monthly.clone()),
                    checkout_yearly: t.checkout.as_ref().and_then(|c| c.yearly.clone()),
                    promotion: running(&api.promotions, self.at, Some(id.as_str())).map(|p| {
                        promotion_view(
                            p,
                            &ProductPrice {
                                one_time: None,
                                monthly: t.price.monthly.clone(),
                                yearly: t.price.yearly.clone(),
                            },
                            cur,
                            locale,
                        )
                    }),
                    seats: t.seats.map(|s| limit(s, locale)),
                    trial_days: t.trial_days,
                    quotas: t
                        .quotas
                        .iter()
                        .map(|(q, quota)| QuotaView {
                            name: humanize(q.as_str()),
                            included: match quota.limit {
                                Some(l) => format!(
                                    "{} {} per {}",
                                    limit(l, locale),
                                    quota.unit,
                                    period(quota.period)
                                ),
                                // A pure usage fee: nothing included, every unit paid.
                                None => format!("{}: pay as you go", quota.unit),
                            },
                            overage: quota.overage.as_ref().map(|o| {
                                let price = amount(&o.price, cur, locale);
                                let beyond = match quota.limit {
                                    Some(Limit::Count(n)) if n > 0 => {
                                        format!(" beyond {}", money::count(n, locale))
                                    }
                                    _ => String::new(),
                                };
                                if o.per == 1 {
                                    format!("{price} each{beyond}")
                                } else {
                                    format!(
                                        "{price} per {} {}{beyond}",
                                        money::count(o.per, locale),
                                        quota.unit
                                    )
                                }
                            }),
                        })
                        .collect(),
                    features: feature_views(&t.features, &s.catalog.features, locale),
                })
                .collect(),
            addons: api
                .addons
                .values()
                .map(|a| AddonView {
                    name: a.name.clone(),
                    description: a.description.clone(),
                    price: recurring(&a.price.monthly, &a.price.yearly, cur, locale),
                    tiers: a
                        .available_on
                        .iter()
                        .filter_map(|t| names.get(t.as_str()).map(|n| n.to_string()))
                        .collect(),
                    checkout: a
                        .checkout
                        .as_ref()
                        .and_then(|c| c.monthly.clone().or_else(|| c.yearly.clone())),
                })
                .collect(),
            frontends: self
                .products
                .iter()
                .filter(|(_, (_, p))| {
                    p.kind == ProductKind::Frontend && p.requires.iter().any(|r| r.as_str() == slug)
                })
                .map(|(pslug, (ps, p))| self.card(pslug, ps, p))
                .collect(),
        }
    }

    pub fn products(&self) -> Vec<ProductView> {
        self.products
            .iter()
            .filter(|(_, (_, p))| p.kind != ProductKind::Bundle)
            .map(|(slug, (s, p))| ProductView {
                slug: slug.to_string(),
                name: p.name.clone(),
                kind: match p.kind {
                    ProductKind::Addon => "add-on".into(),
                    k => format!("{k:?}").to_lowercase(),
                },
                tagline: p.copy.tagline.clone(),
                description: p.copy.description.clone(),
                highlights: p.copy.highlights.clone(),
                price: product_price(&p.price, s.catalog.currency, &s.catalog.locale),
                plan_version: s.plan_version.to_string(),
                url: url_of(slug, s.kind),
                requires: p
                    .requires
                    .iter()
                    .filter_map(|r| {
                        let (_, api) = self.apis.get(r.as_str())?;
                        Some(Link {
                            name: api.name.clone(),
                            url: format!("apis/{r}/index.html"),
                            products_url: format!("apis/{r}/index.html#compatible-products"),
                        })
                    })
                    .collect(),
                promotion: running(&p.promotions, self.at, None).map(|promo| {
                    promotion_view(promo, &p.price, s.catalog.currency, &s.catalog.locale)
                }),
                buy_url: p
                    .checkout
                    .clone()
                    .or_else(|| s.catalog.cta.signup_url.clone())
                    .unwrap_or_else(|| cta(&s.catalog).sales_url),
                has_checkout: p.checkout.is_some(),
            })
            .collect()
    }

    pub fn bundles(&self) -> Vec<BundleView> {
        self.products
            .iter()
            .filter_map(|(slug, (s, p))| {
                let bundle = p.bundle.as_ref()?;
                let price = s.computed.bundle_price.as_ref()?;
                let (cur, locale) = (s.catalog.currency, &s.catalog.locale);
                Some(BundleView {
                    slug: slug.to_string(),
                    name: p.name.clone(),
                    tagline: p.copy.tagline.clone(),
                    description: p.copy.description.clone(),
                    discount: format!("{} %", bundle.discount.0.normalize()),
                    components: bundle
                        .components
                        .iter()
                        .filter_map(|c| match c {
                            Component::Tier { api, tier } => {
                                let (_, a) = self.apis.get(api.as_str())?;
                                let t = a.tiers.get(tier)?;
                                Some(Card {
                                    name: format!("{} — {}", a.name, t.name),
                                    tagline: t.description.clone(),
                                    price: recurring(
                                        &t.price.monthly,
                                        &t.price.yearly,
                                        cur,
                                        locale,
                                    ),
                                    url: format!("apis/{api}/index.html"),
                                })
                            }
                            Component::Product { product } => {
                                let (ps, pp) = self.products.get(product.as_str())?;
                                Some(self.card(product.as_str(), ps, pp))
                            }
                        })
                        .collect(),
                    price: product_price(price, cur, locale),
                    list_price: self
                        .list_price(bundle)
                        .filter(|list| list != price)
                        .map(|list| product_price(&list, cur, locale)),
                    checkout: p.checkout.clone(),
                    plan_version: s.plan_version.to_string(),
                    url: url_of(slug, EntityKind::Bundle),
                })
            })
            .collect()
    }

    pub fn index(&self) -> IndexView {
        IndexView {
            apis: self
                .apis()
                .into_iter()
                .map(|a| IndexApi {
                    from: a.tiers.iter().find_map(|t| t.monthly.clone()),
                    name: a.name,
                    summary: a.summary,
                    url: a.url,
                    frontends: a.frontends,
                })
                .collect(),
            bundles: self
                .bundles()
                .into_iter()
                .map(|b| Card {
                    name: b.name,
                    tagline: b.tagline,
                    price: b.price,
                    url: b.url,
                })
                .collect(),
            // Every other live product, so no page is reachable only from the sitemap: kits,
            // add-ons, and frontends whose API is not on the index (stand-alone ones).
            others: self
                .products
                .iter()
                .filter(|(_, (_, p))| match p.kind {
                    ProductKind::Bundle => false,
                    ProductKind::Frontend => !p
                        .requires
                        .iter()
                        .any(|r| self.apis.contains_key(r.as_str())),
                    ProductKind::Kit | ProductKind::Addon => true,
                })
                .map(|(slug, (s, p))| self.card(slug, s, p))
                .collect(),
        }
    }

    /// What a bundle's components cost bought one by one: the bundle's own computation with no
    /// discount, from the same snapshots.
    fn list_price(&self, bundle: &crate::core::model::product::Bundle) -> Option<ProductPrice> {
        let apis: BTreeMap<&Slug, &Api> = self.apis.values().map(|(s, a)| (&s.slug, *a)).collect();
        let products: BTreeMap<&Slug, &Product> =
            self.products.values().map(|(s, p)| (&s.slug, *p)).collect();
        let undiscounted = crate::core::model::product::Bundle {
            discount: Percent(Decimal::ZERO),
            // What the components cost, as stated: no charm or whole-unit rounding.
            rounding: crate::core::model::product::Rounding::Minor,
            ..bundle.clone()
        };
        compute::bundle_price(&undiscounted, &apis, &products).ok()
    }

    fn card(&self, slug: &str, s: &Snapshot, p: &Product) -> Card {
        let price = match (&s.computed.bundle_price, p.kind) {
            (Some(b), ProductKind::Bundle) => b,
            _ => &p.price,
        };
        Card {
            name: p.name.clone(),
            tagline: p.copy.tagline.clone(),
            price: product_price(price, s.catalog.currency, &s.catalog.locale),
            url: url_of(slug, s.kind),
        }
    }
}

fn cta(s: &CatalogSettings) -> CtaView {
    let host = url::Url::parse(&s.base_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string));
    CtaView {
        primary: s.cta.primary.clone(),
        secondary: s.cta.secondary.clone(),
        contact_sales: s.cta.contact_sales.clone(),
        signup_url: s.cta.signup_url.clone(),
        sales_url: s
            .cta
            .sales_url
            .clone()
            .unwrap_or_else(|| format!("mailto:sales@{}", host.unwrap_or_default())),
    }
}

fn url_of(slug: &str, kind: EntityKind) -> String {
    match kind {
        EntityKind::Api => format!("apis/{slug}/index.html"),
        EntityKind::Bundle => format!("bundles/{slug}/index.html"),
        _ => format!("products/{slug}/index.html"),
    }
}

/// A tier's features as pages show them: the catalog's names and units when it declares them
/// (in its order), else the ids made readable.
fn feature_views(
    features: &BTreeMap<Slug, Feature>,
    declared: &BTreeMap<Slug, crate::core::model::catalog::FeatureInfo>,
    locale: &str,
) -> Vec<FeatureView> {
    let mut out: Vec<(u32, &Slug, FeatureView)> = features
        .iter()
        .map(|(f, v)| {
            let info = declared.get(f);
            let value = match v {
                Feature::Enabled(true) => "Included".into(),
                Feature::Enabled(false) => "Not included".into(),
                Feature::Limit(l) => match info.and_then(|i| i.unit.as_deref()) {
                    Some(unit) if matches!(l, Limit::Count(_)) => {
                        format!("{} {unit}", limit(*l, locale))
                    }
                    _ => limit(*l, locale),
                },
            };
            let view = FeatureView {
                name: info.map_or_else(|| humanize(f.as_str()), |i| i.name.clone()),
                value,
                included: !matches!(v, Feature::Enabled(false) | Feature::Limit(Limit::Count(0))),
            };
            (info.map_or(u32::MAX, |i| i.order), f, view)
        })
        .collect();
    out.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    out.into_iter().map(|(_, _, v)| v).collect()
}

/// What a yearly price saves against twelve monthly ones, never overstated: whole months free
/// when it is exactly that, else the percentage rounded down. `None` when it saves nothing.
fn saving(monthly: &Price, yearly: &Price, cur: CurrencyCode) -> Option<String> {
    let (m, y) = (monthly.get(cur)?.0, yearly.get(cur)?.0);
    let twelve = m.checked_mul(Decimal::from(12))?;
    if m <= Decimal::ZERO || y >= twelve {
        return None;
    }
    let saved = twelve - y;
    let months = saved.checked_div(m)?;
    if months.fract().is_zero() {
        let n = months.normalize();
        return Some(if n == Decimal::ONE {
            "1 month free".into()
        } else {
            format!("{n} months free")
        });
    }
    let percent = (saved * Decimal::ONE_HUNDRED / twelve).floor();
    (percent >= Decimal::ONE).then(|| format!("Save {} %", percent.normalize()))
}

/// The promotion running at `at` that applies to `target` (a tier or add-on id; `None`: a
/// product, to which all of its promotions apply); the first by id when several do.
fn running<'p>(
    promotions: &'p BTreeMap<Slug, Promotion>,
    at: Instant,
    target: Option<&str>,
) -> Option<&'p Promotion> {
    promotions.values().find(|p| {
        p.valid_from <= at
            && p.valid_until.is_none_or(|u| at < u)
            && target.is_none_or(|t| {
                p.applies_to.is_empty() || p.applies_to.iter().any(|a| a.as_str() == t)
            })
    })
}

fn promotion_view(
    p: &Promotion,
    price: &ProductPrice,
    cur: CurrencyCode,
    locale: &str,
) -> PromotionView {
    let exponent = cur.exponent();
    let after = |price: &Option<Price>, amount_ok: bool| -> Option<String> {
        let m = price.as_ref()?.get(cur)?.0;
        let v = match &p.off {
            Discount::Percent(pc) => compute::discounted(m, *pc, exponent)?,
            Discount::Amount(off) if amount_ok => {
                let v = m.checked_sub(off.get(cur)?.0)?;
                if v < Decimal::ZERO {
                    return None;
                }
                v
            }
            Discount::Amount(_) => return None,
        };
        Some(money::format(v, cur, locale))
    };
    PromotionView {
        name: p.name.clone(),
        code: p.code.clone(),
        off: match &p.off {
            Discount::Percent(pc) => format!("{} % off", pc.0.normalize()),
            Discount::Amount(a) => format!("{} off", amount(a, cur, locale)),
        },
        // The last moment it runs is just before `valid_until`: the day before a midnight end.
        until: p.valid_until.map(|u| {
            let ts = u.0 - jiff::SignedDuration::from_secs(1);
            format!("{} UTC", ts.strftime("%Y-%m-%d"))
        }),
        monthly: after(&price.monthly, false),
        yearly: after(&price.yearly, false),
        one_time: after(&price.one_time, true),
    }
}

/// The amount in the catalog currency (or the first one the price has).
fn amount(p: &Price, cur: CurrencyCode, locale: &str) -> String {
    match p.get(cur) {
        Some(m) => money::format(m.0, cur, locale),
        None => {
            p.0.iter()
                .next()
                .map_or_else(String::new, |(c, m)| money::format(m.0, *c, locale))
        }
    }
}

fn recurring(
    monthly: &Option<Price>,
    yearly: &Option<Price>,
    cur: CurrencyCode,
    locale: &str,
) -> String {
    let parts: Vec<String> = [(monthly, "month"), (yearly, "year")]
        .iter()
        .filter_map(|(p, per)| {
            p.as_ref()
                .map(|p| format!("{} / {per}", amount(p, cur, locale)))
        })
        .collect();
    parts.join(" or ")
}

fn product_price(p: &ProductPrice, cur: CurrencyCode, locale: &str) -> String {
    let mut parts = Vec::new();
    if let Some(o) = &p.one_time {
        parts.push(format!("{} one-time", amount(o, cur, locale)));
    }
    let r = recurring(&p.monthly, &p.yearly, cur, locale);
    if !r.is_empty() {
        parts.push(r);
    }
    parts.join(" + ")
}

fn limit(l: Limit, locale: &str) -> String {
    match l {
        Limit::Count(n) => money::count(n, locale),
        Limit::Unlimited => "Unlimited".into(),
    }
}

fn period(p: Period) -> &'static str {
    match p {
        Period::Hour => "hour",
        Period::Day => "day",
        Period::Month => "month",
        Period::Year => "year",
    }
}

/// `custom-domains` → `Custom domains`.
fn humanize(id: &str) -> String {
    let words = id.replace('-', " ");
    let mut c = words.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(amount: &str) -> Price {
        serde_json::from_value(serde_json::json!({ "USD": amount })).unwrap()
    }

    #[test]
    fn yearly_savings_are_computed_and_never_overstated() {
        let cur = CurrencyCode::new("USD").unwrap();
        let s = |m: &str, y: &str| saving(&usd(m), &usd(y), cur);
        assert_eq!(s("30", "300").as_deref(), Some("2 months free"));
        assert_eq!(s("10", "110").as_deref(), Some("1 month free"));
        // 189 of 1,188 is 15.9 %: shown as 15 %, never rounded up to 16 %.
        assert_eq!(s("99", "999").as_deref(), Some("Save 15 %"));
        assert_eq!(s("29", "348"), None, "twelve months: no saving");
        assert_eq!(s("29", "400"), None, "dearer yearly: no saving claimed");
        assert_eq!(s("100", "1195"), None, "under 1 %: not worth a claim");
        assert_eq!(s("0", "0"), None);
    }

    #[test]
    fn a_promotion_runs_from_its_start_until_just_before_its_end() {
        let at = |t: &str| Instant::parse(t).unwrap();
        let promo: Promotion = serde_json::from_value(serde_json::json!({
            "name": "Sale", "off": { "percent": 10 },
            "valid_from": "2026-01-01T00:00:00Z", "valid_until": "2026-02-01T00:00:00Z",
            "applies_to": ["basic"]
        }))
        .unwrap();
        let promos: BTreeMap<Slug, Promotion> =
            [(Slug::new("sale").unwrap(), promo)].into_iter().collect();
        let basic = Some("basic");
        assert!(running(&promos, at("2025-12-31T23:59:59Z"), basic).is_none());
        assert!(running(&promos, at("2026-01-01T00:00:00Z"), basic).is_some());
        assert!(running(&promos, at("2026-01-31T23:59:59Z"), basic).is_some());
        assert!(running(&promos, at("2026-02-01T00:00:00Z"), basic).is_none());
        assert!(running(&promos, at("2026-01-15T00:00:00Z"), Some("pro")).is_none());
        let view = promotion_view(
            running(&promos, at("2026-01-15T00:00:00Z"), basic).unwrap(),
            &ProductPrice {
                one_time: None,
                monthly: Some(usd("29.99")),
                yearly: None,
            },
            CurrencyCode::new("USD").unwrap(),
            "en-US",
        );
        assert_eq!(view.until.as_deref(), Some("2026-01-31 UTC"));
        // 29.99 × 0.9 = 26.991, rounded half away from zero to the cent.
        assert_eq!(view.monthly.as_deref(), Some("$26.99"));
        assert_eq!(view.off, "10 % off");
    }
}
