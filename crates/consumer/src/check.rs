//! A whole published ledger, verified: the check the compiler runs before it publishes on top
//! of a ledger, `plancat verify`, and a child API that mirrors the ledger all run this one
//! function. Problems are data (file, message, byte span); the compiler turns them into
//! located diagnostics.
//!
//! Invariant: pure — bytes in, a verdict out.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use semver::Version;
use serde::Serialize;

use crate::hash::{content_hash, file_sha256};
use crate::wire::{CatalogEntry, CatalogIndex, FORMAT_VERSION, SlugIndex, Snapshot, VersionEntry};

/// Where the ledger lives, relative to a catalog's root.
pub const LEDGER_DIR: &str = "out/snapshots";
/// The catalog-wide index, at the ledger's root.
pub const CATALOG_INDEX: &str = "index.json";

/// A ledger's files: path relative to its root (`/`-separated) → bytes.
pub type Files = BTreeMap<String, Vec<u8>>;

/// Something wrong with a ledger file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub kind: ProblemKind,
    /// The file, relative to the ledger's root.
    pub file: String,
    pub message: String,
    /// Where in the file (bytes; empty: the file as a whole).
    pub span: Range<usize>,
    /// What to say at the span, if more than "in this file".
    pub label: Option<String>,
    /// How to fix it, when the kind's usual advice does not fit.
    pub help: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// Unreadable, missing or inconsistent: not what plancat writes.
    Corrupt,
    /// A published file changed after publication (its hash says so).
    Tampered,
    /// A file no index lists.
    Unexpected,
}

impl Problem {
    fn corrupt(file: &str, message: String) -> Problem {
        Problem {
            kind: ProblemKind::Corrupt,
            file: file.to_string(),
            message,
            span: 0..0,
            label: None,
            help: None,
        }
    }

    fn with_help(self, help: String) -> Problem {
        Problem {
            help: Some(help),
            ..self
        }
    }

    fn tampered(file: &str, message: String) -> Problem {
        Problem {
            kind: ProblemKind::Tampered,
            ..Problem::corrupt(file, message)
        }
    }
}

/// A ledger as loaded: everything that verified, and what did not.
#[derive(Debug, Default)]
pub struct Loaded {
    pub catalog: CatalogIndex,
    pub slugs: BTreeMap<String, Published>,
    /// Slug folders whose index is missing or unreadable: nothing is published on top of them.
    pub broken: BTreeSet<String>,
    /// The catalog index is missing or disagrees with the per-slug indexes. It is derived
    /// from them, so `build` rewrites it and `check` reports it.
    pub catalog_stale: bool,
    /// How it disagrees, for the report.
    pub catalog_differences: Vec<String>,
}

/// One plan's published versions.
#[derive(Debug)]
pub struct Published {
    pub index: SlugIndex,
    /// Every published version's snapshot that verified, by version.
    pub snapshots: BTreeMap<Version, Snapshot>,
    /// Whether every file of this slug passed verification. Nothing is published on top of
    /// a slug that did not (its problems are already reported).
    pub verified: bool,
}

impl Published {
    /// The newest published version's snapshot (withdrawn or not): what a new version's
    /// effective time must follow.
    pub fn latest(&self) -> Option<&Snapshot> {
        let newest = self.max_version()?;
        self.snapshots.get(newest)
    }

    /// The highest version ever published, withdrawn or not (never reused).
    pub fn max_version(&self) -> Option<&Version> {
        self.index.versions.iter().map(|v| &v.plan_version).max()
    }

    /// What a change is compared with, for its bump and its notice: the newest version that is
    /// not withdrawn — what subscribers actually had — else the newest one.
    pub fn baseline(&self) -> Option<&Snapshot> {
        self.latest_live()
            .and_then(|v| self.snapshots.get(&v.plan_version))
            .or_else(|| self.latest())
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

/// Parses and verifies a whole ledger: every file's bytes against its index, every content
/// hash, version order, fallbacks, the catalog index, and files no index lists.
pub fn load(files: &Files) -> (Loaded, Vec<Problem>) {
    let mut diags = Vec::new();
    let mut referenced: BTreeSet<&str> = BTreeSet::new();
    let mut ledger = Loaded::default();

    if let Some(bytes) = files.get(CATALOG_INDEX) {
        referenced.insert(CATALOG_INDEX);
        match parse_json::<CatalogIndex>(CATALOG_INDEX, bytes) {
            Ok(c) => ledger.catalog = c,
            Err(d) => diags.push(d),
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
            referenced.extend(under(files, dir).map(String::as_str));
            ledger.broken.insert(dir.to_string());
            diags.push(Problem::corrupt(
                &index_path,
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
        let index = match parse_json::<SlugIndex>(&index_path, bytes) {
            Ok(i) => i,
            Err(d) => {
                diags.push(d);
                ledger.broken.insert(dir.to_string());
                continue;
            }
        };
        if let Some(recorded) = ledger
            .catalog
            .entries
            .get(dir)
            .and_then(|e| e.index_sha256.as_ref())
            && *recorded != file_sha256(bytes)
        {
            diags.push(Problem::tampered(
                &index_path,
                format!(
                    "`{LEDGER_DIR}/{index_path}` was modified: its SHA-256 is not the one `{LEDGER_DIR}/{CATALOG_INDEX}` records"
                ),
            ));
        }
        if index.slug.as_str() != dir {
            diags.push(Problem::corrupt(
                &index_path,
                format!("index of `{dir}` names slug `{}`", index.slug),
            ));
        }
        let mut snapshots = BTreeMap::new();
        let mut prev: Option<&VersionEntry> = None;
        for entry in &index.versions {
            let file = format!("{dir}/{}", entry.file);
            if entry.file != format!("{}.json", entry.plan_version) {
                diags.push(Problem::corrupt(
                    &index_path,
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
                diags.push(Problem::corrupt(&index_path, format!("version {} does not follow {} (versions and `effective_from` must increase)", entry.plan_version, p.plan_version),
                    ));
            }
            // A fallback must be an earlier version: so the chain always ends, no cycles.
            if let Some(back) = &entry.rollback_to {
                let earlier = index
                    .versions
                    .iter()
                    .any(|v| v.plan_version == *back && v.plan_version < entry.plan_version);
                if !earlier {
                    let mut d = Problem::corrupt(
                        &index_path,
                        format!(
                            "version {} rolls back to {back}, which is not an earlier version of `{dir}`",
                            entry.plan_version
                        ),
                    );
                    // Point at the entry's `rollback_to`, when the text shows where it is.
                    let text = String::from_utf8_lossy(bytes);
                    let entry_at =
                        text.find(&format!("\"plan_version\": \"{}\"", entry.plan_version));
                    if let Some(start) = entry_at
                        && let Some(off) = text[start..].find("\"rollback_to\"")
                    {
                        let at = start + off;
                        let end = text[at..].find([',', '\n']).map_or(text.len(), |e| at + e);
                        d.span = at..end;
                        d.label = Some("not an earlier version".into());
                    }
                    diags.push(d);
                }
            }
            prev = Some(entry);
            let Some((key, snap_bytes)) = files.get_key_value(&file) else {
                diags.push(Problem::tampered(
                    &index_path,
                    format!("published snapshot `{LEDGER_DIR}/{file}` is missing"),
                ));
                continue;
            };
            referenced.insert(key.as_str());
            let snap = match snapshot(entry, snap_bytes, Some(&index)) {
                Ok(s) => s,
                Err(m) => {
                    let path = match m {
                        Mismatch::IndexField { .. } => &index_path,
                        _ => &file,
                    };
                    let mut p = Problem::tampered(path, m.describe(&file));
                    if let Mismatch::Parse(e) = &m {
                        let at = offset(snap_bytes, e.line(), e.column());
                        p.kind = ProblemKind::Corrupt;
                        p.span = at..at;
                        p.label = Some("here".into());
                    }
                    diags.push(p);
                    continue;
                }
            };
            snapshots.insert(snap.plan_version.clone(), snap);
        }
        let verified = diags.len() == problems_before && snapshots.len() == index.versions.len();
        ledger.slugs.insert(
            dir.to_string(),
            Published {
                index,
                snapshots,
                verified,
            },
        );
    }

    // A live derived version must be computed from live versions: a bundle price computed
    // from a withdrawn price is never in force.
    for (slug, published) in &ledger.slugs {
        for entry in published
            .index
            .versions
            .iter()
            .filter(|e| e.yanked.is_none())
        {
            let Some(snap) = published.snapshots.get(&entry.plan_version) else {
                continue;
            };
            for source in &snap.computed.sources {
                let found = ledger.slugs.get(source.slug.as_str()).and_then(|p| {
                    p.index
                        .versions
                        .iter()
                        .find(|e| e.plan_version == source.plan_version)
                });
                let problem = match found {
                    None => "which is not in the ledger",
                    Some(e) if e.content_hash != source.content_hash => {
                        "whose content hash is not the one recorded"
                    }
                    Some(e) if e.yanked.is_some() => "which is withdrawn",
                    Some(_) => continue,
                };
                diags.push(
                    Problem::corrupt(
                        &format!("{slug}/index.json"),
                        format!(
                            "`{slug}` {} is live but was computed from `{}` {}, {problem}",
                            entry.plan_version, source.slug, source.plan_version
                        ),
                    )
                    .with_help(format!(
                        "withdraw it too (`plancat yank {slug} {} --reason …`), or run `plancat build` to publish a version computed from live sources",
                        entry.plan_version
                    )),
                );
            }
        }
    }

    // A slug the catalog index lists must still have its folder: its versions were published
    // and must never be published again with other bytes.
    for (slug, entry) in &ledger.catalog.entries {
        if under(files, slug.as_str()).next().is_none() {
            ledger.broken.insert(slug.to_string());
            diags.push(Problem::corrupt(
                CATALOG_INDEX,
                format!(
                    "`{LEDGER_DIR}/{slug}/` is missing, but versions up to {} of `{slug}` were published",
                    entry.latest
                ),
            ).with_help(format!(
                "restore it from version control (`git checkout -- {LEDGER_DIR}/{slug}`): a published version is never published again"
            )));
        }
    }

    // The catalog index is derived from the per-slug indexes.
    let expected = catalog_index(ledger.slugs.iter().map(|(k, l)| (k, &l.index)));
    ledger.catalog_stale =
        ledger.broken.is_empty() && !ledger.slugs.is_empty() && ledger.catalog != expected;
    if ledger.catalog_stale {
        ledger.catalog_differences = if !files.contains_key(CATALOG_INDEX) {
            vec!["it is missing".to_string()]
        } else {
            let slugs: BTreeSet<&crate::Slug> = expected
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
        diags.push(Problem {
            kind: ProblemKind::Unexpected,
            file: path.clone(),
            message: format!("unexpected file `{LEDGER_DIR}/{path}` in the ledger"),
            span: 0..0,
            label: Some("not listed in any index".into()),
            help: None,
        });
    }
    (ledger, diags)
}

/// Whether the ledger's hash chain holds, cheaply: the catalog index records each slug index's
/// SHA-256 and each slug index each snapshot file's, and every file is listed. Hashes every
/// file once and parses only the indexes (not the snapshots): the check a skipped run makes
/// instead of [`load`], so a ledger edited behind plancat's back is never taken on trust.
pub fn chain_holds(files: &Files) -> bool {
    let Some(Ok(catalog)) = files
        .get(CATALOG_INDEX)
        .map(|b| serde_json::from_slice::<CatalogIndex>(b))
    else {
        return false;
    };
    let mut listed: BTreeSet<String> = BTreeSet::from([CATALOG_INDEX.to_string()]);
    let mut indexes = BTreeMap::new();
    let mut shas = BTreeMap::new();
    for (slug, entry) in &catalog.entries {
        let index_path = format!("{slug}/index.json");
        let Some(bytes) = files.get(&index_path) else {
            return false;
        };
        let sha = file_sha256(bytes);
        if entry.index_sha256.as_deref() != Some(sha.as_str()) {
            return false;
        }
        let Ok(index) = serde_json::from_slice::<SlugIndex>(bytes) else {
            return false;
        };
        for v in &index.versions {
            let file = format!("{slug}/{}", v.file);
            if files
                .get(&file)
                .is_none_or(|b| file_sha256(b) != v.file_sha256)
            {
                return false;
            }
            listed.insert(file);
        }
        listed.insert(index_path);
        shas.insert(slug.to_string(), sha);
        indexes.insert(slug.to_string(), index);
    }
    // Every file is listed (all listed ones exist), and the root of the chain is exactly what
    // the slug indexes imply, byte for byte.
    let expected = catalog_of(&indexes, |dir, _| shas[dir].clone());
    listed.len() == files.len() && files[CATALOG_INDEX] == pretty(&expected)
}

/// The files in a slug's folder, found by a range query (linear scans per slug made loading
/// quadratic in the size of the catalog).
fn under<'a>(files: &'a Files, dir: &str) -> impl Iterator<Item = &'a String> {
    let prefix = format!("{dir}/");
    files
        .range(prefix.clone()..)
        .map(|(k, _)| k)
        .take_while(move |k| k.starts_with(&prefix))
}

/// The catalog-wide index implied by the per-slug indexes.
pub fn catalog_index<'a>(
    slugs: impl IntoIterator<Item = (&'a String, &'a SlugIndex)>,
) -> CatalogIndex {
    // Index files are always written as `pretty(index)`.
    catalog_of(slugs, |_, index| file_sha256(&pretty(index)))
}

/// [`catalog_index`] with each slug index's SHA-256 given by `sha` (already known to a reader
/// that hashed the file).
fn catalog_of<'a>(
    slugs: impl IntoIterator<Item = (&'a String, &'a SlugIndex)>,
    sha: impl Fn(&str, &SlugIndex) -> String,
) -> CatalogIndex {
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
                    crate::Slug::new(dir).ok()?,
                    CatalogEntry {
                        kind: index.kind,
                        project: index.project.clone(),
                        latest,
                        index: format!("{dir}/index.json"),
                        index_sha256: Some(sha(dir, index)),
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

fn parse_json<T: serde::de::DeserializeOwned>(rel: &str, bytes: &[u8]) -> Result<T, Problem> {
    serde_json::from_slice(bytes).map_err(|e| {
        let offset = offset(bytes, e.line(), e.column());
        Problem {
            span: offset..offset,
            label: Some("here".into()),
            ..Problem::corrupt(rel, format!("cannot read `{LEDGER_DIR}/{rel}`: {e}"))
        }
    })
}

/// The byte offset of a 1-based line and character column in the file's (lossy) text.
fn offset(bytes: &[u8], line: usize, column: usize) -> usize {
    let text = String::from_utf8_lossy(bytes);
    let line_start = if line <= 1 {
        Some(0)
    } else {
        text.match_indices('\n').nth(line - 2).map(|(i, _)| i + 1)
    };
    let Some(start) = line_start else {
        return text.len();
    };
    text[start..]
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(text.len(), |(i, _)| start + i)
}

/// How fetched snapshot bytes disagree with their index entry.
#[derive(Debug)]
pub enum Mismatch<'a> {
    /// The bytes' SHA-256 is not the entry's; `swapped_with` is the version whose bytes they
    /// are, when the index says.
    FileSha {
        swapped_with: Option<&'a VersionEntry>,
    },
    /// Not a snapshot.
    Parse(serde_json::Error),
    /// Written by a newer plancat.
    Format(u32),
    /// The content does not hash to the snapshot's own `content_hash`.
    ContentHash,
    /// The file is the one listed, but the entry's field disagrees with it: the index was
    /// edited.
    IndexField {
        name: &'static str,
        in_file: String,
        in_index: String,
    },
}

/// Checks one snapshot's bytes against its index entry — the file's SHA-256, that it parses,
/// its format version, its content hash, its version — and returns it. The one check every
/// reader of the ledger runs; `index` (the slug's whole index) names swapped files.
pub fn snapshot<'a>(
    entry: &VersionEntry,
    bytes: &[u8],
    index: Option<&'a SlugIndex>,
) -> Result<Snapshot, Mismatch<'a>> {
    let sha = file_sha256(bytes);
    if sha != entry.file_sha256 {
        let swapped_with = index.and_then(|i| {
            i.versions
                .iter()
                .find(|v| v.file_sha256 == sha && v.plan_version != entry.plan_version)
        });
        return Err(Mismatch::FileSha { swapped_with });
    }
    let snap: Snapshot = serde_json::from_slice(bytes).map_err(Mismatch::Parse)?;
    if snap.format_version > FORMAT_VERSION {
        return Err(Mismatch::Format(snap.format_version));
    }
    if content_hash(&snap.content()) != snap.content_hash {
        return Err(Mismatch::ContentHash);
    }
    if snap.plan_version != entry.plan_version {
        return Err(Mismatch::IndexField {
            name: "plan_version",
            in_file: snap.plan_version.to_string(),
            in_index: entry.plan_version.to_string(),
        });
    }
    if snap.content_hash != entry.content_hash {
        return Err(Mismatch::IndexField {
            name: "content_hash",
            in_file: snap.content_hash,
            in_index: entry.content_hash.clone(),
        });
    }
    // Every field the snapshot carries too: the index cannot move a date or a fallback.
    let show = |v: Option<String>| v.unwrap_or_else(|| "null".into());
    let fields = [
        (
            "effective_from",
            snap.effective_from.to_string(),
            entry.effective_from.to_string(),
        ),
        (
            "existing_from",
            show(snap.existing_from.map(|t| t.to_string())),
            show(entry.existing_from.map(|t| t.to_string())),
        ),
        (
            "rollback_to",
            show(snap.rollback_to.as_ref().map(ToString::to_string)),
            show(entry.rollback_to.as_ref().map(ToString::to_string)),
        ),
    ];
    if let Some((name, in_file, in_index)) = fields.into_iter().find(|(_, a, b)| a != b) {
        return Err(Mismatch::IndexField {
            name,
            in_file,
            in_index,
        });
    }
    Ok(snap)
}

impl Mismatch<'_> {
    /// What is wrong with `file` (a path inside the ledger).
    pub fn describe(&self, file: &str) -> String {
        match self {
            Mismatch::FileSha {
                swapped_with: Some(o),
            } => format!(
                "published snapshot `{LEDGER_DIR}/{file}` holds the bytes of version {} (`{}`): files swapped or copied",
                o.plan_version, o.file
            ),
            Mismatch::FileSha { swapped_with: None } => format!(
                "published snapshot `{LEDGER_DIR}/{file}` was modified: its SHA-256 does not match the index"
            ),
            Mismatch::Parse(e) => format!("cannot read `{LEDGER_DIR}/{file}`: {e}"),
            Mismatch::Format(v) => format!(
                "`{LEDGER_DIR}/{file}` has format version {v}, newer than this reader ({FORMAT_VERSION})"
            ),
            Mismatch::ContentHash => format!(
                "published snapshot `{LEDGER_DIR}/{file}` was modified: its content does not match its `content_hash`"
            ),
            Mismatch::IndexField {
                name,
                in_file,
                in_index,
            } => format!(
                "the index entry of `{LEDGER_DIR}/{file}` was edited: its `{name}` is `{in_index}`, the snapshot's is `{in_file}`"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ledger() -> Files {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../out/snapshots");
        let mut files = Files::new();
        for slug in std::fs::read_dir(&dir).unwrap() {
            let slug = slug.unwrap().path();
            if slug.is_dir() {
                for f in std::fs::read_dir(&slug).unwrap() {
                    let f = f.unwrap().path();
                    let rel = format!(
                        "{}/{}",
                        slug.file_name().unwrap().to_str().unwrap(),
                        f.file_name().unwrap().to_str().unwrap()
                    );
                    files.insert(rel, std::fs::read(f).unwrap());
                }
            }
        }
        files.insert(
            CATALOG_INDEX.into(),
            std::fs::read(dir.join(CATALOG_INDEX)).unwrap(),
        );
        files
    }

    #[test]
    fn the_example_chain_holds_and_any_edit_addition_or_removal_breaks_it() {
        let good = ledger();
        assert!(chain_holds(&good));
        for path in good.keys() {
            let mut edited = good.clone();
            edited.get_mut(path).unwrap().push(b' ');
            assert!(!chain_holds(&edited), "an edit of {path} went unnoticed");
            let mut removed = good.clone();
            removed.remove(path);
            assert!(!chain_holds(&removed), "removing {path} went unnoticed");
        }
        let mut added = good.clone();
        added.insert("extra.json".into(), b"{}".to_vec());
        assert!(!chain_holds(&added));
    }
}
