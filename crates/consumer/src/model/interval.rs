//! Billing intervals: what a price is charged per.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::api::{RecurringPrice, TierPrice};
use super::money::Price;
use super::product::ProductPrice;

/// How often a price is charged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Interval {
    /// Once (kits, frontends).
    OneTime,
    Monthly,
    Yearly,
}

impl Interval {
    pub const ALL: [Interval; 3] = [Interval::OneTime, Interval::Monthly, Interval::Yearly];
    pub const RECURRING: [Interval; 2] = [Interval::Monthly, Interval::Yearly];

    /// The field name that holds a price per this interval: `one_time`, `monthly`, `yearly`.
    pub fn as_str(self) -> &'static str {
        match self {
            Interval::OneTime => "one_time",
            Interval::Monthly => "monthly",
            Interval::Yearly => "yearly",
        }
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl ProductPrice {
    pub fn get(&self, interval: Interval) -> Option<&Price> {
        match interval {
            Interval::OneTime => self.one_time.as_ref(),
            Interval::Monthly => self.monthly.as_ref(),
            Interval::Yearly => self.yearly.as_ref(),
        }
    }

    /// Every interval with its price, if stated, in [`Interval::ALL`] order.
    pub fn by_interval(&self) -> impl Iterator<Item = (Interval, Option<&Price>)> {
        Interval::ALL.into_iter().map(|i| (i, self.get(i)))
    }
}

/// The two recurring price types (`monthly` and `yearly` only) answer the same way.
macro_rules! recurring {
    ($($t:ty),*) => {$(
        impl $t {
            /// The price per a recurring interval (never one-time).
            pub fn get(&self, interval: Interval) -> Option<&Price> {
                match interval {
                    Interval::OneTime => None,
                    Interval::Monthly => self.monthly.as_ref(),
                    Interval::Yearly => self.yearly.as_ref(),
                }
            }

            /// Every recurring interval with its price, if stated.
            pub fn by_interval(&self) -> impl Iterator<Item = (Interval, Option<&Price>)> {
                Interval::RECURRING.into_iter().map(|i| (i, self.get(i)))
            }
        }
    )*};
}

recurring!(RecurringPrice, TierPrice);
