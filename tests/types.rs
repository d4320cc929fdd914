//! `plancat build --emit-types DIR`: the typed ids for apps. The shipped example's
//! `plancat.d.ts` is type-checked with `tsc --strict` (from `npm ci --prefix tests/browser`)
//! and its `plancat_ids.rs` compiled in a throwaway crate with `-D warnings`: code naming a real
//! tier compiles, code naming a tier the catalog does not have fails, naming it.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{EXAMPLE_AT, example_copy, in_ci, plancat, repo, stderr};
use plancat::core::compile::{InputFile, compile};
use plancat::core::types::{self, RUST_FILE, TS_FILE};

/// Builds a copy of the example with `--emit-types <copy>/gen`: (the copy, `gen`).
fn emitted() -> (tempfile::TempDir, PathBuf) {
    let dir = example_copy();
    let gen_dir = dir.path().join("gen");
    let o = plancat(
        dir.path(),
        &[
            "--now",
            EXAMPLE_AT,
            "build",
            "--emit-types",
            gen_dir.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    (dir, gen_dir)
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn build_emits_the_catalogs_ids_and_rewrites_nothing_unchanged() {
    let (dir, gen_dir) = emitted();
    let ts = std::fs::read_to_string(gen_dir.join(TS_FILE)).unwrap();
    let rs = std::fs::read_to_string(gen_dir.join(RUST_FILE)).unwrap();
    for part in [
        "from the catalog of ShopCore Labs\n// (https://shopcore.example).",
        "export type ShopcoreCommerceApiTier =\n  | \"starter\"\n  | \"growth\"\n  | \"scale\";",
        "  \"shopcore-commerce-api\": ShopcoreCommerceApiTier;",
        "  \"shopcore-commerce-api\": \"extra-storage\" | \"payment-gateway\";",
        // A draft API is there: code is written before a launch.
        "  | \"notifystack-messaging-cloud\"",
        "export type BundleSlug =\n  | \"commerce-launch-bundle\"",
        "export type PlanSlug = ApiSlug | ProductSlug | BundleSlug;",
    ] {
        assert!(ts.contains(part), "{part:?} not in:\n{ts}");
    }
    for part in [
        "pub enum Api {",
        "    ShopcoreCommerceApi,",
        "pub mod tiers {",
        "    pub enum ShopcoreCommerceApi {\n        /// `starter`\n        Starter,\n        /// `growth`\n        Growth,",
    ] {
        assert!(rs.contains(part), "{part:?} not in:\n{rs}");
    }

    // Unchanged: not rewritten (the mtime stays), whether the pipeline runs or is skipped.
    let mtime = |name: &str| {
        std::fs::metadata(gen_dir.join(name))
            .unwrap()
            .modified()
            .unwrap()
    };
    let before = (mtime(TS_FILE), mtime(RUST_FILE));
    for full in [true, false] {
        let mut args = vec![
            "--now",
            EXAMPLE_AT,
            "build",
            "--emit-types",
            gen_dir.to_str().unwrap(),
        ];
        if full {
            args.push("--full");
        }
        let o = plancat(dir.path(), &args);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stderr(&o).contains("was up to date)"), "{}", stderr(&o));
        assert_eq!((mtime(TS_FILE), mtime(RUST_FILE)), before);
    }
    // A skipped pipeline (the run manifest matches) still writes a missing file, byte for byte.
    std::fs::remove_file(gen_dir.join(RUST_FILE)).unwrap();
    let o = plancat(
        dir.path(),
        &[
            "-v",
            "--now",
            EXAMPLE_AT,
            "build",
            "--emit-types",
            gen_dir.to_str().unwrap(),
        ],
    );
    assert!(stderr(&o).contains("Skipped every stage"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("(plancat_ids.rs written)"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(gen_dir.join(RUST_FILE)).unwrap(),
        rs
    );
    assert_eq!(std::fs::read_to_string(gen_dir.join(TS_FILE)).unwrap(), ts);
}

#[test]
fn a_build_with_errors_emits_nothing() {
    let dir = example_copy();
    let project = dir.path().join("plans/projects/shopcore-commerce-api.toml");
    let t = std::fs::read_to_string(&project).unwrap();
    std::fs::write(&project, t.replacen("order = 2", "order = \"two\"", 1)).unwrap();
    let gen_dir = dir.path().join("gen");
    let o = plancat(
        dir.path(),
        &[
            "--now",
            EXAMPLE_AT,
            "build",
            "--emit-types",
            gen_dir.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!gen_dir.exists());
}

// ---------------------------------------------------------------------------------------------
// TypeScript

/// `tsc` from `npm ci --prefix tests/browser`; `None` (skipped loudly) without it, except in CI.
fn tsc() -> Option<PathBuf> {
    let bin = repo().join("tests/browser/node_modules/.bin/tsc");
    let node = Command::new("node").arg("--version").output().is_ok();
    if bin.is_file() && node {
        return Some(bin);
    }
    assert!(
        !in_ci(),
        "tsc is missing: run `npm ci --prefix tests/browser` (needs Node.js)"
    );
    eprintln!(
        "skipped: tsc is missing at {} (`npm ci --prefix tests/browser`, needs Node.js)",
        bin.display()
    );
    None
}

/// `tsc --noEmit --strict FILE` in `dir`.
fn tsc_check(tsc: &Path, dir: &Path, file: &str) -> Output {
    Command::new(tsc)
        .current_dir(dir)
        .args([
            "--noEmit",
            "--strict",
            "--pretty",
            "false",
            "--target",
            "es2022",
            "--module",
            "esnext",
            "--moduleResolution",
            "bundler",
            file,
        ])
        .output()
        .expect("tsc runs")
}

const TS_OK: &str = r#"import type {
  AddonId, Addons, ApiSlug, FeatureId, Features, PlanSlug, QuotaId, Quotas,
  ShopcoreCommerceApiTier, TierId, Tiers,
} from "./plancat";

/** The price key of a tier: its project decides which tiers exist. */
function tierKey<A extends ApiSlug>(api: A, tier: Tiers[A]): string {
  return `${api}/${tier}`;
}

const tier: Tiers["shopcore-commerce-api"] = "growth";
const same: ShopcoreCommerceApiTier = tier;
const anyTier: TierId = "business";
const plan: PlanSlug = "commerce-launch-bundle";
const feature: FeatureId = "webhooks";
const ownFeature: Features["helpdesk-support-api"] = "sla-policies";
const addon: AddonId = "whatsapp-channel";
const ownAddon: Addons["shopcore-commerce-api"] = "payment-gateway";
const quota: QuotaId = "api-calls";
const ownQuota: Quotas["shopcore-commerce-api"] = "api-calls";

export const used = [
  tierKey("helpdesk-support-api", "scale"),
  tierKey("licenseops-activation-cloud", "business"),
  same, anyTier, plan, feature, ownFeature, addon, ownAddon, quota, ownQuota,
];
"#;

const TS_BAD: &str = r#"import type { ApiSlug, Tiers } from "./plancat";

function tierKey<A extends ApiSlug>(api: A, tier: Tiers[A]): string {
  return `${api}/${tier}`;
}

// No such tier anywhere.
const tier: Tiers["shopcore-commerce-api"] = "platinum";
// A tier of another project: licenseops-activation-cloud has starter and business.
export const used = [tier, tierKey("licenseops-activation-cloud", "growth")];
"#;

#[test]
fn typescript_names_only_tiers_the_catalog_has() {
    let Some(tsc) = tsc() else { return };
    let (_dir, gen_dir) = emitted();
    std::fs::write(gen_dir.join("ok.ts"), TS_OK).unwrap();
    std::fs::write(gen_dir.join("bad.ts"), TS_BAD).unwrap();

    let o = tsc_check(&tsc, &gen_dir, "ok.ts");
    assert!(o.status.success(), "ok.ts must type-check:\n{}", text(&o));

    let o = tsc_check(&tsc, &gen_dir, "bad.ts");
    let out = text(&o);
    assert!(!o.status.success(), "bad.ts must not type-check:\n{out}");
    assert!(
        out.contains("bad.ts(8,") && out.contains("'\"platinum\"'"),
        "the unknown tier is named:\n{out}"
    );
    assert!(
        out.contains("bad.ts(10,") && out.contains("'\"growth\"'"),
        "the other project's tier is named:\n{out}"
    );
}

// ---------------------------------------------------------------------------------------------
// Rust

/// `cargo build --offline` of a throwaway crate (no dependencies, its own workspace) whose
/// `lib.rs` is `lib_rs` beside `plancat_ids.rs`, denying every warning. Builds share
/// `target/types-test/`.
fn cargo_build(name: &str, ids_rs: &str, lib_rs: &str) -> Output {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[workspace]\n"
        ),
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src").join(RUST_FILE), ids_rs).unwrap();
    std::fs::write(dir.path().join("src/lib.rs"), lib_rs).unwrap();
    Command::new(env!("CARGO"))
        .current_dir(dir.path())
        .args(["build", "--offline", "--quiet"])
        .env("CARGO_TARGET_DIR", repo().join("target/types-test"))
        .env("CARGO_TERM_COLOR", "never")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("cargo runs")
}

/// A crate root using the ids: every warning (and a missing doc) an error.
fn lib_rs(uses: &str) -> String {
    format!(
        "//! Uses plancat's generated ids.\n#![deny(warnings, missing_docs)]\n\n\
         /// The catalog's ids.\npub mod ids {{\n    include!(\"plancat_ids.rs\");\n}}\n\n{uses}"
    )
}

const RS_OK: &str = r#"use ids::{Api, Feature, Product, tiers::ShopcoreCommerceApi as Shop};

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

// Checked while compiling: slugs, the ladder order, each tier enum's project.
const _: () = assert!(same(Shop::Growth.slug(), "growth"));
const _: () = assert!((Shop::Starter as u8) < (Shop::Growth as u8));
const _: () = assert!(matches!(Shop::ALL, [Shop::Starter, Shop::Growth, Shop::Scale]));
const _: () = assert!(matches!(Shop::API, Api::ShopcoreCommerceApi));
const _: () = assert!(same(Api::ShopcoreCommerceApi.slug(), "shopcore-commerce-api"));
const _: () = assert!(same(Product::AuroraStorefront.slug(), "aurora-storefront"));
const _: () = assert!(same(Feature::PrioritySupport.slug(), "priority-support"));

/// The tier a new shop starts on.
pub fn default_tier() -> Shop {
    Shop::from_slug("growth").unwrap_or(Shop::Starter)
}

/// Whether `tier` includes priority support.
pub fn priority(tier: Shop) -> bool {
    tier >= Shop::Growth
}
"#;

const RS_BAD: &str = r#"use ids::tiers::ShopcoreCommerceApi as Shop;

/// No such tier.
pub fn tier() -> Shop {
    Shop::Platinum
}
"#;

#[test]
fn rust_names_only_tiers_the_catalog_has() {
    let (_dir, gen_dir) = emitted();
    let ids = std::fs::read_to_string(gen_dir.join(RUST_FILE)).unwrap();

    let o = cargo_build("plancat-ids-ok", &ids, &lib_rs(RS_OK));
    assert!(
        o.status.success(),
        "the generated module must compile warning-free:\n{}",
        text(&o)
    );

    let o = cargo_build("plancat-ids-bad", &ids, &lib_rs(RS_BAD));
    let out = text(&o);
    assert!(
        !o.status.success(),
        "a missing tier must not compile:\n{out}"
    );
    assert!(
        out.contains("no variant or associated item named `Platinum`"),
        "the missing tier is named:\n{out}"
    );
}

/// Slugs whose natural names collide or are not identifiers (`v2`/`v-2`, `1st`, `self`, `a-l-l`
/// beside the generated `ALL`) and a project with no tiers still give files that compile
/// warning-free in both languages.
#[test]
fn awkward_slugs_still_compile_in_both_languages() {
    let core = "[catalog]\nbrand = \"Odd */ \\u0007\"\nbase_url = \"https://odd.example\"\ncurrency = \"USD\"\nlocale = \"en-US\"\n";
    let project = |tiers: &[&str]| {
        let mut t = "[api]\nname = \"X\"\nstatus = \"draft\"\nsummary = \"x\"\n".to_string();
        for (i, id) in tiers.iter().enumerate() {
            t.push_str(&format!(
                "\n[api.tiers.{id}]\nname = \"T\"\norder = {}\nprice.monthly = {{ USD = \"{}\" }}\nfeatures = {{ {id} = true }}\n",
                i + 1,
                10 * (i + 1)
            ));
        }
        t
    };
    let tiers = ["v2", "v-2", "1st", "n1st", "self", "a-l-l", "api", "a-p-i"];
    let files = [
        ("plans/core/00.toml", core.to_string()),
        ("plans/projects/v2.toml", project(&tiers)),
        ("plans/projects/v-2.toml", project(&["only"])),
        ("plans/projects/self.toml", project(&[])),
        ("plans/projects/1st.toml", project(&["a1"])),
    ];
    let inputs: Vec<InputFile> = files
        .iter()
        .map(|(p, t)| InputFile {
            path: p.to_string(),
            bytes: t.as_bytes().to_vec(),
        })
        .collect();
    let compiled = compile(&inputs);
    assert!(compiled.diags.is_empty(), "{:?}", compiled.diags);
    let generated = types::generate(&compiled);
    assert!(generated.rust.contains("pub enum V_2 {"));
    assert!(generated.rust.contains("pub enum Self_ {\n    }"));

    let uses = "/// The odd tiers, by slug.\npub fn odd() -> [&'static str; 3] {\n    \
                use ids::tiers::V2;\n    [V2::V_2.slug(), V2::Self_.slug(), V2::ALL_.slug()]\n}\n";
    let o = cargo_build("plancat-ids-odd", &generated.rust, &lib_rs(uses));
    assert!(o.status.success(), "{}\n{}", text(&o), generated.rust);

    let Some(tsc) = tsc() else { return };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(TS_FILE), &generated.typescript).unwrap();
    std::fs::write(
        dir.path().join("use.ts"),
        "import type { Tiers, V_2Tier, N1stTier, SelfTier } from \"./plancat\";\n\
         const t: Tiers[\"v2\"] = \"a-l-l\";\nconst o: V_2Tier = \"only\";\nconst a: N1stTier = \"a1\";\n\
         const s: SelfTier[] = [];\nexport const used = [t, o, a, s];\n",
    )
    .unwrap();
    let o = tsc_check(&tsc, dir.path(), "use.ts");
    assert!(o.status.success(), "{}\n{}", text(&o), generated.typescript);
}
