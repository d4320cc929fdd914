//! The link check: every internal link and asset reference of the generated site resolves to
//! a generated file. External links (`https:`, `mailto:` …) and in-page anchors are skipped.

use std::collections::BTreeMap;

use crate::core::diag::{Code, Diagnostic};

/// `href="…"` and `src="…"` attributes, compiled once per process.
static ATTR: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r#"(?:href|src)="([^"]*)""#).expect("valid regex")
});

pub fn check(files: &BTreeMap<String, Vec<u8>>) -> Vec<Diagnostic> {
    let attr = &*ATTR;
    let mut out = Vec::new();
    for (page, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        for target in attr.captures_iter(&html).map(|c| c[1].to_string()) {
            // Attribute values are HTML-escaped (`/` may be `&#x2f;`): resolve what a browser sees.
            let target = html_escape::decode_html_entities(&target).into_owned();
            if target.is_empty() || target.starts_with('#') || has_scheme(&target) {
                continue;
            }
            let path = target.split(['#', '?']).next().unwrap_or_default();
            let resolved = resolve(page, path);
            let exists = resolved.as_ref().is_some_and(|r| {
                files.contains_key(r)
                    || files.contains_key(&format!("{}/index.html", r.trim_end_matches('/')))
            });
            if !exists {
                out.push(
                    Diagnostic::error(
                        Code::BrokenLink,
                        format!("page `{page}` links to `{target}`, which the site does not have"),
                    )
                    .with_help(
                        "check the template that renders this page: links are relative to the page",
                    ),
                );
            }
        }
    }
    out
}

fn has_scheme(url: &str) -> bool {
    url.split_once(':').is_some_and(|(s, _)| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    }) || url.starts_with("//")
}

/// `products/x/index.html` + `../../apis/y/index.html` → `apis/y/index.html`; `None` when the
/// link climbs above the site root.
fn resolve(page: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        page.split('/').collect::<Vec<_>>()[..page.matches('/').count()].to_vec()
    };
    for seg in target.trim_start_matches('/').split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_resolve_against_the_page() {
        assert_eq!(
            resolve("products/x/index.html", "../../apis/y/index.html").as_deref(),
            Some("apis/y/index.html")
        );
        assert_eq!(
            resolve("index.html", "assets/style.css").as_deref(),
            Some("assets/style.css")
        );
        assert_eq!(resolve("index.html", "../x").as_deref(), None);
    }

    #[test]
    fn broken_links_are_reported_and_external_ones_skipped() {
        let files = BTreeMap::from([
            ("index.html".to_string(), br##"<a href="apis/a/index.html">a</a> <a href="apis/b/">b</a> <a href="https://x.test">x</a> <a href="mailto:a@b.c">m</a> <a href="javascript:alert(1)">j</a> <a href="#top">t</a>"##.to_vec()),
            ("apis/a/index.html".to_string(), br#"<link href="../../assets/style.css">"#.to_vec()),
        ]);
        let d = check(&files);
        let messages: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "page `apis/a/index.html` links to `../../assets/style.css`, which the site does not have",
                "page `index.html` links to `apis/b/`, which the site does not have",
            ]
        );
    }
}
