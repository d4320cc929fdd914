//! The generated product site: catalog text never becomes markup, unsafe base URLs are refused,
//! and the example catalog's pages work in a real browser (headless Chromium driven by
//! `tests/browser/check.mjs`).
//!
//! The browser tests need Chromium (`/usr/bin/chromium`, or `$CHROMIUM`), Node.js and
//! `npm ci --prefix tests/browser`. Without them they are skipped with a loud message, except
//! when `CI` is set: there a missing browser is a failure (`.ci/run` installs it).

mod common;

use std::path::Path;
use std::time::Instant;

use common::{browser_available, node, plancat, repo, stderr};

/// Every build and check here runs at this fixed moment: the pages show the versions in force
/// at the build's moment, and nothing of the example is in force before 2026-11-22.
const AT: &str = common::EXAMPLE_AT;

/// Payloads that must come out as text: script tags, attribute breakouts, a closing script
/// tag, and template syntax (catalog text is a value, never compiled as a template).
const SCRIPT: &str = "<script>alert(1)</script>";
const BREAKOUT: &str = r#""><img src=x onerror=alert(1)>"#;
const CLOSE: &str = "</script>";
const TEMPLATE: &str = "{{ 7*7 }}";

/// A TOML basic string holding `s`.
fn toml_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn write(root: &Path, rel: &str, text: &str) {
    write_bytes(root, rel, text.as_bytes());
}

fn write_bytes(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// A catalog whose every piece of page copy carries the payloads.
fn hostile_catalog(base_url: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "plans/core/00-defaults.toml",
        &format!(
            r#"[catalog]
brand = {brand}
base_url = {base_url}
currency = "USD"
locale = "en-US"
trust_note = {trust}

[catalog.cta]
primary = {primary}
secondary = {secondary}
contact_sales = {sales}

[rules]
api-needs-frontends = "allow"
"#,
            brand = toml_str(&format!("Acme {TEMPLATE} <b>Brand</b>")),
            base_url = toml_str(base_url),
            trust = toml_str(&format!("Trusted {SCRIPT}")),
            primary = toml_str(&format!("Buy {BREAKOUT}")),
            secondary = toml_str(&format!("More {CLOSE}")),
            sales = toml_str(&format!("Sales {TEMPLATE}")),
        ),
    );
    write(
        root,
        "plans/projects/acme-api.toml",
        &format!(
            r#"[api]
name = {name}
status = "live"
summary = {summary}

[api.tiers.basic]
name = {tier}
order = 1
description = {tier_description}
price.monthly = {{ USD = "29" }}
price.yearly = {{ USD = "290" }}
quotas.calls = {{ limit = 1000, period = "month", unit = {unit} }}

[api.tiers.enterprise]
name = "Enterprise"
order = 2
price.contact_sales = true
quotas.calls = {{ limit = "unlimited", period = "month", unit = "API calls" }}

[api.addons.extra]
name = {addon}
description = {addon}
price.monthly = {{ USD = "9" }}
"#,
            name = toml_str(&format!("Acme API {SCRIPT}")),
            summary = toml_str(&format!("Summary {BREAKOUT} {CLOSE} {TEMPLATE}")),
            tier = toml_str(&format!("Basic {BREAKOUT}")),
            tier_description = toml_str(&format!("{TEMPLATE} {CLOSE}")),
            unit = toml_str(&format!("calls {SCRIPT}")),
            addon = toml_str(&format!("Add-on {SCRIPT} {TEMPLATE}")),
        ),
    );
    for (slug, price) in [("acme-frontend", "59"), ("other-frontend", "39")] {
        write(
            root,
            &format!("plans/products/{slug}.toml"),
            &format!(
                r#"[product]
name = {name}
kind = "frontend"
status = "live"
project = "acme-api"
price.one_time = {{ USD = "{price}" }}

[product.copy]
tagline = {tagline}
description = {description}
highlights = [{highlights}]
"#,
                name = toml_str(&format!("{slug} {SCRIPT} {TEMPLATE}")),
                tagline = toml_str(BREAKOUT),
                description = toml_str(&format!(
                    "Ends the style {CLOSE}<script>alert(2)</script> and {TEMPLATE} and {{% if true %}}x{{% endif %}}"
                )),
                highlights = [SCRIPT, BREAKOUT, CLOSE, TEMPLATE].map(toml_str).join(", "),
            ),
        );
    }
    write(
        root,
        "plans/products/acme-bundle.toml",
        &format!(
            r#"[product]
name = {name}
kind = "bundle"
status = "live"
project = "acme-api"

[product.bundle]
components = [{{ api = "acme-api", tier = "basic" }}, {{ product = "acme-frontend" }}]
discount = 10

[product.copy]
tagline = {tagline}
description = {description}
"#,
            name = toml_str(&format!("Bundle {SCRIPT}")),
            tagline = toml_str(BREAKOUT),
            description = toml_str(&format!("{CLOSE} {TEMPLATE}")),
        ),
    );
    dir
}

fn site_pages(root: &Path) -> Vec<(String, String)> {
    common::tree(&root.join("out/site"))
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html") || p.ends_with(".xml"))
        .map(|(p, b)| (p, String::from_utf8(b).unwrap()))
        .collect()
}

#[test]
fn catalog_text_is_escaped_and_never_compiled() {
    let dir = hostile_catalog("https://acme.example");
    let build = plancat(dir.path(), &["build", "--effective-from", AT]);
    assert!(build.status.success(), "{}", stderr(&build));
    let pages = site_pages(dir.path());
    let names: Vec<&str> = pages.iter().map(|(p, _)| p.as_str()).collect();
    for want in [
        "index.html",
        "apis/acme-api/index.html",
        "products/acme-frontend/index.html",
        "bundles/acme-bundle/index.html",
        "sitemap.xml",
    ] {
        assert!(names.contains(&want), "no {want} in {names:?}");
    }

    for (path, html) in &pages {
        let lower = html.to_ascii_lowercase();
        // None of the payloads survive as markup, in any page.
        for raw in [
            SCRIPT,
            BREAKOUT,
            CLOSE,
            "<script",
            "<img",
            "onerror=alert(1)>",
            "<b>brand</b>",
        ] {
            assert!(
                !lower.contains(&raw.to_ascii_lowercase()),
                "{path} contains `{raw}` unescaped:\n{html}"
            );
        }
        // Template syntax in catalog text is printed, never evaluated.
        assert!(
            !html.contains(">49<") && !html.contains("Acme 49"),
            "{path} evaluated `{TEMPLATE}`:\n{html}"
        );
    }

    let page = |p: &str| &pages.iter().find(|(path, _)| path == p).unwrap().1;
    let product = page("products/acme-frontend/index.html");
    // The payloads are there, as text: escaped markup and the literal template syntax.
    assert!(product.contains("&lt;script&gt;alert(1)&lt;"), "{product}");
    assert!(
        product.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"),
        "{product}"
    );
    assert!(product.contains(TEMPLATE), "{product}");
    assert!(product.contains("{% if true %}x{% endif %}"), "{product}");
    assert!(
        product.contains("Acme {{ 7*7 }} &lt;b&gt;Brand&lt;"),
        "{product}"
    );
    // Inside an attribute, too: the tagline is the meta description.
    assert!(
        product.contains(r#"<meta name="description" content="&quot;&gt;&lt;img"#),
        "{product}"
    );
    let api = page("apis/acme-api/index.html");
    assert!(
        api.contains("Sales {{ 7*7 }}"),
        "the contact-sales label: {api}"
    );
    assert!(
        api.contains("calls &lt;script&gt;"),
        "the quota unit: {api}"
    );
}

#[test]
fn a_javascript_base_url_is_refused() {
    for url in [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,x",
    ] {
        let dir = hostile_catalog(url);
        for command in ["build", "check"] {
            let out = plancat(dir.path(), &[command, "--effective-from", AT]);
            let err = stderr(&out);
            assert_eq!(
                out.status.code(),
                Some(1),
                "`{command}` with base_url {url}: {err}"
            );
            assert!(
                err.contains("base_url") && err.contains(url),
                "`{command}` does not say which URL is wrong: {err}"
            );
        }
        let build = plancat(dir.path(), &["build", "--effective-from", AT]);
        assert!(
            !dir.path().join("out/site/index.html").exists(),
            "a site was written with base_url {url}: {}",
            stderr(&build)
        );
    }
}

// ---- the real browser ---------------------------------------------------------------------------

#[test]
fn pages_in_a_real_browser() {
    if !browser_available("pages_in_a_real_browser") {
        return;
    }
    let dir = common::example_copy();
    let build = plancat(dir.path(), &["build", "--effective-from", AT]);
    assert!(build.status.success(), "{}", stderr(&build));
    let shots = repo().join("target/browser-screenshots");
    let started = Instant::now();
    let out = node("check.mjs", &[&dir.path().join("out/site"), &shots]);
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "the browser check failed (screenshots in {}):\n{report}",
        shots.display()
    );
    eprintln!(
        "browser check passed in {:.1?}; screenshots in {}",
        started.elapsed(),
        shots.display()
    );
}

#[test]
fn hostile_catalog_text_does_not_run_in_a_real_browser() {
    if !browser_available("hostile_catalog_text_does_not_run_in_a_real_browser") {
        return;
    }
    let dir = hostile_catalog("https://acme.example");
    let build = plancat(dir.path(), &["build", "--effective-from", AT]);
    assert!(build.status.success(), "{}", stderr(&build));
    let out = node("no-script.mjs", &[&dir.path().join("out/site")]);
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The aurora-storefront page's price, from the built site.
fn aurora_price(root: &Path) -> String {
    let html = std::fs::read_to_string(root.join("out/site/products/aurora-storefront/index.html"))
        .unwrap();
    ["₹7,999.00", "₹6,999.00"]
        .iter()
        .find(|p| html.contains(**p))
        .map_or("none".into(), |p| p.to_string())
}

#[test]
fn pages_show_the_version_in_force_not_a_withdrawn_or_scheduled_one() {
    let dir = common::example_copy();
    let file = dir.path().join("plans/products/aurora-storefront.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    // A price decrease scheduled for later: published now, not in force yet.
    std::fs::write(
        &file,
        text.replace("INR = \"7999\"", "INR = \"6999\"")
            + "\n[release]\neffective_from = 2027-03-01T00:00:00Z\n",
    )
    .unwrap();
    let o = plancat(
        dir.path(),
        &["build", "--effective-from", "2026-12-01T00:00:00Z"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        aurora_price(dir.path()),
        "₹7,999.00",
        "a scheduled version is not on the page yet"
    );
    // Once it is in force, the page shows it…
    let o = plancat(
        dir.path(),
        &["build", "--effective-from", "2027-03-02T00:00:00Z"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(aurora_price(dir.path()), "₹6,999.00");
    // …and when it is withdrawn, the page falls back with the clients.
    let o = plancat(
        dir.path(),
        &[
            "yank",
            "aurora-storefront",
            "1.1.0",
            "--reason",
            "wrong",
            "--at",
            "2027-03-03T00:00:00Z",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = plancat(
        dir.path(),
        &["build", "--effective-from", "2027-03-04T00:00:00Z"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        aurora_price(dir.path()),
        "₹7,999.00",
        "a withdrawn version is not on the page"
    );
}

#[test]
fn catalog_urls_are_checked_where_they_are_set() {
    let dir = common::example_copy();
    let core = dir.path().join("plans/core/00-defaults.toml");
    let text = std::fs::read_to_string(&core).unwrap();
    let text = text
        .replace(
            "base_url = \"https://shopcore.example\"",
            "base_url = \"https://shopcore.example/?ref=1\"",
        )
        .replace(
            "contact_sales = \"Talk to sales\"",
            "contact_sales = \"Talk to sales\"\nsales_url = \"javascript:alert(1)\"",
        );
    std::fs::write(&core, text).unwrap();
    let o = plancat(dir.path(), &["check", "--effective-from", AT]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("error[P0603]: `catalog.base_url` `https://shopcore.example/?ref=1` has a query or fragment\n  --> plans/core/00-defaults.toml:10:12"),
        "{err}"
    );
    assert!(
        err.contains("error[P0603]: `catalog.cta.sales_url` `javascript:alert(1)` uses the scheme `javascript:`\n  --> plans/core/00-defaults.toml:19:13"),
        "{err}"
    );
}

#[test]
fn checkout_urls_are_checked_where_they_are_set() {
    let dir = common::example_copy();
    let api = dir.path().join("plans/projects/shopcore-commerce-api.toml");
    let text = std::fs::read_to_string(&api).unwrap().replacen(
        "price.yearly = { INR = \"24990\" }",
        "price.yearly = { INR = \"24990\" }\ncheckout = { monthly = \"https://pay.example/m\", yearly = \"javascript:alert(1)\" }",
        1,
    );
    std::fs::write(&api, text).unwrap();
    let product = dir.path().join("plans/products/aurora-storefront.toml");
    let text = std::fs::read_to_string(&product).unwrap();
    let text = text.replacen(
        "[product]\n",
        "[product]\ncheckout = \"data:text/html,hi\"\n",
        1,
    );
    std::fs::write(&product, text).unwrap();
    let o = plancat(dir.path(), &["check", "--effective-from", AT]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("error[P0603]: `api.tiers.starter.checkout.yearly` `javascript:alert(1)` uses the scheme `javascript:`\n  --> plans/projects/shopcore-commerce-api.toml:12:"),
        "{err}"
    );
    assert!(
        err.contains("error[P0603]: `product.checkout` `data:text/html,hi` uses the scheme `data:`\n --> plans/products/aurora-storefront.toml:2:"),
        "{err}"
    );
    assert!(
        !err.contains("pay.example/m`"),
        "an https checkout is fine: {err}"
    );
}

#[test]
fn a_template_error_in_a_partial_points_into_the_partial_and_catalogs_may_add_partials() {
    let dir = common::example_copy();
    write(
        dir.path(),
        "templates/_dependency.html",
        "<p>\n{{ product.no_such_field }}\n</p>\n",
    );
    let o = plancat(dir.path(), &["check", "--effective-from", AT]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("error[P0601]: template `_dependency.html`"),
        "{err}"
    );
    assert!(err.contains("--> templates/_dependency.html:2:"), "{err}");
    assert!(!err.contains("P0602"), "no follow-on broken links: {err}");

    // A catalog's own partial, included from an override.
    write(
        dir.path(),
        "templates/_dependency.html",
        "{% include \"_badge.html\" %}\n",
    );
    write(
        dir.path(),
        "templates/_badge.html",
        "<p class=\"badge\">Made in {{ site.brand }}</p>\n",
    );
    let o = plancat(dir.path(), &["build", "--effective-from", AT]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(
        dir.path()
            .join("out/site/products/aurora-storefront/index.html"),
    )
    .unwrap();
    assert!(
        html.contains("<p class=\"badge\">Made in ShopCore Labs</p>"),
        "{html}"
    );
}

#[test]
fn an_unchanged_site_is_not_rewritten_and_never_shares_the_ledger_files() {
    use std::os::unix::fs::MetadataExt;
    let dir = common::example_copy();
    let o = plancat(dir.path(), &["build", "--effective-from", AT]);
    assert!(
        stderr(&o).contains("Rendered 37 pages to `out/site/`"),
        "{}",
        stderr(&o)
    );
    let page = dir
        .path()
        .join("out/site/apis/shopcore-commerce-api/index.html");
    let before = std::fs::metadata(&page).unwrap().ino();
    let o = plancat(dir.path(), &["build", "--effective-from", AT]);
    assert!(
        stderr(&o).contains("Rendered 37 pages (`out/site/` was up to date)"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::metadata(&page).unwrap().ino(),
        before,
        "the page was not rewritten"
    );
    // The site's copy of a published snapshot is a copy: editing it in place (a deploy
    // script, a careless editor) never touches the ledger.
    let published = dir
        .path()
        .join("out/snapshots/shopcore-commerce-api/1.0.0.json");
    let copy = dir
        .path()
        .join("out/site/snapshots/shopcore-commerce-api/1.0.0.json");
    assert_ne!(
        std::fs::metadata(&published).unwrap().ino(),
        std::fs::metadata(&copy).unwrap().ino()
    );
    let before = std::fs::read(&published).unwrap();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&copy)
        .and_then(|mut f| std::io::Write::write_all(&mut f, b"{}"))
        .unwrap();
    assert_eq!(std::fs::read(&published).unwrap(), before);
    let o = plancat(dir.path(), &["verify"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn checkout_buttons_follow_the_billing_toggle_in_a_real_browser() {
    if !browser_available("checkout_buttons_follow_the_billing_toggle_in_a_real_browser") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(
        &repo().join("tests/cases/site-promotions-and-savings/in"),
        dir.path(),
    );
    let build = plancat(
        dir.path(),
        &[
            "build",
            "--now",
            "2026-01-01T00:00:00Z",
            "--effective-from",
            "2026-01-01T00:00:00Z",
        ],
    );
    assert!(build.status.success(), "{}", stderr(&build));
    let out = node("checkout.mjs", &[&dir.path().join("out/site")]);
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_catalogs_binary_assets_are_copied_byte_for_byte_and_its_icon_and_logo_are_used() {
    let dir = common::example_copy();
    // Not UTF-8: read as text, these bytes would be mangled.
    let png: Vec<u8> = vec![
        0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0x00, 0xfe, 0x80,
    ];
    write_bytes(dir.path(), "templates/favicon.png", &png);
    write_bytes(
        dir.path(),
        "templates/logo.svg",
        b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    let build = plancat(dir.path(), &["build", "--effective-from", AT]);
    assert!(build.status.success(), "{}", stderr(&build));
    let site = dir.path().join("out/site");
    assert_eq!(std::fs::read(site.join("assets/favicon.png")).unwrap(), png);
    assert!(
        !site.join("assets/favicon.svg").exists(),
        "the catalog's icon replaces the built-in one"
    );
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(
        index.contains("<link rel=\"icon\" href=\"assets/favicon.png\">"),
        "{index}"
    );
    assert!(
        index.contains("class=\"brand-logo\" src=\"assets/logo.svg\""),
        "{index}"
    );
}

#[test]
fn every_page_has_an_icon_and_says_whether_prices_include_tax() {
    let dir = common::example_copy();
    let core = dir.path().join("plans/core/00-defaults.toml");
    let text = std::fs::read_to_string(&core).unwrap().replacen(
        "[catalog]\n",
        "[catalog]\nprices_include_tax = false\n",
        1,
    );
    std::fs::write(&core, text).unwrap();
    let build = plancat(dir.path(), &["build", "--effective-from", AT]);
    assert!(build.status.success(), "{}", stderr(&build));
    let site = dir.path().join("out/site");
    let icon = std::fs::read_to_string(site.join("assets/favicon.svg")).unwrap();
    assert!(
        icon.starts_with("<svg") && icon.contains(">S</text>"),
        "the brand's initial: {icon}"
    );
    let page = std::fs::read_to_string(site.join("apis/shopcore-commerce-api/index.html")).unwrap();
    assert!(
        page.contains("<link rel=\"icon\" href=\"..&#x2f;..&#x2f;assets/favicon.svg\">"),
        "{page}"
    );
    assert!(
        page.contains("<span data-tax>Prices exclude tax.</span>"),
        "{page}"
    );
}

/// Every business shape in a real browser: the currency switch, each kind's buy button, and an
/// axe-core audit of every page of three sites (kinds and currencies, German, Hindi).
#[test]
fn business_shapes_currency_switch_and_accessibility_in_a_real_browser() {
    let mut sites = Vec::new();
    let dirs: Vec<tempfile::TempDir> = [
        "site-kinds-services-currencies",
        "site-locale-de",
        "site-locale-hi",
    ]
    .iter()
    .map(|case| {
        let dir = tempfile::tempdir().unwrap();
        common::copy_dir(
            &repo().join("tests/cases").join(case).join("in"),
            dir.path(),
        );
        let build = plancat(
            dir.path(),
            &[
                "build",
                "--now",
                "2026-01-01T00:00:00Z",
                "--effective-from",
                "2026-01-01T00:00:00Z",
            ],
        );
        assert!(build.status.success(), "{case}: {}", stderr(&build));
        dir
    })
    .collect();
    for d in &dirs {
        sites.push(d.path().join("out/site"));
    }
    let args: Vec<&std::path::Path> = sites.iter().map(|p| p.as_path()).collect();
    let out = node("business.mjs", &args);
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
