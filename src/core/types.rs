//! Typed ids for apps (`plancat build --emit-types DIR`): the catalog's plan slugs, tier ids,
//! feature ids, add-on ids and quota ids as a TypeScript declaration file (`plancat.d.ts`) and
//! a Rust module (`plancat_ids.rs`), so a child API or a frontend that names a tier the catalog
//! does not have fails to compile.
//!
//! What is in them: every plan that compiled, whatever its status — drafts, because code is
//! written before a launch; retired plans, because their subscribers are still served. Slugs
//! and ids are sorted, except tiers, which are in ladder order (`order`, then id), so the Rust
//! enums' `Ord` compares tiers by the ladder.
//!
//! Invariant: pure and deterministic — the same compiled catalog gives the same bytes (no
//! time, no paths, no plancat version in them, so a rebuild rewrites nothing).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::core::compile::{Compiled, CompiledPlan, InputFile, PlanBody};
use crate::core::model::product::ProductKind;

/// The TypeScript declaration file's name.
pub const TS_FILE: &str = "plancat.d.ts";
/// The Rust module's name.
pub const RUST_FILE: &str = "plancat_ids.rs";

/// The two generated files' contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Types {
    /// `plancat.d.ts`
    pub typescript: String,
    /// `plancat_ids.rs`
    pub rust: String,
}

impl Types {
    /// (file name, contents) of each file.
    pub fn files(&self) -> [(&'static str, &str); 2] {
        [(TS_FILE, &self.typescript), (RUST_FILE, &self.rust)]
    }
}

/// The typed ids of a compiled catalog.
pub fn generate(compiled: &Compiled) -> Types {
    let ids = Ids::of(&compiled.plans);
    Types {
        typescript: typescript(&ids),
        rust: rust(&ids),
    }
}

/// The typed ids of the plan files alone (compiling them): what `build` emits when its run
/// manifest says nothing changed and the pipeline is skipped.
pub fn of_plans(plans: &[InputFile]) -> Types {
    generate(&crate::core::compile::compile(plans))
}

/// One API project's ids.
#[derive(Default)]
struct Project {
    /// In ladder order.
    tiers: Vec<String>,
    addons: BTreeSet<String>,
    features: BTreeSet<String>,
    quotas: BTreeSet<String>,
}

/// Every id the files name, sorted (tiers in ladder order).
#[derive(Default)]
struct Ids {
    /// Whose catalog: brand and base URL.
    catalog: Option<(String, String)>,
    apis: BTreeMap<String, Project>,
    products: BTreeSet<String>,
    bundles: BTreeSet<String>,
    tiers: BTreeSet<String>,
    features: BTreeSet<String>,
    addons: BTreeSet<String>,
    quotas: BTreeSet<String>,
}

impl Ids {
    fn of(plans: &[CompiledPlan]) -> Ids {
        let mut ids = Ids {
            catalog: plans
                .first()
                .map(|p| (p.catalog().brand.clone(), p.catalog().base_url.clone())),
            ..Ids::default()
        };
        for p in plans {
            ids.features
                .extend(p.catalog().features.keys().map(|f| f.as_str().to_string()));
            match &p.body {
                PlanBody::Api(plan) => {
                    let api = &plan.api;
                    let mut project = Project::default();
                    let mut ladder: Vec<_> = api.tiers.iter().collect();
                    ladder.sort_by(|(a, x), (b, y)| x.order.cmp(&y.order).then(a.cmp(b)));
                    project.tiers = ladder
                        .iter()
                        .map(|(id, _)| id.as_str().to_string())
                        .collect();
                    for t in api.tiers.values() {
                        project
                            .features
                            .extend(t.features.keys().map(|f| f.as_str().to_string()));
                        project
                            .quotas
                            .extend(t.quotas.keys().map(|q| q.as_str().to_string()));
                    }
                    project
                        .addons
                        .extend(api.addons.keys().map(|a| a.as_str().to_string()));
                    ids.tiers.extend(project.tiers.iter().cloned());
                    ids.features.extend(project.features.iter().cloned());
                    ids.quotas.extend(project.quotas.iter().cloned());
                    ids.addons.extend(project.addons.iter().cloned());
                    ids.apis.insert(p.slug.as_str().to_string(), project);
                }
                PlanBody::Product(plan) if plan.product.kind == ProductKind::Bundle => {
                    ids.bundles.insert(p.slug.as_str().to_string());
                }
                PlanBody::Product(_) => {
                    ids.products.insert(p.slug.as_str().to_string());
                }
            }
        }
        ids
    }

    /// The header both files start with, as `//` lines.
    fn header(&self) -> String {
        let edit = "Do not edit: the next `plancat build --emit-types` rewrites it.";
        let whose = match &self.catalog {
            Some((brand, url)) => format!(
                "the catalog of {}\n// ({}). {edit}",
                one_line(brand),
                one_line(url)
            ),
            None => format!("an empty catalog.\n// {edit}"),
        };
        format!(
            "// Generated by `plancat build --emit-types DIR` from {whose}\n\
             //\n\
             // Every plan in `plans/` is here, whatever its status: drafts, because code is written\n\
             // before a launch, and retired plans, because their subscribers are still served.\n\
             // Ids are sorted; tiers are in ladder order, lowest first.\n"
        )
    }
}

/// Text for a `//` comment line: control characters (a newline) become spaces.
fn one_line(s: &str) -> String {
    let line: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    line.trim().to_string()
}

// ---------------------------------------------------------------------------------------------
// Identifiers

/// `shopcore-commerce-api` → `ShopcoreCommerceApi`: each word capitalised, hyphens dropped; a
/// slug that starts with a digit gets an `N` (`1st-tier` → `N1stTier`).
pub fn pascal(slug: &str) -> String {
    let mut out = String::with_capacity(slug.len() + 1);
    if slug.starts_with(|c: char| c.is_ascii_digit()) {
        out.push('N');
    }
    for word in slug.split('-') {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    out
}

/// Whether [`pascal`] loses information for `slug`: a word that starts with a digit has no
/// capital to mark where it starts (`v-2` and `v2` are both `V2`; `1a` and `n1a` both `N1a`).
fn ambiguous(slug: &str) -> bool {
    slug.split('-')
        .any(|w| w.starts_with(|c: char| c.is_ascii_digit()))
}

/// The spelling that keeps every hyphen: `_` before each word that starts with a digit
/// (`v-2` → `V_2`, `1st-tier` → `_1stTier`). Used only when two slugs' [`pascal`] collide.
fn exact(slug: &str) -> String {
    let mut out = String::with_capacity(slug.len() + 2);
    for word in slug.split('-') {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            if first.is_ascii_digit() {
                out.push('_');
            }
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    out
}

/// Whether rustc's `non_camel_case_types` lint accepts `name` (its own test: leading and
/// trailing underscores aside, no `__` and no `_` beside a letter).
fn camel_clean(name: &str) -> bool {
    let name = name.trim_matches('_');
    let b = name.as_bytes();
    !name.contains("__")
        && !b.first().is_some_and(u8::is_ascii_lowercase)
        && !b.windows(2).any(|w| {
            (w[0] == b'_' && w[1].is_ascii_alphabetic())
                || (w[1] == b'_' && w[0].is_ascii_alphabetic())
        })
}

/// Names a Rust item or variant cannot take, or that would clash with the generated
/// associated items (`Self::ALL`, `Self::API`): they get a trailing `_`.
const RUST_RESERVED: &[&str] = &["Self", "ALL", "API"];

/// One identifier per slug of a namespace (same order), all distinct: [`pascal`], except that
/// when several slugs share one, those it loses information for take their [`exact`] spelling
/// (at most one slug of a group is unambiguous, and exact spellings contain `_` before a digit,
/// which no other name does). With `rust`, reserved names get a trailing `_`.
pub fn idents<S: AsRef<str>>(slugs: &[S], rust: bool) -> Vec<String> {
    let natural: Vec<String> = slugs.iter().map(|s| pascal(s.as_ref())).collect();
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for n in &natural {
        *count.entry(n.as_str()).or_default() += 1;
    }
    slugs
        .iter()
        .zip(&natural)
        .map(|(slug, n)| {
            let slug = slug.as_ref();
            let name = if count[n.as_str()] > 1 && ambiguous(slug) {
                exact(slug)
            } else {
                n.clone()
            };
            if rust && RUST_RESERVED.contains(&name.as_str()) {
                format!("{name}_")
            } else {
                name
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// TypeScript

fn ts_union<S: AsRef<str>>(ids: impl IntoIterator<Item = S>) -> String {
    let parts: Vec<String> = ids
        .into_iter()
        .map(|s| format!("\"{}\"", s.as_ref()))
        .collect();
    if parts.is_empty() {
        "never".to_string()
    } else {
        parts.join(" | ")
    }
}

/// `export type Name = …;`, one member a line.
fn ts_type<S: AsRef<str>>(
    out: &mut String,
    doc: &str,
    name: &str,
    ids: impl IntoIterator<Item = S>,
) {
    let _ = writeln!(out, "\n/** {doc} */");
    let members: Vec<String> = ids
        .into_iter()
        .map(|s| format!("\n  | \"{}\"", s.as_ref()))
        .collect();
    if members.is_empty() {
        let _ = writeln!(out, "export type {name} = never;");
    } else {
        let _ = writeln!(out, "export type {name} ={};", members.concat());
    }
}

fn typescript(ids: &Ids) -> String {
    let mut out = ids.header();
    ts_type(
        &mut out,
        "An API project (`plans/projects/<slug>`): the slug its snapshots are published under.",
        "ApiSlug",
        ids.apis.keys(),
    );
    ts_type(
        &mut out,
        "A product that is not a bundle (`plans/products/<slug>`).",
        "ProductSlug",
        &ids.products,
    );
    ts_type(
        &mut out,
        "A bundle (`plans/products/<slug>` with `kind = \"bundle\"`).",
        "BundleSlug",
        &ids.bundles,
    );
    out.push_str(
        "\n/** Any plan: the slug its snapshots are published under. */\n\
         export type PlanSlug = ApiSlug | ProductSlug | BundleSlug;\n",
    );
    let slugs: Vec<&String> = ids.apis.keys().collect();
    let names = idents(&slugs, false);
    for ((slug, p), name) in ids.apis.iter().zip(&names) {
        ts_type(
            &mut out,
            &format!("The tiers of `{slug}`, lowest first."),
            &format!("{name}Tier"),
            &p.tiers,
        );
    }
    out.push_str(
        "\n/** Each API project's tier ids: `Tiers[\"<api>\"]`. */\nexport interface Tiers {\n",
    );
    for (slug, name) in slugs.iter().zip(&names) {
        let _ = writeln!(out, "  \"{slug}\": {name}Tier;");
    }
    out.push_str("}\n");
    type Of = fn(&Project) -> &BTreeSet<String>;
    let maps: [(&str, &str, Of); 3] = [
        ("Addons", "add-on ids", |p| &p.addons),
        ("Features", "feature ids (of its tiers)", |p| &p.features),
        ("Quotas", "quota ids (of its tiers)", |p| &p.quotas),
    ];
    for (name, what, of) in maps {
        let _ = writeln!(
            out,
            "\n/** Each API project's {what}. */\nexport interface {name} {{"
        );
        for (slug, p) in &ids.apis {
            let _ = writeln!(out, "  \"{slug}\": {};", ts_union(of(p)));
        }
        out.push_str("}\n");
    }
    ts_type(
        &mut out,
        "A tier id of any API project.",
        "TierId",
        &ids.tiers,
    );
    ts_type(
        &mut out,
        "A feature id: of any tier, or declared in `[catalog.features]`.",
        "FeatureId",
        &ids.features,
    );
    ts_type(
        &mut out,
        "An add-on id of any API project.",
        "AddonId",
        &ids.addons,
    );
    ts_type(&mut out, "A quota id of any tier.", "QuotaId", &ids.quotas);
    out
}

// ---------------------------------------------------------------------------------------------
// Rust

const DERIVE: &str = "#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]";

/// One enum of slugs with `ALL`, `slug`, `from_slug` and `Display`, indented by `pad`.
struct RustEnum<'a> {
    pad: &'a str,
    doc: &'a str,
    name: &'a str,
    slugs: &'a [&'a str],
    /// More associated items (already indented one level inside the `impl`).
    extra: &'a str,
}

impl RustEnum<'_> {
    fn write(&self, out: &mut String) {
        let RustEnum {
            pad,
            doc,
            name,
            slugs,
            extra,
        } = self;
        let variants = idents(slugs, true);
        let _ = writeln!(out, "\n{pad}/// {doc}");
        let _ = writeln!(out, "{pad}{DERIVE}");
        if !camel_clean(name) {
            let _ = writeln!(out, "{pad}#[allow(non_camel_case_types)]");
        }
        let _ = writeln!(out, "{pad}pub enum {name} {{");
        for (slug, v) in slugs.iter().zip(&variants) {
            let _ = writeln!(out, "{pad}    /// `{slug}`");
            if !camel_clean(v) {
                let _ = writeln!(out, "{pad}    #[allow(non_camel_case_types)]");
            }
            let _ = writeln!(out, "{pad}    {v},");
        }
        let _ = writeln!(out, "{pad}}}\n");
        let _ = writeln!(out, "{pad}impl {name} {{");
        out.push_str(extra);
        let _ = writeln!(
            out,
            "{pad}    /// Every one, in the order `Ord` sorts them."
        );
        if variants.is_empty() {
            let _ = writeln!(out, "{pad}    pub const ALL: &'static [Self] = &[];\n");
        } else {
            let _ = writeln!(out, "{pad}    pub const ALL: &'static [Self] = &[");
            for v in &variants {
                let _ = writeln!(out, "{pad}        Self::{v},");
            }
            let _ = writeln!(out, "{pad}    ];\n");
        }
        let _ = writeln!(
            out,
            "{pad}    /// The id as the catalog and its snapshots spell it.\n\
             {pad}    #[must_use]\n\
             {pad}    pub const fn slug(self) -> &'static str {{"
        );
        if variants.is_empty() {
            let _ = writeln!(out, "{pad}        match self {{}}");
        } else {
            let _ = writeln!(out, "{pad}        match self {{");
            for (slug, v) in slugs.iter().zip(&variants) {
                let _ = writeln!(out, "{pad}            Self::{v} => \"{slug}\",");
            }
            let _ = writeln!(out, "{pad}        }}");
        }
        let _ = writeln!(
            out,
            "{pad}    }}\n\n\
             {pad}    /// The one spelt `slug`, if the catalog has it.\n\
             {pad}    #[must_use]\n\
             {pad}    pub fn from_slug(slug: &str) -> ::core::option::Option<Self> {{\n\
             {pad}        Self::ALL.iter().copied().find(|v| v.slug() == slug)\n\
             {pad}    }}\n\
             {pad}}}\n\n\
             {pad}impl ::core::fmt::Display for {name} {{\n\
             {pad}    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {{\n\
             {pad}        f.write_str(self.slug())\n\
             {pad}    }}\n\
             {pad}}}"
        );
    }
}

fn strs(set: &BTreeSet<String>) -> Vec<&str> {
    set.iter().map(String::as_str).collect()
}

fn rust(ids: &Ids) -> String {
    let mut out = ids.header();
    out.push_str(
        "//\n\
         // Plain `std`, no dependencies. Include it in a module of its own:\n\
         //     mod plancat_ids { include!(\"plancat_ids.rs\"); }\n",
    );
    let apis: Vec<&str> = ids.apis.keys().map(String::as_str).collect();
    let products = strs(&ids.products);
    let bundles = strs(&ids.bundles);
    let features = strs(&ids.features);
    let addons = strs(&ids.addons);
    let quotas = strs(&ids.quotas);
    let top: [(&str, &str, &[&str]); 6] = [
        (
            "An API project (`plans/projects/<slug>`); its tiers are in [`tiers`].",
            "Api",
            &apis,
        ),
        (
            "A product that is not a bundle (`plans/products/<slug>`).",
            "Product",
            &products,
        ),
        (
            "A bundle (`plans/products/<slug>` with `kind = \"bundle\"`).",
            "Bundle",
            &bundles,
        ),
        (
            "A feature id: of any tier, or declared in `[catalog.features]`.",
            "Feature",
            &features,
        ),
        ("An add-on id of any API project.", "Addon", &addons),
        ("A quota id of any tier.", "Quota", &quotas),
    ];
    for (doc, name, slugs) in top {
        RustEnum {
            pad: "",
            doc,
            name,
            slugs,
            extra: "",
        }
        .write(&mut out);
    }
    out.push_str(
        "\n/// Each API project's tiers, lowest first: `Ord` compares tiers by the ladder.\n\
         pub mod tiers {",
    );
    let names = idents(&apis, true);
    for ((slug, p), name) in ids.apis.iter().zip(&names) {
        let tiers: Vec<&str> = p.tiers.iter().map(String::as_str).collect();
        RustEnum {
            pad: "    ",
            doc: &format!("The tiers of `{slug}`, lowest first."),
            name,
            slugs: &tiers,
            extra: &format!(
                "        /// The project these are the tiers of.\n        \
                 pub const API: super::Api = super::Api::{name};\n\n"
            ),
        }
        .write(&mut out);
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_become_pascal_case() {
        assert_eq!(pascal("shopcore-commerce-api"), "ShopcoreCommerceApi");
        assert_eq!(pascal("growth"), "Growth");
        assert_eq!(pascal("tier-2"), "Tier2");
        assert_eq!(pascal("1st-tier"), "N1stTier");
        assert_eq!(pascal("a-b-c"), "ABC");
    }

    #[test]
    fn identifiers_are_distinct_and_lint_clean() {
        // `pascal` collides for these: the ambiguous ones take their exact spelling.
        let slugs = [
            "v2", "v-2", "1a", "n1a", "a-1-2", "a1-2", "a-12", "a12", "self", "a-l-l",
        ];
        let names = idents(&slugs, true);
        assert_eq!(
            names,
            [
                "V2", "V_2", "_1a", "N1a", "A_1_2", "A1_2", "A_12", "A12", "Self_", "ALL_"
            ]
        );
        let distinct: BTreeSet<_> = names.iter().collect();
        assert_eq!(distinct.len(), names.len());
        // Without a collision the natural spelling stays, and TypeScript reserves nothing.
        assert_eq!(idents(&["v-2", "1a", "self"], false), ["V2", "N1a", "Self"]);
        assert!(camel_clean("_1a") && camel_clean("Self_") && camel_clean("A1_2"));
        assert!(!camel_clean("V_2") && !camel_clean("A__B") && !camel_clean("a"));
    }

    /// Every slug made of up to three words from a small alphabet: names are always distinct.
    #[test]
    fn identifiers_never_collide() {
        let words = ["a", "b", "1", "a1", "1a", "n1", "ab"];
        let mut slugs = BTreeSet::new();
        for x in words {
            slugs.insert(x.to_string());
            for y in words {
                slugs.insert(format!("{x}-{y}"));
                slugs.insert(format!("{x}{y}"));
                for z in words {
                    slugs.insert(format!("{x}-{y}-{z}"));
                    slugs.insert(format!("{x}{y}-{z}"));
                    slugs.insert(format!("{x}-{y}{z}"));
                }
            }
        }
        let slugs: Vec<&String> = slugs.iter().collect();
        for rust in [true, false] {
            let names = idents(&slugs, rust);
            let distinct: BTreeSet<_> = names.iter().collect();
            assert_eq!(distinct.len(), names.len());
        }
    }

    fn tiny() -> Vec<InputFile> {
        let files = [
            (
                "plans/core/00-core.toml",
                "[catalog]\nbrand = \"Tiny\"\nbase_url = \"https://tiny.example\"\ncurrency = \"USD\"\nlocale = \"en-US\"\n\n\
                 [catalog.features.sso]\nname = \"Single sign-on\"\n",
            ),
            (
                "plans/projects/tiny-api.toml",
                r#"[api]
name = "Tiny API"
status = "draft"
summary = "Small."

[api.tiers.pro]
name = "Pro"
order = 2
price.monthly = { USD = "50" }
quotas.calls = { limit = 5000, period = "month", unit = "calls" }
features = { webhooks = true }

[api.tiers.1st]
name = "First"
order = 1
price.monthly = { USD = "20" }

[api.addons.extra-seats]
name = "Extra seats"
price.monthly = { USD = "5" }
"#,
            ),
            (
                "plans/products/tiny-front.toml",
                "[product]\nname = \"Tiny Front\"\nkind = \"frontend\"\nstatus = \"retired\"\nproject = \"tiny-api\"\nprice.one_time = { USD = \"49\" }\n",
            ),
        ];
        files
            .iter()
            .map(|(p, t)| InputFile {
                path: p.to_string(),
                bytes: t.as_bytes().to_vec(),
            })
            .collect()
    }

    const HEADER: &str = "\
// Generated by `plancat build --emit-types DIR` from the catalog of Tiny
// (https://tiny.example). Do not edit: the next `plancat build --emit-types` rewrites it.
//
// Every plan in `plans/` is here, whatever its status: drafts, because code is written
// before a launch, and retired plans, because their subscribers are still served.
// Ids are sorted; tiers are in ladder order, lowest first.
";

    #[test]
    fn a_tiny_catalog_exactly() {
        let compiled = crate::core::compile::compile(&tiny());
        assert!(compiled.diags.is_empty(), "{:?}", compiled.diags);
        let types = generate(&compiled);
        let ts = format!(
            "{HEADER}{}",
            r#"
/** An API project (`plans/projects/<slug>`): the slug its snapshots are published under. */
export type ApiSlug =
  | "tiny-api";

/** A product that is not a bundle (`plans/products/<slug>`). */
export type ProductSlug =
  | "tiny-front";

/** A bundle (`plans/products/<slug>` with `kind = "bundle"`). */
export type BundleSlug = never;

/** Any plan: the slug its snapshots are published under. */
export type PlanSlug = ApiSlug | ProductSlug | BundleSlug;

/** The tiers of `tiny-api`, lowest first. */
export type TinyApiTier =
  | "1st"
  | "pro";

/** Each API project's tier ids: `Tiers["<api>"]`. */
export interface Tiers {
  "tiny-api": TinyApiTier;
}

/** Each API project's add-on ids. */
export interface Addons {
  "tiny-api": "extra-seats";
}

/** Each API project's feature ids (of its tiers). */
export interface Features {
  "tiny-api": "webhooks";
}

/** Each API project's quota ids (of its tiers). */
export interface Quotas {
  "tiny-api": "calls";
}

/** A tier id of any API project. */
export type TierId =
  | "1st"
  | "pro";

/** A feature id: of any tier, or declared in `[catalog.features]`. */
export type FeatureId =
  | "sso"
  | "webhooks";

/** An add-on id of any API project. */
export type AddonId =
  | "extra-seats";

/** A quota id of any tier. */
export type QuotaId =
  | "calls";
"#
        );
        similar_asserts(&types.typescript, &ts);
        let rust = &types.rust;
        assert!(rust.starts_with(HEADER), "{rust}");
        for part in [
            "pub enum Api {\n    /// `tiny-api`\n    TinyApi,\n}",
            "pub enum Bundle {\n}",
            "    pub const ALL: &'static [Self] = &[];",
            "        match self {}",
            "pub enum Feature {\n    /// `sso`\n    Sso,\n    /// `webhooks`\n    Webhooks,\n}",
            "pub mod tiers {\n    /// The tiers of `tiny-api`, lowest first.",
            "    pub enum TinyApi {\n        /// `1st`\n        N1st,\n        /// `pro`\n        Pro,\n    }",
            "        pub const API: super::Api = super::Api::TinyApi;",
            "            Self::N1st => \"1st\",",
            "    pub fn from_slug(slug: &str) -> ::core::option::Option<Self> {",
        ] {
            assert!(rust.contains(part), "missing {part:?} in:\n{rust}");
        }
        // Deterministic: the same catalog, the same bytes.
        assert_eq!(of_plans(&tiny()), types);
    }

    #[test]
    fn an_empty_catalog_has_empty_unions() {
        let types = generate(&crate::core::compile::compile(&[]));
        assert!(types.typescript.contains("from an empty catalog."));
        assert!(types.typescript.contains("export type ApiSlug = never;"));
        assert!(types.typescript.contains("export interface Tiers {\n}"));
        assert!(types.rust.contains("pub enum Api {\n}"));
        assert!(types.rust.contains("pub mod tiers {}\n"));
    }

    fn similar_asserts(got: &str, want: &str) {
        if got != want {
            let diff = similar::TextDiff::from_lines(want, got);
            panic!(
                "output differs:\n{}",
                diff.unified_diff().header("want", "got")
            );
        }
    }
}
