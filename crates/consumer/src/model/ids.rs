//! Validated identifiers and instants. `Slug::new` is what `Deserialize` calls, so an invalid
//! slug (`../x`, `Pro`) can never exist in a typed plan.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_with::{DeserializeFromStr, SerializeDisplay};

/// Lowercase ASCII letters and digits in hyphen-separated words: `shopcore-commerce-api`.
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, SerializeDisplay, DeserializeFromStr,
)]
pub struct Slug(String);

pub const SLUG_PATTERN: &str = "^[a-z0-9]+(-[a-z0-9]+)*$";
const SLUG_MAX: usize = 64;

/// What a valid slug looks like, as a help line.
pub const SLUG_RULE: &str =
    "use 1 to 64 lowercase letters, digits and single hyphens, like `growth-plus`";

/// A string that is not a valid slug.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlugError(pub String);

impl fmt::Display for SlugError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid slug `{}`: {SLUG_RULE}", self.0)
    }
}

impl std::error::Error for SlugError {}

impl Slug {
    pub fn new(s: &str) -> Result<Self, SlugError> {
        let ok = !s.is_empty()
            && s.len() <= SLUG_MAX
            && s.split('-').all(|w| {
                !w.is_empty()
                    && w.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            });
        if ok {
            Ok(Slug(s.to_string()))
        } else {
            Err(SlugError(s.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Maps keyed by slug are looked up by `&str` (the derived order is the string's order).
impl std::borrow::Borrow<str> for Slug {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Slug {
    type Err = SlugError;
    fn from_str(s: &str) -> Result<Self, SlugError> {
        Slug::new(s)
    }
}

impl JsonSchema for Slug {
    fn schema_name() -> Cow<'static, str> {
        "Slug".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "title": "Slug",
            "description": "A slug: lowercase letters, digits and single hyphens, like `growth-plus`.",
            "type": "string",
            "pattern": SLUG_PATTERN,
            "maxLength": SLUG_MAX,
        })
    }
}

/// A moment in time, written as RFC 3339 (`2026-12-01T00:00:00Z`, or a TOML offset date-time).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, SerializeDisplay, DeserializeFromStr,
)]
pub struct Instant(pub jiff::Timestamp);

impl Instant {
    pub fn parse(s: &str) -> Result<Self, String> {
        s.parse::<jiff::Timestamp>().map(Instant).map_err(|e| {
            format!("invalid date-time `{s}`: {e}; expected RFC 3339 like `2026-12-01T00:00:00Z`")
        })
    }
}

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Always UTC with a `Z`, whole seconds unless the input had more precision.
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::str::FromStr for Instant {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Instant::parse(s)
    }
}

impl JsonSchema for Instant {
    fn schema_name() -> Cow<'static, str> {
        "Instant".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "title": "Date-time",
            "description": "An RFC 3339 date-time with an offset, like \"2026-12-01T00:00:00Z\".",
            "type": "string",
            "format": "date-time",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_hyphenated_words() {
        for ok in ["a", "growth-plus", "shopcore-commerce-api", "v2"] {
            assert!(Slug::new(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "Pro",
            "../x",
            "a--b",
            "-a",
            "a-",
            "a_b",
            "a b",
            &"a".repeat(65),
        ] {
            assert!(Slug::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_slug_rule_states_the_real_limit() {
        assert!(SLUG_RULE.contains(&format!("1 to {SLUG_MAX} ")));
        assert_eq!(
            Slug::new("Pro").unwrap_err().to_string(),
            format!("invalid slug `Pro`: {SLUG_RULE}")
        );
    }

    #[test]
    fn instants_print_as_utc() {
        let i = Instant::parse("2026-12-01T05:30:00+05:30").unwrap();
        assert_eq!(i.to_string(), "2026-12-01T00:00:00Z");
        assert!(Instant::parse("2026-12-01T00:00:00").is_err());
    }
}
