//! The pipeline from file bytes to typed plans: discover → parse → validate layer → merge →
//! validate plan → compute. Core files are merged once, each project once; a product's tree
//! starts as its project's shared tree (tables are copy-on-write, so that is a pointer copy)
//! and copies only the tables its own file writes, so work and memory are linear in the catalog.
//!
//! Invariant: pure (inputs are in memory) and total: every problem is a diagnostic; a plan any
//! of whose inputs had an error is reported in `failed` and never published.

use std::collections::{BTreeMap, BTreeSet};

use crate::core::compute;
use crate::core::diag::{Code, Diagnostic, Diagnostics, did_you_mean};
use crate::core::discover::LayerKind;
use crate::core::discover::{self, PlanPath};
use crate::core::merge::{self, Lock, MNode};
use crate::core::model::api::{Api, Status};
use crate::core::model::catalog::CatalogSettings;
use crate::core::model::ids::Slug;
use crate::core::model::product::{Component, Product, ProductKind};
use crate::core::model::{ApiPlan, ProductPlan, Release};
use crate::core::node::{Node, Value};
use crate::core::parse;
use crate::core::path::Seg;
use crate::core::schema::{self, Which};
use crate::core::source::{FileId, SourceFile, Sources};
use crate::core::validate::{Checker, FileDoc, typed};
use plancat_consumer::wire::{Computed, EntityKind, PublishedPlan};
use rayon::prelude::*;

/// A file read from `plans/`, with its catalog-relative path (`plans/core/00-defaults.toml`).
pub struct InputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

pub struct Compiled {
    pub sources: Sources,
    /// Every plan that compiled without errors, sorted by slug.
    pub plans: Vec<CompiledPlan>,
    /// Slugs of plans that had errors (nothing about them may be published).
    pub failed: BTreeSet<String>,
    /// The slug of every project and product file, compiled or not.
    pub slugs: BTreeSet<String>,
    /// Paths core locked (for `explain`).
    pub locks: Vec<Lock>,
    pub diags: Diagnostics,
}

pub struct CompiledPlan {
    pub slug: Slug,
    pub file: FileId,
    pub kind: EntityKind,
    pub project: Option<Slug>,
    /// The merged tree, with provenance (for `explain` and for diagnostics).
    pub tree: MNode,
    pub body: PlanBody,
    pub computed: Computed,
}

pub enum PlanBody {
    Api(Box<ApiPlan>),
    Product(Box<ProductPlan>),
}

impl CompiledPlan {
    pub fn status(&self) -> Status {
        match &self.body {
            PlanBody::Api(p) => p.api.status,
            PlanBody::Product(p) => p.product.status,
        }
    }

    pub fn catalog(&self) -> &CatalogSettings {
        match &self.body {
            PlanBody::Api(p) => &p.catalog,
            PlanBody::Product(p) => &p.catalog,
        }
    }

    pub fn policy(&self) -> &crate::core::model::policy::Policy {
        match &self.body {
            PlanBody::Api(p) => &p.policy,
            PlanBody::Product(p) => &p.policy,
        }
    }

    pub fn rules(&self) -> &crate::core::model::levels::Levels {
        match &self.body {
            PlanBody::Api(p) => &p.rules,
            PlanBody::Product(p) => &p.rules,
        }
    }

    pub fn release(&self) -> &Release {
        match &self.body {
            PlanBody::Api(p) => &p.release,
            PlanBody::Product(p) => &p.release,
        }
    }

    /// What a snapshot publishes: the API or product section, without internal costs.
    pub fn published(&self) -> PublishedPlan {
        match &self.body {
            PlanBody::Api(p) => {
                let mut api = p.api.clone();
                for t in api.tiers.values_mut() {
                    t.cost = None;
                }
                for a in api.addons.values_mut() {
                    a.cost = None;
                }
                PublishedPlan::Api(Box::new(api))
            }
            PlanBody::Product(p) => {
                let mut product = p.product.clone();
                product.cost = None;
                PublishedPlan::Product(Box::new(product))
            }
        }
    }
}

struct Parsed {
    file: FileId,
    path: PlanPath,
    node: Node,
}

/// The version of plancat this is.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Core's `plancat = "…"` requirement, when this plancat does not meet it (or it is not a
/// semver requirement): an error at the requirement.
fn version_mismatch(parsed: &[Parsed]) -> Option<Diagnostic> {
    let this = semver::Version::parse(VERSION).expect("the crate version is semver");
    for p in parsed.iter().filter(|p| p.path.layer == LayerKind::Core) {
        let crate::core::node::Value::Table(t) = &p.node.value else {
            continue;
        };
        let Some(entry) = t.get("plancat") else {
            continue;
        };
        let crate::core::node::Value::String(text) = &entry.node.value else {
            continue;
        };
        let span = entry.node.span.clone();
        return match semver::VersionReq::parse(text) {
            Err(e) => Some(
                Diagnostic::error(
                    Code::VersionRequirement,
                    format!("`plancat = \"{text}\"` is not a version requirement: {e}"),
                )
                .at(p.file, span, "not a semver requirement")
                .with_help("write it as cargo does: `\">=0.2\"`, `\"0.1\"`, `\"~0.1.3\"`"),
            ),
            Ok(req) if !req.matches(&this) => Some(
                Diagnostic::error(
                    Code::VersionRequirement,
                    format!("this catalog needs plancat {req}; this is plancat {this}"),
                )
                .at(p.file, span, format!("needs plancat {req}"))
                .with_help(
                    "install a matching plancat (`cargo install --locked --git <plancat repo> \
                     --tag vX.Y.Z plancat`, or pin the GitHub Action's ref), or change the \
                     requirement if the catalog works with this one",
                ),
            ),
            Ok(_) => None,
        };
    }
    None
}

pub fn compile(inputs: &[InputFile]) -> Compiled {
    let mut sources = Sources::default();
    let mut diags = Diagnostics::default();
    let checkers = [
        Checker::shared(Which::CoreLayer),
        Checker::shared(Which::ProjectLayer),
        Checker::shared(Which::ProductLayer),
    ];
    let mut files: Vec<&InputFile> = inputs.iter().collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));

    // Discover, parse and validate each file on its own, in parallel; the results are folded
    // in path order, so ids, diagnostics and plans come out as from one thread.
    let base = sources.len();
    let outcomes: Vec<FileOutcome> = files
        .par_iter()
        .enumerate()
        .map(|(i, f)| one_file(FileId::nth(base + i), f, &checkers))
        .collect();
    let mut parsed = Vec::new();
    let mut failed = BTreeSet::new();
    // Every project file's slug, parsed or not: a product of a broken project is skipped
    // quietly rather than told its project does not exist.
    let mut project_files = BTreeSet::new();
    let mut slugs = BTreeSet::new();
    for (i, o) in outcomes.into_iter().enumerate() {
        let id = sources.add(o.source);
        debug_assert_eq!(id, FileId::nth(base + i));
        diags.extend(o.diags);
        let Some(path) = o.path else {
            continue;
        };
        if path.layer == LayerKind::Project {
            project_files.insert(path.stem.clone());
        }
        if path.layer != LayerKind::Core {
            slugs.insert(path.stem.clone());
        }
        match o.node {
            Some(node) => parsed.push(Parsed {
                file: id,
                path,
                node,
            }),
            None if path.layer != LayerKind::Core => {
                failed.insert(path.stem.clone());
            }
            None => {
                failed.insert(CORE.into());
            }
        }
    }

    // A catalog written for another plancat: that one error, not the many it would cause.
    if let Some(d) = version_mismatch(&parsed) {
        let failed = slugs.clone();
        return Compiled {
            sources,
            plans: Vec::new(),
            failed,
            slugs,
            locks: Vec::new(),
            diags: Diagnostics(vec![d]),
        };
    }

    let plan_checkers = (
        Checker::shared(Which::ApiPlan),
        Checker::shared(Which::ProductPlan),
    );
    let locks = collect_locks(&parsed, &plan_checkers, &mut diags);

    // Core: merged once, in file-name order.
    let any_file = parsed.first().map(|p| p.file);
    let mut plans = Vec::new();
    if let Some(any_file) = any_file {
        let core_ok = !failed.contains(CORE);
        let mut core = MNode::root(any_file, LayerKind::Core);
        for p in parsed.iter().filter(|p| p.path.layer == LayerKind::Core) {
            diags.extend(merge::apply(
                &mut core,
                p.file,
                &p.node,
                LayerKind::Core,
                &locks,
                &|_| true,
            ));
        }
        core.remove("locks");
        core.remove("rule_overrides");
        core.remove("plancat");

        let layered = Layered {
            core: &core,
            core_ok,
            locks: &locks,
            project_files: &project_files,
        };
        plans = layered.plans(&parsed, &mut diags, &mut failed, &plan_checkers);
    }
    compute_bundles(&mut plans, &slugs, &mut diags, &mut failed);
    plans.retain(|p| !failed.contains(p.slug.as_str()));
    failed.remove(CORE);
    crate::core::diag::sort(&mut diags.0, &sources);
    // A layer's error is found again in every applied plan built on it: report it once.
    diags
        .0
        .dedup_by(|a, b| a.code == b.code && a.message == b.message && a.primary == b.primary);
    Compiled {
        sources,
        plans,
        failed,
        slugs,
        locks,
        diags,
    }
}

/// What one file under `plans/` is on its own: its source, its layer (unless misplaced), its
/// tree (unless it failed to decode or parse, or is not a table), and its problems.
struct FileOutcome {
    source: SourceFile,
    path: Option<PlanPath>,
    node: Option<Node>,
    diags: Vec<Diagnostic>,
}

fn one_file(id: FileId, f: &InputFile, checkers: &[&Checker; 3]) -> FileOutcome {
    let (source, decode_err) = parse::decode(&f.path, &f.bytes);
    let mut o = FileOutcome {
        source,
        path: None,
        node: None,
        diags: Vec::new(),
    };
    let path = match discover::classify(&f.path) {
        Ok(p) => p,
        Err(d) => {
            o.diags.push(d.at(id, 0..0, "this file"));
            return o;
        }
    };
    let layer = path.layer;
    let format = path.format;
    o.path = Some(path);
    if let Some((code, msg, at)) = decode_err {
        o.diags
            .push(Diagnostic::error(code, msg).at(id, at..at, "here"));
        return o;
    }
    let mut node = match parse::parse(id, &o.source, format) {
        Ok(n) => n,
        Err(ds) => {
            o.diags.extend(ds);
            return o;
        }
    };
    // `"$schema"` tells an editor which schema to validate the file against; it is not part of
    // the plan (the layer schema allows it, so editors do not flag it either).
    if let Value::Table(t) = &mut node.value
        && matches!(t.get(schema::SCHEMA_KEY), Some(e) if matches!(e.node.value, Value::String(_)))
    {
        t.remove(schema::SCHEMA_KEY);
    }
    let errs = checkers[layer as usize].check(
        &node.value.to_json(),
        &FileDoc {
            file: id,
            node: &node,
        },
    );
    // A file that parsed is merged even when its layer has schema errors: the applied
    // plans report the same errors at the same places (deduplicated below), and every
    // other problem in the catalog is still found.
    o.diags.extend(errs);
    // Not a table: reported above as a type error; there is nothing to merge.
    if node.value.as_table().is_some() {
        o.node = Some(node);
    }
    o
}

/// The key under which a failure of any core file is recorded in `failed`.
const CORE: &str = "<core>";

/// Top-level sections of a project file its products inherit (`api` and `release` are the
/// project's own).
fn shared_section(key: &str) -> bool {
    matches!(key, "catalog" | "policy" | "rules")
}

struct Layered<'a> {
    core: &'a MNode,
    core_ok: bool,
    locks: &'a [Lock],
    project_files: &'a BTreeSet<String>,
}

impl Layered<'_> {
    fn plans(
        &self,
        parsed: &[Parsed],
        diags: &mut Diagnostics,
        failed: &mut BTreeSet<String>,
        checkers: &(&Checker, &Checker),
    ) -> Vec<CompiledPlan> {
        let mut seen: BTreeMap<String, FileId> = BTreeMap::new();
        let mut unique = |p: &Parsed, diags: &mut Diagnostics| -> bool {
            if let Some(first) = seen.get(p.path.stem.as_str()) {
                diags.push(
                    Diagnostic::error(
                        Code::DuplicateSlug,
                        format!("duplicate slug `{}`", p.path.stem),
                    )
                    .at(p.file, 0..0, "second file with this slug")
                    .with_secondary(*first, 0..0, "first file with this slug")
                    .with_help("every project and product needs its own slug (its file name)"),
                );
                return false;
            }
            seen.insert(p.path.stem.clone(), p.file);
            true
        };

        // Projects: shared sections (inherited by products), then the whole project plan.
        let mut projects: BTreeMap<&str, (MNode, bool)> = BTreeMap::new();
        let mut out = Vec::new();
        for p in parsed.iter().filter(|p| p.path.layer == LayerKind::Project) {
            if !unique(p, diags) {
                continue;
            }
            let before = diags.len();
            let mut shared = self.core.clone();
            diags.extend(merge::apply(
                &mut shared,
                p.file,
                &p.node,
                LayerKind::Project,
                self.locks,
                &shared_section,
            ));
            let mut full = shared.clone();
            diags.extend(merge::apply(
                &mut full,
                p.file,
                &p.node,
                LayerKind::Project,
                self.locks,
                &|k| !shared_section(k),
            ));
            let ok = self.core_ok && diags.len() == before && !failed.contains(&p.path.stem);
            projects.insert(&p.path.stem, (shared, ok));
            if let Some(plan) = self.finish(p, full, ok, None, diags, failed, checkers) {
                out.push(plan);
            }
        }

        // Products: core ⊕ project (shared sections) ⊕ product, each on its own (in parallel),
        // folded in file order so diagnostics come out as from one thread.
        let products: Vec<&Parsed> = parsed
            .iter()
            .filter(|p| p.path.layer == LayerKind::Product)
            .filter(|p| unique(p, diags))
            .collect();
        let applied: Vec<(Diagnostics, BTreeSet<String>, Option<CompiledPlan>)> = products
            .par_iter()
            .map(|p| {
                let (mut diags, mut failed) = (Diagnostics::default(), BTreeSet::new());
                let plan = self.product(p, &projects, &mut diags, &mut failed, checkers);
                (diags, failed, plan)
            })
            .collect();
        for (d, f, plan) in applied {
            diags.extend(d.0);
            failed.extend(f);
            out.extend(plan);
        }
        out.sort_by(|a, b| a.slug.cmp(&b.slug));
        out
    }

    /// One product: its project's shared sections under it, merged and finished.
    fn product(
        &self,
        p: &Parsed,
        projects: &BTreeMap<&str, (MNode, bool)>,
        diags: &mut Diagnostics,
        failed: &mut BTreeSet<String>,
        checkers: &(&Checker, &Checker),
    ) -> Option<CompiledPlan> {
        let project = p.node.get_path(&[
            crate::core::node::PathSeg::Key("product"),
            crate::core::node::PathSeg::Key("project"),
        ]);
        let (mut tree, mut ok, project_slug) = match project.map(|n| (&n.value, n.span.clone())) {
            Some((Value::String(name), span)) => match projects.get(name.as_str()) {
                Some((shared, ok)) => (shared.clone(), *ok, Slug::new(name).ok()),
                None if self.project_files.contains(name.as_str()) => {
                    (self.core.clone(), false, None)
                }
                None => {
                    let help = did_you_mean(name, projects.keys().copied())
                        .unwrap_or_else(|| "projects are the files in `plans/projects/`".into());
                    diags.push(
                        Diagnostic::error(
                            Code::UnknownProject,
                            format!("unknown project `{name}`"),
                        )
                        .at(p.file, span, "no such project")
                        .with_help(help),
                    );
                    (self.core.clone(), false, None)
                }
            },
            _ => (self.core.clone(), self.core_ok, None),
        };
        let before = diags.len();
        diags.extend(merge::apply(
            &mut tree,
            p.file,
            &p.node,
            LayerKind::Product,
            self.locks,
            &|_| true,
        ));
        ok &= diags.len() == before;
        self.finish(p, tree, ok, project_slug, diags, failed, checkers)
    }

    /// Validates an applied plan and deserializes it; `None` (and the slug in `failed`) on error.
    #[allow(clippy::too_many_arguments)]
    fn finish(
        &self,
        p: &Parsed,
        mut tree: MNode,
        ok: bool,
        project: Option<Slug>,
        diags: &mut Diagnostics,
        failed: &mut BTreeSet<String>,
        (api_checker, product_checker): &(&Checker, &Checker),
    ) -> Option<CompiledPlan> {
        let slug = Slug::new(&p.path.stem).expect("classify checked the file name");
        if !ok {
            failed.insert(p.path.stem.clone());
            return None;
        }
        // The applied plan's root is the plan's own file.
        tree.origin.file = p.file;
        tree.origin.layer = p.path.layer;
        let json = tree.to_json();
        let checker = if p.path.layer == LayerKind::Project {
            api_checker
        } else {
            product_checker
        };
        let errs = checker.check(&json, &tree);
        if !errs.is_empty() {
            diags.extend(errs);
            failed.insert(p.path.stem.clone());
            return None;
        }
        let body = if p.path.layer == LayerKind::Project {
            typed::<ApiPlan>(json, &tree).map(|p| PlanBody::Api(Box::new(p)))
        } else {
            typed::<ProductPlan>(json, &tree).map(|p| PlanBody::Product(Box::new(p)))
        };
        let mut body = match body {
            Ok(b) => b,
            Err(d) => {
                diags.push(*d);
                failed.insert(p.path.stem.clone());
                return None;
            }
        };
        // The labels a catalog does not state are published as the pages will show them: in
        // its language, and for what the plan sells.
        match &mut body {
            PlanBody::Api(a) => crate::core::messages::default_labels(&mut a.catalog, a.api.kind),
            PlanBody::Product(pp) => crate::core::messages::default_labels(
                &mut pp.catalog,
                crate::core::model::api::ProjectKind::Api,
            ),
        }
        let kind = match &mut body {
            PlanBody::Api(_) => EntityKind::Api,
            PlanBody::Product(pp) => {
                if pp.product.requires.is_empty() {
                    pp.product.requires.extend(project.clone());
                }
                pp.product.kind.into()
            }
        };
        Some(CompiledPlan {
            slug,
            file: p.file,
            kind,
            project,
            tree,
            body,
            computed: Computed::default(),
        })
    }
}

/// Lock paths declared by core files, checked against the plan schemas.
fn collect_locks(
    parsed: &[Parsed],
    (api, product): &(&Checker, &Checker),
    diags: &mut Diagnostics,
) -> Vec<Lock> {
    let mut locks = Vec::new();
    for p in parsed.iter().filter(|p| p.path.layer == LayerKind::Core) {
        let Some(Value::Array(items)) = p
            .node
            .get_path(&[crate::core::node::PathSeg::Key("locks")])
            .map(|n| &n.value)
        else {
            continue;
        };
        for item in items {
            let Value::String(path) = &item.value else {
                continue;
            };
            let segs: Vec<Seg> = path.split('.').map(|s| Seg::Key(s.to_string())).collect();
            let schemas = [&api.schema, &product.schema];
            let exists = |n: usize| {
                schemas
                    .iter()
                    .any(|s| !schema::subschemas_at(s, &segs[..n]).is_empty())
            };
            if path.split('.').all(|s| !s.is_empty()) && exists(segs.len()) {
                locks.push(Lock {
                    path: path.split('.').map(str::to_string).collect(),
                    except: Vec::new(),
                    children_only: false,
                    declared: Some((p.file, item.span.clone())),
                });
                continue;
            }
            let valid = (0..segs.len()).rev().find(|&n| exists(n)).unwrap_or(0);
            let mut known = BTreeSet::new();
            for s in schemas {
                known.extend(schema::known_keys(s, &segs[..valid]));
            }
            known.remove(schema::REMOVE_KEY);
            let bad = path.split('.').nth(valid).unwrap_or_default();
            let help = did_you_mean(bad, known.iter().map(String::as_str));
            diags.push(
                Diagnostic::error(
                    Code::InvalidLockPath,
                    format!("lock path `{path}` names no field of a plan"),
                )
                .at(
                    p.file,
                    item.span.clone(),
                    format!("`{bad}` is not a field here"),
                )
                .with_help_opt(help),
            );
        }
    }
    // Rule levels are core's to set, except for the rules core opens in `rule_overrides`.
    let open: Vec<String> = parsed
        .iter()
        .filter(|p| p.path.layer == LayerKind::Core)
        .filter_map(|p| {
            p.node
                .get_path(&[crate::core::node::PathSeg::Key("rule_overrides")])
        })
        .filter_map(|n| match &n.value {
            Value::Array(items) => Some(items),
            _ => None,
        })
        .flatten()
        .filter_map(|n| n.value.as_str().map(str::to_string))
        .collect();
    locks.push(Lock {
        path: vec!["rules".into()],
        except: open,
        children_only: true,
        declared: None,
    });
    locks
}

/// Computes bundle prices, and checks a stated price against the computed one.
fn compute_bundles(
    plans: &mut [CompiledPlan],
    slugs: &BTreeSet<String>,
    diags: &mut Diagnostics,
    failed: &mut BTreeSet<String>,
) {
    let apis: BTreeMap<&Slug, &Api> = plans
        .iter()
        .filter_map(|p| match &p.body {
            PlanBody::Api(a) => Some((&p.slug, &a.api)),
            PlanBody::Product(_) => None,
        })
        .collect();
    let products: BTreeMap<&Slug, &Product> = plans
        .iter()
        .filter_map(|p| match &p.body {
            PlanBody::Product(pp) => Some((&p.slug, &pp.product)),
            PlanBody::Api(_) => None,
        })
        .collect();
    let mut prices = Vec::new();
    for (i, p) in plans.iter().enumerate() {
        let PlanBody::Product(pp) = &p.body else {
            continue;
        };
        let Some(bundle) = pp
            .product
            .bundle
            .as_ref()
            .filter(|_| pp.product.kind == ProductKind::Bundle)
        else {
            continue;
        };
        let path = |rest: &[Seg]| -> Vec<Seg> {
            let mut v = vec![Seg::Key("product".into()), Seg::Key("bundle".into())];
            v.extend_from_slice(rest);
            v
        };
        let price = match compute::bundle_price(bundle, &apis, &products) {
            Ok(price) => price,
            Err(errors) => {
                // A component whose plan exists but failed has its own errors reported.
                let errors = errors
                    .into_iter()
                    .filter(|e| !e.refers_to.as_ref().is_some_and(|r| slugs.contains(r)));
                for e in errors {
                    let mut at = path(&[]);
                    if let Some(c) = e.component {
                        at.extend([Seg::Key("components".into()), Seg::Index(c)]);
                        at.extend(e.field.map(|f| Seg::Key(f.into())));
                    }
                    let n = p.tree.locate(&at);
                    diags.push(
                        Diagnostic::error(Code::UnknownReference, e.message)
                            .at(n.origin.file, n.origin.span.clone(), e.label)
                            .with_help_opt(e.help),
                    );
                }
                failed.insert(p.slug.to_string());
                continue;
            }
        };
        prices.push((i, price));
    }
    // A bundle outside any project requires the APIs its components need.
    let needs: Vec<(usize, Vec<Slug>)> = plans
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let PlanBody::Product(pp) = &p.body else {
                return None;
            };
            let bundle = pp.product.bundle.as_ref()?;
            if !pp.product.requires.is_empty() {
                return None;
            }
            let mut apis: Vec<Slug> = bundle
                .components
                .iter()
                .flat_map(|c| match c {
                    Component::Tier { api, .. } => vec![api.clone()],
                    Component::Product { product } => products
                        .get(product)
                        .map(|p| p.requires.clone())
                        .unwrap_or_default(),
                })
                .collect();
            apis.sort();
            apis.dedup();
            Some((i, apis))
        })
        .collect();
    for (i, price) in prices {
        plans[i].computed.bundle_price = Some(price);
    }
    for (i, apis) in needs {
        if let PlanBody::Product(pp) = &mut plans[i].body {
            pp.product.requires = apis;
        }
    }
}
