//! Withdrawing and restoring published versions (`plancat yank`).

use semver::Version;

use plancat_consumer::wire::{SlugIndex, Yanked};

use plancat_consumer::check::catalog_index;

use super::{CATALOG_INDEX, LEDGER_DIR, Ledger, LedgerFiles, pretty};

/// Withdraws a published version (`yanked = Some(..)`) or restores it (`None`): the slug's
/// index is the only file that changes; the snapshot stays fetchable and byte-identical.
pub fn set_yanked(
    ledger: &Ledger,
    slug: &str,
    version: &Version,
    yanked: Option<Yanked>,
) -> Result<LedgerFiles, String> {
    let loaded = ledger
        .slugs
        .get(slug)
        .ok_or_else(|| format!("no published plan `{slug}` in `{LEDGER_DIR}/`"))?;
    let mut index = loaded.index.clone();
    let entry = index
        .versions
        .iter_mut()
        .find(|v| v.plan_version == *version)
        .ok_or_else(|| {
            let known: Vec<String> = loaded
                .index
                .versions
                .iter()
                .map(|v| v.plan_version.to_string())
                .collect();
            format!(
                "`{slug}` has no version {version} (published: {})",
                known.join(", ")
            )
        })?;
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
    entry.yanked = yanked;
    // The catalog index records every slug index's hash, so it changes with it.
    let catalog = catalog_index(ledger.slugs.iter().map(|(k, l)| {
        let i = if k == slug { &index } else { &l.index };
        (k, i)
    }));
    Ok(LedgerFiles::from([
        (format!("{slug}/index.json"), pretty(&index)),
        (CATALOG_INDEX.to_string(), pretty(&catalog)),
    ]))
}

/// The slug's index after `set_yanked`'s change.
pub fn index_after(ledger: &Ledger, slug: &str, changes: &LedgerFiles) -> SlugIndex {
    changes
        .get(&format!("{slug}/index.json"))
        .and_then(|b| serde_json::from_slice(b).ok())
        .unwrap_or_else(|| ledger.slugs[slug].index.clone())
}
