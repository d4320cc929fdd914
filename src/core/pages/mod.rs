//! Stage 10: pages — the product site, generated from the very snapshots child APIs fetch, so
//! a page can never show a price the API does not charge.
//!
//! Templates are minijinja, with inheritance; the built-in ones (embedded from `templates/`)
//! can each be overridden by a catalog file of the same name in its own `templates/`. Catalog
//! text is only ever passed *into* templates as values: it is HTML-escaped and never compiled.
//! Invariants: pure (inputs and output are in memory); only live plans appear; every internal
//! link of the output resolves ([`links`]).

pub mod links;
pub mod money;
pub mod view;

use std::collections::BTreeMap;

use minijinja::value::Serde;
use minijinja::{Environment, UndefinedBehavior, Value, context};
use rayon::prelude::*;

use crate::core::diag::{Code, Diagnostic};
use crate::core::ledger::LedgerFiles;
use crate::core::messages;
use crate::core::model::ids::Instant;
use crate::core::source::{FileId, SourceFile, Sources};
use plancat_consumer::wire::Snapshot;

/// The built-in templates and assets, embedded from the repository's `templates/`.
pub const BUILTIN: &[(&str, &str)] = &[
    ("base.html", include_str!("../../../templates/base.html")),
    ("index.html", include_str!("../../../templates/index.html")),
    ("api.html", include_str!("../../../templates/api.html")),
    (
        "product.html",
        include_str!("../../../templates/product.html"),
    ),
    (
        "bundle.html",
        include_str!("../../../templates/bundle.html"),
    ),
    (
        "_tier_table.html",
        include_str!("../../../templates/_tier_table.html"),
    ),
    (
        "_price.html",
        include_str!("../../../templates/_price.html"),
    ),
    ("_cta.html", include_str!("../../../templates/_cta.html")),
    (
        "_promotion.html",
        include_str!("../../../templates/_promotion.html"),
    ),
    (
        "_dependency.html",
        include_str!("../../../templates/_dependency.html"),
    ),
    (
        "sitemap.xml",
        include_str!("../../../templates/sitemap.xml"),
    ),
    ("style.css", include_str!("../../../templates/style.css")),
];

/// The built-in icon: the brand's initial on the accent colour.
const FAVICON: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#4338ca"/><text x="32" y="44" font-family="system-ui,sans-serif" font-size="36" font-weight="700" text-anchor="middle" fill="#fff">{{ site.brand[:1] | upper | e }}</text></svg>
"##;

/// A catalog's own template, overriding the built-in one of the same name.
pub struct Override {
    pub name: String,
    pub file: FileId,
    /// The file's exact bytes: an asset (an image, a font) is copied as it is, never as text.
    pub bytes: Vec<u8>,
}

/// Image extensions an icon or logo may have, in the order they are preferred.
const IMAGES: [&str; 4] = ["svg", "png", "ico", "webp"];

/// URL schemes a catalog's links may use.
pub const ALLOWED_SCHEMES: [&str; 3] = ["https", "http", "mailto"];

/// Checks every URL a catalog sets, at the place it is set: the base URL must be an absolute
/// `http(s)` URL with a host and no query or fragment (pages build their canonical URLs on it);
/// link URLs must use an allowed scheme.
pub fn check_urls(plans: &[crate::core::compile::CompiledPlan]) -> Vec<Diagnostic> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for p in plans {
        let c = p.catalog();
        let mut fields: Vec<(String, Option<&String>, bool)> = vec![
            ("catalog.base_url".into(), Some(&c.base_url), true),
            (
                "catalog.cta.signup_url".into(),
                c.cta.signup_url.as_ref(),
                false,
            ),
            (
                "catalog.cta.sales_url".into(),
                c.cta.sales_url.as_ref(),
                false,
            ),
        ];
        // Checkout links: every buy button on the pages.
        if let Some(api) = p.api() {
            let checkouts = api
                .tiers
                .iter()
                .map(|(id, t)| (format!("api.tiers.{id}"), &t.checkout))
                .chain(
                    api.addons
                        .iter()
                        .map(|(id, a)| (format!("api.addons.{id}"), &a.checkout)),
                );
            for (base, c) in checkouts {
                if let Some(c) = c {
                    for (at, url) in c.links() {
                        fields.push((format!("{base}.checkout.{at}"), Some(url), false));
                    }
                }
            }
        }
        if let Some(product) = p.product() {
            fields.push(("product.checkout".into(), product.checkout.as_ref(), false));
        }
        for (field, value, is_base) in fields {
            let Some(value) = value else { continue };
            let (file, span) = p.loc(&field);
            if !seen.insert((file, span.start)) {
                continue;
            }
            let problem = match url::Url::parse(value) {
                Err(e) => Some(format!("is not a URL ({e})")),
                Ok(u) if !ALLOWED_SCHEMES.contains(&u.scheme()) => {
                    Some(format!("uses the scheme `{}:`", u.scheme()))
                }
                Ok(u) if is_base && u.scheme() == "mailto" => Some("is not an http(s) URL".into()),
                Ok(u) if is_base && u.host_str().is_none_or(str::is_empty) => {
                    Some("has no host".into())
                }
                Ok(u) if is_base && (u.query().is_some() || u.fragment().is_some()) => {
                    Some("has a query or fragment".into())
                }
                Ok(_) => None,
            };
            if let Some(problem) = problem {
                let allowed = if is_base {
                    "an absolute `https://` URL with a host, like `https://shop.example`"
                } else {
                    "`https:`, `http:` or `mailto:` URLs"
                };
                out.push(
                    Diagnostic::error(Code::UnsafeUrl, format!("`{field}` `{value}` {problem}"))
                        .at(file, span, "not allowed here")
                        .with_help(format!("pages link to it: use {allowed}")),
                );
            }
        }
    }
    out
}

/// Checks the catalog's page messages: every key it overrides exists (with a suggestion when
/// not), and a locale whose language plancat does not ship, and which the catalog does not
/// translate whole, is a warning: its pages would be in English.
pub fn check_messages(plans: &[crate::core::compile::CompiledPlan]) -> Vec<Diagnostic> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for p in plans {
        let c = p.catalog();
        for key in c.messages.keys() {
            let field = format!("catalog.messages.{key}");
            let (file, span) = p.loc(&field);
            if messages::is_key(key) || !seen.insert((file, span.start)) {
                continue;
            }
            out.push(
                Diagnostic::error(Code::MessageKey, format!("pages have no message `{key}`"))
                    .at(file, span, "unknown message")
                    .with_help(
                        crate::core::diag::did_you_mean(key, messages::keys()).unwrap_or_else(
                            || "`plancat messages` lists every key with its text".into(),
                        ),
                    ),
            );
        }
        let (file, span) = p.loc("catalog.locale");
        if messages::untranslated(&c.locale, &c.messages) && seen.insert((file, span.start)) {
            let language = messages::language(&c.locale);
            out.push(
                Diagnostic::warning(
                    Code::MessageKey,
                    format!(
                        "plancat has no page messages in `{language}`: pages for locale `{}` \
                         are in English",
                        c.locale
                    ),
                )
                .at(file, span, "no messages in this language")
                .with_help(
                    "translate every key under `[catalog.messages]` (`plancat messages` lists \
                     them), or use a locale of a shipped language: en, de, hi",
                ),
            );
        }
    }
    out
}

/// Renders the site. `snapshots` are the versions the pages show (the newest published version
/// of every plan); only live plans get pages. The ledger's files are copied under `snapshots/`
/// so the site serves them too.
pub fn render(
    snapshots: &[&Snapshot],
    ledger: &LedgerFiles,
    overrides: &[Override],
    drafts: bool,
    at: Instant,
    sources: &mut Sources,
) -> (BTreeMap<String, Vec<u8>>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut files = BTreeMap::new();
    let settings = view::site_settings(snapshots);
    let msg = std::sync::Arc::new(messages::Messages::new(
        &settings.locale,
        &settings.messages,
    ));

    // Each template from the catalog if it has one, else built in; remember its file for errors.
    let mut template_files: BTreeMap<String, FileId> = BTreeMap::new();
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.add_function("t", translate(msg.clone()));
    for (name, builtin) in BUILTIN {
        let (file, text) = match overrides.iter().find(|o| o.name == *name) {
            Some(o) => (o.file, sources.get(o.file).text.clone()),
            None => (
                sources.add(SourceFile::new(
                    format!("templates/{name} (built in)"),
                    *builtin,
                )),
                builtin.to_string(),
            ),
        };
        template_files.insert(name.to_string(), file);
        if name.ends_with(".css") {
            files.insert(format!("assets/{name}"), text.into_bytes());
            continue;
        }
        if let Err(e) = env.add_template_owned(name.to_string(), text) {
            diags.push(template_error(&e, &template_files, sources));
        }
    }
    // A catalog's own extra files: templates (partials to include or extend) and assets.
    for o in overrides
        .iter()
        .filter(|o| !BUILTIN.iter().any(|(n, _)| *n == o.name))
    {
        template_files.insert(o.name.clone(), o.file);
        if o.name.ends_with(".html") || o.name.ends_with(".xml") {
            let text = sources.get(o.file).text.clone();
            if let Err(e) = env.add_template_owned(o.name.clone(), text) {
                diags.push(template_error(&e, &template_files, sources));
            }
        } else {
            files.insert(format!("assets/{}", o.name), o.bytes.clone());
        }
    }
    if !diags.is_empty() {
        return (files, diags);
    }

    // A catalog's own icon and logo (`templates/favicon.png`, `templates/logo.svg`, …), else the
    // built-in icon: the brand's initial.
    let asset = |stem: &str| {
        IMAGES
            .iter()
            .map(|ext| format!("{stem}.{ext}"))
            .find(|name| overrides.iter().any(|o| o.name == *name))
    };
    // One copy of the site per currency it is published in: the display currency's at the
    // root, each other one under its own prefix (`usd/`), every page linking to its twins.
    let mut pages: Vec<(String, &str, Value)> = Vec::new();
    let mut urls: Vec<String> = Vec::new();
    // The display currency's `site`, for the sitemap.
    let mut display_site: Option<Value> = None;
    for code in view::offered(&settings) {
        let catalog = view::Catalog::new(snapshots, drafts, at, &msg, Some(code));
        let prefix = catalog.prefix();
        let mut site_view = catalog.site();
        site_view.favicon = asset("favicon").unwrap_or_else(|| "favicon.svg".into());
        site_view.logo = asset("logo");
        if let std::collections::btree_map::Entry::Vacant(slot) =
            files.entry(format!("assets/{}", site_view.favicon))
        {
            let icon = env
                .render_str(FAVICON, context! { site => v(&site_view) })
                .unwrap_or_default();
            slot.insert(icon.into_bytes());
        }
        let site = v(&site_view);
        display_site.get_or_insert_with(|| site.clone());
        let first = pages.len();
        pages.push((
            format!("{prefix}index.html"),
            "index.html",
            context! { site => site.clone(), page => v(catalog.index_page()), index => v(catalog.index()) },
        ));
        for api in catalog.apis() {
            let page = v(catalog.page_for(&api.url, &api.name, &api.summary, &api.plan_version));
            pages.push((
                format!("{prefix}{}", api.url),
                "api.html",
                context! { site => site.clone(), page, api => v(&api) },
            ));
        }
        for product in catalog.products() {
            let page = v(catalog.page_for(
                &product.url,
                &product.name,
                &product.tagline,
                &product.plan_version,
            ));
            pages.push((
                format!("{prefix}{}", product.url),
                "product.html",
                context! { site => site.clone(), page, product => v(&product) },
            ));
        }
        for bundle in catalog.bundles() {
            let page = v(catalog.page_for(
                &bundle.url,
                &bundle.name,
                &bundle.tagline,
                &bundle.plan_version,
            ));
            pages.push((
                format!("{prefix}{}", bundle.url),
                "bundle.html",
                context! { site => site.clone(), page, bundle => v(&bundle) },
            ));
        }
        urls.extend(
            pages[first..]
                .iter()
                .map(|(p, ..)| catalog.canonical(p.strip_prefix(&prefix).unwrap_or(p))),
        );
    }
    let site = display_site.expect("the display currency is always offered");
    pages.push(("sitemap.xml".into(), "sitemap.xml", context! { site, urls }));
    // Rendered in parallel, collected in page order.
    let rendered: Vec<_> = pages
        .into_par_iter()
        .map(|(path, template, ctx)| (path, env.get_template(template).and_then(|t| t.render(ctx))))
        .collect();
    for (path, result) in rendered {
        match result {
            Ok(text) => {
                files.insert(path, text.into_bytes());
            }
            Err(e) => {
                let d = template_error(&e, &template_files, sources);
                if !diags.contains(&d) {
                    diags.push(d);
                }
            }
        }
    }
    for (rel, bytes) in ledger {
        files.insert(format!("snapshots/{rel}"), bytes.clone());
    }
    // A page that failed to render would only show up again as links to it.
    if diags.is_empty() {
        diags.extend(links::check(&files));
    }
    (files, diags)
}

/// The `t(key, name=value, …)` function of templates: the message `key` of the site's language
/// with its placeholders filled (a plural message chooses its form by `n`). An unknown key is a
/// template error naming it.
fn translate(
    msg: std::sync::Arc<messages::Messages>,
) -> impl Fn(&str, minijinja::value::Kwargs) -> Result<String, minijinja::Error> + Send + Sync + 'static
{
    move |key: &str, kwargs: minijinja::value::Kwargs| {
        let mut args: Vec<(String, String)> = Vec::new();
        for name in kwargs.args() {
            let value: Value = kwargs.get(name)?;
            args.push((name.to_string(), value.to_string()));
        }
        let borrowed: Vec<(&str, &str)> =
            args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        if msg.is_plural(key) {
            let n: u64 = kwargs.get("n")?;
            return Ok(msg.plural(key, n, &borrowed));
        }
        if msg.get(key).is_none() {
            return Err(minijinja::Error::new(
                minijinja::ErrorKind::InvalidOperation,
                format!("no message `{key}` (see `templates/messages/en.toml` for every key)"),
            ));
        }
        Ok(msg.fill(key, &borrowed))
    }
}

/// A serde value as a template value (minijinja 3 takes them through its `Serde` wrapper).
fn v<T: serde::Serialize>(x: T) -> Value {
    Value::from(Serde(x))
}

fn template_error(
    e: &minijinja::Error,
    files: &BTreeMap<String, FileId>,
    sources: &Sources,
) -> Diagnostic {
    // An error in an included or extended template is wrapped by the including one: report
    // the innermost, where the mistake is.
    let mut e = e;
    while let Some(inner) =
        std::error::Error::source(e).and_then(|s| s.downcast_ref::<minijinja::Error>())
    {
        e = inner;
    }
    let name = e.name().unwrap_or_default();
    let detail = e
        .detail()
        .map_or_else(|| e.kind().to_string(), str::to_string);
    let message = format!("template `{name}`: {detail}");
    let Some(file) = files.get(name) else {
        return Diagnostic::error(Code::TemplateError, message);
    };
    let span = match (e.range(), e.line()) {
        (Some(r), _) => r,
        (None, Some(line)) => {
            let f = sources.get(*file);
            let start = f.offset(line, 1);
            start..start
        }
        (None, None) => 0..0,
    };
    Diagnostic::error(Code::TemplateError, message)
        .at(*file, span, "here")
        .with_help("templates see `site`, `page` and the page's own value (`api`, `product`, `bundle` or `index`)")
}
