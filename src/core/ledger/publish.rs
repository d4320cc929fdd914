//! The ledger as data: load and verify `out/snapshots/` (from bytes), decide what `build`
//! publishes, and render the files to write.
//!
//! Invariants: published files are never rewritten (only new snapshot files and updated
//! indexes are produced); a snapshot whose bytes or content no longer match its index entry is
//! a diagnostic, and `build` refuses to publish on top of it; output bytes depend only on the
//! inputs (no clock: `effective_from` is passed in).

use std::collections::{BTreeMap, BTreeSet};

use semver::Version;
use serde::Serialize;

use super::bump;
use super::hash::{content_hash, file_sha256};
use super::wire::{
    Bump, CatalogEntry, CatalogIndex, Computed, FORMAT_VERSION, SlugIndex, Snapshot, VersionEntry,
};
use crate::core::compile::CompiledPlan;
use crate::core::diag::{Code, Diagnostic};
use crate::core::model::api::Status;
use crate::core::model::ids::{Instant, Slug};
use crate::core::schema::Seg;
use crate::core::source::{SourceFile, Sources};

/// Where the ledger lives, relative to the catalog root.
pub const LEDGER_DIR: &str = "out/snapshots";
pub const CATALOG_INDEX: &str = "index.json";

/// The ledger's files: path relative to `out/snapshots/` (`/`-separated) → bytes.
pub type LedgerFiles = BTreeMap<String, Vec<u8>>;

#[derive(Debug, Default)]
pub struct Ledger {
    pub catalog: CatalogIndex,
    pub slugs: BTreeMap<String, LoadedSlug>,
    /// Slug folders whose index is missing or unreadable: nothing is published on top of them.
    pub broken: BTreeSet<String>,
    /// The catalog index is missing or disagrees with the per-slug indexes. It is derived
    /// from them, so `build` rewrites it and `check` reports it.
    pub catalog_stale: bool,
    /// How it disagrees, for the report.
    pub catalog_differences: Vec<String>,
}

#[derive(Debug)]
pub struct LoadedSlug {
    pub index: SlugIndex,
    /// Every published version's snapshot that verified, by version.
    pub snapshots: BTreeMap<Version, Snapshot>,
    /// Whether every file of this slug passed verification. Nothing is published on top of
    /// a slug that did not (its problems are already reported).
    pub verified: bool,
}

impl LoadedSlug {
    /// The newest published version's snapshot (withdrawn or not): what a change is compared to.
    pub fn latest(&self) -> Option<&Snapshot> {
        let newest = self.max_version()?;
        self.snapshots.get(newest)
    }

    /// The highest version ever published, withdrawn or not (never reused).
    pub fn max_version(&self) -> Option<&Version> {
        self.index.versions.iter().map(|v| &v.plan_version).max()
    }

    /// The newest version clients may fall back to.
    pub fn latest_live(&self) -> Option<&VersionEntry> {
        self.index
            .versions
            .iter()
            .rev()
            .find(|v| v.yanked.is_none())
    }
}

/// Parses and verifies the ledger. Problems are diagnostics pointing into the ledger files.
pub fn load(files: &LedgerFiles, sources: &mut Sources) -> (Ledger, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut referenced: BTreeSet<&str> = BTreeSet::new();
    let mut ledger = Ledger::default();

    if let Some(bytes) = files.get(CATALOG_INDEX) {
        referenced.insert(CATALOG_INDEX);
        match parse_json::<CatalogIndex>(CATALOG_INDEX, bytes, sources) {
            Ok(c) => ledger.catalog = c,
            Err(d) => diags.push(*d),
        }
    }

    let slug_dirs: BTreeSet<&str> = files
        .keys()
        .filter_map(|p| p.split_once('/').map(|(d, _)| d))
        .collect();
    for dir in slug_dirs {
        let problems_before = diags.len();
        let index_path = format!("{dir}/index.json");
        let Some(bytes) = files.get(&index_path) else {
            // Its snapshot files are accounted for by this one error, not one each.
            let prefix = format!("{dir}/");
            referenced.extend(
                files
                    .keys()
                    .filter(|k| k.starts_with(&prefix))
                    .map(String::as_str),
            );
            ledger.broken.insert(dir.to_string());
            diags.push(corrupt(
                sources,
                &index_path,
                &[],
                format!("the index of `{dir}` is missing: `{LEDGER_DIR}/{index_path}`"),
            ));
            continue;
        };
        referenced.insert(
            files
                .get_key_value(&index_path)
                .map(|(k, _)| k.as_str())
                .unwrap_or_default(),
        );
        let index = match parse_json::<SlugIndex>(&index_path, bytes, sources) {
            Ok(i) => i,
            Err(d) => {
                diags.push(*d);
                ledger.broken.insert(dir.to_string());
                continue;
            }
        };
        if index.slug.as_str() != dir {
            diags.push(corrupt(
                sources,
                &index_path,
                bytes,
                format!("index of `{dir}` names slug `{}`", index.slug),
            ));
        }
        let mut snapshots = BTreeMap::new();
        let mut prev: Option<&VersionEntry> = None;
        for entry in &index.versions {
            let file = format!("{dir}/{}", entry.file);
            if entry.file != format!("{}.json", entry.plan_version) {
                diags.push(corrupt(
                    sources,
                    &index_path,
                    bytes,
                    format!(
                        "version {} points at file `{}`",
                        entry.plan_version, entry.file
                    ),
                ));
            }
            if let Some(p) = prev
                && (entry.plan_version <= p.plan_version
                    || entry.effective_from <= p.effective_from)
            {
                diags.push(corrupt(
                        sources,
                        &index_path,
                        bytes,
                        format!("version {} does not follow {} (versions and `effective_from` must increase)", entry.plan_version, p.plan_version),
                    ));
            }
            // A fallback must be an earlier version: so the chain always ends, no cycles.
            if let Some(back) = &entry.rollback_to {
                let earlier = index
                    .versions
                    .iter()
                    .any(|v| v.plan_version == *back && v.plan_version < entry.plan_version);
                if !earlier {
                    let mut d = corrupt(
                        sources,
                        &index_path,
                        bytes,
                        format!(
                            "version {} rolls back to {back}, which is not an earlier version of `{dir}`",
                            entry.plan_version
                        ),
                    );
                    // Point at the entry's `rollback_to`, when the text shows where it is.
                    let text = String::from_utf8_lossy(bytes);
                    let entry_at =
                        text.find(&format!("\"plan_version\": \"{}\"", entry.plan_version));
                    if let (Some(label), Some(start)) = (d.primary.as_mut(), entry_at)
                        && let Some(off) = text[start..].find("\"rollback_to\"")
                    {
                        let at = start + off;
                        let end = text[at..].find([',', '\n']).map_or(text.len(), |e| at + e);
                        label.span = at..end;
                        label.message = "not an earlier version".into();
                    }
                    diags.push(d);
                }
            }
            prev = Some(entry);
            let Some((key, snap_bytes)) = files.get_key_value(&file) else {
                diags.push(tampered(
                    sources,
                    &index_path,
                    bytes,
                    format!("published snapshot `{LEDGER_DIR}/{file}` is missing"),
                ));
                continue;
            };
            referenced.insert(key.as_str());
            let sha = file_sha256(snap_bytes);
            if sha != entry.file_sha256 {
                // The bytes of another version of the same plan: files swapped or copied.
                let other = index
                    .versions
                    .iter()
                    .find(|v| v.file_sha256 == sha && v.plan_version != entry.plan_version);
                let message = match other {
                    Some(o) => format!(
                        "published snapshot `{LEDGER_DIR}/{file}` holds the bytes of version {} (`{}`): files swapped or copied",
                        o.plan_version, o.file
                    ),
                    None => format!(
                        "published snapshot `{LEDGER_DIR}/{file}` was modified: its SHA-256 does not match the index"
                    ),
                };
                diags.push(tampered(sources, &file, snap_bytes, message));
                continue;
            }
            let snap = match parse_json::<Snapshot>(&file, snap_bytes, sources) {
                Ok(s) => s,
                Err(d) => {
                    diags.push(*d);
                    continue;
                }
            };
            if content_hash(&snap.content()) != snap.content_hash {
                diags.push(tampered(
                    sources,
                    &file,
                    snap_bytes,
                    format!("published snapshot `{LEDGER_DIR}/{file}` was modified: its content does not match its `content_hash`"),
                ));
                continue;
            }
            // The file is the one the index lists (its SHA-256 matched), so a disagreement
            // here means the index entry was edited.
            let field = if snap.plan_version != entry.plan_version {
                Some((
                    "plan_version",
                    snap.plan_version.to_string(),
                    entry.plan_version.to_string(),
                ))
            } else if snap.content_hash != entry.content_hash {
                Some((
                    "content_hash",
                    snap.content_hash.clone(),
                    entry.content_hash.clone(),
                ))
            } else {
                None
            };
            if let Some((name, in_file, in_index)) = field {
                diags.push(tampered(
                    sources,
                    &index_path,
                    bytes,
                    format!(
                        "the index entry of `{LEDGER_DIR}/{file}` was edited: its `{name}` is `{in_index}`, the snapshot's is `{in_file}`"
                    ),
                ));
                continue;
            }
            snapshots.insert(snap.plan_version.clone(), snap);
        }
        let verified = diags.len() == problems_before && snapshots.len() == index.versions.len();
        ledger.slugs.insert(
            dir.to_string(),
            LoadedSlug {
                index,
                snapshots,
                verified,
            },
        );
    }

    // The catalog index is derived from the per-slug indexes.
    let expected = catalog_index(ledger.slugs.iter().map(|(k, l)| (k, &l.index)));
    ledger.catalog_stale =
        ledger.broken.is_empty() && !ledger.slugs.is_empty() && ledger.catalog != expected;
    if ledger.catalog_stale {
        ledger.catalog_differences = if !files.contains_key(CATALOG_INDEX) {
            vec!["it is missing".to_string()]
        } else {
            let slugs: BTreeSet<&Slug> = expected
                .entries
                .keys()
                .chain(ledger.catalog.entries.keys())
                .collect();
            slugs
                .into_iter()
                .filter_map(
                    |s| match (ledger.catalog.entries.get(s), expected.entries.get(s)) {
                        (Some(a), Some(b)) if a == b => None,
                        (Some(a), Some(b)) if a.latest != b.latest => Some(format!(
                            "`{s}`: latest is {} there, {} in its index",
                            a.latest, b.latest
                        )),
                        (Some(_), Some(_)) => {
                            Some(format!("`{s}`: its entry differs from its index"))
                        }
                        (None, Some(_)) => Some(format!("`{s}` is missing from it")),
                        (Some(_), None) => Some(format!("`{s}` is listed but has no index")),
                        (None, None) => None,
                    },
                )
                .collect()
        };
    }
    for path in files.keys().filter(|p| !referenced.contains(p.as_str())) {
        diags.push(
            Diagnostic::error(
                Code::LedgerUnexpectedFile,
                format!("unexpected file `{LEDGER_DIR}/{path}` in the ledger"),
            )
            .at(
                source(sources, path, &files[path]),
                0..0,
                "not listed in any index",
            )
            .with_help(
                "the ledger holds only what `plancat build` published; move this file elsewhere",
            ),
        );
    }
    (ledger, diags)
}

/// Withdraws a published version (`yanked = Some(..)`) or restores it (`None`): the slug's
/// index is the only file that changes; the snapshot stays fetchable and byte-identical.
pub fn set_yanked(
    ledger: &Ledger,
    slug: &str,
    version: &Version,
    yanked: Option<super::wire::Yanked>,
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
    Ok(LedgerFiles::from([(
        format!("{slug}/index.json"),
        pretty(&index),
    )]))
}

/// The snapshot of every plan in force at `at` for new subscribers, counting what `build` is
/// about to publish: withdrawn versions are skipped, scheduled ones not yet in force.
/// Pages show these, so a page shows what child APIs enforce at that moment.
pub fn in_force<'a>(
    ledger: &'a Ledger,
    publications: &'a [Publication],
    at: Instant,
) -> Vec<&'a Snapshot> {
    let mut out: BTreeMap<&str, &Snapshot> = BTreeMap::new();
    for (slug, loaded) in &ledger.slugs {
        let entry =
            super::resolve::resolve(&loaded.index.versions, at, super::resolve::Audience::New);
        if let Some(s) = entry.and_then(|e| loaded.snapshots.get(&e.plan_version)) {
            out.insert(slug, s);
        }
    }
    // A new version is the newest of its plan, so it is in force once it takes effect.
    for p in publications
        .iter()
        .filter(|p| p.snapshot.effective_from <= at)
    {
        out.insert(p.snapshot.slug.as_str(), &p.snapshot);
    }
    out.into_values().collect()
}

/// Published slugs that no plan file defines any more: their versions stay in force.
/// `defined` says whether a slug has a plan file (compiled or not).
pub fn orphans(
    ledger: &Ledger,
    files: &LedgerFiles,
    defined: impl Fn(&str) -> bool,
    sources: &mut Sources,
) -> Vec<Diagnostic> {
    ledger
        .slugs
        .iter()
        .filter(|(slug, _)| !defined(slug))
        .map(|(slug, l)| {
            let latest = l.max_version().map(ToString::to_string).unwrap_or_default();
            let index = format!("{slug}/index.json");
            Diagnostic::warning(
                Code::PublishedWithoutPlan,
                format!("`{slug}` has published versions (latest {latest}) but no plan file"),
            )
            .at(source(sources, &index, files.get(&index).map_or(&[], Vec::as_slice)), 0..0, "published here")
            .with_help(
                "its versions stay in force; restore its plan file with `status = \"retired\"` to withdraw it",
            )
        })
        .collect()
}

/// A new version `build` will publish.
#[derive(Debug)]
pub struct Publication {
    pub snapshot: Snapshot,
    pub bump: Option<Bump>,
    pub reasons: Vec<String>,
}

/// Decides, for every live or retired plan, whether its content changed since the latest
/// published version, and if so the new version. Drafts are never published.
pub fn plan(
    plans: &[CompiledPlan],
    ledger: &Ledger,
    default_effective: Instant,
) -> (Vec<Publication>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    for p in plans.iter().filter(|p| p.status() == Status::Draft) {
        if let Some(latest) = ledger
            .slugs
            .get(p.slug.as_str())
            .and_then(LoadedSlug::max_version)
        {
            diags.push(
                Diagnostic::warning(
                    Code::DraftAfterPublish,
                    format!("`{}` is a draft, but version {latest} of it is published and stays in force", p.slug),
                )
                .at(p.file, 0..0, "draft plan")
                .with_help("to withdraw a published plan, set its status to `retired` and build"),
            );
        }
    }
    for p in plans.iter().filter(|p| p.status() != Status::Draft) {
        let plan = p.published();
        let computed: Computed = p.computed.clone();
        let hash = content_hash(&super::wire::Content {
            slug: &p.slug,
            kind: p.kind,
            project: &p.project,
            catalog: p.catalog(),
            plan: &plan,
            computed: &computed,
        });
        let loaded = ledger.slugs.get(p.slug.as_str());
        if loaded.is_some_and(|l| !l.verified) || ledger.broken.contains(p.slug.as_str()) {
            continue;
        }
        let latest = loaded.and_then(LoadedSlug::latest);
        if latest.is_some_and(|l| l.content_hash == hash) {
            continue;
        }
        let (bump, mut reasons, required) = match latest {
            None => (
                None,
                vec!["first published version".to_string()],
                Version::new(1, 0, 0),
            ),
            Some(prev) => {
                let new = super::wire::Content {
                    slug: &p.slug,
                    kind: p.kind,
                    project: &p.project,
                    catalog: p.catalog(),
                    plan: &plan,
                    computed: &computed,
                };
                let (b, r) = bump::classify(&comparable(&prev.content()), &comparable(&new))
                    .unwrap_or((Bump::Patch, vec!["PATCH: re-encoded".into()]));
                let base = loaded
                    .and_then(LoadedSlug::max_version)
                    .unwrap_or(&prev.plan_version);
                (Some(b), r, bump::next(base, b))
            }
        };
        let release = p.release();
        let version = match &release.version {
            Some(asked)
                if loaded
                    .and_then(LoadedSlug::max_version)
                    .is_some_and(|m| asked <= m) =>
            {
                diags.push(at_release(p, "version", Code::VersionTooLow, format!(
                    "`release.version` {asked} of `{}` is already published; the next version must be above {}",
                    p.slug,
                    loaded.and_then(LoadedSlug::max_version).map(ToString::to_string).unwrap_or_default()
                ), format!("remove `release.version` (the change needs {required}) or raise it")));
                continue;
            }
            Some(asked) if *asked < required => {
                diags.push(at_release(p, "version", Code::VersionTooLow, format!(
                    "`release.version` {asked} of `{}` is lower than the {required} its changes require",
                    p.slug
                ), format!("{}; a plan may ask for a higher version, never a lower one", reasons.join("; "))));
                continue;
            }
            Some(asked) => {
                if *asked > required {
                    reasons.push(format!(
                        "version {asked} requested by `release.version` ({required} would do)"
                    ));
                }
                asked.clone()
            }
            None => required,
        };
        let effective_from = release.effective_from.unwrap_or(default_effective);
        if let Some(prev) = latest
            && effective_from <= prev.effective_from
        {
            let (what, help) = if release.effective_from.is_some() {
                (
                    "`release.effective_from`",
                    "schedule the change after the previous version".to_string(),
                )
            } else {
                ("the effective time", "set `release.effective_from` (or `--effective-from`) after the previous version".to_string())
            };
            diags.push(at_release(
                p,
                "effective_from",
                Code::EffectiveFromBackwards,
                format!(
                    "{what} {effective_from} of `{}` is not after {} of the previous version {}",
                    p.slug, prev.effective_from, prev.plan_version
                ),
                help,
            ));
            continue;
        }
        // Grandfathering: existing subscribers get the version later, never earlier, and
        // never before they got the previous one.
        let existing_from = release.existing_from;
        if let Some(existing) = existing_from {
            let previous = latest
                .map(|prev| prev.existing_from.unwrap_or(prev.effective_from))
                .filter(|p| existing < *p);
            if existing < effective_from || previous.is_some() {
                let after = previous.map_or(effective_from, |p| p.max(effective_from));
                diags.push(at_release(
                    p,
                    "existing_from",
                    Code::EffectiveFromBackwards,
                    format!(
                        "`release.existing_from` {existing} of `{}` is before {after}, when {}",
                        p.slug,
                        if previous.is_some() { "existing subscribers got the previous version" } else { "the version takes effect" }
                    ),
                    "existing subscribers get a version at `effective_from` or later, and after the previous one".into(),
                ));
                continue;
            }
        }
        let rollback_to = loaded
            .and_then(LoadedSlug::latest_live)
            .map(|v| v.plan_version.clone());
        let mut snapshot = Snapshot {
            format_version: FORMAT_VERSION,
            slug: p.slug.clone(),
            kind: p.kind,
            project: p.project.clone(),
            plan_version: version,
            effective_from,
            existing_from,
            rollback_to,
            content_hash: String::new(),
            catalog: p.catalog().clone(),
            plan,
            computed,
        };
        snapshot.content_hash = hash;
        out.push(Publication {
            snapshot,
            bump,
            reasons,
        });
    }
    (out, diags)
}

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

/// The catalog-wide index implied by the per-slug indexes.
fn catalog_index<'a>(slugs: impl IntoIterator<Item = (&'a String, &'a SlugIndex)>) -> CatalogIndex {
    CatalogIndex {
        format_version: FORMAT_VERSION,
        entries: slugs
            .into_iter()
            .filter_map(|(dir, index)| {
                // The highest version ever published, withdrawn or not.
                let latest = index
                    .versions
                    .iter()
                    .map(|v| &v.plan_version)
                    .max()?
                    .clone();
                Some((
                    Slug::new(dir).ok()?,
                    CatalogEntry {
                        kind: index.kind,
                        project: index.project.clone(),
                        latest,
                        index: format!("{dir}/index.json"),
                    },
                ))
            })
            .collect(),
    }
}

/// Pretty JSON with a final newline: the one encoding of every ledger file.
pub fn pretty(v: &impl Serialize) -> Vec<u8> {
    let mut b = serde_json::to_vec_pretty(v).expect("wire types always serialize");
    b.push(b'\n');
    b
}

/// A snapshot's content as one flat table — `kind`, `project`, `catalog`, the API's or
/// product's own fields, and the computed values — the view bumps and diffs compare, so
/// reasons read `tiers.growth.price…` rather than `plan.api.tiers…`.
pub fn comparable(c: &super::wire::Content<'_>) -> serde_json::Value {
    strip_plan_tag(serde_json::json!({
        "kind": c.kind,
        "project": c.project,
        "catalog": c.catalog,
        "plan": c.plan,
        "computed": c.computed,
    }))
}

fn strip_plan_tag(mut v: serde_json::Value) -> serde_json::Value {
    if let Some(plan) = v.get_mut("plan")
        && let Some(inner) = plan.as_object().and_then(|o| o.values().next()).cloned()
    {
        *plan = inner;
    }
    let mut flat = serde_json::Map::new();
    if let serde_json::Value::Object(o) = v {
        for (k, val) in o {
            match (k.as_str(), val) {
                ("plan" | "computed", serde_json::Value::Object(inner)) => flat.extend(inner),
                (_, other) => {
                    flat.insert(k, other);
                }
            }
        }
    }
    serde_json::Value::Object(flat)
}

fn at_release(
    p: &CompiledPlan,
    field: &str,
    code: Code,
    message: String,
    help: String,
) -> Diagnostic {
    let n = p
        .tree
        .locate(&[Seg::Key("release".into()), Seg::Key(field.into())]);
    let is_field = n.origin.key.is_some() && n.origin.file == p.file && n.table().is_none();
    let (file, span) = if is_field {
        (n.origin.file, n.origin.span.clone())
    } else {
        (p.file, 0..0)
    };
    Diagnostic::error(code, message)
        .at(file, span, "here")
        .with_help(help)
}

fn source(sources: &mut Sources, rel: &str, bytes: &[u8]) -> crate::core::source::FileId {
    sources.add(SourceFile::new(
        format!("{LEDGER_DIR}/{rel}"),
        String::from_utf8_lossy(bytes),
    ))
}

fn parse_json<T: serde::de::DeserializeOwned>(
    rel: &str,
    bytes: &[u8],
    sources: &mut Sources,
) -> Result<T, Box<Diagnostic>> {
    serde_json::from_slice(bytes).map_err(|e| {
        let id = source(sources, rel, bytes);
        let src = sources.get(id);
        let offset = src.offset(e.line(), e.column());
        Box::new(Diagnostic::error(
            Code::LedgerCorrupt,
            format!("cannot read `{LEDGER_DIR}/{rel}`: {e}"),
        )
        .at(id, offset..offset, "here")
        .with_help(
            "ledger files are written by `plancat build`; restore this file from version control",
        ))
    })
}

fn corrupt(sources: &mut Sources, rel: &str, bytes: &[u8], message: String) -> Diagnostic {
    Diagnostic::error(Code::LedgerCorrupt, message)
        .at(source(sources, rel, bytes), 0..0, "in this file")
        .with_help("ledger files are written by `plancat build`; restore them from version control")
}

fn tampered(sources: &mut Sources, rel: &str, bytes: &[u8], message: String) -> Diagnostic {
    Diagnostic::error(Code::LedgerTampered, message)
        .at(source(sources, rel, bytes), 0..0, "in this file")
        .with_help("published versions are immutable: restore the file from version control; to change a plan, edit `plans/` and build a new version")
}
