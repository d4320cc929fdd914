//! When a run may be skipped: the key of everything a clean `build` or `check` read, and the
//! stretch of time over which its answer stays the same.
//!
//! A run's result depends on its inputs (plan files, templates, the ledger, what was refused,
//! `--effective-from`, the plancat binary) and on "now" — but on "now" only through comparisons
//! with instants the inputs state (a promotion's `valid_until`, a version's `effective_from`,
//! `existing_from`, `yanked.at`). So a clean result recorded at `now₀` holds at any `now` with
//! no stated instant between the two: the [`Window`]. Instants are found by scanning the bytes
//! (not by trusting a parse), and a date without a full time and offset is treated as a band
//! of days around it, so an ambiguous moment never widens a window.
//!
//! Invariant: pure. The edge stores the key and window in `out/.plancat/manifest.json` after a
//! clean run and compares them on the next; nothing here decides what is published.

use std::sync::LazyLock;

use regex::bytes::Regex;
use sha2::{Digest, Sha256};

use super::build::Inputs;
use super::ledger::{CATALOG_INDEX, LedgerFiles};
use crate::core::model::ids::Instant;

/// The SHA-256 (hex) of everything a run reads, framed so no two input sets collide by
/// concatenation. `salt` names the program and the options that change the result. The ledger
/// enters through its root, the catalog index (see below): the key holds only together with
/// [`plancat_consumer::check::chain_holds`].
pub fn key(inputs: &Inputs, ledger: &LedgerFiles, salt: &[u8]) -> String {
    let mut h = Sha256::new();
    let mut field = |tag: &[u8], bytes: &[u8]| {
        h.update(tag);
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    field(b"salt", salt);
    let mut plans: Vec<_> = inputs.plans.iter().collect();
    plans.sort_by(|a, b| a.path.cmp(&b.path));
    for f in plans {
        field(b"plan-path", f.path.as_bytes());
        field(b"plan", &f.bytes);
    }
    let mut templates: Vec<_> = inputs.templates.iter().collect();
    templates.sort_by(|a, b| a.name.cmp(&b.name));
    for t in templates {
        field(b"template-name", t.name.as_bytes());
        field(b"template", &t.bytes);
    }
    for r in &inputs.refused {
        field(b"refused", r.path.as_bytes());
    }
    // The ledger through its root: the catalog index records each slug index's SHA-256, and
    // each slug index each snapshot's, so with the chain checked (the edge does, on every
    // skipped run) these bytes fix every ledger file.
    field(
        b"ledger-root",
        ledger.get(CATALOG_INDEX).map_or(&[][..], Vec::as_slice),
    );
    field(
        b"effective-from",
        inputs
            .effective_from
            .map(|t| t.to_string())
            .unwrap_or_default()
            .as_bytes(),
    );
    hex(&h.finalize())
}

/// The stretch of time around a run's "now" in which no stated instant is crossed:
/// `after <= now < until` (an open end when there is no such instant on that side).
///
/// Closed on the left because plancat compares a stated instant `x` with the moment of a run
/// only as `x <= now` (a version is in force from its `effective_from`, a promotion has
/// expired from its `valid_until`) or its negation: that answer is the same for every `now`
/// from `x` up to the next stated instant. Code that compares instants with the moment of a
/// run must keep to `x <= now` (see `rules::Context`), or make this window strict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub after: Option<Instant>,
    pub until: Option<Instant>,
}

impl Window {
    pub fn contains(&self, now: Instant) -> bool {
        self.after.is_none_or(|a| a <= now) && self.until.is_none_or(|u| now < u)
    }
}

/// The [`Window`] around `now` for these inputs, or `None` when `now` is within a day or two
/// of a date stated without a full time and offset (then no window is safe).
pub fn window(inputs: &Inputs, ledger: &LedgerFiles, now: Instant) -> Option<Window> {
    let mut w = Window {
        after: None,
        until: None,
    };
    let texts = inputs
        .plans
        .iter()
        .map(|f| f.bytes.as_slice())
        .chain(inputs.templates.iter().map(|t| t.bytes.as_slice()))
        .chain(ledger.values().map(Vec::as_slice));
    for bytes in texts {
        // An instant can hide behind an escape (`"202\u0037-…"`, a TOML line continuation)
        // where the scan below would not see it: then no window is safe.
        if hides_text(bytes) {
            return None;
        }
        for bound in instants(bytes) {
            let (lo, hi) = match bound {
                Bound::Exact(t) => (t, t),
                Bound::Day(lo, hi) => {
                    if lo <= now && now <= hi {
                        return None;
                    }
                    (lo, hi)
                }
            };
            if hi <= now {
                w.after = w.after.max(Some(hi));
            } else {
                w.until = Some(w.until.map_or(lo, |u| u.min(lo)));
            }
        }
    }
    Some(w)
}

/// Whether `bytes` has an escape that can spell digits or join lines inside a string: `\u`,
/// `\U`, or a backslash ending a line (TOML's line continuation).
fn hides_text(bytes: &[u8]) -> bool {
    static ESCAPE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\\[uU]|\\[ \t]*\r?\n").expect("a valid pattern"));
    ESCAPE.is_match(bytes)
}

/// A moment stated in a file: exact, or (a date or a local time) somewhere in a band of days.
#[derive(Debug, PartialEq)]
enum Bound {
    Exact(Instant),
    Day(Instant, Instant),
}

/// Every date-like run of bytes in `bytes`, as TOML and JSON write them
/// (`2026-12-01T00:00:00Z`, `2026-12-01 10:00:00+05:30`, `2026-12-01`).
fn instants(bytes: &[u8]) -> impl Iterator<Item = Bound> + '_ {
    static DATE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(\d{4})-(\d{2})-(\d{2})(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:\d{2})?)?")
            .expect("a valid pattern")
    });
    DATE.find_iter(bytes).filter_map(|m| {
        let text = std::str::from_utf8(m.as_bytes()).ok()?;
        if let Ok(t) = text.replacen(' ', "T", 1).parse::<jiff::Timestamp>() {
            return Some(Bound::Exact(Instant(t)));
        }
        // A local date or time: any offset, so the whole of it give or take a day.
        let day: jiff::civil::Date = text.get(..10)?.parse().ok()?;
        let midnight = day.to_zoned(jiff::tz::TimeZone::UTC).ok()?.timestamp();
        let lo = midnight
            .checked_sub(jiff::SignedDuration::from_hours(24))
            .ok()?;
        let hi = midnight
            .checked_add(jiff::SignedDuration::from_hours(48))
            .ok()?;
        Some(Bound::Day(Instant(lo), Instant(hi)))
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::compile::InputFile;

    fn at(s: &str) -> Instant {
        Instant::parse(s).unwrap()
    }

    fn inputs(text: &str) -> Inputs {
        Inputs {
            plans: vec![InputFile {
                path: "plans/products/a.toml".into(),
                bytes: text.as_bytes().to_vec(),
            }],
            ledger: Default::default(),
            templates: Vec::new(),
            refused: Vec::new(),
            now: at("2026-06-01T00:00:00Z"),
            effective_from: None,
        }
    }

    #[test]
    fn the_window_ends_at_the_next_stated_instant_and_starts_at_the_last() {
        let i = inputs(
            "a = 2026-01-01T00:00:00Z\nb = \"2026-09-01T12:00:00+02:00\"\nc = 2027-01-01T00:00:00Z\n",
        );
        let w = window(&i, &Default::default(), at("2026-06-01T00:00:00Z")).unwrap();
        assert_eq!(w.after, Some(at("2026-01-01T00:00:00Z")));
        assert_eq!(w.until, Some(at("2026-09-01T10:00:00Z")));
        assert!(w.contains(at("2026-01-01T00:00:00Z")));
        assert!(w.contains(at("2026-09-01T09:59:59Z")));
        assert!(!w.contains(at("2025-12-31T23:59:59Z")));
        assert!(!w.contains(at("2026-09-01T10:00:00Z")));
        // A run at a stated instant: `x <= now` already holds, and holds until the next one.
        let w = window(&i, &Default::default(), at("2026-09-01T10:00:00Z")).unwrap();
        assert_eq!(w.after, Some(at("2026-09-01T10:00:00Z")));
        assert_eq!(w.until, Some(at("2027-01-01T00:00:00Z")));
    }

    #[test]
    fn a_date_without_a_time_or_offset_is_a_band_of_days() {
        let i = inputs("until = 2026-06-02\n");
        // Within a day of it: no window at all.
        assert_eq!(
            window(&i, &Default::default(), at("2026-06-01T12:00:00Z")),
            None
        );
        let w = window(&i, &Default::default(), at("2026-05-01T00:00:00Z")).unwrap();
        assert_eq!(w.until, Some(at("2026-06-01T00:00:00Z")));
        let w = window(&i, &Default::default(), at("2026-07-01T00:00:00Z")).unwrap();
        assert_eq!(w.after, Some(at("2026-06-04T00:00:00Z")));
        // A local time is a local date as well.
        let i = inputs("until = 2026-06-02T10:00:00\n");
        assert_eq!(
            window(&i, &Default::default(), at("2026-06-03T12:00:00Z")),
            None
        );
    }

    #[test]
    fn an_instant_behind_an_escape_leaves_no_window() {
        let now = at("2026-06-01T00:00:00Z");
        for text in [
            "until = \"202\\u0037-01-01T00:00:00Z\"\n",
            "until = \"202\\U00000037-01-01T00:00:00Z\"\n",
            "until = \"\"\"2027-01-\\\n  01T00:00:00Z\"\"\"\n",
        ] {
            assert_eq!(
                window(&inputs(text), &Default::default(), now),
                None,
                "{text}"
            );
        }
        // A plain backslash escape cannot spell a digit: the window stands.
        let plain = inputs("note = \"a \\\"quoted\\\" word\"\n");
        assert!(window(&plain, &Default::default(), now).is_some());
    }

    #[test]
    fn the_key_changes_with_any_byte_path_option_or_salt() {
        let a = inputs("x = 1\n");
        let ledger = LedgerFiles::default();
        let k = key(&a, &ledger, b"plancat");
        assert_eq!(k, key(&a, &ledger, b"plancat"));
        assert_ne!(k, key(&inputs("x = 2\n"), &ledger, b"plancat"));
        assert_ne!(k, key(&a, &ledger, b"plancat 2"));
        let mut moved = inputs("x = 1\n");
        moved.plans[0].path = "plans/products/b.toml".into();
        assert_ne!(k, key(&moved, &ledger, b"plancat"));
        let mut later = inputs("x = 1\n");
        later.effective_from = Some(at("2027-01-01T00:00:00Z"));
        assert_ne!(k, key(&later, &ledger, b"plancat"));
        let mut published = LedgerFiles::default();
        published.insert(CATALOG_INDEX.into(), b"{}".to_vec());
        assert_ne!(k, key(&a, &published, b"plancat"));
        // Framed: moving a byte from a path into its contents is a different input.
        let mut x = inputs("1\n");
        x.plans[0].path = "plans/products/a.tomlx = ".into();
        assert_ne!(k, key(&x, &ledger, b"plancat"));
    }
}
