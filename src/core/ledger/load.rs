//! Loading the published ledger: the `plancat-consumer` crate's verification (the same one
//! child APIs run), with every problem turned into a diagnostic located in the ledger file.

use std::collections::BTreeMap;

use plancat_consumer::check::{self, Problem, ProblemKind};
use plancat_consumer::wire::Snapshot;

use super::{LEDGER_DIR, Ledger, LedgerFiles, Publication};
use crate::core::diag::{Code, Diagnostic};
use crate::core::model::ids::Instant;
use crate::core::source::{FileId, SourceFile, Sources};

/// Parses and verifies the ledger. Problems are diagnostics pointing into the ledger files.
pub fn load(files: &LedgerFiles, sources: &mut Sources) -> (Ledger, Vec<Diagnostic>) {
    let (ledger, problems) = check::load(files);
    let diags = problems
        .into_iter()
        .map(|p| diagnostic(p, files, sources))
        .collect();
    (ledger, diags)
}

fn diagnostic(p: Problem, files: &LedgerFiles, sources: &mut Sources) -> Diagnostic {
    let bytes = files.get(&p.file).map_or(&[][..], Vec::as_slice);
    let file = source(sources, &p.file, bytes);
    let (code, help) = match p.kind {
        ProblemKind::Corrupt if p.label.as_deref() == Some("here") => (
            Code::LedgerCorrupt,
            "ledger files are written by `plancat build`; restore this file from version control",
        ),
        ProblemKind::Corrupt => (
            Code::LedgerCorrupt,
            "ledger files are written by `plancat build`; restore them from version control",
        ),
        ProblemKind::Tampered => (
            Code::LedgerTampered,
            "published versions are immutable: restore the file from version control; to change a plan, edit `plans/` and build a new version",
        ),
        ProblemKind::Unexpected => (
            Code::LedgerUnexpectedFile,
            "the ledger holds only what `plancat build` published; move this file elsewhere",
        ),
    };
    let label = p.label.unwrap_or_else(|| "in this file".into());
    Diagnostic::error(code, p.message)
        .at(file, p.span, label)
        .with_help(p.help.unwrap_or_else(|| help.into()))
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
        let entry = plancat_consumer::resolve::resolve(
            &loaded.index.versions,
            at,
            plancat_consumer::resolve::Audience::New,
        );
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

fn source(sources: &mut Sources, rel: &str, bytes: &[u8]) -> FileId {
    sources.add(SourceFile::new(
        format!("{LEDGER_DIR}/{rel}"),
        String::from_utf8_lossy(bytes),
    ))
}
