//! Command-line interface (clap derive). Each command is a few lines: read, run the core,
//! report, write. One exit path: [`main`] maps outcomes to 0 (clean), 1 (problems in the
//! catalog), 2 (usage, I/O or internal error).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use super::EdgeError;
use super::fs::{self, LedgerLock};
use crate::consumer::{self, Audience};
use crate::core::compile::{self, Compiled};
use crate::core::diag::{Code, Diagnostic, Severity, formats, render};
use crate::core::ledger::publish::LEDGER_DIR;
use crate::core::ledger::publish::{self, Ledger, Publication};
use crate::core::ledger::wire::Yanked;
use crate::core::model::api::Status;
use crate::core::model::ids::Instant;
use crate::core::pages;
use crate::core::rules;
use crate::core::schema;

#[derive(Parser)]
#[command(
    name = "plancat",
    version,
    about = "Compile layered plan and catalog files into versioned snapshots"
)]
pub struct Cli {
    /// The catalog's root directory (holding `plans/`).
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// When to colour output (`auto` honours NO_COLOR and whether stderr is a terminal).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    #[command(subcommand)]
    command: Command,
}

/// How diagnostics are written: `human` to stderr, the others to stdout.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Cargo-style, with source excerpts (stderr).
    Human,
    /// One JSON document; schema: `schemas/diagnostics.schema.json`.
    Json,
    /// GitHub Actions workflow commands, for inline pull-request annotations.
    Github,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
}

/// How `diff` writes what would change.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DiffFormat {
    /// Field by field, with `~`, `+` and `-` (stdout).
    Human,
    /// One JSON document (stdout); problems in the catalog are reported on stderr.
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand)]
enum Command {
    /// Check the catalog and publish new snapshot versions to `out/snapshots/`.
    Build {
        /// When new versions take effect, unless a plan's `release.effective_from` says
        /// otherwise (RFC 3339; default: now). Time-dependent rules are checked at it.
        #[arg(long, value_name = "TIME", value_parser = parse_instant)]
        effective_from: Option<Instant>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Everything `build` checks, plus that `out/snapshots/` is up to date; writes nothing.
    Check {
        /// The moment time-dependent rules are checked at, as `build --effective-from`
        /// (default: now).
        #[arg(long, value_name = "TIME", value_parser = parse_instant)]
        effective_from: Option<Instant>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Print the snapshot of a plan in force at a moment (verified against the ledger).
    Resolve {
        slug: String,
        /// The moment (RFC 3339; default: now).
        #[arg(long, value_name = "TIME", value_parser = parse_instant)]
        at: Option<Instant>,
        /// Resolve for existing subscribers (grandfathered versions reach them later).
        #[arg(long)]
        existing: bool,
    },
    /// Withdraw a published version: resolution skips it and clients fall back to its
    /// `rollback_to`. Its file stays, unchanged.
    Yank {
        slug: String,
        version: semver::Version,
        /// Why it is withdrawn (recorded in the index).
        #[arg(long, required_unless_present = "undo")]
        reason: Option<String>,
        /// Restore a withdrawn version.
        #[arg(long, conflicts_with = "reason")]
        undo: bool,
        /// The time recorded for the withdrawal (RFC 3339; default: now).
        #[arg(long, value_name = "TIME", value_parser = parse_instant)]
        at: Option<Instant>,
    },
    /// Verify the published ledger: hashes, version order, fallbacks, indexes.
    Verify,
    /// Show what `build` would publish: per plan, every changed field, the version bump and
    /// why. Exit 0 when nothing would change, 1 when something would, 2 on error.
    Diff {
        /// Only these plans (default: all).
        slugs: Vec<String>,
        /// When new versions would take effect, as `build --effective-from` (default: now).
        #[arg(long, value_name = "TIME", value_parser = parse_instant)]
        effective_from: Option<Instant>,
        #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
        format: DiffFormat,
        /// Also show a line diff of each plan's content.
        #[arg(long)]
        lines: bool,
    },
    /// Show the applied value(s) at a path of a plan and the layers behind each.
    Explain {
        slug: String,
        /// A dotted path (`api.tiers.growth.price`) or JSON pointer (`/api/tiers/growth`);
        /// default: the whole plan.
        path: Option<String>,
    },
    /// List the catalog rules, or explain one (`plancat rules R0203`, `plancat rules tier-ladder`).
    Rules {
        /// A rule's code or name.
        rule: Option<String>,
    },
    /// Write the JSON Schemas to `schemas/`, or check that they are up to date.
    Schema {
        /// Fail if `schemas/` differs from what the Rust types generate.
        #[arg(long)]
        check: bool,
    },
}

/// Problems in the catalog (exit 1), as opposed to success (0) or an [`EdgeError`] (2).
pub enum Outcome {
    Clean,
    Problems,
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let mut out = Output::new(cli.color);
    match run(&cli, &mut out) {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Problems) => ExitCode::from(1),
        Err(e) => {
            out.error(&e.to_string());
            ExitCode::from(2)
        }
    }
}

pub fn run(cli: &Cli, out: &mut Output) -> Result<Outcome, EdgeError> {
    let root = &cli.root;
    match &cli.command {
        Command::Build {
            effective_from,
            format,
        } => {
            out.format = *format;
            build(root, effective_from.unwrap_or_else(now), out)
        }
        Command::Check {
            effective_from,
            format,
        } => {
            out.format = *format;
            check(root, effective_from.unwrap_or_else(now), out)
        }
        Command::Rules { rule } => rules_cmd(rule.as_deref(), out),
        Command::Resolve { slug, at, existing } => {
            let audience = if *existing {
                Audience::Existing
            } else {
                Audience::New
            };
            resolve_cmd(root, slug, at.unwrap_or_else(now), audience, out)
        }
        Command::Yank {
            slug,
            version,
            reason,
            undo,
            at,
        } => {
            let at = at.unwrap_or_else(now);
            let yanked = (!undo).then(|| Yanked {
                reason: reason.clone().unwrap_or_default(),
                at,
            });
            yank_cmd(root, slug, version, yanked, at, out)
        }
        Command::Verify => verify_cmd(root, out),
        Command::Diff {
            slugs,
            effective_from,
            format,
            lines,
        } => diff_cmd(
            root,
            slugs,
            effective_from.unwrap_or_else(now),
            *format,
            *lines,
            out,
        ),
        Command::Explain { slug, path } => {
            explain_cmd(root, slug, path.as_deref().unwrap_or(""), out)
        }
        Command::Schema { check } => schema_cmd(root, *check, out),
    }
}

fn build(root: &Path, effective_from: Instant, out: &mut Output) -> Result<Outcome, EdgeError> {
    let _lock = LedgerLock::exclusive(root)?;
    fs::clear_staging(root)?;
    let mut a = analyze(root, effective_from)?;
    if out.report(&mut a.diags, &a.compiled) {
        out.status("error", "could not build: nothing was published", true);
        return Ok(Outcome::Problems);
    }
    fs::write_ledger(root, &a.changes)?;
    let site_written = fs::write_site(root, &a.site)?;
    if a.ledger.catalog_stale {
        out.status(
            "Rewriting",
            "the catalog index `out/snapshots/index.json`",
            false,
        );
    }
    for p in &a.publications {
        let s = &p.snapshot;
        let why = p.reasons.first().map(String::as_str).unwrap_or_default();
        let more = match p.reasons.len() {
            0 | 1 => String::new(),
            n => format!(" and {} more", n - 1),
        };
        out.status(
            "Publishing",
            &format!("{} {} ({why}{more})", s.slug, s.plan_version),
            false,
        );
    }
    let pages = a.site.keys().filter(|p| p.ends_with(".html")).count();
    let site = if site_written {
        "to `out/site/`"
    } else {
        "(`out/site/` was up to date)"
    };
    out.status("Rendered", &format!("{pages} pages {site}"), false);
    out.status("Finished", &a.summary(), false);
    Ok(Outcome::Clean)
}

fn check(root: &Path, effective_from: Instant, out: &mut Output) -> Result<Outcome, EdgeError> {
    let _lock = LedgerLock::shared(root)?;
    let mut a = analyze(root, effective_from)?;
    for p in &a.publications {
        let s = &p.snapshot;
        let plan = a
            .compiled
            .plans
            .iter()
            .find(|c| c.slug == s.slug)
            .expect("published plans compiled");
        a.diags.push(
            Diagnostic::error(
                Code::LedgerStale,
                format!(
                    "`out/snapshots/` is out of date for `{}`: `plancat build` would publish {}",
                    s.slug, s.plan_version
                ),
            )
            .at(plan.file, 0..0, "changed since the last published version")
            .with_help(format!(
                "{}; run `plancat build` and commit `out/snapshots/`",
                p.reasons.join("; ")
            )),
        );
    }
    if a.ledger.catalog_stale {
        a.diags.push(catalog_index_stale(&a.ledger));
    }
    if out.report(&mut a.diags, &a.compiled) {
        return Ok(Outcome::Problems);
    }
    out.status("Checked", &a.check_summary(), false);
    Ok(Outcome::Clean)
}

fn resolve_cmd(
    root: &Path,
    slug: &str,
    at: Instant,
    audience: Audience,
    out: &mut Output,
) -> Result<Outcome, EdgeError> {
    let _lock = LedgerLock::shared(root)?;
    let ledger = match consumer::Ledger::open(root.join(LEDGER_DIR)) {
        Ok(l) => l,
        Err(consumer::Error::Io { path, source }) => {
            return Err(EdgeError::io("read", &path, source));
        }
        Err(e) => return Err(EdgeError(e.to_string())),
    };
    match ledger.resolve(slug, at, audience) {
        Ok(snapshot) => {
            out.stdout(&String::from_utf8(publish::pretty(&snapshot)).expect("JSON is UTF-8"));
            let whom = match audience {
                Audience::New => "new subscribers",
                Audience::Existing => "existing subscribers",
            };
            out.status(
                "Resolved",
                &format!("{slug} {} for {whom} at {at}", snapshot.plan_version),
                false,
            );
            Ok(Outcome::Clean)
        }
        Err(consumer::Error::Io { path, source }) => Err(EdgeError::io("read", &path, source)),
        Err(e) => {
            out.error(&e.to_string());
            Ok(Outcome::Problems)
        }
    }
}

fn yank_cmd(
    root: &Path,
    slug: &str,
    version: &semver::Version,
    yanked: Option<Yanked>,
    at: Instant,
    out: &mut Output,
) -> Result<Outcome, EdgeError> {
    let _lock = LedgerLock::exclusive(root)?;
    fs::clear_staging(root)?;
    let files = fs::read_ledger(root)?;
    let mut sources = crate::core::source::Sources::default();
    let (ledger, mut diags) = publish::load(&files, &mut sources);
    if diags.iter().any(Diagnostic::is_error) {
        out.report_with(&mut diags, &sources);
        out.status(
            "error",
            "the ledger does not verify: nothing was changed",
            true,
        );
        return Ok(Outcome::Problems);
    }
    let restoring = yanked.is_none();
    let changes = match publish::set_yanked(&ledger, slug, version, yanked) {
        Ok(c) => c,
        Err(message) => {
            out.error(&message);
            return Ok(Outcome::Problems);
        }
    };
    fs::write_ledger(root, &changes)?;
    let index: crate::core::ledger::wire::SlugIndex =
        serde_json::from_slice(changes.values().next().expect("one changed index"))
            .expect("just written");
    let fallback = consumer::in_force(&index, at, Audience::New)
        .map_or(format!("nothing is in force at {at}"), |v| {
            format!("{} is in force at {at}", v.plan_version)
        });
    let verb = if restoring { "Restored" } else { "Yanked" };
    out.status(verb, &format!("{slug} {version}: {fallback}"), false);
    Ok(Outcome::Clean)
}

fn verify_cmd(root: &Path, out: &mut Output) -> Result<Outcome, EdgeError> {
    let _lock = LedgerLock::shared(root)?;
    let files = fs::read_ledger(root)?;
    let mut sources = crate::core::source::Sources::default();
    let (ledger, mut diags) = publish::load(&files, &mut sources);
    if ledger.catalog_stale {
        diags.push(catalog_index_stale(&ledger));
    }
    if out.report_with(&mut diags, &sources) {
        return Ok(Outcome::Problems);
    }
    let versions: usize = ledger.slugs.values().map(|s| s.index.versions.len()).sum();
    out.status(
        "Verified",
        &format!(
            "{} plans, {versions} published versions",
            ledger.slugs.len()
        ),
        false,
    );
    Ok(Outcome::Clean)
}

fn diff_cmd(
    root: &Path,
    slugs: &[String],
    effective_from: Instant,
    format: DiffFormat,
    lines: bool,
    out: &mut Output,
) -> Result<Outcome, EdgeError> {
    let _lock = LedgerLock::shared(root)?;
    let mut a = analyze(root, effective_from)?;
    // Problems are shown with the diff (a reviewer wants both), and make the exit status 2.
    let errors = out.report(&mut a.diags, &a.compiled);
    if let Some(slug) = slugs.iter().find(|s| !a.compiled.slugs.contains(*s)) {
        let hint = crate::core::diag::suggest(slug, a.compiled.slugs.iter().map(String::as_str))
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        return Err(EdgeError(format!("no plan `{slug}`{hint}")));
    }
    let mut diffs = crate::core::diff::diffs(&a.publications, &a.ledger);
    diffs.retain(|d| slugs.is_empty() || slugs.iter().any(|s| s == d.slug.as_str()));
    match format {
        DiffFormat::Json => {
            let report = crate::core::diff::DiffReport {
                format_version: 1,
                changes: &diffs,
            };
            out.stdout(&(serde_json::to_string_pretty(&report).expect("JSON") + "\n"));
        }
        DiffFormat::Human => {
            let text = crate::core::diff::human(&diffs, lines);
            out.stdout(&out.paint_diff(&text));
            let n = diffs.len();
            let summary = if n == 0 {
                "nothing would be published".to_string()
            } else {
                format!(
                    "{n} plan{} would publish a new version",
                    if n == 1 { "" } else { "s" }
                )
            };
            out.status("Diffed", &summary, false);
        }
    }
    if errors {
        return Err(EdgeError(
            "the catalog has errors: `build` would publish nothing until they are fixed".into(),
        ));
    }
    Ok(if diffs.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Problems
    })
}

fn explain_cmd(
    root: &Path,
    slug: &str,
    path: &str,
    out: &mut Output,
) -> Result<Outcome, EdgeError> {
    let inputs = fs::read_plans(root)?;
    let mut compiled = compile::compile(&inputs);
    let Some(plan) = compiled.plans.iter().find(|p| p.slug.as_str() == slug) else {
        if compiled.failed.contains(slug) {
            let mut diags = std::mem::take(&mut compiled.diags.0);
            out.report(&mut diags, &compiled);
            return Err(EdgeError(format!(
                "`{slug}` has errors: fix them to explain it"
            )));
        }
        let hint = crate::core::diag::suggest(slug, compiled.slugs.iter().map(String::as_str))
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        return Err(EdgeError(format!("no plan `{slug}`{hint}")));
    };
    let segs = crate::core::explain::parse_path(path);
    match crate::core::explain::explain(plan, &segs, &compiled.sources, &compiled.locks) {
        Ok(text) => {
            out.stdout(&text);
            Ok(Outcome::Clean)
        }
        Err(message) => Err(EdgeError(message)),
    }
}

/// `out/snapshots/index.json` is derived from the per-slug indexes: say how it disagrees.
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

fn rules_cmd(rule: Option<&str>, out: &mut Output) -> Result<Outcome, EdgeError> {
    let text = match rule {
        None => {
            let mut s = String::from(
                "catalog rules (set levels in core: `[rules] <name> = \"deny\" | \"warn\" | \"allow\"`)\n\n",
            );
            for r in rules::RULES {
                s.push_str(&format!(
                    "{}  {:<27} {:<5} {}\n",
                    r.code, r.name, r.default, r.summary
                ));
            }
            s.push_str("\nbuilt-in checks (not configurable)\n\n");
            for c in Code::ALL {
                s.push_str(&format!("{}  {}\n", c.as_str(), c.summary()));
            }
            s
        }
        Some(key) => match rules::find(key) {
            Some(r) => format!(
                "{} {}: {}\n\ndefault level: {}\n\n{}\n",
                r.code, r.name, r.summary, r.default, r.explanation
            ),
            None => match Code::ALL
                .iter()
                .find(|c| c.as_str().eq_ignore_ascii_case(key))
            {
                Some(c) => format!(
                    "{}: {}\n\nA built-in check: its level cannot be changed.\n",
                    c.as_str(),
                    c.summary()
                ),
                None => {
                    let names = rules::RULES.iter().flat_map(|r| [r.code, r.name]);
                    let hint = crate::core::diag::suggest(key, names)
                        .map(|s| format!(" (did you mean `{s}`?)"))
                        .unwrap_or_default();
                    return Err(EdgeError(format!(
                        "no rule `{key}`{hint}: `plancat rules` lists them"
                    )));
                }
            },
        },
    };
    out.stdout(&text);
    Ok(Outcome::Clean)
}

fn schema_cmd(root: &Path, check: bool, out: &mut Output) -> Result<Outcome, EdgeError> {
    let dir = root.join("schemas");
    let mut stale = 0;
    for (name, text) in schema::all() {
        let path = dir.join(name);
        if check {
            let current = std::fs::read_to_string(&path).unwrap_or_default();
            if current != text {
                stale += 1;
                let diff = similar::TextDiff::from_lines(&current, &text);
                out.error(&format!("`schemas/{name}` is out of date"));
                out.raw(&format!(
                    "{}",
                    diff.unified_diff()
                        .context_radius(2)
                        .header(&format!("schemas/{name}"), "generated")
                ));
            }
        } else {
            fs::write_atomic(&path, text.as_bytes())?;
        }
    }
    if stale > 0 {
        out.status(
            "error",
            &format!("{stale} schema file(s) out of date: run `plancat schema`"),
            true,
        );
        return Ok(Outcome::Problems);
    }
    let verb = if check { "Checked" } else { "Wrote" };
    out.status(
        verb,
        &format!("{} schemas in `schemas/`", schema::Which::ALL.len()),
        false,
    );
    Ok(Outcome::Clean)
}

/// The shared front half of `build` and `check`.
struct Analysis {
    compiled: Compiled,
    ledger: Ledger,
    publications: Vec<Publication>,
    /// The ledger files `build` writes (new snapshots, updated indexes).
    changes: publish::LedgerFiles,
    /// The product site, as `build` writes it to `out/site/`.
    site: std::collections::BTreeMap<String, Vec<u8>>,
    diags: Vec<Diagnostic>,
}

impl Analysis {
    /// `39 plans: 2 published, 34 unchanged, 3 drafts not published`.
    fn summary(&self) -> String {
        let (live, drafts) = self.counts();
        let published = self.publications.len();
        format!(
            "{}: {published} published, {} unchanged, {} not published",
            count(self.compiled.plans.len(), "plan"),
            live - published,
            count(drafts, "draft")
        )
    }

    /// `39 plans: 36 snapshots up to date, 3 drafts not published`.
    fn check_summary(&self) -> String {
        let (live, drafts) = self.counts();
        format!(
            "{}: {} up to date, {} not published",
            count(self.compiled.plans.len(), "plan"),
            count(live, "snapshot"),
            count(drafts, "draft")
        )
    }

    /// Plans that are published (live or retired), and drafts.
    fn counts(&self) -> (usize, usize) {
        let plans = &self.compiled.plans;
        let live = plans.iter().filter(|p| p.status() != Status::Draft).count();
        (live, plans.len() - live)
    }
}

fn analyze(root: &Path, effective_from: Instant) -> Result<Analysis, EdgeError> {
    let inputs = fs::read_plans(root)?;
    let mut compiled = compile::compile(&inputs);
    let files = fs::read_ledger(root)?;
    let (ledger, mut ledger_diags) = publish::load(&files, &mut compiled.sources);
    let slugs = &compiled.slugs;
    ledger_diags.extend(publish::orphans(
        &ledger,
        &files,
        |s| slugs.contains(s),
        &mut compiled.sources,
    ));
    let (publications, publish_diags) = publish::plan(&compiled.plans, &ledger, effective_from);
    let cx = rules::Context::new(
        &compiled.plans,
        &compiled.slugs,
        effective_from,
        &publications,
    );
    let rule_diags = rules::run(&cx);
    let changes = publish::render(&ledger, &publications);
    // The site shows what child APIs enforce at this moment: the version in force.
    let snapshots = publish::in_force(&ledger, &publications, effective_from);
    let mut after = files.clone();
    after.extend(changes.iter().map(|(k, v)| (k.clone(), v.clone())));
    let overrides: Vec<pages::Override> = fs::read_templates(root)?
        .into_iter()
        .map(|(name, path, bytes)| pages::Override {
            name,
            file: compiled.sources.add(crate::core::source::SourceFile::new(
                path,
                String::from_utf8_lossy(&bytes),
            )),
        })
        .collect();
    let (site, mut page_diags) =
        pages::render(&snapshots, &after, &overrides, &mut compiled.sources);
    page_diags.extend(pages::check_urls(&compiled.plans));
    let mut diags = std::mem::take(&mut compiled.diags.0);
    diags.extend(ledger_diags);
    diags.extend(publish_diags);
    diags.extend(rule_diags);
    diags.extend(page_diags);
    Ok(Analysis {
        compiled,
        ledger,
        publications,
        changes,
        site,
        diags,
    })
}

/// `1 plan`, `2 plans`.
fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

fn now() -> Instant {
    crate::consumer::now()
}

fn parse_instant(s: &str) -> Result<Instant, String> {
    Instant::parse(s)
}

/// Where human output goes (stderr), and whether it is coloured.
pub struct Output {
    color: bool,
    format: Format,
    err: std::io::Stderr,
}

impl Output {
    fn new(choice: ColorChoice) -> Output {
        let err = std::io::stderr();
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && err.is_terminal()
            }
        };
        Output {
            color,
            format: Format::Human,
            err,
        }
    }

    /// Prints every diagnostic in the one deterministic order, then the summary line.
    /// Returns whether any is an error.
    fn report(&mut self, diags: &mut [Diagnostic], compiled: &Compiled) -> bool {
        self.report_with(diags, &compiled.sources)
    }

    fn report_with(
        &mut self,
        diags: &mut [Diagnostic],
        sources: &crate::core::source::Sources,
    ) -> bool {
        crate::core::diag::sort(diags, sources);
        let errors = diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        match self.format {
            Format::Human => {}
            Format::Json => self.stdout(&formats::json(diags, sources)),
            Format::Github => self.stdout(&formats::github(diags, sources)),
            Format::Sarif => self.stdout(&formats::sarif(diags, sources)),
        }
        if self.format != Format::Human {
            return errors > 0;
        }
        for d in diags.iter() {
            let text = render::human(d, sources, self.color);
            let _ = writeln!(self.err, "{text}\n");
        }
        let errors = diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let warnings = diags.len() - errors;
        if !diags.is_empty() {
            let _ = writeln!(self.err, "{}", render::summary(errors, warnings));
        }
        errors > 0
    }

    /// A cargo-style status line: a right-aligned verb, then the message.
    fn status(&mut self, verb: &str, message: &str, is_error: bool) {
        let style = if is_error {
            anstyle::AnsiColor::Red.on_default().bold()
        } else {
            anstyle::AnsiColor::Green.on_default().bold()
        };
        if is_error {
            let _ = writeln!(self.err, "{}: {message}", self.paint(verb, style));
        } else {
            let _ = writeln!(
                self.err,
                "{} {message}",
                self.paint(&format!("{verb:>12}"), style)
            );
        }
    }

    fn error(&mut self, message: &str) {
        self.status("error", message, true);
    }

    fn stdout(&mut self, text: &str) {
        let mut o = std::io::stdout().lock();
        let _ = o.write_all(text.as_bytes());
        let _ = o.flush();
    }

    fn raw(&mut self, text: &str) {
        let _ = write!(self.err, "{text}");
    }

    /// Colours a diff's `+`, `-` and `~` lines when colour is on.
    fn paint_diff(&self, text: &str) -> String {
        if !self.color {
            return text.to_string();
        }
        text.lines()
            .map(|l| {
                let style = match l.trim_start().chars().next() {
                    Some('+') => anstyle::AnsiColor::Green.on_default(),
                    Some('-') => anstyle::AnsiColor::Red.on_default(),
                    Some('~') => anstyle::AnsiColor::Yellow.on_default(),
                    _ => anstyle::Style::new(),
                };
                self.paint(l, style) + "\n"
            })
            .collect()
    }

    fn paint(&self, s: &str, style: anstyle::Style) -> String {
        if self.color {
            format!("{style}{s}{style:#}")
        } else {
            s.to_string()
        }
    }
}
