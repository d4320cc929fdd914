//! Rendering the ledger files `build` writes: new snapshot files and every index they change.
//!
//! Invariant: existing snapshot files are never among them (published versions are
//! immutable).

use std::collections::BTreeMap;

use plancat_consumer::check::catalog_index;
use plancat_consumer::hash::file_sha256;
use plancat_consumer::wire::{FORMAT_VERSION, SlugIndex, VersionEntry};

use super::{CATALOG_INDEX, Ledger, LedgerFiles, Publication, pretty};

/// The files `build` writes: new snapshots and every index they change (paths relative to
/// `out/snapshots/`). Existing snapshot files are never among them.
pub fn render(ledger: &Ledger, publications: &[Publication]) -> LedgerFiles {
    let mut files = LedgerFiles::new();
    let mut slugs: BTreeMap<String, SlugIndex> = ledger
        .slugs
        .iter()
        .map(|(k, v)| (k.clone(), v.index.clone()))
        .collect();
    for p in publications {
        let s = &p.snapshot;
        let bytes = pretty(s);
        let entry = VersionEntry {
            plan_version: s.plan_version.clone(),
            effective_from: s.effective_from,
            existing_from: s.existing_from,
            rollback_to: s.rollback_to.clone(),
            content_hash: s.content_hash.clone(),
            file_sha256: file_sha256(&bytes),
            file: format!("{}.json", s.plan_version),
            bump: p.bump,
            reasons: p.reasons.clone(),
            yanked: None,
        };
        files.insert(format!("{}/{}", s.slug, entry.file), bytes);
        let index = slugs
            .entry(s.slug.to_string())
            .or_insert_with(|| SlugIndex {
                format_version: FORMAT_VERSION,
                slug: s.slug.clone(),
                kind: s.kind,
                project: s.project.clone(),
                versions: Vec::new(),
            });
        index.kind = s.kind;
        index.project = s.project.clone();
        index.versions.push(entry);
    }
    for p in publications {
        let slug = p.snapshot.slug.as_str();
        files.insert(format!("{slug}/index.json"), pretty(&slugs[slug]));
    }
    if !publications.is_empty() || ledger.catalog_stale {
        files.insert(CATALOG_INDEX.to_string(), pretty(&catalog_index(&slugs)));
    }
    files
}
