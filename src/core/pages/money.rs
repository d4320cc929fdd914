//! Money for people, as CLDR writes it for the locale: `$1,299.00`, `₹10,00,000.00`,
//! `1.299,00 €`, `￥1,299`. Symbols, their placement, separators and grouping (Indian lakh/crore
//! grouping included) all come from ICU4X's compiled CLDR data; the number of decimals is
//! always the currency's (ISO 4217), so a price is never shown rounded to other than its
//! minor unit.

use std::cell::RefCell;
use std::collections::HashMap;

use fixed_decimal::Decimal as Fixed;
use icu_decimal::DecimalFormatter;
use icu_experimental::dimension::currency::{
    CurrencyCode as IcuCode, formatter::CurrencyFormatter,
};
use icu_locale_core::Locale;
use rust_decimal::Decimal;
use writeable::Writeable;

use crate::core::model::money::CurrencyCode;

struct Formatters {
    money: CurrencyFormatter,
    count: DecimalFormatter,
}

thread_local! {
    /// One pair of formatters per locale and thread: building one loads its CLDR data.
    static FORMATTERS: RefCell<HashMap<String, std::rc::Rc<Formatters>>> = RefCell::default();
}

fn formatters(tag: &str) -> std::rc::Rc<Formatters> {
    FORMATTERS.with(|cache| {
        if let Some(f) = cache.borrow().get(tag) {
            return f.clone();
        }
        // A tag CLDR does not know falls back along its parents (`de-XX` → `de`) inside ICU4X;
        // one that does not parse is read as English.
        let locale: Locale = tag
            .parse()
            .unwrap_or_else(|_| "en".parse().expect("en parses"));
        let f = std::rc::Rc::new(Formatters {
            money: CurrencyFormatter::try_new((&locale).into(), Default::default())
                .or_else(|_| CurrencyFormatter::try_new(Default::default(), Default::default()))
                .expect("ICU4X's compiled data has the root locale"),
            count: DecimalFormatter::try_new((&locale).into(), Default::default())
                .or_else(|_| DecimalFormatter::try_new(Default::default(), Default::default()))
                .expect("ICU4X's compiled data has the root locale"),
        });
        cache.borrow_mut().insert(tag.to_string(), f.clone());
        f
    })
}

/// Formats an amount for a BCP 47 locale (`en-IN`, `de-DE`), with exactly the currency's
/// minor-unit digits.
pub fn format(amount: Decimal, currency: CurrencyCode, locale: &str) -> String {
    let mut d = amount.round_dp(currency.exponent());
    d.rescale(currency.exponent());
    let fixed: Fixed = d
        .to_string()
        .parse()
        .expect("a decimal's text is a decimal");
    let code = IcuCode(
        tinystr::TinyAsciiStr::try_from_str(currency.code())
            .expect("ISO 4217 codes are 3 ASCII letters"),
    );
    formatters(locale)
        .money
        .format_fixed_decimal(&fixed, &code)
        .write_to_string()
        .into_owned()
}

/// A count with the locale's grouping: `1,00,000` in `en-IN`, `100.000` in `de-DE`.
pub fn count(n: u64, locale: &str) -> String {
    formatters(locale)
        .count
        .format(&Fixed::from(n))
        .write_to_string()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(amount: &str, currency: &str, locale: &str) -> String {
        format(
            amount.parse().unwrap(),
            CurrencyCode::new(currency).unwrap(),
            locale,
        )
    }

    #[test]
    fn currencies_by_locale() {
        // CLDR's answers: the euro sign follows a German amount after a no-break space; a
        // locale CLDR does not know falls back to its language, then to the root locale.
        let table = [
            ("1299", "USD", "en-US", "$1,299.00"),
            ("1000000", "INR", "en-IN", "₹10,00,000.00"),
            ("1000000", "INR", "hi-IN", "₹10,00,000.00"),
            ("2499", "INR", "en-IN", "₹2,499.00"),
            ("123456789.5", "INR", "en-IN", "₹12,34,56,789.50"),
            ("1299", "EUR", "de-DE", "1.299,00\u{a0}€"),
            ("1000", "EUR", "de-AT", "€\u{a0}1\u{a0}000,00"),
            ("1000", "USD", "de-DE", "1.000,00\u{a0}$"),
            ("1299", "JPY", "ja-JP", "￥1,299"),
            ("1299.4", "JPY", "en-US", "¥1,299"),
            ("1.25", "BHD", "en-US", "BHD\u{a0}1.250"),
            ("0.5", "USD", "en-US", "$0.50"),
            ("-5", "USD", "en-US", "-$5.00"),
            ("999", "USD", "en-US", "$999.00"),
            ("1000", "EUR", "de-XX", "1.000,00\u{a0}€"),
            ("1000", "USD", "xx-YY", "US$\u{a0}1,000.00"),
        ];
        for (amount, cur, locale, want) in table {
            assert_eq!(money(amount, cur, locale), want, "{amount} {cur} {locale}");
        }
    }

    #[test]
    fn counts_group_like_money() {
        assert_eq!(count(100_000, "en-IN"), "1,00,000");
        assert_eq!(count(2_000_000, "en-US"), "2,000,000");
        assert_eq!(count(100_000, "de-DE"), "100.000");
        assert_eq!(count(999, "en-IN"), "999");
    }
}
