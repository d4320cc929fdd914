//! `plancat init [DIR] [--template NAME]`: a new catalog that builds clean as it is — one of
//! the example catalogs of the spec's businesses, with its schemas, editor settings, a
//! `.gitignore` and a short README for its owners.

use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use super::{Outcome, Output};
use crate::core::schema;
use crate::edge::{EdgeError, fs};

/// The shipped example (an API-plus-frontends business) and the other businesses' catalogs.
static API_FRONTENDS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/plans");
static EXAMPLES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/examples/catalogs");

/// Start a new catalog that builds clean as it is.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  plancat init shop --template saas
  plancat init . --template api-frontends --force")]
pub struct Args {
    /// Where to create it (created if missing; must be empty unless --force).
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Which business to start from.
    #[arg(long, value_enum, default_value_t = Template::ApiFrontends)]
    template: Template,
    /// Write into a folder that is not empty (files of the same name are replaced).
    #[arg(long)]
    force: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Template {
    /// APIs sold with the frontends built on them, and bundles (INR).
    ApiFrontends,
    /// Micro-SaaS memberships (the `micro-saas` example).
    Saas,
    /// Managed services with tiers, usage fees and cross-service bundles (USD).
    Services,
    /// One-time kits on a platform API.
    Kits,
    /// Pre-configured hosted accounts (EUR, `de-DE`).
    HostedAccounts,
}

impl Template {
    fn plans(self) -> &'static Dir<'static> {
        let example = |name: &str| {
            EXAMPLES
                .get_dir(format!("{name}/plans"))
                .expect("the example catalogs are embedded")
        };
        match self {
            Template::ApiFrontends => &API_FRONTENDS,
            Template::Saas => example("micro-saas"),
            Template::Services => example("managed-services"),
            Template::Kits => example("kits"),
            Template::HostedAccounts => example("hosted-accounts"),
        }
    }
}

const GITIGNORE: &str =
    "# plancat: the site is rebuilt from the ledger; the run manifest is a cache.
out/site/
out/.plancat/
out/.plancat.lock
";

const README: &str = "# Our plan catalog

Every price, tier, quota and product we sell is in `plans/`, in layers: `core/` (defaults and
policies for everything), `projects/` (one file per project: an API, a membership, software
or a service) and `products/` (one file per product or bundle). plancat checks them, publishes versioned snapshots to `out/snapshots/` (commit
them: child APIs charge from them) and renders our pages into `out/site/`.

    plancat check          # every problem, with file:line:col
    plancat serve --open   # preview the pages; they reload as you edit
    plancat build          # publish what changed, render the site
    plancat new product my-theme   # a new plan file, commented (`--project SLUG`: one of ours)

A draft (`status = \"draft\"`) is checked but never published. Published versions never change;
`plancat yank SLUG VERSION --reason \"…\"` withdraws one. `plancat help` lists every command.
";

const TAPLO: &str = "# Editors with taplo (Even Better TOML) complete and validate plan files against plancat's schemas.
[[rule]]
include = [\"plans/core/**/*.toml\"]
[rule.schema]
path = \"./schemas/core-layer.schema.json\"

[[rule]]
include = [\"plans/projects/**/*.toml\"]
[rule.schema]
path = \"./schemas/project-layer.schema.json\"

[[rule]]
include = [\"plans/products/**/*.toml\"]
[rule.schema]
path = \"./schemas/product-layer.schema.json\"
";

const VSCODE: &str = r#"{
  "json.schemas": [
    { "fileMatch": ["plans/core/*.json"], "url": "./schemas/core-layer.schema.json" },
    { "fileMatch": ["plans/projects/*.json"], "url": "./schemas/project-layer.schema.json" },
    { "fileMatch": ["plans/products/*.json"], "url": "./schemas/product-layer.schema.json" }
  ],
  "evenBetterToml.taplo.configFile.path": ".taplo.toml"
}
"#;

pub fn run(args: &Args, out: &mut Output) -> Result<Outcome, EdgeError> {
    let dir = &args.dir;
    if !args.force
        && let Ok(mut entries) = std::fs::read_dir(dir)
        && entries.next().is_some()
    {
        return Err(EdgeError(format!(
            "`{}` is not empty: choose a new folder, or pass --force to write into it",
            dir.display()
        )));
    }
    let mut written = 0;
    write_tree(args.template.plans(), &dir.join("plans"), &mut written)?;
    for (name, text) in schema::all() {
        fs::write_atomic(&dir.join("schemas").join(name), text.as_bytes())?;
        written += 1;
    }
    for (rel, text) in [
        (".gitignore", GITIGNORE),
        ("README.md", README),
        (".taplo.toml", TAPLO),
        (".vscode/settings.json", VSCODE),
    ] {
        fs::write_atomic(&dir.join(rel), text.as_bytes())?;
        written += 1;
    }
    out.status(
        "Created",
        &format!("a catalog in `{}` ({written} files)", dir.display()),
    );
    let cd = if dir == Path::new(".") {
        String::new()
    } else {
        format!("cd {} && ", dir.display())
    };
    if out.quiet() {
        return Ok(Outcome::Clean);
    }
    out.stdout(&format!(
        "Next:\n  {cd}plancat build   # check everything, publish the first versions\n  plancat serve --open   # preview the pages; they reload as you edit\n  git init && git add . && git commit -m \"Our catalog\"   # out/snapshots/ is what child APIs charge from\n"
    ));
    Ok(Outcome::Clean)
}

/// `#:schema ../../schemas/project-layer.schema.json` and a newline, for a TOML plan file in
/// `plans/<folder>/`: taplo (and the editors built on it) validate and complete the file
/// against plancat's schema from this directive alone, with no configuration.
pub fn schema_directive(folder: &str) -> String {
    let layer = match folder {
        "core" => "core",
        "projects" => "project",
        _ => "product",
    };
    format!("#:schema ../../schemas/{layer}-layer.schema.json\n")
}

/// Writes an embedded folder under `to`, file by file; TOML plan files get a `#:schema`
/// directive on their first line.
fn write_tree(from: &Dir<'_>, to: &Path, written: &mut usize) -> Result<(), EdgeError> {
    for f in from.files() {
        let rel = f.path().strip_prefix(from.path()).unwrap_or(f.path());
        let target = to.join(rel);
        let folder = target
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let is_plan = target.extension().is_some_and(|e| e == "toml")
            && matches!(folder, "core" | "projects" | "products");
        if is_plan && !f.contents().starts_with(b"#:schema") {
            let mut bytes = schema_directive(folder).into_bytes();
            bytes.extend_from_slice(f.contents());
            fs::write_atomic(&target, &bytes)?;
        } else {
            fs::write_atomic(&target, f.contents())?;
        }
        *written += 1;
    }
    for d in from.dirs() {
        let rel = d.path().strip_prefix(from.path()).unwrap_or(d.path());
        write_tree(d, &to.join(rel), written)?;
    }
    Ok(())
}
