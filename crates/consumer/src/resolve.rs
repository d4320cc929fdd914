//! Which published version is in force at a moment: the newest version that is not withdrawn
//! and has taken effect — for new subscribers at its `effective_from`, for existing ones at
//! its `existing_from` (grandfathering) when it has one.
//!
//! Invariant: pure; the same index and moment always give the same answer.

use super::wire::VersionEntry;
use crate::model::ids::Instant;

/// Whose view of the ledger: new subscribers (the default) or existing ones.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Audience {
    #[default]
    New,
    Existing,
}

/// When a version reaches an audience.
pub fn moment(v: &VersionEntry, audience: Audience) -> Instant {
    match audience {
        Audience::New => v.effective_from,
        Audience::Existing => v.existing_from.unwrap_or(v.effective_from),
    }
}

/// The version in force at `at`, or `None` when nothing has taken effect yet.
pub fn resolve(
    versions: &[VersionEntry],
    at: Instant,
    audience: Audience,
) -> Option<&VersionEntry> {
    versions
        .iter()
        .filter(|v| v.yanked.is_none() && moment(v, audience) <= at)
        .max_by(|a, b| a.plan_version.cmp(&b.plan_version))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Yanked;

    fn t(s: &str) -> Instant {
        Instant::parse(&format!("{s}T00:00:00Z")).unwrap()
    }

    fn v(version: &str, from: &str, existing: Option<&str>, yanked: bool) -> VersionEntry {
        VersionEntry {
            plan_version: version.parse().unwrap(),
            effective_from: t(from),
            existing_from: existing.map(t),
            rollback_to: None,
            content_hash: String::new(),
            file_sha256: String::new(),
            file: format!("{version}.json"),
            bump: None,
            reasons: Vec::new(),
            yanked: yanked.then(|| Yanked {
                reason: "r".into(),
                at: t("2026-01-01"),
                with: None,
            }),
        }
    }

    fn at(versions: &[VersionEntry], when: &str, audience: Audience) -> Option<String> {
        resolve(versions, t(when), audience).map(|v| v.plan_version.to_string())
    }

    #[test]
    fn resolution_table() {
        let versions = [
            v("1.0.0", "2026-01-01", None, false),
            v("1.1.0", "2026-03-01", None, false),
            v("2.0.0", "2026-05-01", Some("2026-08-01"), false),
            v("2.1.0", "2026-09-01", None, true),
            v("3.0.0", "2027-01-01", None, false),
        ];
        let cases = [
            // (moment, new subscribers, existing subscribers)
            ("2025-12-31", None, None), // before the first version
            ("2026-01-01", Some("1.0.0"), Some("1.0.0")), // exactly on a boundary
            ("2026-02-28", Some("1.0.0"), Some("1.0.0")),
            ("2026-03-01", Some("1.1.0"), Some("1.1.0")),
            ("2026-06-01", Some("2.0.0"), Some("1.1.0")), // grandfathered until August
            ("2026-08-01", Some("2.0.0"), Some("2.0.0")),
            ("2026-10-01", Some("2.0.0"), Some("2.0.0")), // 2.1.0 is withdrawn
            ("2026-12-31", Some("2.0.0"), Some("2.0.0")), // 3.0.0 is scheduled
            ("2027-01-01", Some("3.0.0"), Some("3.0.0")),
        ];
        for (when, new, existing) in cases {
            assert_eq!(
                at(&versions, when, Audience::New).as_deref(),
                new,
                "new at {when}"
            );
            assert_eq!(
                at(&versions, when, Audience::Existing).as_deref(),
                existing,
                "existing at {when}"
            );
        }
    }

    #[test]
    fn withdrawing_falls_back_to_the_previous_version() {
        let mut versions = vec![
            v("1.0.0", "2026-01-01", None, false),
            v("1.1.0", "2026-02-01", None, false),
        ];
        assert_eq!(
            at(&versions, "2026-06-01", Audience::New).as_deref(),
            Some("1.1.0")
        );
        versions[1].yanked = Some(Yanked {
            reason: "wrong price".into(),
            at: t("2026-02-02"),
            with: None,
        });
        assert_eq!(
            at(&versions, "2026-06-01", Audience::New).as_deref(),
            Some("1.0.0")
        );
        versions[0].yanked = Some(Yanked {
            reason: "also wrong".into(),
            at: t("2026-02-02"),
            with: None,
        });
        assert_eq!(at(&versions, "2026-06-01", Audience::New), None);
    }
}
