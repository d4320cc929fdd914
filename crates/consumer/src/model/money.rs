//! Exact money. Amounts are decimal strings (`"2499.00"`) held as `rust_decimal::Decimal`;
//! a `Price` maps ISO 4217 currency codes to amounts and respects each currency's minor unit
//! (JPY has none, INR two, BHD three). There is no floating point anywhere money flows.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};
use serde_with::{DeserializeFromStr, SerializeDisplay};

/// An ISO 4217 currency with a defined minor unit.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, SerializeDisplay, DeserializeFromStr,
)]
pub struct CurrencyCode(iso_currency::Currency);

impl CurrencyCode {
    pub fn new(code: &str) -> Result<Self, String> {
        let c = iso_currency::Currency::from_code(code).ok_or_else(|| {
            format!("unknown currency `{code}`: expected an ISO 4217 code like `USD`")
        })?;
        c.exponent()
            .ok_or_else(|| format!("currency `{code}` has no minor unit and cannot price plans"))?;
        Ok(CurrencyCode(c))
    }

    pub fn code(self) -> &'static str {
        self.0.code()
    }

    /// Digits after the decimal point: 0 for JPY, 2 for INR, 3 for BHD.
    pub fn exponent(self) -> u32 {
        u32::from(self.0.exponent().unwrap_or(0))
    }

    /// Every code plancat accepts, sorted.
    pub fn all() -> Vec<&'static str> {
        use iso_currency::IntoEnumIterator;
        let mut v: Vec<_> = iso_currency::Currency::iter()
            .filter(|c| c.exponent().is_some())
            .map(|c| c.code())
            .collect();
        v.sort_unstable();
        v
    }
}

impl fmt::Display for CurrencyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for CurrencyCode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        CurrencyCode::new(s)
    }
}

impl JsonSchema for CurrencyCode {
    fn schema_name() -> Cow<'static, str> {
        "CurrencyCode".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "title": "Currency code",
            "description": "An ISO 4217 currency code, like `USD`, `INR` or `JPY`.",
            "type": "string",
            "enum": CurrencyCode::all(),
        })
    }
}

/// A non-negative amount of money in major units, written as a decimal string.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    SerializeDisplay,
    DeserializeFromStr,
)]
pub struct Money(pub Decimal);

const MONEY_PATTERN: &str = r"^(0|[1-9][0-9]*)(\.[0-9]+)?$";

impl Money {
    pub fn parse(s: &str) -> Result<Self, String> {
        let ok = !s.is_empty()
            && s.split_once('.').map_or(is_int(s), |(i, f)| {
                is_int(i) && !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit())
            });
        if !ok {
            return Err(format!(
                "invalid amount `{s}`: expected a decimal string like `\"49.99\"`"
            ));
        }
        Decimal::from_str_exact(s)
            .map(Money)
            .map_err(|e| format!("invalid amount `{s}`: {e}"))
    }

    /// The amount with exactly the currency's number of decimals (`2499` → `2499.00` in INR).
    pub fn to_string_in(self, currency: CurrencyCode) -> String {
        let mut d = self.0;
        d.rescale(currency.exponent());
        d.to_string()
    }
}

fn is_int(s: &str) -> bool {
    s == "0" || (!s.is_empty() && !s.starts_with('0') && s.bytes().all(|b| b.is_ascii_digit()))
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl JsonSchema for Money {
    fn schema_name() -> Cow<'static, str> {
        "Money".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "title": "Amount",
            "description": "An amount in major units as a decimal string, like \"2499.00\" or \"9\"; never a float.",
            "type": "string",
            "pattern": MONEY_PATTERN,
        })
    }
}

/// One amount per currency: `{ INR = "2499.00", USD = "29" }`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Price(pub BTreeMap<CurrencyCode, Money>);

impl Price {
    pub fn get(&self, c: CurrencyCode) -> Option<Money> {
        self.0.get(&c).copied()
    }
}

impl Serialize for Price {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (c, a) in &self.0 {
            m.serialize_entry(c.code(), &a.to_string_in(*c))?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for Price {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = BTreeMap::<CurrencyCode, Money>::deserialize(d)?;
        for (c, a) in &map {
            if a.0.scale() > c.exponent() {
                return Err(de::Error::custom(format!(
                    "`{a}` has more decimals than {c} allows ({})",
                    c.exponent()
                )));
            }
        }
        Ok(Price(map))
    }
}

impl JsonSchema for Price {
    fn schema_name() -> Cow<'static, str> {
        "Price".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        // One pattern per minor-unit exponent, so an amount with too many decimals for its
        // currency is caught by the schema, at the amount itself.
        let mut by_exponent: BTreeMap<u32, Vec<&str>> = BTreeMap::new();
        for code in CurrencyCode::all() {
            let c = CurrencyCode::new(code).expect("listed codes are valid");
            by_exponent.entry(c.exponent()).or_default().push(code);
        }
        let groups: serde_json::Map<String, serde_json::Value> = by_exponent
            .into_iter()
            .map(|(exp, codes)| {
                let (fraction, description) = match exp {
                    0 => (
                        String::new(),
                        "an amount in a currency without minor units, as a string of digits, like \"1299\"".to_string(),
                    ),
                    n => (
                        format!(r"(\.[0-9]{{1,{n}}})?"),
                        format!("an amount in major units with at most {n} decimals, as a string, like \"{}\"", example(n)),
                    ),
                };
                (
                    format!("^({})$", codes.join("|")),
                    serde_json::json!({
                        "title": "Amount",
                        "description": description,
                        "type": "string",
                        "pattern": format!("^(0|[1-9][0-9]*){fraction}$"),
                    }),
                )
            })
            .collect();
        json_schema!({
            "title": "Price",
            "description": "An amount per ISO 4217 currency, like { \"INR\": \"2499.00\" }.",
            "type": "object",
            "propertyNames": g.subschema_for::<CurrencyCode>(),
            "patternProperties": groups,
            "additionalProperties": g.subschema_for::<Money>(),
            "minProperties": 1,
        })
    }
}

fn example(decimals: u32) -> String {
    format!("2499.{}", "0".repeat(decimals as usize))
}

/// A percentage from 0 to 100: an integer (`20`) or a decimal string (`"12.5"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Percent(pub Decimal);

impl Percent {
    pub fn new(d: Decimal) -> Result<Self, String> {
        if d < Decimal::ZERO || d > Decimal::ONE_HUNDRED {
            return Err(format!("percentage `{d}` is not between 0 and 100"));
        }
        Ok(Percent(d))
    }
}

impl Serialize for Percent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.normalize().to_string())
    }
}

impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Percent::new(int_or_decimal_string(d)?).map_err(de::Error::custom)
    }
}

/// A non-negative number of months: an integer (`10`) or a decimal string (`"10.5"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Months(pub Decimal);

impl Serialize for Months {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.normalize().to_string())
    }
}

impl<'de> Deserialize<'de> for Months {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        int_or_decimal_string(d).map(Months)
    }
}

impl JsonSchema for Months {
    fn schema_name() -> Cow<'static, str> {
        "Months".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "title": "Months",
            "description": "A number of months: an integer like 10 or a decimal string like \"10.5\".",
            "anyOf": [
                { "type": "integer", "minimum": 0 },
                { "type": "string", "pattern": MONEY_PATTERN }
            ]
        })
    }
}

fn int_or_decimal_string<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw<'a> {
        Int(u32),
        Str(Cow<'a, str>),
    }
    match Raw::deserialize(d)? {
        Raw::Int(i) => Ok(Decimal::from(i)),
        Raw::Str(s) => Money::parse(&s).map(|m| m.0).map_err(de::Error::custom),
    }
}

impl JsonSchema for Percent {
    fn schema_name() -> Cow<'static, str> {
        "Percent".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "title": "Percentage",
            "description": "A percentage from 0 to 100: an integer like 20 or a decimal string like \"12.5\".",
            "anyOf": [
                { "type": "integer", "minimum": 0, "maximum": 100 },
                { "type": "string", "pattern": MONEY_PATTERN }
            ]
        })
    }
}

impl FromStr for Money {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Money::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_accepts_decimal_strings_only() {
        assert_eq!(Money::parse("2499.00").unwrap().0, Decimal::new(249900, 2));
        assert!(Money::parse("0.5").is_ok());
        for bad in ["", "-1", "01", "1.", ".5", "1e3", "1,000", " 1"] {
            assert!(Money::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn prices_respect_minor_units() {
        let ok: Price =
            serde_json::from_str(r#"{"JPY": "1299", "BHD": "1.250", "INR": "10"}"#).unwrap();
        let out = serde_json::to_string(&ok).unwrap();
        assert_eq!(out, r#"{"BHD":"1.250","INR":"10.00","JPY":"1299"}"#);
        let err = serde_json::from_str::<Price>(r#"{"JPY": "12.5"}"#).unwrap_err();
        assert!(
            err.to_string()
                .contains("more decimals than JPY allows (0)"),
            "{err}"
        );
        assert!(serde_json::from_str::<Price>(r#"{"XYZ": "1"}"#).is_err());
    }

    #[test]
    fn percent_is_bounded() {
        assert!(serde_json::from_str::<Percent>("20").is_ok());
        assert!(serde_json::from_str::<Percent>("\"12.5\"").is_ok());
        assert!(serde_json::from_str::<Percent>("101").is_err());
        assert!(serde_json::from_str::<Percent>("-1").is_err());
    }
}
