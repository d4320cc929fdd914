//! The pages' wording: one message catalog per language (English, German and Hindi are built in,
//! from `templates/messages/`), which a catalog overrides key by key under `[catalog.messages]`.
//! Plural forms follow CLDR's rules for the language and dates CLDR's patterns, both through
//! ICU4X, so `1 seat` / `3 seats` and `31. Dezember 2026` come out right in every language.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use icu_calendar::{Date, Gregorian};
use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_datetime::fieldsets::YMD;
use icu_locale_core::Locale;
use icu_plurals::{PluralCategory, PluralRules};

/// The shipped languages and their messages.
pub const BUILTIN: &[(&str, &str)] = &[
    ("en", include_str!("../../templates/messages/en.toml")),
    ("de", include_str!("../../templates/messages/de.toml")),
    ("hi", include_str!("../../templates/messages/hi.toml")),
];

fn builtin(lang: &str) -> Option<&'static BTreeMap<String, String>> {
    static PARSED: OnceLock<Vec<(&'static str, BTreeMap<String, String>)>> = OnceLock::new();
    PARSED
        .get_or_init(|| {
            BUILTIN
                .iter()
                .map(|(lang, text)| {
                    (
                        *lang,
                        toml::from_str(text).expect("built-in messages are valid TOML"),
                    )
                })
                .collect()
        })
        .iter()
        .find(|(l, _)| *l == lang)
        .map(|(_, m)| m)
}

/// Every message key pages use (the English catalog's keys).
pub fn keys() -> impl Iterator<Item = &'static str> {
    builtin("en")
        .expect("English is built in")
        .keys()
        .map(String::as_str)
}

/// The base of a key whose variants are plural forms: `seats_one` → `seats`.
fn plural_base(key: &str) -> &str {
    const FORMS: [&str; 6] = ["_zero", "_one", "_two", "_few", "_many", "_other"];
    FORMS
        .iter()
        .find_map(|f| key.strip_suffix(f))
        .unwrap_or(key)
}

/// Whether `key` is one a catalog may override: a message key, or a plural form of one
/// (`seats_few`, for a language that has it).
pub fn is_key(key: &str) -> bool {
    let en = builtin("en").expect("English is built in");
    en.contains_key(key) || en.contains_key(&format!("{}_other", plural_base(key)))
}

/// The language of a BCP 47 locale, lowercase: `de-DE` → `de`.
pub fn language(locale: &str) -> String {
    locale
        .split(['-', '_'])
        .next()
        .unwrap_or("en")
        .to_ascii_lowercase()
}

/// The language the pages' text is in for `locale`: the locale's when plancat ships it or
/// `overrides` translate every key, else English.
pub fn text_language(locale: &str, overrides: &BTreeMap<String, String>) -> String {
    let language = language(locale);
    let en = builtin("en").expect("English is built in");
    if builtin(&language).is_some() || en.keys().all(|k| overrides.contains_key(k)) {
        language
    } else {
        "en".into()
    }
}

/// Whether the pages would be in another language than `locale` asks for (no built-in
/// catalog, and `overrides` do not cover every key). Cheap: no CLDR data is loaded.
pub fn untranslated(locale: &str, overrides: &BTreeMap<String, String>) -> bool {
    text_language(locale, overrides) != language(locale)
}

/// Fills the call-to-action labels a catalog does not state with the messages of its language
/// for a project of `kind` (`Start API Subscription`, `Join`, `API-Abo starten`), so a snapshot
/// publishes the labels its pages show.
pub fn default_labels(
    c: &mut crate::core::model::catalog::CatalogSettings,
    kind: crate::core::model::api::ProjectKind,
) {
    // Only the text is needed: no CLDR formatters are built per plan.
    let language = language(&c.locale);
    let base = builtin(&language)
        .or_else(|| builtin("en"))
        .expect("English is built in");
    let text = |key: &str| c.messages.get(key).or_else(|| base.get(key)).cloned();
    let primary = text(&format!("cta_primary_{}", kind.as_str()));
    let secondary = text("cta_secondary");
    let contact_sales = text("cta_contact_sales");
    c.cta.primary = c.cta.primary.take().or(primary);
    c.cta.secondary = c.cta.secondary.take().or(secondary);
    c.cta.contact_sales = c.cta.contact_sales.take().or(contact_sales);
}

/// The messages of one site: its language's, with the catalog's overrides.
pub struct Messages {
    /// The language the text is in: the page's `lang`.
    pub lang: String,
    map: BTreeMap<String, String>,
    plurals: PluralRules,
    dates: FixedCalendarDateTimeFormatter<Gregorian, YMD>,
}

impl Messages {
    /// The messages for a BCP 47 locale: its language's built-in catalog, else English, with
    /// `overrides` on top. The text's language is the locale's when plancat ships it or the
    /// overrides translate every key; otherwise the pages are in English and say so in `lang`.
    pub fn new(locale: &str, overrides: &BTreeMap<String, String>) -> Messages {
        let en = builtin("en").expect("English is built in");
        let base = builtin(&language(locale));
        let lang = text_language(locale, overrides);
        let mut map = base.unwrap_or(en).clone();
        map.extend(overrides.iter().map(|(k, v)| (k.clone(), v.clone())));
        let loc: Locale = locale
            .parse()
            .or_else(|_| lang.parse())
            .unwrap_or_else(|_| "en".parse().expect("en parses"));
        Messages {
            plurals: PluralRules::try_new_cardinal((&loc).into())
                .or_else(|_| PluralRules::try_new_cardinal(Default::default()))
                .expect("ICU4X's compiled data has the root locale"),
            dates: FixedCalendarDateTimeFormatter::try_new((&loc).into(), YMD::long())
                .or_else(|_| {
                    FixedCalendarDateTimeFormatter::try_new(Default::default(), YMD::long())
                })
                .expect("ICU4X's compiled data has the root locale"),
            lang,
            map,
        }
    }

    /// The message `key` with `{name}` placeholders filled from `args`. A key no catalog has
    /// is returned as itself (templates check keys; see [`Messages::get`]).
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        fill(self.get(key).unwrap_or(key), args)
    }

    /// The plural form of `key` for `n` (`seats_one`, `seats_other`), `{n}` and `args` filled.
    pub fn plural(&self, key: &str, n: u64, args: &[(&str, &str)]) -> String {
        let form = match self.plurals.category_for(n) {
            PluralCategory::Zero => "zero",
            PluralCategory::One => "one",
            PluralCategory::Two => "two",
            PluralCategory::Few => "few",
            PluralCategory::Many => "many",
            PluralCategory::Other => "other",
        };
        let text = self
            .get(&format!("{key}_{form}"))
            .or_else(|| self.get(&format!("{key}_other")))
            .unwrap_or(key);
        let n = n.to_string();
        let mut all = vec![("n", n.as_str())];
        all.extend_from_slice(args);
        fill(text, &all)
    }

    /// The message text, if `key` (or its plural forms) exists.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.map.get(key).map(String::as_str)
    }

    /// Whether `key` is a plural message (`key_other` exists).
    pub fn is_plural(&self, key: &str) -> bool {
        self.map.contains_key(&format!("{key}_other"))
    }

    /// A calendar date in the locale's long form: `December 31, 2026`, `31. Dezember 2026`.
    pub fn date(&self, year: i16, month: i8, day: i8) -> String {
        use writeable::Writeable;
        match Date::try_new_gregorian(i32::from(year), month as u8, day as u8) {
            Ok(d) => self.dates.format(&d).write_to_string().into_owned(),
            Err(_) => format!("{year:04}-{month:02}-{day:02}"),
        }
    }
}

/// `{name}` → its value, once per placeholder; text outside placeholders is kept as it is.
fn fill(text: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match args.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_key_and_the_same_placeholders() {
        let en = builtin("en").unwrap();
        let placeholders = |s: &str| {
            let mut v: Vec<String> = s
                .split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_string()))
                .collect();
            v.sort();
            v
        };
        for (lang, _) in BUILTIN {
            let m = builtin(lang).unwrap();
            let missing: Vec<_> = en.keys().filter(|k| !m.contains_key(*k)).collect();
            assert!(missing.is_empty(), "{lang} lacks {missing:?}");
            let extra: Vec<_> = m.keys().filter(|k| !is_key(k)).collect();
            assert!(extra.is_empty(), "{lang} has unknown keys {extra:?}");
            for (k, v) in m {
                if let Some(e) = en.get(k) {
                    assert_eq!(placeholders(v), placeholders(e), "{lang}.{k}");
                }
            }
        }
    }

    #[test]
    fn plurals_follow_cldr_for_the_language() {
        let none = BTreeMap::new();
        let en = Messages::new("en-US", &none);
        assert_eq!(en.plural("seats", 1, &[]), "1 seat");
        assert_eq!(en.plural("seats", 3, &[]), "3 seats");
        assert_eq!(en.plural("seats", 0, &[]), "0 seats");
        let de = Messages::new("de-DE", &none);
        assert_eq!(de.plural("months_free", 2, &[]), "2 Monate gratis");
        assert_eq!(de.plural("months_free", 1, &[]), "1 Monat gratis");
        // Hindi counts 0 as singular.
        let hi = Messages::new("hi-IN", &none);
        assert_eq!(hi.plural("months_free", 0, &[]), "0 महीना मुफ़्त");
        assert_eq!(hi.plural("months_free", 2, &[]), "2 महीने मुफ़्त");
    }

    #[test]
    fn dates_follow_cldr_for_the_locale() {
        let none = BTreeMap::new();
        assert_eq!(
            Messages::new("en-US", &none).date(2026, 12, 31),
            "December 31, 2026"
        );
        assert_eq!(
            Messages::new("de-DE", &none).date(2026, 12, 31),
            "31. Dezember 2026"
        );
        assert_eq!(
            Messages::new("hi-IN", &none).date(2026, 12, 31),
            "31 दिसंबर 2026"
        );
    }

    #[test]
    fn the_language_is_the_texts() {
        let none = BTreeMap::new();
        assert_eq!(Messages::new("de-DE", &none).lang, "de");
        assert_eq!(Messages::new("hi-IN", &none).lang, "hi");
        // No French catalog: the pages are English, and say so.
        let fr = Messages::new("fr-FR", &none);
        assert_eq!(fr.lang, "en");
        assert!(untranslated("fr-FR", &none));
        assert_eq!(fr.fill("all_products", &[]), "All products");
        // A catalog that translates every key makes them French.
        let all: BTreeMap<String, String> =
            keys().map(|k| (k.to_string(), format!("fr:{k}"))).collect();
        let fr = Messages::new("fr-FR", &all);
        assert_eq!(fr.lang, "fr");
        assert_eq!(fr.fill("all_products", &[]), "fr:all_products");
    }

    #[test]
    fn overrides_and_placeholders() {
        let over: BTreeMap<String, String> =
            [("buy_now".to_string(), "Get it — {x}".to_string())].into();
        let m = Messages::new("en-US", &over);
        assert_eq!(m.fill("buy_now", &[("x", "now")]), "Get it — now");
        assert_eq!(
            m.fill("price_range", &[("from", "$1"), ("to", "$2")]),
            "$1–$2"
        );
        assert_eq!(fill("{a} {unknown} {", &[("a", "A")]), "A {unknown} {");
        assert!(is_key("seats_few") && is_key("buy_now") && !is_key("buy_later"));
    }
}
