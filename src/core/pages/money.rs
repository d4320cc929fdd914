//! Money for people: `$1,299.00`, `₹10,00,000.00`, `€1.299,00`, `¥1,299`. Separators and
//! grouping (Indian lakh/crore grouping included) come from CLDR via `num-format`; symbols
//! from ISO 4217 via `iso_currency`; the number of decimals is always the currency's.

use num_format::{Grouping, Locale};
use rust_decimal::Decimal;

use crate::core::model::money::CurrencyCode;

/// Formats an amount for a BCP 47 locale (`en-IN`, `de-DE`); unknown locales fall back to
/// their language (`de`), then to English.
pub fn format(amount: Decimal, currency: CurrencyCode, locale: &str) -> String {
    let loc = locale_for(locale);
    let mut d = amount.round_dp(currency.exponent());
    d.rescale(currency.exponent());
    let negative = d.is_sign_negative() && !d.is_zero();
    let text = d.abs().to_string();
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let grouped = group(int, loc.separator(), loc.grouping());
    let symbol = iso_currency::Currency::from_code(currency.code())
        .map_or(currency.code().to_string(), |c| c.symbol().to_string());
    let number = if frac.is_empty() {
        grouped
    } else {
        format!("{grouped}{}{frac}", loc.decimal())
    };
    format!("{}{symbol}{number}", if negative { "-" } else { "" })
}

/// A count with the locale's grouping: `1,00,000` in `en-IN`, `100.000` in `de-DE`.
pub fn count(n: u64, locale: &str) -> String {
    let loc = locale_for(locale);
    group(&n.to_string(), loc.separator(), loc.grouping())
}

fn locale_for(tag: &str) -> Locale {
    Locale::from_name(tag)
        .or_else(|_| Locale::from_name(tag.replace('-', "_")))
        .or_else(|_| Locale::from_name(tag.split(['-', '_']).next().unwrap_or("en")))
        .unwrap_or(Locale::en)
}

fn group(digits: &str, sep: &str, grouping: Grouping) -> String {
    let n = digits.len();
    let mut breaks = Vec::new();
    match grouping {
        Grouping::Posix => {}
        Grouping::Standard => breaks.extend((1..n).filter(|&i| (n - i).is_multiple_of(3))),
        Grouping::Indian => {
            // The last three digits, then groups of two.
            if n > 3 {
                let mut i = n - 3;
                while i > 0 {
                    breaks.push(i);
                    i = i.saturating_sub(2);
                }
            }
        }
    }
    let mut out = String::with_capacity(n + breaks.len() * sep.len());
    for (i, c) in digits.chars().enumerate() {
        if breaks.contains(&i) {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
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
        let table = [
            ("1299", "USD", "en-US", "$1,299.00"),
            ("1000000", "INR", "en-IN", "₹10,00,000.00"),
            ("2499", "INR", "en-IN", "₹2,499.00"),
            ("123456789.5", "INR", "en-IN", "₹12,34,56,789.50"),
            ("1299", "EUR", "de-DE", "€1.299,00"),
            ("1299", "JPY", "ja-JP", "¥1,299"),
            ("1299.4", "JPY", "en-US", "¥1,299"),
            ("1.25", "BHD", "en-US", ".د.ب1.250"),
            ("0.5", "USD", "en-US", "$0.50"),
            ("999", "USD", "en-US", "$999.00"),
            ("1000", "USD", "xx-YY", "$1,000.00"),
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
