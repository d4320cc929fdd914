//! Withdrawing and restoring published versions (`plancat yank`).
//!
//! Withdrawal cascades: a derived version (a bundle's price) computed from a withdrawn version
//! is withdrawn with it, and restored with it, so no client ever resolves a price computed
//! from a withdrawn one. Only indexes change; every snapshot stays fetchable and identical.

use std::collections::BTreeMap;

use semver::Version;

use plancat_consumer::check::catalog_index;
use plancat_consumer::wire::{SlugIndex, Yanked};

use super::{CATALOG_INDEX, LEDGER_DIR, Ledger, LedgerFiles, pretty};

/// What a yank changed.
pub struct Yanking {
    /// The changed indexes and the catalog index.
    pub files: LedgerFiles,
    /// The changed slug indexes, by slug.
    pub indexes: BTreeMap<String, SlugIndex>,
    /// Derived versions withdrawn (or restored) with the one asked for: `(slug, version)`.
    pub dependents: Vec<(String, Version)>,
}

/// Withdraws a published version (`yanked = Some(..)`) or restores it (`None`), with every
/// derived version computed from it.
pub fn set_yanked(
    ledger: &Ledger,
    slug: &str,
    version: &Version,
    yanked: Option<Yanked>,
) -> Result<Yanking, String> {
    let loaded = ledger
        .slugs
        .get(slug)
        .ok_or_else(|| format!("no published plan `{slug}` in `{LEDGER_DIR}/`"))?;
    let Some(entry) = loaded
        .index
        .versions
        .iter()
        .find(|v| v.plan_version == *version)
    else {
        let known: Vec<String> = loaded
            .index
            .versions
            .iter()
            .map(|v| v.plan_version.to_string())
            .collect();
        return Err(format!(
            "`{slug}` has no version {version} (published: {})",
            known.join(", ")
        ));
    };
    match (&entry.yanked, &yanked) {
        (Some(y), Some(_)) => {
            return Err(format!(
                "{slug} {version} is already withdrawn: {}",
                y.reason
            ));
        }
        (None, None) => return Err(format!("{slug} {version} is not withdrawn")),
        _ => {}
    }
    let mut indexes: BTreeMap<String, SlugIndex> = BTreeMap::new();
    let mut dependents = Vec::new();
    // (slug, version) whose state changes, and the withdrawal to record (`None`: restore).
    let mut work = vec![(slug.to_string(), version.clone(), yanked)];
    while let Some((s, v, y)) = work.pop() {
        let index = indexes
            .entry(s.clone())
            .or_insert_with(|| ledger.slugs[&s].index.clone());
        let Some(e) = index.versions.iter_mut().find(|e| e.plan_version == v) else {
            continue;
        };
        e.yanked = y.clone();
        let source = format!("{s} {v}");
        for (dep, published) in &ledger.slugs {
            for (dv, snap) in &published.snapshots {
                let computed_from = snap
                    .computed
                    .sources
                    .iter()
                    .any(|r| r.slug.as_str() == s && r.plan_version == v);
                if !computed_from {
                    continue;
                }
                let state = indexes
                    .get(dep)
                    .unwrap_or(&published.index)
                    .versions
                    .iter()
                    .find(|e| e.plan_version == *dv)
                    .and_then(|e| e.yanked.clone());
                let next = match (&y, state) {
                    // Withdraw what is live and was computed from the withdrawn source.
                    (Some(w), None) => Some(Some(Yanked {
                        reason: format!("computed from {source}, withdrawn: {}", w.reason),
                        at: w.at,
                        with: Some(source.clone()),
                    })),
                    // Restore only what this source's withdrawal withdrew.
                    (None, Some(d)) if d.with.as_deref() == Some(source.as_str()) => Some(None),
                    _ => None,
                };
                if let Some(next) = next {
                    dependents.push((dep.clone(), dv.clone()));
                    work.push((dep.clone(), dv.clone(), next));
                }
            }
        }
    }
    // The catalog index records every slug index's hash, so it changes with them.
    let catalog = catalog_index(
        ledger
            .slugs
            .iter()
            .map(|(k, l)| (k, indexes.get(k).unwrap_or(&l.index))),
    );
    let mut files: LedgerFiles = indexes
        .iter()
        .map(|(s, i)| (format!("{s}/index.json"), pretty(i)))
        .collect();
    files.insert(CATALOG_INDEX.to_string(), pretty(&catalog));
    dependents.sort();
    dependents.dedup();
    Ok(Yanking {
        files,
        indexes,
        dependents,
    })
}
