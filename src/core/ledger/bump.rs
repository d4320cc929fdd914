//! What a change means to a subscriber (SPEC §5), as a semver bump with reasons.
//!
//! MAJOR: a removed tier, add-on, quota or feature; a price increase; a lower quota, fewer
//! seats, a feature turned off; a shorter trial; a retired plan; a new requirement.
//! MINOR: additions, price decreases, higher quotas, longer trials, promotion changes.
//! PATCH: copy only (names, summaries, descriptions, taglines, highlights, display order).
//! Anything this module does not recognise is MAJOR: an unknown change is treated as breaking.

use std::cmp::Ordering;

use rust_decimal::Decimal;
use serde_json::Value;

use plancat_consumer::wire::Bump;

/// What a change means to a subscriber. Rules match on it (the notice-period rule on
/// [`ChangeKind::PriceIncrease`]), never on the reason's wording; each kind has one bump.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    // MAJOR
    /// A tier, add-on, quota, feature or currency is gone.
    Removed,
    PriceIncrease,
    /// A tier became contact-sales.
    PriceWithdrawn,
    ShorterTrial,
    /// A lower quota or fewer seats, a smaller overage block or discount, less of a feature.
    Reduced,
    Retired,
    NewRequirement,
    /// Something left a list.
    RemovedFromList,
    /// A change this module does not recognise: treated as breaking.
    Unrecognised,
    // MINOR
    Added,
    PriceDecrease,
    /// A contact-sales tier now has a public price.
    PricePublished,
    LongerTrial,
    /// A higher quota or more seats, a larger overage block or discount, more of a feature.
    Increased,
    StatusChanged,
    FewerRequirements,
    AddedToList,
    PromotionChanged,
    // PATCH
    Copy,
    Reordered,
    /// The same content, encoded differently (no field changed).
    Reencoded,
    /// A derived value recomputed from new versions of its sources, with the same result.
    Rederived,
}

impl ChangeKind {
    pub fn bump(self) -> Bump {
        use ChangeKind::*;
        match self {
            Removed | PriceIncrease | PriceWithdrawn | ShorterTrial | Reduced | Retired
            | NewRequirement | RemovedFromList | Unrecognised => Bump::Major,
            Added | PriceDecrease | PricePublished | LongerTrial | Increased | StatusChanged
            | FewerRequirements | AddedToList | PromotionChanged => Bump::Minor,
            Copy | Reordered | Reencoded | Rederived => Bump::Patch,
        }
    }
}

/// One classified difference: what it means, and the reason as the index records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub kind: ChangeKind,
    pub reason: String,
    /// Where in the plan (the comparable form: `tiers.growth.price.monthly.USD`); empty for a
    /// change of the whole plan. Diagnostics point there.
    pub path: Vec<String>,
}

impl Change {
    pub fn bump(&self) -> Bump {
        self.kind.bump()
    }

    /// `MAJOR: price increase on …`: the line in the index's `reasons`.
    pub fn line(&self) -> String {
        format!(
            "{}: {}",
            self.bump().to_string().to_uppercase(),
            self.reason
        )
    }
}

/// The overall bump and the changes (most significant first), or `None` if nothing changed.
pub fn classify(old: &Value, new: &Value) -> Option<(Bump, Vec<Change>)> {
    let mut changes = Vec::new();
    walk(&mut Vec::new(), Some(old), Some(new), &mut changes);
    let bump = changes.iter().map(Change::bump).max()?;
    changes.sort_by(|a, b| {
        b.bump()
            .cmp(&a.bump())
            .then_with(|| a.reason.cmp(&b.reason))
    });
    changes.dedup();
    Some((bump, changes))
}

/// Bumps a version by a change class.
pub fn next(v: &semver::Version, bump: Bump) -> semver::Version {
    match bump {
        Bump::Major => semver::Version::new(v.major + 1, 0, 0),
        Bump::Minor => semver::Version::new(v.major, v.minor + 1, 0),
        Bump::Patch => semver::Version::new(v.major, v.minor, v.patch + 1),
    }
}

const COPY: &[&str] = &[
    "name",
    "summary",
    "description",
    "tagline",
    "highlights",
    "order",
    "highlighted",
    "unit",
    "code",
];
const KEYED: &[(&str, &str)] = &[
    ("tiers", "tier"),
    ("addons", "add-on"),
    ("quotas", "quota"),
    ("features", "feature"),
    ("promotions", "promotion"),
];

fn walk(path: &mut Vec<String>, old: Option<&Value>, new: Option<&Value>, out: &mut Vec<Change>) {
    // The versions a derived value was computed from: a new source version with the same
    // values is a re-derivation, not a change to what subscribers get.
    if path.len() == 1 && path[0] == "sources" {
        if old != new {
            out.push(rederived(new));
        }
        return;
    }
    match (old, new) {
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for k in keys {
                path.push(k.clone());
                walk(path, a.get(k), b.get(k), out);
                path.pop();
            }
        }
        (Some(o), Some(n)) if o == n => {}
        // An absent optional field serializes as `null`: adding one is an addition.
        (Some(Value::Null), n) => walk(path, None, n, out),
        (o, Some(Value::Null)) => walk(path, o, None, out),
        (Some(_), None) => out.push(removed(path).at(path)),
        (None, Some(_)) => out.push(added(path).at(path)),
        (Some(o), Some(n)) => out.push(changed(path, o, n).at(path)),
        (None, None) => {}
    }
}

fn removed(path: &[String]) -> Change {
    let what = describe(path);
    if in_promotion(path) {
        return change(ChangeKind::PromotionChanged, format!("removed {what}"));
    }
    if is_copy(path) && !is_keyed_entry(path) && !is_currency(path) {
        return change(ChangeKind::Copy, format!("removed {what}"));
    }
    change(ChangeKind::Removed, format!("removed {what}"))
}

fn added(path: &[String]) -> Change {
    let what = describe(path);
    if is_copy(path) {
        return change(ChangeKind::Copy, format!("added {what}"));
    }
    change(ChangeKind::Added, format!("added {what}"))
}

fn changed(path: &[String], old: &Value, new: &Value) -> Change {
    let what = describe(path);
    let last = path.last().map_or("", String::as_str);
    let arrow = format!("{} → {}", show(old), show(new));
    let more_is_better = |o: Ordering, up: &str, down: &str, what: &str| match o {
        Ordering::Greater => change(ChangeKind::Increased, format!("{up} {what}: {arrow}")),
        _ => change(ChangeKind::Reduced, format!("{down} {what}: {arrow}")),
    };
    if in_promotion(path) {
        return change(
            ChangeKind::PromotionChanged,
            format!("changed {what}: {arrow}"),
        );
    }
    // Page settings (`catalog.cta.contact_sales` is a button label, not the tier flag): copy.
    if is_presentation(path) {
        return change(ChangeKind::Copy, format!("changed {what}"));
    }
    if is_currency(path)
        && let (Some(o), Some(n)) = (decimal(old), decimal(new))
    {
        return match n.cmp(&o) {
            Ordering::Greater => change(
                ChangeKind::PriceIncrease,
                format!("price increase on {what}: {arrow}"),
            ),
            _ => change(
                ChangeKind::PriceDecrease,
                format!("price decrease on {what}: {arrow}"),
            ),
        };
    }
    match last {
        "contact_sales" => {
            return if new == &Value::Bool(true) {
                change(
                    ChangeKind::PriceWithdrawn,
                    format!("{} no longer has a public price", subject(path)),
                )
            } else {
                change(
                    ChangeKind::PricePublished,
                    format!("{} now has a public price", subject(path)),
                )
            };
        }
        "trial_days" => {
            let on = subject(path);
            return match cmp_amount(new, old) {
                Ordering::Greater => change(
                    ChangeKind::LongerTrial,
                    format!("longer trial on {on}: {arrow}"),
                ),
                _ => change(
                    ChangeKind::ShorterTrial,
                    format!("shorter trial on {on}: {arrow}"),
                ),
            };
        }
        "seats" | "limit" => {
            return more_is_better(cmp_amount(new, old), "higher", "lower", &what);
        }
        "per" => {
            // Overage is charged per block: a bigger block is cheaper.
            return more_is_better(
                cmp_amount(new, old),
                "larger overage block on",
                "smaller overage block on",
                &what,
            );
        }
        "discount" => {
            return more_is_better(
                cmp_amount(new, old),
                "larger discount on",
                "smaller discount on",
                &what,
            );
        }
        "status" => {
            return if new == "retired" {
                change(
                    ChangeKind::Retired,
                    format!("plan retired (status {arrow})"),
                )
            } else {
                change(ChangeKind::StatusChanged, format!("status {arrow}"))
            };
        }
        _ => {}
    }
    if path.len() >= 2 && path[path.len() - 2] == "features" {
        return more_is_better(cmp_amount(new, old), "more of", "less of", &what);
    }
    if let (Value::Array(o), Value::Array(n)) = (old, new) {
        let lost = o.iter().any(|x| !n.contains(x));
        let gained = n.iter().any(|x| !o.contains(x));
        return match last {
            "requires" if gained => change(
                ChangeKind::NewRequirement,
                format!("new requirement in {what}: {arrow}"),
            ),
            "requires" => change(
                ChangeKind::FewerRequirements,
                format!("fewer requirements in {what}: {arrow}"),
            ),
            _ if is_copy(path) => change(ChangeKind::Copy, format!("changed {what}")),
            _ if lost => change(
                ChangeKind::RemovedFromList,
                format!("removed from {what}: {arrow}"),
            ),
            _ if gained => change(ChangeKind::AddedToList, format!("added to {what}: {arrow}")),
            _ => change(ChangeKind::Reordered, format!("reordered {what}")),
        };
    }
    if is_copy(path) {
        return change(ChangeKind::Copy, format!("changed {what}"));
    }
    change(ChangeKind::Unrecognised, format!("changed {what}: {arrow}"))
}

/// "computed from `shop-api` 1.1.0, `shop-front` 1.0.0".
fn rederived(sources: Option<&Value>) -> Change {
    let names: Vec<String> = sources
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|s| {
            format!(
                "`{}` {}",
                s["slug"].as_str().unwrap_or_default(),
                s["plan_version"].as_str().unwrap_or_default()
            )
        })
        .collect();
    let reason = if names.is_empty() {
        "no longer records its sources".to_string()
    } else {
        format!("computed from {}", names.join(", "))
    };
    change(ChangeKind::Rederived, reason)
}

fn change(kind: ChangeKind, reason: String) -> Change {
    Change {
        kind,
        reason,
        path: Vec::new(),
    }
}

impl Change {
    fn at(mut self, path: &[String]) -> Change {
        self.path = path.to_vec();
        self
    }
}

fn is_copy(path: &[String]) -> bool {
    is_presentation(path)
        || path.iter().any(|s| s == "copy" || s == "checkout")
        || path.last().is_some_and(|l| COPY.contains(&l.as_str()))
}

/// The catalog's page settings (brand, CTA labels, trust note, locale): everything under
/// `catalog` but the currency.
fn is_presentation(path: &[String]) -> bool {
    path.first().is_some_and(|s| s == "catalog") && path.last().is_some_and(|l| l != "currency")
}

fn in_promotion(path: &[String]) -> bool {
    path.iter().any(|s| s == "promotions")
}

/// `tiers.growth`, `tiers.growth.quotas.calls`: an entry of a keyed collection.
fn is_keyed_entry(path: &[String]) -> bool {
    path.len() >= 2 && is_collection(path, path.len() - 2)
}

/// Whether `path[i]` names a keyed collection of the plan (tiers, quotas, features, …) — not
/// the catalog's settings of the same name (`catalog.features` are display names: copy).
fn is_collection(path: &[String], i: usize) -> bool {
    path.first().is_none_or(|s| s != "catalog") && KEYED.iter().any(|(k, _)| path[i] == *k)
}

/// `…price.monthly.INR`: an amount in one currency.
fn is_currency(path: &[String]) -> bool {
    path.len() >= 3
        && path[path.len() - 1].len() == 3
        && path[path.len() - 1].bytes().all(|b| b.is_ascii_uppercase())
        && path
            .iter()
            .any(|s| s == "price" || s == "bundle_price" || s == "stated_price")
}

/// "tier `growth`", "quota `calls` of tier `growth`", "price": what a path is about.
fn subject(path: &[String]) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i + 1 < path.len() {
        if let Some((_, name)) = KEYED
            .iter()
            .find(|(k, _)| is_collection(path, i) && path[i] == *k)
        {
            parts.push(format!("{name} `{}`", path[i + 1]));
            i += 2;
        } else {
            i += 1;
        }
    }
    parts.reverse();
    if parts.is_empty() {
        "the plan".into()
    } else {
        parts.join(" of ")
    }
}

/// What a path is about, for reasons: "tier `growth`" for an entry of a keyed collection,
/// "`price.monthly.INR` of tier `growth`" for a field inside one, "`summary`" at the top.
fn describe(path: &[String]) -> String {
    let subject = subject(path);
    if is_keyed_entry(path) {
        return subject;
    }
    let field: Vec<&str> = path
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            let is_entry_id = *i > 0 && is_collection(path, i - 1);
            !is_collection(path, *i) && !is_entry_id
        })
        .map(|(_, s)| s.as_str())
        .collect();
    if subject == "the plan" {
        format!("`{}`", field.join("."))
    } else {
        format!("`{}` of {subject}", field.join("."))
    }
}

fn decimal(v: &Value) -> Option<Decimal> {
    v.as_str()?.parse().ok()
}

/// Orders quantities: numbers, "unlimited" above all, `true` as unlimited and `false` as 0.
fn cmp_amount(a: &Value, b: &Value) -> Ordering {
    fn rank(v: &Value) -> (u8, Decimal) {
        match v {
            Value::Number(n) => (1, n.as_u64().map_or(Decimal::ZERO, Decimal::from)),
            Value::String(s) if s == "unlimited" => (2, Decimal::ZERO),
            Value::String(s) => (1, s.parse().unwrap_or_default()),
            Value::Bool(true) => (2, Decimal::ZERO),
            Value::Bool(false) => (0, Decimal::ZERO),
            _ => (0, Decimal::ZERO),
        }
    }
    rank(a).cmp(&rank(b))
}

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The classification as the index records it.
    fn classify(old: &Value, new: &Value) -> Option<(Bump, Vec<String>)> {
        super::classify(old, new).map(|(b, c)| (b, c.iter().map(Change::line).collect()))
    }

    fn kinds(old: &Value, new: &Value) -> Vec<ChangeKind> {
        super::classify(old, new).map_or(Vec::new(), |(_, c)| c.iter().map(|c| c.kind).collect())
    }

    #[test]
    fn each_change_carries_its_kind_whatever_the_wording() {
        let dearer = api("2999.00", json!(1000), 14, json!(true));
        assert_eq!(kinds(&base(), &dearer), [ChangeKind::PriceIncrease]);
        assert_eq!(kinds(&dearer, &base()), [ChangeKind::PriceDecrease]);
        let shorter = api("2499.00", json!(1000), 7, json!(true));
        assert_eq!(kinds(&base(), &shorter), [ChangeKind::ShorterTrial]);
        let lower = api("2499.00", json!(500), 14, json!(true));
        assert_eq!(kinds(&base(), &lower), [ChangeKind::Reduced]);
        for k in [
            ChangeKind::PriceIncrease,
            ChangeKind::Removed,
            ChangeKind::Unrecognised,
        ] {
            assert_eq!(k.bump(), Bump::Major);
        }
        assert_eq!(ChangeKind::Copy.bump(), Bump::Patch);
    }

    fn api(monthly: &str, limit: Value, trial: u32, feature: Value) -> Value {
        json!({
            "name": "A", "status": "live", "summary": "s",
            "tiers": { "growth": {
                "name": "Growth", "order": 2, "trial_days": trial, "seats": 5,
                "price": { "monthly": { "INR": monthly } },
                "quotas": { "calls": { "limit": limit, "period": "month", "unit": "calls" } },
                "features": { "sso": feature }
            }}
        })
    }

    fn base() -> Value {
        api("2499.00", json!(1000), 14, json!(true))
    }

    fn bump(old: &Value, new: &Value) -> Option<Bump> {
        classify(old, new).map(|(b, _)| b)
    }

    #[test]
    fn unchanged_is_no_bump() {
        assert_eq!(classify(&base(), &base()), None);
    }

    #[test]
    fn price_increase_is_major_and_says_where() {
        let (b, reasons) =
            classify(&base(), &api("2999.00", json!(1000), 14, json!(true))).unwrap();
        assert_eq!(b, Bump::Major);
        assert_eq!(
            reasons,
            ["MAJOR: price increase on `price.monthly.INR` of tier `growth`: 2499.00 → 2999.00"]
        );
    }

    #[test]
    fn price_decrease_is_minor() {
        assert_eq!(
            bump(&base(), &api("1999.00", json!(1000), 14, json!(true))),
            Some(Bump::Minor)
        );
    }

    #[test]
    fn quotas_trials_and_features_follow_the_subscriber() {
        assert_eq!(
            bump(&base(), &api("2499.00", json!(500), 14, json!(true))),
            Some(Bump::Major)
        );
        assert_eq!(
            bump(&base(), &api("2499.00", json!(5000), 14, json!(true))),
            Some(Bump::Minor)
        );
        assert_eq!(
            bump(
                &base(),
                &api("2499.00", json!("unlimited"), 14, json!(true))
            ),
            Some(Bump::Minor)
        );
        assert_eq!(
            bump(&base(), &api("2499.00", json!(1000), 7, json!(true))),
            Some(Bump::Major)
        );
        assert_eq!(
            bump(&base(), &api("2499.00", json!(1000), 30, json!(true))),
            Some(Bump::Minor)
        );
        assert_eq!(
            bump(&base(), &api("2499.00", json!(1000), 14, json!(false))),
            Some(Bump::Major)
        );
        assert_eq!(
            bump(&base(), &api("2499.00", json!(1000), 14, json!(10))),
            Some(Bump::Major)
        );
    }

    #[test]
    fn removals_are_major_additions_minor_copy_patch() {
        let mut no_tier = base();
        no_tier["tiers"].as_object_mut().unwrap().clear();
        let (b, r) = classify(&base(), &no_tier).unwrap();
        assert_eq!(
            (b, r),
            (
                Bump::Major,
                vec!["MAJOR: removed tier `growth`".to_string()]
            )
        );
        assert_eq!(bump(&no_tier, &base()), Some(Bump::Minor));

        let mut copy = base();
        copy["summary"] = json!("better words");
        copy["tiers"]["growth"]["name"] = json!("Growth+");
        assert_eq!(bump(&base(), &copy), Some(Bump::Patch));

        let mut unknown = base();
        unknown["tiers"]["growth"]["quotas"]["calls"]["period"] = json!("day");
        assert_eq!(bump(&base(), &unknown), Some(Bump::Major));
    }

    #[test]
    fn the_most_significant_change_wins() {
        let mut mixed = api("1999.00", json!(1000), 14, json!(true));
        mixed["summary"] = json!("new");
        mixed["tiers"]["growth"]["trial_days"] = json!(3);
        let (b, reasons) = classify(&base(), &mixed).unwrap();
        assert_eq!(b, Bump::Major);
        assert!(
            reasons[0].starts_with("MAJOR: shorter trial on tier `growth`"),
            "{reasons:?}"
        );
        assert_eq!(reasons.len(), 3);
    }

    #[test]
    fn adding_an_optional_price_is_minor_and_named_precisely() {
        let mut with_yearly = base();
        with_yearly["tiers"]["growth"]["price"]["yearly"] = json!({ "INR": "24990.00" });
        let mut old = base();
        old["tiers"]["growth"]["price"]["yearly"] = Value::Null;
        let (b, r) = classify(&old, &with_yearly).unwrap();
        assert_eq!(b, Bump::Minor);
        assert_eq!(r, ["MINOR: added `price.yearly` of tier `growth`"]);
        let (b, r) = classify(&with_yearly, &base()).unwrap();
        assert_eq!(b, Bump::Major);
        assert_eq!(r, ["MAJOR: removed `price.yearly` of tier `growth`"]);
    }

    #[test]
    fn next_versions() {
        let v = semver::Version::new(1, 2, 3);
        assert_eq!(next(&v, Bump::Major).to_string(), "2.0.0");
        assert_eq!(next(&v, Bump::Minor).to_string(), "1.3.0");
        assert_eq!(next(&v, Bump::Patch).to_string(), "1.2.4");
    }

    #[test]
    fn a_page_label_named_like_a_tier_flag_is_copy() {
        let with_cta = |label: &str| {
            let mut v = base();
            v["catalog"] = json!({ "cta": { "contact_sales": label }, "currency": "INR" });
            v
        };
        let (b, r) = classify(&with_cta("Talk to us"), &with_cta("Contact sales")).unwrap();
        assert_eq!(b, Bump::Patch);
        assert_eq!(r, ["PATCH: changed `catalog.cta.contact_sales`"]);
        assert_eq!(kinds(&with_cta("a"), &with_cta("b")), [ChangeKind::Copy]);
        // The tier flag itself is still what it means to a subscriber.
        let mut public = base();
        public["tiers"]["growth"]["price"]["contact_sales"] = json!(false);
        let mut private = base();
        private["tiers"]["growth"]["price"]["contact_sales"] = json!(true);
        assert_eq!(kinds(&public, &private), [ChangeKind::PriceWithdrawn]);
        assert_eq!(kinds(&private, &public), [ChangeKind::PricePublished]);
    }

    #[test]
    fn the_catalogs_feature_names_are_copy_not_entitlements() {
        let old = json!({ "catalog": { "brand": "A", "features": { "sla": { "name": "SLA" } } } });
        let renamed = json!({ "catalog": { "brand": "A", "features": { "sla": { "name": "Support SLA" } } } });
        assert_eq!(
            classify(&old, &renamed),
            Some((
                Bump::Patch,
                vec!["PATCH: changed `catalog.features.sla.name`".to_string()]
            ))
        );
        let two = json!({ "catalog": { "brand": "A", "features": { "sla": { "name": "SLA" }, "sso": { "name": "SSO" } } } });
        assert_eq!(
            classify(&two, &old),
            Some((
                Bump::Patch,
                vec!["PATCH: removed `catalog.features.sso`".to_string()]
            ))
        );
        let none = json!({ "catalog": { "brand": "A" } });
        assert_eq!(
            classify(&old, &none),
            Some((
                Bump::Patch,
                vec!["PATCH: removed `catalog.features`".to_string()]
            ))
        );
        assert_eq!(
            classify(&none, &old),
            Some((
                Bump::Patch,
                vec!["PATCH: added `catalog.features`".to_string()]
            ))
        );
    }
}
