//! What templates see: plain, already-formatted values built from published snapshots
//! (`site`, `page`, and `api` / `product` / `bundle` / `index`). Money is formatted for the
//! shown currency and the catalog's locale here, and every phrase comes from the site's
//! [`Messages`], so templates never do arithmetic, formatting or English.

use std::collections::BTreeMap;

use serde::Serialize;

use rust_decimal::Decimal;

use super::money;
use crate::core::compute;
use crate::core::messages::Messages;
use crate::core::model::api::{
    Api, Discount, Feature, Limit, Period, ProjectKind, Promotion, Status, Tier,
};
use crate::core::model::catalog::CatalogSettings;
use crate::core::model::ids::{Instant, Slug};
use crate::core::model::money::{CurrencyCode, Percent, Price};
use crate::core::model::product::{Component, Product, ProductKind, ProductPrice};
use plancat_consumer::wire::{EntityKind, PublishedPlan, Snapshot};

/// The live plans of the catalog, by slug, with the site-wide settings, shown in one currency.
pub struct Catalog<'a> {
    settings: CatalogSettings,
    /// The moment the pages show: promotions running then are shown.
    at: Instant,
    /// The currency prices are shown in: the display currency, or one the pages offer.
    cur: CurrencyCode,
    msg: &'a Messages,
    apis: BTreeMap<&'a str, (&'a Snapshot, &'a Api)>,
    products: BTreeMap<&'a str, (&'a Snapshot, &'a Product)>,
}

#[derive(Serialize)]
pub struct Site {
    pub brand: String,
    pub base_url: String,
    pub locale: String,
    /// The language of the pages' text (their `lang`).
    pub language: String,
    /// The currency prices are shown in.
    pub currency: String,
    /// Every currency the pages are published in, the shown one marked, for the switch.
    pub currencies: Vec<CurrencyLink>,
    pub cta: CtaView,
    pub trust_note: String,
    /// The icon's file under `assets/` (the catalog's own, else the built-in one).
    pub favicon: String,
    /// The catalog's logo under `assets/`, if it has one (else the brand's initial shows).
    pub logo: Option<String>,
    /// `Prices exclude tax.` / `Prices include tax.`, when the catalog says which.
    pub tax_note: Option<String>,
}

/// One copy of the site in one currency: `prefix` is where it lives (`""` for the display
/// currency, `usd/` for another).
#[derive(Serialize, Clone)]
pub struct CurrencyLink {
    pub code: String,
    pub prefix: String,
    pub current: bool,
}

#[derive(Serialize)]
pub struct CtaView {
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
    /// This page's path within one currency's copy of the site (`apis/x/index.html`): the
    /// currency switch links to it under each prefix.
    pub path: String,
    pub plan_version: String,
}

#[derive(Serialize)]
pub struct ApiView {
    pub slug: String,
    /// `api`, `membership`, `software` or `service`.
    pub kind: String,
    /// What the project is, as the eyebrow says: `API`, `Membership`, `Managed service`.
    pub kind_label: String,
    pub name: String,
    pub summary: String,
    pub plan_version: String,
    pub url: String,
    /// The primary call to action: the catalog's label, else the kind's.
    pub cta: String,
    pub tiers: Vec<TierView>,
    pub has_yearly: bool,
    pub addons: Vec<AddonView>,
    /// Products that require this project (frontends of an API).
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
    /// What paying yearly saves, computed from the two prices: `2 months free with yearly
    /// billing`, `Save 17 % with yearly billing`.
    pub saving: Option<String>,
    /// A promotion running now that applies to this tier.
    pub promotion: Option<PromotionView>,
    /// `+ ₹4,999.00 one-time setup fee`.
    pub setup: Option<String>,
    /// A contact-sales tier's stated price, shown as where it starts: `From ₹99.00 / month —
    /// contact us`.
    pub from: Option<String>,
    /// Where the tier is bought, per interval (the button follows the billing toggle).
    pub checkout_monthly: Option<String>,
    pub checkout_yearly: Option<String>,
    /// `3 seats`; absent when the tier does not state its seats.
    pub seats: Option<String>,
    /// `14-day free trial`.
    pub trial: Option<String>,
    pub quotas: Vec<QuotaView>,
    pub features: Vec<FeatureView>,
}

/// A promotion running at the moment of the pages, with the prices it gives — computed, never
/// typed.
#[derive(Serialize)]
pub struct PromotionView {
    pub name: String,
    /// `20 % off`, `₹500.00 off`.
    pub off: String,
    /// `with code FOUNDER20`: the code is in `code`, the phrase around it in `with_code`.
    pub code: Option<String>,
    pub with_code: Option<(String, String)>,
    /// `until December 31, 2026 (UTC)`: the last day it runs, if it ends.
    pub until: Option<String>,
    /// The prices with the offer, each with its interval: `$23.20 / month`.
    pub prices: Vec<String>,
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
    /// The limit or `Included` / `Not included`.
    pub value: String,
    /// Whether the page shows the value after the name (a limit, not a plain on/off).
    pub has_value: bool,
    pub included: bool,
    /// The catalog's group heading, on the first feature of each group (in list order).
    pub group_start: Option<String>,
}

#[derive(Serialize)]
pub struct AddonView {
    pub name: String,
    pub description: String,
    pub price: String,
    /// `Available on Growth, Scale` / `Available on every plan`.
    pub available: String,
    /// Where the add-on is bought, if the catalog says (monthly first), and the button's label.
    pub checkout: Option<String>,
    pub add_label: String,
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
    /// `frontend`, `kit`, `addon`, `subscription`, `service`.
    pub kind: String,
    /// `Frontend`, `Add-on`, `Service`, …, in the pages' language.
    pub kind_label: String,
    pub tagline: String,
    pub description: String,
    pub highlights: Vec<String>,
    /// The whole price in one line.
    pub price: String,
    /// Each part of it (`₹2,499.00 one-time`, `₹499.00 / month`), for the buy box.
    pub price_parts: Vec<String>,
    /// `+ $500.00 one-time setup fee`.
    pub setup: Option<String>,
    pub plan_version: String,
    pub url: String,
    /// The projects this product requires, with their pages.
    pub requires: Vec<Link>,
    /// A promotion running now on this product.
    pub promotion: Option<PromotionView>,
    /// Sold through sales: the button leads to the contact link.
    pub contact_sales: bool,
    /// Where the product is bought: its checkout URL, else the catalog's signup URL, else sales.
    pub buy_url: String,
    /// The buy button's label: `Buy now`, `Subscribe`, `Book now`, `Request a quote`.
    pub buy_label: String,
    /// Whether the catalog states a checkout URL for it.
    pub has_checkout: bool,
}

#[derive(Serialize)]
pub struct BundleView {
    pub slug: String,
    pub name: String,
    pub tagline: String,
    pub description: String,
    /// `20 %`.
    pub discount: String,
    pub components: Vec<Card>,
    /// The computed price, never a stated one.
    pub price: String,
    pub price_parts: Vec<String>,
    /// The components' prices summed (what they cost bought one by one), when it differs.
    pub list_price: Option<String>,
    /// Where the bundle is bought, if the catalog says.
    pub checkout: Option<String>,
    /// Sold through sales: the price is shown as where it starts, the button leads to sales.
    pub contact_sales: bool,
    /// The primary call to action of the first project among the components, with its page.
    pub project_cta: Option<(String, String)>,
    pub plan_version: String,
    pub url: String,
}

#[derive(Serialize)]
pub struct Link {
    pub name: String,
    pub url: String,
    /// The compatible-products section of the linked page.
    pub products_url: String,
    /// The project's primary call to action.
    pub cta: String,
}

#[derive(Serialize)]
pub struct IndexView {
    /// The projects, grouped by what they sell: one heading per kind present.
    pub groups: Vec<IndexGroup>,
    /// `2 APIs`, `1 membership`, `3 bundles`.
    pub counts: Vec<String>,
    pub bundles: Vec<Card>,
    pub others: Vec<Card>,
}

#[derive(Serialize)]
pub struct IndexGroup {
    pub kind: String,
    pub heading: String,
    pub projects: Vec<IndexApi>,
}

#[derive(Serialize)]
pub struct IndexApi {
    pub name: String,
    pub summary: String,
    pub url: String,
    pub cta: String,
    /// `From $12.00 / month`: the lowest-ordered tier's monthly price.
    pub from: Option<String>,
    pub frontends: Vec<Card>,
    /// `3 compatible products`.
    pub frontends_label: String,
    /// `Show all 12`.
    pub show_all: String,
}

impl<'a> Catalog<'a> {
    /// The live plans among `snapshots` (and the drafts, in a preview that asks for them), with
    /// prices shown in `currency` (default: the catalog's display currency).
    pub fn new(
        snapshots: &[&'a Snapshot],
        drafts: bool,
        at: Instant,
        msg: &'a Messages,
        currency: Option<CurrencyCode>,
    ) -> Catalog<'a> {
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
        let settings = site_settings(snapshots);
        Catalog {
            cur: currency.unwrap_or(settings.currency),
            settings,
            at,
            msg,
            apis,
            products,
        }
    }

    /// Every currency the site is published in: the display one first.
    pub fn currencies(&self) -> Vec<CurrencyLink> {
        offered(&self.settings)
            .into_iter()
            .map(|c| CurrencyLink {
                code: c.code().to_string(),
                prefix: if c == self.settings.currency {
                    String::new()
                } else {
                    prefix_of(c)
                },
                current: c == self.cur,
            })
            .collect()
    }

    pub fn site(&self) -> Site {
        let s = &self.settings;
        let m = self.msg;
        Site {
            brand: s.brand.clone(),
            base_url: s.base_url.trim_end_matches('/').to_string(),
            locale: s.locale.clone(),
            language: m.lang.clone(),
            currency: self.cur.code().to_string(),
            currencies: self.currencies(),
            cta: CtaView {
                secondary: s
                    .cta
                    .secondary
                    .clone()
                    .unwrap_or_else(|| m.fill("cta_secondary", &[])),
                contact_sales: s
                    .cta
                    .contact_sales
                    .clone()
                    .unwrap_or_else(|| m.fill("cta_contact_sales", &[])),
                signup_url: s.cta.signup_url.clone(),
                sales_url: sales_url(s),
            },
            trust_note: s.trust_note.clone(),
            favicon: "favicon.svg".into(),
            logo: None,
            tax_note: s
                .prices_include_tax
                .map(|incl| m.fill(if incl { "tax_included" } else { "tax_excluded" }, &[])),
        }
    }

    /// Where this copy of the site lives: `""`, or `usd/` for another currency's.
    pub fn prefix(&self) -> String {
        if self.cur == self.settings.currency {
            String::new()
        } else {
            prefix_of(self.cur)
        }
    }

    pub fn canonical(&self, path: &str) -> String {
        let clean = path.trim_end_matches("index.html");
        format!(
            "{}/{}{clean}",
            self.settings.base_url.trim_end_matches('/'),
            self.prefix()
        )
    }

    pub fn index_page(&self) -> Page {
        Page {
            title: self.settings.brand.clone(),
            description: self
                .msg
                .fill("index_description", &[("brand", &self.settings.brand)]),
            canonical: self.canonical("index.html"),
            root: "../".repeat(self.prefix().matches('/').count()),
            path: "index.html".into(),
            plan_version: String::new(),
        }
    }

    pub fn page_for(&self, url: &str, name: &str, description: &str, version: &str) -> Page {
        Page {
            title: format!("{name} · {}", self.settings.brand),
            description: description.to_string(),
            canonical: self.canonical(url),
            root: "../".repeat(url.matches('/').count() + self.prefix().matches('/').count()),
            path: url.to_string(),
            plan_version: version.to_string(),
        }
    }

    pub fn apis(&self) -> Vec<ApiView> {
        self.apis
            .iter()
            .map(|(slug, (s, api))| self.api_view(slug, s, api))
            .collect()
    }

    /// The primary call to action of a project of this kind: the catalog's label, else the
    /// kind's message.
    fn project_cta(&self, s: &Snapshot, kind: ProjectKind) -> String {
        s.catalog.cta.primary.clone().unwrap_or_else(|| {
            self.msg
                .fill(&format!("cta_primary_{}", kind.as_str()), &[])
        })
    }

    fn api_view(&self, slug: &str, s: &Snapshot, api: &Api) -> ApiView {
        let m = self.msg;
        let mut tiers: Vec<(&Slug, &Tier)> = api.tiers.iter().collect();
        tiers.sort_by_key(|(id, t)| (t.order, (*id).clone()));
        let names: BTreeMap<&str, &str> = api
            .tiers
            .iter()
            .map(|(k, t)| (k.as_str(), t.name.as_str()))
            .collect();
        ApiView {
            slug: slug.to_string(),
            kind: api.kind.as_str().to_string(),
            kind_label: m.fill(&format!("eyebrow_{}", api.kind.as_str()), &[]),
            name: api.name.clone(),
            summary: api.summary.clone(),
            plan_version: s.plan_version.to_string(),
            url: project_url(slug, api),
            cta: self.project_cta(s, api.kind),
            has_yearly: api.tiers.values().any(|t| t.price.yearly.is_some()),
            tiers: tiers
                .iter()
                .map(|(id, t)| self.tier_view(id, t, api, &s.catalog))
                .collect(),
            addons: api
                .addons
                .values()
                .map(|a| {
                    let tiers: Vec<&str> = a
                        .available_on
                        .iter()
                        .filter_map(|t| names.get(t.as_str()).copied())
                        .collect();
                    AddonView {
                        name: a.name.clone(),
                        description: a.description.clone(),
                        price: self.recurring(&a.price.monthly, &a.price.yearly),
                        available: if tiers.is_empty() {
                            m.fill("available_on_every_plan", &[])
                        } else {
                            m.fill("available_on", &[("tiers", &tiers.join(", "))])
                        },
                        checkout: a.checkout.as_ref().and_then(|c| {
                            c.url(self.cur, false)
                                .or_else(|| c.url(self.cur, true))
                                .cloned()
                        }),
                        add_label: m.fill("add_addon", &[("name", &a.name)]),
                    }
                })
                .collect(),
            frontends: self
                .products
                .iter()
                .filter(|(_, (_, p))| {
                    p.kind != ProductKind::Bundle && p.requires.iter().any(|r| r.as_str() == slug)
                })
                .map(|(pslug, (ps, p))| self.card(pslug, ps, p))
                .collect(),
        }
    }

    fn tier_view(&self, id: &Slug, t: &Tier, api: &Api, catalog: &CatalogSettings) -> TierView {
        let m = self.msg;
        let locale = &self.settings.locale;
        TierView {
            id: id.to_string(),
            name: t.name.clone(),
            description: t.description.clone(),
            highlighted: t.highlighted,
            contact_sales: t.price.contact_sales,
            monthly: t.price.monthly.as_ref().map(|p| self.amount(p)),
            yearly: t.price.yearly.as_ref().map(|p| self.amount(p)),
            saving: match (&t.price.monthly, &t.price.yearly) {
                (Some(mo), Some(y)) if !t.price.contact_sales => self
                    .saving(mo, y)
                    .map(|saving| m.fill("saving_with_yearly", &[("saving", &saving)])),
                _ => None,
            },
            setup: t
                .price
                .setup
                .as_ref()
                .map(|p| m.fill("setup_fee", &[("price", &self.amount(p))])),
            from: t
                .price
                .contact_sales
                .then(|| {
                    let stated = self.recurring(&t.price.monthly, &t.price.yearly);
                    (!stated.is_empty()).then(|| m.fill("from_contact_us", &[("price", &stated)]))
                })
                .flatten(),
            checkout_monthly: t
                .checkout
                .as_ref()
                .and_then(|c| c.url(self.cur, false).cloned()),
            checkout_yearly: t
                .checkout
                .as_ref()
                .and_then(|c| c.url(self.cur, true).cloned()),
            promotion: running(&api.promotions, self.at, Some(id.as_str())).map(|p| {
                self.promotion_view(
                    p,
                    &ProductPrice {
                        monthly: t.price.monthly.clone(),
                        yearly: t.price.yearly.clone(),
                        ..ProductPrice::default()
                    },
                )
            }),
            seats: t.seats.map(|s| match s {
                Limit::Count(n) => m.plural("seats", n, &[("n", &money::count(n, locale))]),
                Limit::Unlimited => m.fill("seats_unlimited", &[]),
            }),
            trial: t
                .trial_days
                .map(|d| m.plural("trial_days", u64::from(d), &[])),
            quotas: t
                .quotas
                .iter()
                .map(|(q, quota)| {
                    let unit = quota.unit.as_str();
                    QuotaView {
                        name: humanize(q.as_str()),
                        included: match quota.limit {
                            Some(l) => m.fill(
                                "quota_included",
                                &[
                                    ("limit", &self.limit(l)),
                                    ("unit", unit),
                                    ("period", &m.fill(period(quota.period), &[])),
                                ],
                            ),
                            // A pure usage fee: nothing included, every unit paid.
                            None => m.fill("pay_as_you_go", &[("unit", unit)]),
                        },
                        overage: quota.overage.as_ref().map(|o| {
                            let price = self.amount(&o.price);
                            let beyond = match quota.limit {
                                Some(Limit::Count(n)) if n > 0 => Some(money::count(n, locale)),
                                _ => None,
                            };
                            let per = money::count(o.per, locale);
                            let mut args = vec![("price", price.as_str()), ("unit", unit)];
                            if let Some(b) = &beyond {
                                args.push(("limit", b));
                            }
                            args.push(("per", &per));
                            let key = match (o.per == 1, beyond.is_some()) {
                                (true, false) => "overage_each",
                                (true, true) => "overage_each_beyond",
                                (false, false) => "overage_per",
                                (false, true) => "overage_per_beyond",
                            };
                            m.fill(key, &args)
                        }),
                    }
                })
                .collect(),
            features: self.feature_views(&t.features, &catalog.features),
        }
    }

    pub fn products(&self) -> Vec<ProductView> {
        let m = self.msg;
        self.products
            .iter()
            .filter(|(_, (_, p))| p.kind != ProductKind::Bundle)
            .map(|(slug, (s, p))| {
                let parts = self.price_parts(&p.price);
                let checkout = p.checkout.clone().filter(|_| !p.contact_sales);
                let signup = s
                    .catalog
                    .cta
                    .signup_url
                    .clone()
                    .filter(|_| !p.contact_sales);
                let quoted = p.kind == ProductKind::Service
                    && checkout.is_none()
                    && (p.price.range.is_some() || p.price.per_unit.is_some());
                let buy_label = if p.contact_sales {
                    self.site().cta.contact_sales
                } else if quoted {
                    m.fill("request_quote", &[])
                } else {
                    m.fill(
                        match p.kind {
                            ProductKind::Subscription => "subscribe",
                            ProductKind::Service => "book_now",
                            _ => "buy_now",
                        },
                        &[],
                    )
                };
                ProductView {
                    slug: slug.to_string(),
                    name: p.name.clone(),
                    kind: kind_id(p.kind).to_string(),
                    kind_label: m.fill(&format!("kind_{}", kind_id(p.kind)), &[]),
                    tagline: p.copy.tagline.clone(),
                    description: p.copy.description.clone(),
                    highlights: p.copy.highlights.clone(),
                    price: self.joined(&parts, p.contact_sales),
                    price_parts: parts,
                    setup: p
                        .price
                        .setup
                        .as_ref()
                        .map(|x| m.fill("setup_fee", &[("price", &self.amount(x))])),
                    plan_version: s.plan_version.to_string(),
                    url: url_of(slug, s.kind),
                    requires: p
                        .requires
                        .iter()
                        .filter_map(|r| {
                            let (ps, api) = self.apis.get(r.as_str())?;
                            let url = project_url(r.as_str(), api);
                            Some(Link {
                                name: api.name.clone(),
                                products_url: format!("{url}#compatible-products"),
                                url,
                                cta: self.project_cta(ps, api.kind),
                            })
                        })
                        .collect(),
                    promotion: running(&p.promotions, self.at, None)
                        .filter(|_| !p.contact_sales)
                        .map(|promo| self.promotion_view(promo, &p.price)),
                    contact_sales: p.contact_sales,
                    has_checkout: checkout.is_some(),
                    buy_url: checkout
                        .or(if quoted { None } else { signup })
                        .unwrap_or_else(|| sales_url(&s.catalog)),
                    buy_label,
                }
            })
            .collect()
    }

    pub fn bundles(&self) -> Vec<BundleView> {
        let m = self.msg;
        self.products
            .iter()
            .filter_map(|(slug, (s, p))| {
                let bundle = p.bundle.as_ref()?;
                let price = s.computed.bundle_price.as_ref()?;
                let parts = self.price_parts(price);
                let discount = m.fill(
                    "percent",
                    &[("n", &bundle.discount.0.normalize().to_string())],
                );
                Some(BundleView {
                    slug: slug.to_string(),
                    name: p.name.clone(),
                    tagline: p.copy.tagline.clone(),
                    description: p.copy.description.clone(),
                    discount,
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
                                    price: self.recurring(&t.price.monthly, &t.price.yearly),
                                    url: project_url(api.as_str(), a),
                                })
                            }
                            Component::Product { product } => {
                                let (ps, pp) = self.products.get(product.as_str())?;
                                Some(self.card(product.as_str(), ps, pp))
                            }
                        })
                        .collect(),
                    price: self.joined(&parts, p.contact_sales),
                    price_parts: parts,
                    list_price: self
                        .list_price(bundle)
                        .filter(|list| list != price)
                        .map(|list| self.joined(&self.price_parts(&list), false)),
                    checkout: p.checkout.clone().filter(|_| !p.contact_sales),
                    contact_sales: p.contact_sales,
                    project_cta: bundle.components.iter().find_map(|c| match c {
                        Component::Tier { api, .. } => {
                            let (ps, a) = self.apis.get(api.as_str())?;
                            Some((self.project_cta(ps, a.kind), project_url(api.as_str(), a)))
                        }
                        Component::Product { .. } => None,
                    }),
                    plan_version: s.plan_version.to_string(),
                    url: url_of(slug, EntityKind::Bundle),
                })
            })
            .collect()
    }

    pub fn index(&self) -> IndexView {
        let m = self.msg;
        let mut groups: Vec<IndexGroup> = Vec::new();
        let mut views: Vec<(ProjectKind, ApiView)> = self
            .apis
            .iter()
            .map(|(slug, (s, api))| (api.kind, self.api_view(slug, s, api)))
            .collect();
        views.sort_by_key(|(k, _)| *k);
        for (kind, a) in views {
            let n = a.frontends.len() as u64;
            let entry = IndexApi {
                from: a
                    .tiers
                    .iter()
                    .find_map(|t| t.monthly.clone())
                    .map(|p| m.fill("from_per_month", &[("price", &p)])),
                frontends_label: m.plural("count_compatible", n, &[]),
                show_all: m.fill("show_all", &[("n", &n.to_string())]),
                name: a.name,
                summary: a.summary,
                url: a.url,
                cta: a.cta,
                frontends: a.frontends,
            };
            match groups.last_mut() {
                Some(g) if g.kind == kind.as_str() => g.projects.push(entry),
                _ => groups.push(IndexGroup {
                    kind: kind.as_str().to_string(),
                    heading: m.fill(&format!("heading_{}", kind.as_str()), &[]),
                    projects: vec![entry],
                }),
            }
        }
        let bundles: Vec<Card> = self
            .bundles()
            .into_iter()
            .map(|b| Card {
                name: b.name,
                tagline: b.tagline,
                price: b.price,
                url: b.url,
            })
            .collect();
        let mut counts: Vec<String> = groups
            .iter()
            .map(|g| m.plural(&format!("count_{}", g.kind), g.projects.len() as u64, &[]))
            .collect();
        if !bundles.is_empty() {
            counts.push(m.plural("count_bundle", bundles.len() as u64, &[]));
        }
        IndexView {
            groups,
            counts,
            bundles,
            // Every other live product, so no page is reachable only from the sitemap:
            // everything that does not require a project on the index.
            others: self
                .products
                .iter()
                .filter(|(_, (_, p))| {
                    p.kind != ProductKind::Bundle
                        && !p
                            .requires
                            .iter()
                            .any(|r| self.apis.contains_key(r.as_str()))
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
            price: self.joined(&self.price_parts(price), p.contact_sales),
            url: url_of(slug, s.kind),
        }
    }

    /// A tier's features as pages show them: the catalog's names and units when it declares
    /// them (in its order), else the ids made readable.
    fn feature_views(
        &self,
        features: &BTreeMap<Slug, Feature>,
        declared: &BTreeMap<Slug, crate::core::model::catalog::FeatureInfo>,
    ) -> Vec<FeatureView> {
        let m = self.msg;
        let mut out: Vec<(u32, &Slug, FeatureView)> = features
            .iter()
            .map(|(f, v)| {
                let info = declared.get(f);
                let value = match v {
                    Feature::Enabled(true) => m.fill("included", &[]),
                    Feature::Enabled(false) => m.fill("not_included", &[]),
                    Feature::Limit(l) => match info.and_then(|i| i.unit.as_deref()) {
                        Some(unit) if matches!(l, Limit::Count(_)) => {
                            format!("{} {unit}", self.limit(*l))
                        }
                        _ => self.limit(*l),
                    },
                };
                let view = FeatureView {
                    name: info.map_or_else(|| humanize(f.as_str()), |i| i.name.clone()),
                    value,
                    has_value: matches!(v, Feature::Limit(_)),
                    included: !matches!(
                        v,
                        Feature::Enabled(false) | Feature::Limit(Limit::Count(0))
                    ),
                    group_start: info.and_then(|i| i.group.clone()),
                };
                (info.map_or(u32::MAX, |i| i.order), f, view)
            })
            .collect();
        out.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        // A group's heading shows once, above its first feature.
        let mut last: Option<String> = None;
        out.into_iter()
            .map(|(_, _, mut v)| {
                let group = v.group_start.take();
                if group.is_some() && group != last {
                    v.group_start = group.clone();
                }
                last = group;
                v
            })
            .collect()
    }

    /// What a yearly price saves against twelve monthly ones, never overstated: whole months
    /// free when it is exactly that, else the percentage rounded down. `None` when it saves
    /// nothing.
    fn saving(&self, monthly: &Price, yearly: &Price) -> Option<String> {
        let (m, y) = (monthly.get(self.cur)?.0, yearly.get(self.cur)?.0);
        let twelve = m.checked_mul(Decimal::from(12))?;
        if m <= Decimal::ZERO || y >= twelve {
            return None;
        }
        let saved = twelve - y;
        let months = saved.checked_div(m)?;
        if months.fract().is_zero() {
            let n = u64::try_from(months.normalize().mantissa()).ok()?;
            return Some(self.msg.plural("months_free", n, &[]));
        }
        let percent = (saved * Decimal::ONE_HUNDRED / twelve).floor();
        (percent >= Decimal::ONE).then(|| {
            self.msg
                .fill("save_percent", &[("n", &percent.normalize().to_string())])
        })
    }

    fn promotion_view(&self, p: &Promotion, price: &ProductPrice) -> PromotionView {
        let m = self.msg;
        let cur = self.cur;
        let exponent = cur.exponent();
        let after = |price: &Option<Price>, amount_ok: bool| -> Option<String> {
            let v = price.as_ref()?.get(cur)?.0;
            let v = match &p.off {
                Discount::Percent(pc) => compute::discounted(v, *pc, exponent)?,
                Discount::Amount(off) if amount_ok => {
                    let v = v.checked_sub(off.get(cur)?.0)?;
                    if v < Decimal::ZERO {
                        return None;
                    }
                    v
                }
                Discount::Amount(_) => return None,
            };
            Some(money::format(v, cur, &self.settings.locale))
        };
        let prices = [
            (after(&price.one_time, true), "price_one_time"),
            (after(&price.monthly, false), "price_per_month"),
            (after(&price.yearly, false), "price_per_year"),
        ]
        .into_iter()
        .filter_map(|(v, key)| v.map(|v| m.fill(key, &[("price", &v)])))
        .collect();
        PromotionView {
            name: p.name.clone(),
            off: match &p.off {
                Discount::Percent(pc) => {
                    m.fill("percent_off", &[("n", &pc.0.normalize().to_string())])
                }
                Discount::Amount(a) => m.fill("amount_off", &[("price", &self.amount(a))]),
            },
            code: p.code.clone(),
            with_code: p
                .code
                .as_ref()
                .map(|_| split_at_placeholder(&m.fill("with_code", &[]), "code")),
            // The last moment it runs is just before `valid_until`: the day before a midnight
            // end.
            until: p.valid_until.map(|u| {
                let d = (u.0 - jiff::SignedDuration::from_secs(1))
                    .to_zoned(jiff::tz::TimeZone::UTC)
                    .date();
                m.fill("until", &[("date", &m.date(d.year(), d.month(), d.day()))])
            }),
            prices,
        }
    }

    /// The amount in the shown currency (or the first one the price has).
    fn amount(&self, p: &Price) -> String {
        let locale = &self.settings.locale;
        match p.get(self.cur) {
            Some(x) => money::format(x.0, self.cur, locale),
            None => {
                p.0.iter()
                    .next()
                    .map_or_else(String::new, |(c, x)| money::format(x.0, *c, locale))
            }
        }
    }

    fn recurring(&self, monthly: &Option<Price>, yearly: &Option<Price>) -> String {
        let parts: Vec<String> = [(monthly, "price_per_month"), (yearly, "price_per_year")]
            .iter()
            .filter_map(|(p, key)| {
                p.as_ref()
                    .map(|p| self.msg.fill(key, &[("price", &self.amount(p))]))
            })
            .collect();
        self.either(parts)
    }

    /// `a or b`, in the pages' language.
    fn either(&self, parts: Vec<String>) -> String {
        parts
            .into_iter()
            .reduce(|a, b| self.msg.fill("either", &[("a", &a), ("b", &b)]))
            .unwrap_or_default()
    }

    /// A price's parts, each with its interval or unit: `₹2,499.00 one-time`, `$49.00 / month
    /// or $490.00 / year`, `$150.00–$300.00 / hour`, `From $2,000.00`.
    fn price_parts(&self, p: &ProductPrice) -> Vec<String> {
        let m = self.msg;
        let mut parts = Vec::new();
        if let Some(o) = &p.one_time {
            parts.push(m.fill("price_one_time", &[("price", &self.amount(o))]));
        }
        let r = self.recurring(&p.monthly, &p.yearly);
        if !r.is_empty() {
            parts.push(r);
        }
        // `$150.00–$300.00`: both ends of a stated range.
        let range = |from: &Price, to: &Price| {
            m.fill(
                "price_range",
                &[("from", &self.amount(from)), ("to", &self.amount(to))],
            )
        };
        if let Some(u) = &p.per_unit {
            let price = match &u.up_to {
                Some(to) => range(&u.price, to),
                None => self.amount(&u.price),
            };
            parts.push(m.fill("price_per_unit", &[("price", &price), ("unit", &u.unit)]));
        }
        if let Some(r) = &p.range {
            parts.push(match &r.to {
                Some(to) => range(&r.from, to),
                None => m.fill("price_from", &[("price", &self.amount(&r.from))]),
            });
        }
        parts
    }

    /// The parts in one line; a contact-sales price is where it starts.
    fn joined(&self, parts: &[String], contact_sales: bool) -> String {
        let line = parts.join(" + ");
        if contact_sales && !line.is_empty() {
            self.msg.fill("from_contact_us", &[("price", &line)])
        } else {
            line
        }
    }

    fn limit(&self, l: Limit) -> String {
        match l {
            Limit::Count(n) => money::count(n, &self.settings.locale),
            Limit::Unlimited => self.msg.fill("unlimited", &[]),
        }
    }
}

/// Site-wide settings are the APIs' (core's and their project's), else any plan's.
pub fn site_settings(snapshots: &[&Snapshot]) -> CatalogSettings {
    let apis = snapshots
        .iter()
        .filter(|s| matches!(s.plan, PublishedPlan::Api(_)))
        .map(|s| &s.catalog);
    apis.chain(snapshots.iter().map(|s| &s.catalog))
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
            currencies: Vec::new(),
            messages: BTreeMap::new(),
        })
}

/// Every currency the site is published in: the display currency first, then the others the
/// catalog offers.
pub fn offered(settings: &CatalogSettings) -> Vec<CurrencyCode> {
    std::iter::once(settings.currency)
        .chain(
            settings
                .currencies
                .iter()
                .copied()
                .filter(|c| *c != settings.currency),
        )
        .collect()
}

/// `usd/`: where another currency's copy of the site lives.
fn prefix_of(c: CurrencyCode) -> String {
    format!("{}/", c.code().to_ascii_lowercase())
}

fn sales_url(s: &CatalogSettings) -> String {
    let host = url::Url::parse(&s.base_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string));
    s.cta
        .sales_url
        .clone()
        .unwrap_or_else(|| format!("mailto:sales@{}", host.unwrap_or_default()))
}

fn kind_id(k: ProductKind) -> &'static str {
    match k {
        ProductKind::Frontend => "frontend",
        ProductKind::Kit => "kit",
        ProductKind::Addon => "addon",
        ProductKind::Bundle => "bundle",
        ProductKind::Subscription => "subscription",
        ProductKind::Service => "service",
    }
}

/// An API's page is under `apis/`; a membership's, software's or service's under `plans/`.
fn project_url(slug: &str, api: &Api) -> String {
    if api.kind.is_api() {
        format!("apis/{slug}/index.html")
    } else {
        format!("plans/{slug}/index.html")
    }
}

fn url_of(slug: &str, kind: EntityKind) -> String {
    match kind {
        EntityKind::Api => format!("apis/{slug}/index.html"),
        EntityKind::Bundle => format!("bundles/{slug}/index.html"),
        _ => format!("products/{slug}/index.html"),
    }
}

/// `with code {code}` → (`with code `, ``): the text before and after a placeholder, so a
/// template can set the value in its own element.
fn split_at_placeholder(text: &str, name: &str) -> (String, String) {
    let token = format!("{{{name}}}");
    match text.split_once(&token) {
        Some((a, b)) => (a.to_string(), b.to_string()),
        None => (format!("{text} "), String::new()),
    }
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

fn period(p: Period) -> &'static str {
    match p {
        Period::Hour => "period_hour",
        Period::Day => "period_day",
        Period::Month => "period_month",
        Period::Year => "period_year",
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

    fn catalog(msg: &Messages) -> Catalog<'_> {
        Catalog::new(
            &[],
            false,
            Instant::parse("2026-01-15T00:00:00Z").unwrap(),
            msg,
            None,
        )
    }

    #[test]
    fn yearly_savings_are_computed_and_never_overstated() {
        let msg = Messages::new("en-US", &BTreeMap::new());
        let c = catalog(&msg);
        let s = |m: &str, y: &str| c.saving(&usd(m), &usd(y));
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
        let msg = Messages::new("en-US", &BTreeMap::new());
        let view = catalog(&msg).promotion_view(
            running(&promos, at("2026-01-15T00:00:00Z"), basic).unwrap(),
            &ProductPrice {
                monthly: Some(usd("29.99")),
                ..ProductPrice::default()
            },
        );
        assert_eq!(view.until.as_deref(), Some("until January 31, 2026 (UTC)"));
        // 29.99 × 0.9 = 26.991, rounded half away from zero to the cent.
        assert_eq!(view.prices, ["$26.99 / month"]);
        assert_eq!(view.off, "10 % off");
        // The same promotion on a German page: CLDR's date and money, German words.
        let de = Messages::new("de-DE", &BTreeMap::new());
        let mut c = catalog(&de);
        c.settings.locale = "de-DE".into();
        let view = c.promotion_view(
            running(&promos, at("2026-01-15T00:00:00Z"), basic).unwrap(),
            &ProductPrice {
                monthly: Some(usd("29.99")),
                ..ProductPrice::default()
            },
        );
        assert_eq!(view.until.as_deref(), Some("bis 31. Januar 2026 (UTC)"));
        assert_eq!(view.prices, ["26,99\u{a0}$ / Monat"]);
        assert_eq!(view.off, "10 % Rabatt");
    }
}
