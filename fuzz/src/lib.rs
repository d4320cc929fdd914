//! The fuzzing harness: what each fuzz target does with its bytes, and what must hold for any
//! input. It is compiled twice: by `cargo fuzz` (the targets in `fuzz_targets/`) and into the
//! normal test suite (`tests/fuzz_regressions.rs`), which replays the seeds and every minimised
//! crasher kept in `fuzz/regressions/`. A panic anywhere — in plancat or in an assertion
//! here — is a finding.
//!
//! Invariants checked for every input, beyond "no panic":
//! - every diagnostic renders, and the rendered text carries no terminal control characters
//!   (a plan file's or path's bytes must not reach a CI log raw);
//! - the JSON report is valid JSON;
//! - every ledger file a build would write is valid JSON, and every page is UTF-8;
//! - a ledger that verifies clean resolves, for every plan, to a snapshot the consumer crate
//!   accepts.

use plancat::core::build::{self, Inputs};
use plancat::core::compile::InputFile;
use plancat::core::diag::{Diagnostic, formats, render};
use plancat::core::source::Sources;
use plancat_consumer::model::ids::Instant;
use plancat_consumer::resolve::{Audience, moment};
use plancat_consumer::wire::SlugIndex;

/// The catalog a fuzzed plan file joins: the example's core layer and one project.
const CATALOG: [(&str, &[u8]); 3] = [
    (
        "plans/core/00-defaults.toml",
        include_bytes!("../../plans/core/00-defaults.toml"),
    ),
    (
        "plans/core/10-guardrails.toml",
        include_bytes!("../../plans/core/10-guardrails.toml"),
    ),
    (
        "plans/projects/shopcore-commerce-api.toml",
        include_bytes!("../../plans/projects/shopcore-commerce-api.toml"),
    ),
];

/// Where a fuzzed plan file goes when its input does not name a path: its first byte picks.
const PATHS: [&str; 6] = [
    "plans/products/fuzz.toml",
    "plans/products/fuzz.json",
    "plans/projects/fuzz.toml",
    "plans/projects/fuzz.json",
    "plans/core/50-fuzz.toml",
    "plans/core/50-fuzz.json",
];

/// "Now" for every fuzzed run: fixed, so a finding replays.
const NOW: &str = "2026-12-01T00:00:00Z";

/// bytes → discover → parse → validate → merge → rules → ledger → pages, as `plancat build`
/// runs it. An input starting with `plans/` names its own path on its first line (so odd
/// slugs, extensions and control characters reach discovery); otherwise its first byte picks
/// one of [`PATHS`] and the rest is the file.
pub fn plan_file(data: &[u8]) {
    let (path, bytes) = match data.strip_prefix(b"plans/") {
        Some(_) => {
            let end = data.iter().position(|&b| b == b'\n').unwrap_or(data.len());
            let path = String::from_utf8_lossy(&data[..end]).into_owned();
            (path, data.get(end + 1..).unwrap_or_default())
        }
        None => match data.split_first() {
            Some((&first, rest)) => (PATHS[first as usize % PATHS.len()].to_string(), rest),
            None => return,
        },
    };
    let mut plans: Vec<InputFile> = CATALOG
        .iter()
        .map(|(p, b)| InputFile {
            path: p.to_string(),
            bytes: b.to_vec(),
        })
        .collect();
    plans.retain(|f| f.path != path);
    plans.push(InputFile {
        path,
        bytes: bytes.to_vec(),
    });
    let inputs = Inputs {
        plans,
        ledger: Default::default(),
        templates: Vec::new(),
        refused: Vec::new(),
        now: Instant::parse(NOW).expect("fixed instant"),
        effective_from: None,
    };
    let analysis = build::build(&inputs);
    reports(&analysis.diags, analysis.sources());
    for (file, bytes) in &analysis.changes {
        if let Err(e) = serde_json::from_slice::<serde_json::Value>(bytes) {
            panic!("the build would publish `{file}`, which is not JSON: {e}");
        }
    }
    for (page, bytes) in &analysis.site {
        assert!(
            std::str::from_utf8(bytes).is_ok(),
            "page `{page}` is not UTF-8"
        );
    }
}

/// A ledger from hostile bytes: `plancat verify` on it, then the consumer crate's resolution
/// and verification of every index it can parse. The input is a list of files separated by
/// `0xFF` bytes (never part of UTF-8 text); each file is its path, a newline, its bytes.
pub fn ledger(data: &[u8]) {
    let files: plancat_consumer::check::Files = split_files(data).collect();
    let verified = build::verify(&files);
    reports(&verified.diags, &verified.sources);
    let clean = !verified.has_errors();
    let instants = [NOW, "1970-01-01T00:00:00Z", "9999-01-01T00:00:00Z"];
    for (path, bytes) in &files {
        let Some(slug) = path.strip_suffix("/index.json") else {
            continue;
        };
        let Ok(index) = serde_json::from_slice::<SlugIndex>(bytes) else {
            assert!(
                !clean,
                "`{path}` does not parse, yet the ledger verified clean"
            );
            continue;
        };
        for entry in &index.versions {
            if let Some(bytes) = files.get(&format!("{slug}/{}", entry.file)) {
                let verdict = plancat_consumer::verify(entry, bytes);
                assert!(
                    !clean || verdict.is_ok(),
                    "the ledger verified clean, but the consumer refuses {slug} {}: {:?}",
                    entry.plan_version,
                    verdict.err()
                );
            }
        }
        for at in instants {
            let at = Instant::parse(at).expect("fixed instant");
            for audience in [Audience::New, Audience::Existing] {
                if let Ok(entry) = plancat_consumer::in_force(&index, at, audience) {
                    assert!(entry.yanked.is_none(), "a withdrawn version resolved");
                    assert!(moment(entry, audience) <= at, "a future version resolved");
                }
            }
        }
    }
}

/// The files of a [`ledger`] input (see there).
pub fn split_files(data: &[u8]) -> impl Iterator<Item = (String, Vec<u8>)> + '_ {
    data.split(|&b| b == 0xFF).filter_map(|file| {
        let end = file.iter().position(|&b| b == b'\n')?;
        let path = String::from_utf8_lossy(&file[..end]).into_owned();
        Some((path, file[end + 1..].to_vec()))
    })
}

/// The inverse of [`split_files`], for seeds.
pub fn join_files<'a>(files: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, (path, bytes)) in files.into_iter().enumerate() {
        if i > 0 {
            out.push(0xFF);
        }
        out.extend_from_slice(path.as_bytes());
        out.push(b'\n');
        out.extend_from_slice(bytes);
    }
    out
}

/// Every diagnostic renders, as text without control characters and as valid JSON.
fn reports(diags: &[Diagnostic], sources: &Sources) {
    for d in diags {
        let text = render::human(d, sources, false);
        if let Some(c) = text
            .chars()
            .find(|&c| c.is_control() && c != '\n' && c != '\t')
        {
            panic!("a diagnostic prints the control character {c:?} raw:\n{text}");
        }
    }
    let json = formats::json(diags, sources, &formats::as_is);
    if let Err(e) = serde_json::from_str::<serde_json::Value>(&json) {
        panic!("the JSON report is not JSON: {e}\n{json}");
    }
}
