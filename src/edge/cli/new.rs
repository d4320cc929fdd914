//! `plancat new api|product|bundle SLUG`: a plan file in the right folder, valid as written,
//! with a comment on each field — a draft, so it is checked but never published until its
//! `status` says `live`.

use super::{Ctx, Outcome, Output};
use crate::core::model::ids::Slug;
use crate::edge::{EdgeError, fs};

/// Start a new API, product or bundle file (a draft, valid as it is).
#[derive(clap::Args)]
#[command(after_help = "Examples:
  plancat new api payments-api
  plancat new product checkout-theme --project payments-api
  plancat new bundle starter-bundle --project payments-api")]
pub struct Args {
    /// What to create.
    #[arg(value_enum)]
    kind: Kind,
    /// Its slug: the file name (lowercase letters, digits and single hyphens).
    slug: String,
    /// The API project a product or bundle belongs to (required for a bundle: its first
    /// component is that API's first tier).
    #[arg(long, value_name = "SLUG")]
    project: Option<String>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Kind {
    Api,
    Product,
    Bundle,
}

pub fn run(args: &Args, cx: &Ctx, out: &mut Output) -> Result<Outcome, EdgeError> {
    let slug = Slug::new(&args.slug).map_err(|e| EdgeError(format!("`{}`: {e}", args.slug)))?;
    let project = args
        .project
        .as_deref()
        .map(|p| Slug::new(p).map_err(|e| EdgeError(format!("`--project {p}`: {e}"))))
        .transpose()?;
    let plans = cx.root.join("plans");
    if !plans.is_dir() {
        return Err(EdgeError(format!(
            "no `plans/` in `{}`: run this in a catalog (or pass --root)",
            cx.root.display()
        )));
    }
    // A product or bundle of a project that does not exist would fail `check` at once: say so
    // now, with the closest project.
    if let Some(p) = &project {
        let projects = plans.join("projects");
        let known: Vec<String> = fs::regular_files(&projects)
            .ok()
            .flatten()
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(name, _)| {
                let stem = name
                    .strip_suffix(".toml")
                    .or_else(|| name.strip_suffix(".json"))?;
                Some(stem.to_string())
            })
            .collect();
        if !known.iter().any(|k| k == p.as_str()) {
            let hint =
                crate::core::diag::did_you_mean(p.as_str(), known.iter().map(String::as_str))
                    .unwrap_or_else(|| {
                        if known.is_empty() {
                            "there is no project yet: `plancat new api SLUG` writes one".into()
                        } else {
                            format!("the projects are: {}", known.join(", "))
                        }
                    });
            return Err(EdgeError(format!(
                "no project `{p}` in `plans/projects/` ({hint})"
            )));
        }
    }
    let (folder, text) = match args.kind {
        Kind::Api => ("projects", api(&slug, &currency(&plans))),
        Kind::Product => (
            "products",
            product(&slug, project.as_ref(), &currency(&plans)),
        ),
        Kind::Bundle => {
            let Some(project) = project else {
                return Err(EdgeError(
                    "a bundle needs `--project API`: its first component is that API's first tier"
                        .into(),
                ));
            };
            let tier = first_tier(&plans, &project)?;
            ("products", bundle(&slug, &project, &tier))
        }
    };
    for existing in ["projects", "products"]
        .iter()
        .flat_map(|d| ["toml", "json"].map(|ext| plans.join(d).join(format!("{slug}.{ext}"))))
    {
        if existing.exists() {
            return Err(EdgeError(format!(
                "`{}` already exists: a slug names one plan",
                existing
                    .strip_prefix(cx.root)
                    .unwrap_or(&existing)
                    .display()
            )));
        }
    }
    let path = plans.join(folder).join(format!("{slug}.toml"));
    // Editors with taplo read the directive and complete and check the file as it is typed.
    let text = format!("{}{text}", super::init::schema_directive(folder));
    fs::write_atomic(&path, text.as_bytes())?;
    out.status(
        "Created",
        &format!("`plans/{folder}/{slug}.toml` (a draft); edit it, then `plancat check`"),
    );
    Ok(Outcome::Clean)
}

/// The catalog's display currency, from its core files (`USD` when none says).
fn currency(plans: &std::path::Path) -> String {
    let Ok(Some(files)) = fs::regular_files(&plans.join("core")) else {
        return "USD".into();
    };
    files
        .iter()
        .filter(|(name, _)| name.ends_with(".toml"))
        .filter_map(|(_, p)| std::fs::read_to_string(p).ok())
        .filter_map(|t| t.parse::<toml::Table>().ok())
        .find_map(|t| {
            t.get("catalog")?
                .get("currency")?
                .as_str()
                .map(str::to_string)
        })
        .unwrap_or_else(|| "USD".into())
}

/// The lowest tier of an API project file (TOML or JSON).
fn first_tier(plans: &std::path::Path, project: &Slug) -> Result<String, EdgeError> {
    let dir = plans.join("projects");
    let read = |ext: &str| std::fs::read_to_string(dir.join(format!("{project}.{ext}"))).ok();
    let doc: Option<serde_json::Value> = match (read("toml"), read("json")) {
        (Some(t), _) => t
            .parse::<toml::Table>()
            .ok()
            .and_then(|t| serde_json::to_value(t).ok()),
        (None, Some(j)) => serde_json::from_str(&j).ok(),
        (None, None) => {
            return Err(EdgeError(format!(
                "no API project `{project}` in `plans/projects/`"
            )));
        }
    };
    doc.as_ref()
        .and_then(|d| d.get("api")?.get("tiers")?.as_object())
        .and_then(|tiers| {
            tiers
                .iter()
                .map(|(k, v)| (v.get("order").and_then(|o| o.as_i64()).unwrap_or(0), k))
                .min()
                .map(|(_, k)| k.clone())
        })
        .ok_or_else(|| {
            EdgeError(format!(
                "API project `{project}` has no tiers to bundle yet"
            ))
        })
}

/// `payments-api` → `Payments API`: words capitalised, common acronyms in capitals.
fn title(slug: &Slug) -> String {
    const ACRONYMS: [&str; 8] = ["api", "ai", "sdk", "crm", "cms", "seo", "saas", "ui"];
    slug.as_str()
        .split('-')
        .map(|w| {
            if ACRONYMS.contains(&w) {
                return w.to_uppercase();
            }
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn api(slug: &Slug, cur: &str) -> String {
    format!(
        r#"# The API project `{slug}`: its tiers, add-ons and promotions. Its products inherit this
# file's `catalog` and `policy` sections. `plancat check` checks it; `plancat build` publishes it
# once `status` is "live". Schema: `plancat schema` writes schemas/project-layer.schema.json.

[api]
name = "{name}"                  # shown on every page
status = "draft"                 # draft (checked, never published) | live | retired
summary = "What {name} does, in one line."

[api.tiers.starter]
name = "Starter"                 # shown on the tier table
order = 1                        # position in the tier ladder, lowest first
description = "Who this tier is for."
price.monthly = {{ {cur} = "29" }}   # money is a decimal string, never a float
price.yearly = {{ {cur} = "290" }}   # optional; pages show what yearly billing saves
trial_days = 14                  # optional; absent means no trial
quotas.api-calls = {{ limit = 10000, period = "month", unit = "API calls", overage = {{ price = {{ {cur} = "1" }}, per = 1000 }} }}
"#,
        name = title(slug)
    )
}

fn product(slug: &Slug, project: Option<&Slug>, cur: &str) -> String {
    let (kind, link) = match project {
        Some(p) => (
            "frontend",
            format!(
                "project = \"{p}\"              # the project it belongs to (its catalog settings are inherited)\n"
            ),
        ),
        None => (
            "kit",
            "requires = []                  # a stand-alone product needs no project\n".into(),
        ),
    };
    format!(
        r#"# The product `{slug}`. `plancat check` checks it; `plancat build` publishes it once
# `status` is "live".

[product]
name = "{name}"                  # shown on its page and in lists
kind = "{kind}"                  # frontend | kit | addon | bundle | subscription | service
status = "draft"                 # draft (checked, never published) | live | retired
{link}price.one_time = {{ {cur} = "49" }}   # a decimal string, never a float
# checkout = "https://…"        # where its Buy button leads (https:, http: or mailto:)

[product.copy]
tagline = "One line a customer reads first."
"#,
        name = title(slug)
    )
}

fn bundle(slug: &Slug, project: &Slug, tier: &str) -> String {
    format!(
        r#"# The bundle `{slug}`: its price is computed from its components, never typed.
# `plancat check` checks it; `plancat build` publishes it once `status` is "live".

[product]
name = "{name}"
kind = "bundle"
status = "draft"                 # draft (checked, never published) | live | retired
project = "{project}"

[product.bundle]
components = [
  {{ api = "{project}", tier = "{tier}" }},   # add tiers ({{ api, tier }}) and products ({{ product }})
]
discount = 10                    # percent off the components' sum
# rounding = "charm"            # minor (default) | whole | charm: applied to the computed price
"#,
        name = title(slug)
    )
}
