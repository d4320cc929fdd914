//! Version planning: for every live or retired plan, whether its content changed since the
//! latest published version, and if so the new version, its bump and its reasons.
//!
//! Invariant: no clock — `effective_from` is passed in; a published file is never planned
//! again.

use semver::Version;

use super::{Ledger, Published, bump};
use crate::core::compile::CompiledPlan;
use crate::core::diag::{Code, Diagnostic};
use crate::core::model::api::Status;
use crate::core::model::ids::Instant;
use crate::core::model::product::Component;
use crate::core::path::Seg;
use plancat_consumer::hash::content_hash;
use plancat_consumer::wire::{Bump, Computed, EntityKind, FORMAT_VERSION, Snapshot, SourceRef};

/// A new version `build` will publish.
#[derive(Debug)]
pub struct Publication {
    pub snapshot: Snapshot,
    pub bump: Option<Bump>,
    /// What changed since the latest published version, typed (empty for a first version).
    pub changes: Vec<bump::Change>,
    /// The lines the index records: every change's, and notes such as a requested version.
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
            .and_then(Published::max_version)
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
    // Sources first: a bundle records the versions its price was computed from, which may be
    // published in this same run.
    let mut order: Vec<&CompiledPlan> = plans
        .iter()
        .filter(|p| p.status() != Status::Draft)
        .collect();
    order.sort_by_key(|p| (p.kind == EntityKind::Bundle, p.slug.clone()));
    // The published version each unchanged plan's content is: a bundle computed from it
    // names that version (after a withdrawal, the one in force, not the withdrawn newest).
    let mut unchanged: std::collections::BTreeMap<String, SourceRef> = Default::default();
    for p in order {
        let plan = p.published();
        let mut computed: Computed = p.computed.clone();
        if computed.bundle_price.is_some() {
            computed.sources = sources(p, ledger, &out, &unchanged);
        }
        let content = plancat_consumer::wire::Content {
            slug: &p.slug,
            kind: p.kind,
            project: &p.project,
            catalog: p.catalog(),
            plan: &plan,
            computed: &computed,
        };
        let hash = content_hash(&content);
        let loaded = ledger.slugs.get(p.slug.as_str());
        if loaded.is_some_and(|l| !l.verified) || ledger.broken.contains(p.slug.as_str()) {
            continue;
        }
        let latest = loaded.and_then(Published::latest);
        // A change is what subscribers see: compared with the newest version not withdrawn
        // (a withdrawn price increase never reached anyone, and must not slip back in as a
        // PATCH without notice).
        let baseline = loaded.and_then(Published::baseline);
        if let Some(same) = [latest, baseline]
            .into_iter()
            .flatten()
            .find(|s| s.content_hash == hash)
        {
            // The file still describes a withdrawn version: nothing to publish, but what is in
            // force differs from what the file says.
            if let (Some(withdrawn), Some(in_force)) = (latest, baseline)
                && same.plan_version == withdrawn.plan_version
                && in_force.plan_version != withdrawn.plan_version
            {
                diags.push(
                    Diagnostic::warning(
                        Code::WithdrawnContent,
                        format!(
                            "`{}` describes {}, which is withdrawn: {} is in force",
                            p.slug, withdrawn.plan_version, in_force.plan_version
                        ),
                    )
                    .at(p.file, 0..0, "this plan")
                    .with_help(format!(
                        "put the file back as {} is (the next change is measured against it), or \
                         `plancat yank {} {} --undo` to restore the withdrawn version",
                        in_force.plan_version, p.slug, withdrawn.plan_version
                    )),
                );
            }
            unchanged.insert(
                p.slug.to_string(),
                SourceRef {
                    slug: same.slug.clone(),
                    plan_version: same.plan_version.clone(),
                    content_hash: same.content_hash.clone(),
                },
            );
            continue;
        }
        let (bump, changes, required) = match baseline {
            None => (None, Vec::new(), Version::new(1, 0, 0)),
            Some(prev) => {
                let (b, r) = bump::classify(&comparable(&prev.content()), &comparable(&content))
                    .unwrap_or_else(|| {
                        let same = bump::Change {
                            kind: bump::ChangeKind::Reencoded,
                            reason: "re-encoded".into(),
                            path: Vec::new(),
                        };
                        (Bump::Patch, vec![same])
                    });
                let base = loaded
                    .and_then(Published::max_version)
                    .unwrap_or(&prev.plan_version);
                (Some(b), r, bump::next(base, b))
            }
        };
        let mut reasons: Vec<String> = if changes.is_empty() {
            vec!["first published version".to_string()]
        } else {
            changes.iter().map(bump::Change::line).collect()
        };
        let release = p.release();
        let version = match &release.version {
            Some(asked)
                if loaded
                    .and_then(Published::max_version)
                    .is_some_and(|m| asked <= m) =>
            {
                diags.push(at_release(p, "version", Code::VersionTooLow, format!(
                    "`release.version` {asked} of `{}` is already published; the next version must be above {}",
                    p.slug,
                    loaded.and_then(Published::max_version).map(ToString::to_string).unwrap_or_default()
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
                ("the effective time (`--effective-from`, else now)", "set `release.effective_from` (or `--effective-from`) after the previous version".to_string())
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
            .and_then(Published::latest_live)
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
            changes,
            reasons,
        });
    }
    out.sort_by(|a, b| a.snapshot.slug.cmp(&b.snapshot.slug));
    (out, diags)
}

/// Snapshots of the draft plans for a preview (`plancat serve --drafts`): never written, never
/// resolvable, versioned `0.0.0-draft` so nothing can mistake one for a published version.
pub fn drafts(plans: &[CompiledPlan], at: Instant) -> Vec<Snapshot> {
    plans
        .iter()
        .filter(|p| p.status() == Status::Draft)
        .map(|p| {
            let plan = p.published();
            let computed = p.computed.clone();
            let content_hash = content_hash(&plancat_consumer::wire::Content {
                slug: &p.slug,
                kind: p.kind,
                project: &p.project,
                catalog: p.catalog(),
                plan: &plan,
                computed: &computed,
            });
            Snapshot {
                format_version: FORMAT_VERSION,
                slug: p.slug.clone(),
                kind: p.kind,
                project: p.project.clone(),
                plan_version: Version::parse("0.0.0-draft").expect("a valid version"),
                effective_from: at,
                existing_from: None,
                rollback_to: None,
                content_hash,
                catalog: p.catalog().clone(),
                plan,
                computed,
            }
        })
        .collect()
}

/// The versions a bundle's computed price comes from: each component's version published in
/// this run, else the published version its content is (`unchanged`), else its newest.
fn sources(
    p: &CompiledPlan,
    ledger: &Ledger,
    publishing: &[Publication],
    unchanged: &std::collections::BTreeMap<String, SourceRef>,
) -> Vec<SourceRef> {
    let Some(bundle) = p.product().and_then(|b| b.bundle.as_ref()) else {
        return Vec::new();
    };
    let mut refs: Vec<SourceRef> = bundle
        .components
        .iter()
        .map(|c| match c {
            Component::Tier { api, .. } => api,
            Component::Product { product } => product,
        })
        .filter_map(|slug| {
            if let Some(same) = unchanged.get(slug.as_str()) {
                return Some(same.clone());
            }
            let new = publishing.iter().find(|q| q.snapshot.slug == *slug);
            let s = match new {
                Some(q) => &q.snapshot,
                None => ledger.slugs.get(slug.as_str())?.latest()?,
            };
            Some(SourceRef {
                slug: s.slug.clone(),
                plan_version: s.plan_version.clone(),
                content_hash: s.content_hash.clone(),
            })
        })
        .collect();
    refs.sort();
    refs.dedup();
    refs
}

/// A snapshot's content as one flat table — `kind`, `project`, `catalog`, the API's or
/// product's own fields, and the computed values — the view bumps and diffs compare, so
/// reasons read `tiers.growth.price…` rather than `plan.api.tiers…`.
pub fn comparable(c: &plancat_consumer::wire::Content<'_>) -> serde_json::Value {
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
