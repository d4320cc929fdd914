//! The one entry point of the pipeline: in-memory inputs (plan files, the published ledger's
//! files, template overrides, the moment) in; diagnostics, the planned publications, the ledger
//! files to write and the site out. This is the only module that knows the stage order; the
//! edge reads inputs, calls it, writes what it returns and renders the diagnostics.
//!
//! Invariant: pure — the same inputs give the same analysis, byte for byte.

use std::collections::BTreeMap;

use semver::Version;

use crate::core::compile::{self, Compiled, InputFile};
use crate::core::diag::{self, Code, Diagnostic};
use crate::core::diff::{self, PlanDiff};
use crate::core::explain;
use crate::core::ledger::yank;
use crate::core::ledger::{self, Ledger, LedgerFiles, Publication};
use crate::core::model::api::Status;
use crate::core::model::ids::Instant;
use crate::core::pages;
use crate::core::path::KeyPath;
use crate::core::rules;
use crate::core::source::{SourceFile, Sources};
use plancat_consumer::wire::Yanked;
use plancat_consumer::{Audience, in_force};

/// What a run reads, already in memory.
pub struct Inputs {
    /// Every file under `plans/`, with catalog-relative paths.
    pub plans: Vec<InputFile>,
    /// Every file of the published ledger, keyed by its path inside `out/snapshots/`.
    pub ledger: LedgerFiles,
    /// The catalog's own templates, overriding the built-in ones.
    pub templates: Vec<Template>,
    /// What under `plans/` or `templates/` is not a regular file (never read).
    pub refused: Vec<Refused>,
    /// The moment of the run: new versions take effect then unless a plan or
    /// `effective_from` says otherwise, and time-dependent rules are checked at it.
    pub now: Instant,
    /// When new versions take effect, if not `now` (`--effective-from`).
    pub effective_from: Option<Instant>,
}

/// A path that is a symlink, FIFO, socket or device where plancat reads only regular files.
pub struct Refused {
    /// Catalog-relative: `plans/products/x.toml`.
    pub path: String,
    /// `a symbolic link`, `a FIFO`, …
    pub what: &'static str,
}

/// A template file of the catalog's (`templates/<name>`).
pub struct Template {
    /// Its name relative to `templates/` (`base.html`, `partials/tier.html`).
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Everything a run found and would write.
pub struct Analysis {
    pub compiled: Compiled,
    pub ledger: Ledger,
    /// The new versions `build` publishes.
    pub publications: Vec<Publication>,
    /// The ledger files `build` writes (new snapshots, updated indexes).
    pub changes: LedgerFiles,
    /// The whole ledger as `build` leaves it: the files read, with `changes` written over them.
    pub after: LedgerFiles,
    /// The product site, as `build` writes it to `out/site/`.
    pub site: BTreeMap<String, Vec<u8>>,
    /// Every problem, in the one deterministic order.
    pub diags: Vec<Diagnostic>,
}

/// Runs every stage: compile → load and verify the ledger → plan publications → catalog rules
/// → render ledger files → render pages.
pub fn build(inputs: &Inputs) -> Analysis {
    let mut a = analyse(inputs);
    a.diags = diag::cap(std::mem::take(&mut a.diags), &a.compiled.sources);
    a
}

/// What `build` would do, for a preview (`plancat serve`): with `drafts`, the site also has
/// pages for draft plans (their snapshots are never part of the ledger).
pub fn preview(inputs: &Inputs, drafts: bool) -> Analysis {
    let mut a = analyse_with(inputs, drafts);
    a.diags = diag::cap(std::mem::take(&mut a.diags), &a.compiled.sources);
    a
}

/// Every stage, with every diagnostic sorted and none left out yet.
fn analyse(inputs: &Inputs) -> Analysis {
    analyse_with(inputs, false)
}

fn analyse_with(inputs: &Inputs, drafts: bool) -> Analysis {
    let effective_from = inputs.effective_from.unwrap_or(inputs.now);
    let mut compiled = compile::compile(&inputs.plans);
    let files = &inputs.ledger;
    let (ledger, mut ledger_diags) = ledger::load(files, &mut compiled.sources);
    let slugs = &compiled.slugs;
    ledger_diags.extend(ledger::orphans(
        &ledger,
        files,
        |s| slugs.contains(s),
        &mut compiled.sources,
    ));
    let (publications, publish_diags) = ledger::plan(&compiled.plans, &ledger, effective_from);
    let cx = rules::Context::new(
        &compiled.plans,
        &compiled.slugs,
        (inputs.now, effective_from),
        &publications,
    );
    let rule_diags = rules::run(&cx);
    let changes = ledger::render(&ledger, &publications);
    // The site shows what child APIs enforce at this moment: the version in force.
    let mut snapshots = ledger::in_force(&ledger, &publications, effective_from);
    let draft_snapshots = if drafts {
        ledger::drafts(&compiled.plans, effective_from)
    } else {
        Vec::new()
    };
    snapshots.extend(draft_snapshots.iter());
    let mut after = files.clone();
    after.extend(changes.iter().map(|(k, v)| (k.clone(), v.clone())));
    let overrides: Vec<pages::Override> = inputs
        .templates
        .iter()
        .map(|t| pages::Override {
            name: t.name.clone(),
            file: compiled.sources.add(SourceFile::new(
                format!("templates/{}", t.name),
                String::from_utf8_lossy(&t.bytes),
            )),
            bytes: t.bytes.clone(),
        })
        .collect();
    let (site, mut page_diags) = pages::render(
        &snapshots,
        &after,
        &overrides,
        drafts,
        effective_from,
        &mut compiled.sources,
    );
    page_diags.extend(pages::check_urls(&compiled.plans));
    page_diags.extend(pages::check_messages(&compiled.plans));
    let mut diags = std::mem::take(&mut compiled.diags.0);
    for r in &inputs.refused {
        let file = compiled.sources.add(SourceFile::new(r.path.clone(), ""));
        diags.push(
            Diagnostic::error(
                Code::SpecialFile,
                format!("`{}` is {}: plancat reads only regular files", r.path, r.what),
            )
            .at(file, 0..0, "not read")
            .with_help("replace it with the file itself (plancat never follows links, so nothing outside the catalog is read)"),
        );
    }
    diags.extend(ledger_diags);
    diags.extend(publish_diags);
    diags.extend(rule_diags);
    diags.extend(page_diags);
    diag::sort(&mut diags, &compiled.sources);
    Analysis {
        compiled,
        ledger,
        publications,
        changes,
        after,
        site,
        diags,
    }
}

/// `check`: everything `build` finds, plus every way `out/snapshots/` is not what `build`
/// would leave (a plan that would publish, a stale catalog index).
pub fn check(inputs: &Inputs) -> Analysis {
    let mut a = analyse(inputs);
    // Staleness is summarised once, unlocated, so it sorts after the real errors.
    if !a.publications.is_empty() {
        let never_built = inputs.ledger.is_empty();
        let mut d = if never_built {
            Diagnostic::error(
                Code::LedgerStale,
                "no ledger yet: `out/snapshots/` is empty",
            )
            .with_help(format!(
                "`plancat build` publishes the first versions of {}; commit `out/snapshots/`",
                diag::count(a.publications.len(), "plan")
            ))
        } else {
            Diagnostic::error(
                Code::LedgerStale,
                format!(
                    "`out/snapshots/` is out of date: `plancat build` would publish {}",
                    diag::count(a.publications.len(), "plan")
                ),
            )
            .with_help("run `plancat build` and commit `out/snapshots/`")
        };
        if !never_built {
            d.notes = a
                .publications
                .iter()
                .map(|p| {
                    let s = &p.snapshot;
                    format!("`{}` {}: {}", s.slug, s.plan_version, p.reasons.join("; "))
                })
                .collect();
        }
        a.diags.push(d);
    }
    if a.ledger.catalog_stale {
        a.diags.push(catalog_index_stale(&a.ledger));
    }
    diag::sort(&mut a.diags, &a.compiled.sources);
    a.diags = diag::cap(std::mem::take(&mut a.diags), &a.compiled.sources);
    a
}

impl Analysis {
    pub fn has_errors(&self) -> bool {
        self.diags.iter().any(Diagnostic::is_error)
    }

    pub fn sources(&self) -> &Sources {
        &self.compiled.sources
    }

    /// `39 plans: 2 published, 34 unchanged, 3 drafts not published`.
    pub fn summary(&self) -> String {
        self.summary_with(self.publications.len())
    }

    /// What the next `build` says once this one's publications are in the ledger:
    /// `39 plans: 0 published, 36 unchanged, 3 drafts not published`.
    pub fn settled_summary(&self) -> String {
        self.summary_with(0)
    }

    fn summary_with(&self, published: usize) -> String {
        let (live, drafts) = self.counts();
        format!(
            "{}: {published} published, {} unchanged, {} not published",
            diag::count(self.compiled.plans.len(), "plan"),
            live - published,
            diag::count(drafts, "draft")
        )
    }

    /// `39 plans: 36 snapshots up to date, 3 drafts not published`.
    pub fn check_summary(&self) -> String {
        let (live, drafts) = self.counts();
        format!(
            "{}: {} up to date, {} not published",
            diag::count(self.compiled.plans.len(), "plan"),
            diag::count(live, "snapshot"),
            diag::count(drafts, "draft")
        )
    }

    /// How many pages the site has.
    pub fn pages(&self) -> usize {
        self.site.keys().filter(|p| p.ends_with(".html")).count()
    }

    /// What `build` would publish, field by field, for `slugs` (all when empty). An unknown
    /// slug is an error naming the closest one.
    pub fn diffs(&self, slugs: &[String]) -> Result<Vec<PlanDiff>, String> {
        if let Some(slug) = slugs.iter().find(|s| !self.compiled.slugs.contains(*s)) {
            return Err(no_plan(slug, &self.compiled));
        }
        let mut diffs = diff::diffs(&self.publications, &self.ledger);
        diffs.retain(|d| slugs.is_empty() || slugs.iter().any(|s| s == d.slug.as_str()));
        Ok(diffs)
    }

    /// Plans that are published (live or retired), and drafts.
    fn counts(&self) -> (usize, usize) {
        let plans = &self.compiled.plans;
        let live = plans.iter().filter(|p| p.status() != Status::Draft).count();
        (live, plans.len() - live)
    }
}

/// `explain`: the applied value(s) at `path` of a plan and the layers behind each.
pub enum Explained {
    /// Every applied value under the path, with where it comes from (`explain::render` writes
    /// them as text).
    Entries(Vec<crate::core::explain::Entry>),
    /// The plan has errors: these, sorted, in `compiled.sources`.
    Broken(Compiled, Vec<Diagnostic>),
    /// No such plan or path: the message says what exists.
    Unknown(String),
}

pub fn explain(plans: &[InputFile], slug: &str, path: &str) -> Explained {
    let mut compiled = compile::compile(plans);
    let Some(plan) = compiled.plans.iter().find(|p| p.slug.as_str() == slug) else {
        if compiled.failed.contains(slug) {
            let mut diags = std::mem::take(&mut compiled.diags.0);
            diag::sort(&mut diags, &compiled.sources);
            return Explained::Broken(compiled, diags);
        }
        return Explained::Unknown(no_plan(slug, &compiled));
    };
    let path = KeyPath::parse(path);
    match explain::explain(plan, path.segs(), &compiled.sources, &compiled.locks) {
        Ok(entries) => Explained::Entries(entries),
        Err(message) => Explained::Unknown(message),
    }
}

/// `verify`: the published ledger on its own — hashes, version order, fallbacks, indexes.
pub struct Verified {
    pub ledger: Ledger,
    pub sources: Sources,
    pub diags: Vec<Diagnostic>,
}

pub fn verify(files: &LedgerFiles) -> Verified {
    let mut sources = Sources::default();
    let (ledger, mut diags) = ledger::load(files, &mut sources);
    if ledger.catalog_stale {
        diags.push(catalog_index_stale(&ledger));
    }
    diag::sort(&mut diags, &sources);
    let diags = diag::cap(diags, &sources);
    Verified {
        ledger,
        sources,
        diags,
    }
}

impl Verified {
    pub fn has_errors(&self) -> bool {
        self.diags.iter().any(Diagnostic::is_error)
    }

    /// `39 plans, 40 published versions`.
    pub fn summary(&self) -> String {
        let versions: usize = self
            .ledger
            .slugs
            .values()
            .map(|s| s.index.versions.len())
            .sum();
        format!(
            "{}, {}",
            diag::count(self.ledger.slugs.len(), "plan"),
            diag::count(versions, "published version")
        )
    }
}

/// What `yank` changes, and what clients resolve afterwards.
pub struct Yank {
    /// The files that change: the indexes of the slug and of its dependents, and the catalog
    /// index.
    pub changes: LedgerFiles,
    /// `1.0.0 is in force at …` or `nothing is in force at …`, for new subscribers.
    pub fallback: String,
    /// Derived versions withdrawn or restored with it, each with what is then in force:
    /// `commerce-launch-bundle 1.0.1: 1.0.0 is in force at …`.
    pub dependents: Vec<String>,
    /// The plans a withdrawal leaves with no version in force for new subscribers at `at` —
    /// the plan itself and/or bundles withdrawn with it; empty when restoring. The CLI asks
    /// before doing that.
    pub left_with_nothing: Vec<String>,
}

/// Withdraws (`yanked = Some`) or restores (`None`) a published version. `Err` is a message:
/// the ledger does not verify (with its diagnostics), or there is no such version.
pub fn yank(
    files: &LedgerFiles,
    slug: &str,
    version: &Version,
    yanked: Option<Yanked>,
    at: Instant,
) -> Result<Yank, YankError> {
    let verified = verify(files);
    if verified.has_errors() {
        return Err(YankError::Unverified(Box::new(verified)));
    }
    if !verified.ledger.slugs.contains_key(slug) {
        return Err(YankError::UnknownSlug(format!(
            "no published plan `{slug}` in `{}/`",
            crate::core::ledger::LEDGER_DIR
        )));
    }
    let withdrawing = yanked.is_some();
    let y =
        yank::set_yanked(&verified.ledger, slug, version, yanked).map_err(YankError::Refused)?;
    // What new subscribers get at `at` once the change is made, per slug.
    let in_force_after = |s: &str| {
        let index = y.indexes.get(s).unwrap_or(&verified.ledger.slugs[s].index);
        in_force(index, at, Audience::New)
            .ok()
            .map(|v| v.plan_version.clone())
    };
    let fallback = |s: &str| {
        in_force_after(s).map_or(format!("nothing is in force at {at}"), |v| {
            format!("{v} is in force at {at}")
        })
    };
    let dependents = y
        .dependents
        .iter()
        .map(|(s, v)| format!("{s} {v}: {}", fallback(s)))
        .collect();
    let left_with_nothing = if withdrawing {
        std::iter::once(slug)
            .chain(y.dependents.iter().map(|(s, _)| s.as_str()))
            .filter(|s| in_force_after(s).is_none())
            .map(str::to_string)
            .collect()
    } else {
        Vec::new()
    };
    Ok(Yank {
        fallback: fallback(slug),
        changes: y.files,
        dependents,
        left_with_nothing,
    })
}

pub enum YankError {
    /// The ledger does not verify: nothing is changed.
    Unverified(Box<Verified>),
    /// No published plan has this slug (a usage error, as everywhere else).
    UnknownSlug(String),
    /// No such slug or version, or it is already in that state.
    Refused(String),
}

/// `the catalog index is out of date`: derived from the per-slug indexes, so `build` rewrites it.
fn catalog_index_stale(ledger: &Ledger) -> Diagnostic {
    Diagnostic::error(
        Code::LedgerStale,
        format!(
            "the catalog index `out/snapshots/index.json` is out of date: {}",
            ledger.catalog_differences.join("; ")
        ),
    )
    .with_help("it is derived from the per-slug indexes: `plancat build` rewrites it")
}

/// `no plan `x``, with the closest slug when one is close.
fn no_plan(slug: &str, compiled: &Compiled) -> String {
    let hint = diag::did_you_mean(slug, compiled.slugs.iter().map(String::as_str))
        .map(|s| format!(" ({s})"))
        .unwrap_or_default();
    format!("no plan `{slug}`{hint}")
}
