//! The vocabulary of catalog rules that plan files use: rule names (`[rules]` keys and
//! `rule_overrides`) and levels. The rules themselves live in `core::rules`, which sits far
//! above the model; only their names and codes are vocabulary.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};
use serde_with::{DeserializeFromStr, SerializeDisplay};

/// How a rule's findings are treated: `allow` (not reported), `warn` (reported, does not fail
/// the run) or `deny` (an error: `check` fails and `build` publishes nothing).
// No per-variant doc comments: they would make schemars emit `oneOf` instead of a plain
// `enum`, and lose the "did you mean" on a misspelt level.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[schemars(title = "Rule level")]
pub enum Level {
    Allow,
    Warn,
    Deny,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Allow => "allow",
            Level::Warn => "warn",
            Level::Deny => "deny",
        })
    }
}

macro_rules! rule_names {
    ($($variant:ident = $code:literal $name:literal,)*) => {
        /// Every catalog rule, by its stable name (`tier-ladder`) and code (`R0203`).
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, SerializeDisplay,
            DeserializeFromStr,
        )]
        pub enum RuleName {
            $($variant,)*
        }

        impl RuleName {
            /// Every rule name, in code order.
            pub const ALL: &[RuleName] = &[$(RuleName::$variant,)*];

            /// The stable name used in `[rules]`, like `tier-ladder`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(RuleName::$variant => $name,)*
                }
            }

            /// The stable code, like `R0203`.
            pub fn code(self) -> &'static str {
                match self {
                    $(RuleName::$variant => $code,)*
                }
            }
        }
    };
}

rule_names! {
    UnknownReference = "R0101" "unknown-reference",
    FrontendRequiresLiveApi = "R0102" "frontend-requires-live-api",
    ApiNeedsFrontends = "R0103" "api-needs-frontends",
    PriceGuardrail = "R0201" "price-guardrail",
    PriceCurrency = "R0202" "price-currency",
    TierLadder = "R0203" "tier-ladder",
    YearlyMonths = "R0204" "yearly-months",
    GrossMargin = "R0205" "gross-margin",
    BundlePrice = "R0206" "bundle-price",
    MaxDiscount = "R0207" "max-discount",
    PriceRange = "R0208" "price-range",
    PromotionExpired = "R0301" "promotion-expired",
    PromotionWindow = "R0302" "promotion-window",
    PromotionTarget = "R0303" "promotion-target",
    PromotionStacking = "R0304" "promotion-stacking",
    TrialLength = "R0401" "trial-length",
    QuotaPolicy = "R0402" "quota-policy",
    NoticePeriod = "R0501" "notice-period",
}

impl RuleName {
    /// A rule by code (`R0203`, any case) or name (`tier-ladder`).
    pub fn find(key: &str) -> Option<RuleName> {
        Self::ALL
            .iter()
            .copied()
            .find(|r| r.code().eq_ignore_ascii_case(key) || r.as_str() == key)
    }
}

impl std::str::FromStr for RuleName {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .iter()
            .copied()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown rule `{s}`"))
    }
}

impl fmt::Display for RuleName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl JsonSchema for RuleName {
    fn schema_name() -> Cow<'static, str> {
        "RuleName".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let names: Vec<&str> = Self::ALL.iter().map(|r| r.as_str()).collect();
        json_schema!({
            "title": "Rule name",
            "description": "The name of a catalog rule (see `plancat rules`).",
            "type": "string",
            "enum": names,
        })
    }
}

/// Rule levels as a plan states them: `[rules] tier-ladder = "warn"`.
pub type Levels = BTreeMap<RuleName, Level>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_codes_are_unique_and_round_trip() {
        let mut seen = std::collections::BTreeSet::new();
        for r in RuleName::ALL {
            assert!(seen.insert(r.code()), "duplicate code {}", r.code());
            assert_eq!(r.as_str().parse::<RuleName>(), Ok(*r));
            assert_eq!(RuleName::find(&r.code().to_lowercase()), Some(*r));
        }
        assert_eq!(
            "tier-lader".parse::<RuleName>(),
            Err("unknown rule `tier-lader`".to_string())
        );
    }
}
