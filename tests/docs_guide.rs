//! The user guide cannot drift from the tool:
//!
//! - `docs/tutorial.md` runs as written: every ```` ```sh ```` block, in order, in one temporary
//!   folder, each with `bash -e -o pipefail`, with `plancat` on `PATH` (this build's binary),
//!   `NO_COLOR=1`, a fixed `SOURCE_DATE_EPOCH`, no network (proxies point at a closed port), and
//!   a time limit. A block exits 0 unless it has a `# exits N` line (then it must hold exactly
//!   one command, which must exit N). A ```` ```text ```` block right after a `sh` block is an
//!   excerpt of its output: each of its lines must appear in the output, in order.
//! - `docs/reference/format.md` is generated from `schemas/*.json` and
//!   `docs/reference/rules.md` from `plancat rules`; the committed files must be exactly what
//!   this test generates. `SNAPSHOTS=overwrite cargo test --test docs_guide` rewrites them.
//! - Every relative link in the guide, the tutorial, the references, `docs/CONSUMING.md` and
//!   the README names a file that exists (and, from the guide's own pages, a heading that
//!   exists); the README links every page of the guide.

#![cfg(unix)]

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{BIN, NOW_EPOCH, repo};
use serde_json::Value;

const TUTORIAL: &str = "docs/tutorial.md";
const FORMAT_REFERENCE: &str = "docs/reference/format.md";
const RULES_REFERENCE: &str = "docs/reference/rules.md";
/// How long one tutorial block may run before it counts as hung (and is killed).
const BLOCK_LIMIT: Duration = Duration::from_secs(60);

fn overwrite() -> bool {
    std::env::var("SNAPSHOTS").is_ok_and(|v| v == "overwrite")
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(repo().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Compares a generated document with the committed one, or rewrites it under
/// `SNAPSHOTS=overwrite`.
fn check_generated(rel: &str, generated: &str) {
    let path = repo().join(rel);
    if overwrite() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        // Atomically: another test may be reading it.
        let staged = path.with_extension("md.tmp");
        std::fs::write(&staged, generated).unwrap();
        std::fs::rename(&staged, &path).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != generated {
        let diff = similar::TextDiff::from_lines(&committed, generated);
        panic!(
            "{rel} is not what the generator writes (run `SNAPSHOTS=overwrite cargo test --test \
             docs_guide`, then review the diff):\n{}",
            diff.unified_diff().header(rel, "generated")
        );
    }
}

// ---- Markdown code blocks ---------------------------------------------------------------------

/// A fenced code block: its info string, its text and the line of its opening fence.
struct Block {
    lang: String,
    text: String,
    line: usize,
}

/// The fenced code blocks of a Markdown document, in order (fences at the start of a line).
fn code_blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for (i, line) in markdown.lines().enumerate() {
        match open.as_mut() {
            None => {
                if let Some(info) = line.strip_prefix("```") {
                    open = Some(Block {
                        lang: info.trim().to_string(),
                        text: String::new(),
                        line: i + 1,
                    });
                }
            }
            Some(b) => {
                if line.trim_end() == "```" {
                    blocks.push(open.take().unwrap());
                } else {
                    b.text.push_str(line);
                    b.text.push('\n');
                }
            }
        }
    }
    assert!(open.is_none(), "an unclosed code block");
    blocks
}

/// The exit status a tutorial block announces with a `# exits N` line (default 0).
fn expected_exit(block: &str) -> i32 {
    block
        .lines()
        .filter_map(|l| l.trim().strip_prefix("# exits "))
        .map(|rest| {
            let n: String = rest.chars().take_while(char::is_ascii_digit).collect();
            n.parse()
                .unwrap_or_else(|_| panic!("`# exits {rest}`: no number"))
        })
        .next()
        .unwrap_or(0)
}

/// The lines of a block that are commands (not blank, not comments).
fn commands(block: &str) -> Vec<&str> {
    block
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

/// `plancat` subcommands whose result depends on the moment of the run: the tutorial pins
/// each with `--now`.
const TIMED: &[&str] = &["build", "check", "diff", "resolve", "yank", "serve"];

/// The tutorial's commands that would read the clock: those not pinned with `--now`.
fn unpinned(blocks: &[Block]) -> Vec<String> {
    let mut out = Vec::new();
    for b in blocks.iter().filter(|b| b.lang == "sh") {
        for line in commands(&b.text) {
            for invocation in line.split(['|', ';', '&']).map(str::trim) {
                let words: Vec<&str> = invocation.split_whitespace().collect();
                if words.first() != Some(&"plancat") {
                    continue;
                }
                let timed = words.iter().any(|w| TIMED.contains(w));
                if timed
                    && !words
                        .iter()
                        .any(|w| *w == "--now" || w.starts_with("--now="))
                {
                    out.push(format!("{TUTORIAL}:{}: {invocation}", b.line));
                }
            }
        }
    }
    out
}

// ---- running the tutorial ---------------------------------------------------------------------

/// One tutorial block, run.
struct Ran {
    block: usize,
    line: usize,
    script: String,
    status: i32,
    output: String,
}

/// Runs a block with `bash -e -o pipefail` in `cwd`; returns its exit status, its output
/// (stdout and stderr, interleaved as written) and the directory it ended in.
fn run_block(script: &str, cwd: &Path, scratch: &Path, n: usize) -> (i32, String, PathBuf) {
    let file = scratch.join(format!("block-{n}.sh"));
    let cwd_file = scratch.join("cwd");
    let out_file = scratch.join(format!("block-{n}.out"));
    std::fs::write(
        &file,
        format!("exec 2>&1\ntrap 'pwd > \"$DOCS_GUIDE_CWD\"' EXIT\n{script}"),
    )
    .unwrap();
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let home = scratch.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let out = std::fs::File::create(&out_file).unwrap();
    let mut cmd = Command::new("bash");
    cmd.arg("-e")
        .arg("-o")
        .arg("pipefail")
        .arg(&file)
        .current_dir(cwd)
        .env_clear()
        .env("PATH", path)
        .env("HOME", &home)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", NOW_EPOCH)
        .env("DOCS_GUIDE_CWD", &cwd_file)
        .stdin(Stdio::null())
        .stdout(out.try_clone().unwrap())
        .stderr(out);
    // No network: anything that tries HTTP goes to a closed port.
    for proxy in [
        "http_proxy",
        "https_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
    ] {
        cmd.env(proxy, "http://127.0.0.1:9");
    }
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child = cmd.spawn().expect("bash runs");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > BLOCK_LIMIT {
            // The whole group: bash and anything it started.
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .status();
            let _ = child.wait();
            panic!(
                "{TUTORIAL}: block {n} ran for more than {BLOCK_LIMIT:?} (killed); a tutorial \
                 block must finish:\n{script}"
            );
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let output = std::fs::read_to_string(&out_file).unwrap();
    let ended_in = std::fs::read_to_string(&cwd_file)
        .map_or_else(|_| cwd.to_path_buf(), |s| PathBuf::from(s.trim_end()));
    (status.code().unwrap_or(-1), output, ended_in)
}

/// Each line of `excerpt` must appear in `output`, in order (`…` lines stand for the rest).
fn excerpt_missing(excerpt: &str, output: &str) -> Option<String> {
    let mut lines = output.lines();
    for want in excerpt.lines().map(str::trim) {
        if want.is_empty() || want == "…" || want == "..." {
            continue;
        }
        if !lines.by_ref().any(|l| l.contains(want)) {
            return Some(want.to_string());
        }
    }
    None
}

/// Runs every `sh` block of the tutorial in order; panics on the first that does not do what
/// the tutorial says.
fn run_tutorial(blocks: &[Block], work: &Path, scratch: &Path) -> Vec<Ran> {
    let mut cwd = work.to_path_buf();
    let mut ran: Vec<Ran> = Vec::new();
    for (i, b) in blocks.iter().enumerate() {
        match b.lang.as_str() {
            "sh" => {
                let want = expected_exit(&b.text);
                if want != 0 {
                    assert_eq!(
                        commands(&b.text).len(),
                        1,
                        "{TUTORIAL}:{}: a block expected to exit {want} must hold one command, \
                         so no other can fail unseen",
                        b.line
                    );
                }
                let (status, output, ended_in) = run_block(&b.text, &cwd, scratch, i);
                assert_eq!(
                    status, want,
                    "{TUTORIAL}:{}: this block exited {status}, the tutorial says {want}:\n{}\n\
                     --- output ---\n{output}",
                    b.line, b.text
                );
                cwd = ended_in;
                ran.push(Ran {
                    block: i,
                    line: b.line,
                    script: b.text.clone(),
                    status,
                    output,
                });
            }
            "text" => {
                // An excerpt of the output of the `sh` block just before it.
                let Some(last) = ran.last().filter(|r| r.block + 1 == i) else {
                    continue;
                };
                if let Some(missing) = excerpt_missing(&b.text, &last.output) {
                    panic!(
                        "{TUTORIAL}:{}: the output the tutorial shows is not what the block at \
                         line {} printed: no line with `{missing}` (in order):\n{}\n--- output \
                         ---\n{}",
                        b.line, last.line, last.script, last.output
                    );
                }
            }
            _ => {}
        }
    }
    ran
}

/// `Resolved <slug> <version> for …` lines, with the index of the block that printed each.
fn resolved(ran: &[Ran]) -> Vec<(usize, String, String)> {
    let mut out = Vec::new();
    for (i, r) in ran.iter().enumerate() {
        for line in r.output.lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            if let ["Resolved", slug, version, "for", ..] = words[..] {
                out.push((i, slug.to_string(), version.to_string()));
            }
        }
    }
    out
}

#[test]
fn the_tutorial_runs_as_written() {
    let started = Instant::now();
    let blocks = code_blocks(&read(TUTORIAL));
    let sh = blocks.iter().filter(|b| b.lang == "sh").count();
    assert!(sh >= 10, "{TUTORIAL} has only {sh} `sh` blocks");
    let work = tempfile::tempdir().unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let ran = run_tutorial(&blocks, work.path(), scratch.path());

    // The story the tutorial tells: a scheduled version resolves only from its date, and a
    // withdrawn one falls back to the version before it.
    let resolved = resolved(&ran);
    let [(_, slug, before), (_, slug2, after), ..] = &resolved[..] else {
        panic!("the tutorial resolves a plan before and after a scheduled change: {resolved:?}");
    };
    assert_eq!(slug, slug2, "{resolved:?}");
    assert_ne!(
        before, after,
        "resolve before and after the effective date shows the same version"
    );
    let yank = ran
        .iter()
        .position(|r| commands(&r.script).iter().any(|c| c.contains(" yank ")))
        .expect("the tutorial withdraws a version with `plancat yank`");
    let (_, _, fallback) = resolved
        .iter()
        .find(|(i, s, _)| *i > yank && s == slug)
        .expect("the tutorial resolves the plan again after `yank`");
    assert_eq!(
        fallback, before,
        "after withdrawing {after}, clients fall back to {before}"
    );
    assert!(
        ran.iter().any(|r| r.status != 0),
        "the tutorial shows a command that fails (and says so with `# exits N`)"
    );

    // The tutorial leaves a catalog that checks clean and a ledger that verifies.
    let shop = work.path().join("shop");
    for args in [
        &["--now", "2026-12-01T00:00:00Z", "check"][..],
        &["verify"][..],
    ] {
        let o = common::plancat(&shop, args);
        assert!(
            o.status.success(),
            "`plancat {}` after the tutorial:\n{}",
            args.join(" "),
            common::stderr(&o)
        );
    }
    eprintln!(
        "{TUTORIAL}: {} blocks ran in {:.2?}",
        ran.len(),
        started.elapsed()
    );
}

#[test]
fn the_tutorial_pins_the_time_of_every_command_that_reads_the_clock() {
    let blocks = code_blocks(&read(TUTORIAL));
    let unpinned = unpinned(&blocks);
    assert!(
        unpinned.is_empty(),
        "pin these with `--now` (the tutorial must not depend on the day it is read):\n{}",
        unpinned.join("\n")
    );
    // Nothing that blocks or reaches the network is run.
    for b in blocks.iter().filter(|b| b.lang == "sh") {
        for line in commands(&b.text) {
            for forbidden in [" serve", "--from", "curl ", "wget ", "cargo "] {
                assert!(
                    !format!(" {line}").contains(forbidden),
                    "{TUTORIAL}:{}: `{line}` would block or need the network; mention it in \
                     prose instead",
                    b.line
                );
            }
        }
    }
}

#[test]
fn the_block_checks_catch_a_tutorial_that_lies() {
    // A command that fails where the tutorial promises success, and an excerpt the output
    // does not have, are both caught (so the real run above proves something).
    let scratch = tempfile::tempdir().unwrap();
    let (status, output, _) = run_block(
        "plancat --now 2026-12-01T00:00:00Z rules R9999\n",
        scratch.path(),
        scratch.path(),
        0,
    );
    assert_ne!(status, 0, "{output}");
    // `bash -e`: the first failing line ends the block; `pipefail`: so does a failing
    // command before a pipe.
    let (status, output, _) = run_block("false\necho after\n", scratch.path(), scratch.path(), 1);
    assert_eq!((status, output.as_str()), (1, ""));
    let (status, _, _) = run_block("false | cat\n", scratch.path(), scratch.path(), 2);
    assert_eq!(status, 1);
    assert_eq!(
        excerpt_missing("a\n…\nc\n", "a\nb\nc\n"),
        None,
        "in-order lines match"
    );
    assert_eq!(excerpt_missing("c\na\n", "a\nb\nc\n"), Some("a".into()));
    assert_eq!(expected_exit("# exits 1: too soon\nplancat build\n"), 1);
    let blocks = code_blocks("```sh\nplancat build\nplancat --now x diff\n```\n");
    assert_eq!(unpinned(&blocks), ["docs/tutorial.md:1: plancat build"]);
}

// ---- the rules reference ----------------------------------------------------------------------

fn rules_output(args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new(BIN)
        .arg("rules")
        .args(args)
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", NOW_EPOCH)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "plancat rules {args:?}: {}",
        common::stderr(&o)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn rules_reference() -> String {
    let list = rules_output(&[]);
    let codes: Vec<(&str, &str)> = list
        .lines()
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            let code = words.next()?;
            let is_rule = code.len() == 5
                && code.starts_with('R')
                && code[1..].bytes().all(|b| b.is_ascii_digit());
            is_rule.then(|| (code, words.next().unwrap_or_default()))
        })
        .collect();
    assert!(
        codes.len() >= 10,
        "`plancat rules` lists the rules:\n{list}"
    );
    let mut md = String::from(
        "# Rules reference\n\n\
         <!-- Generated by tests/docs_guide.rs from `plancat rules`: do not edit. Regenerate with\n\
         \x20    SNAPSHOTS=overwrite cargo test --test docs_guide -->\n\n\
         Every catalog rule, as `plancat rules` lists and explains it. Rule levels (`deny`, `warn`,\n\
         `allow`) and where they may be changed: [the guide](../guide/concepts.md#rules-and-their-levels).\n\
         Built-in checks (`P…` codes) cannot be turned off.\n\n",
    );
    md.push_str("## `plancat rules`\n\n```text\n");
    md.push_str(&list);
    md.push_str("```\n");
    for (code, name) in &codes {
        write!(
            md,
            "\n## {code} {name}\n\n`plancat rules {code}`:\n\n```text\n"
        )
        .unwrap();
        md.push_str(&rules_output(&[code]));
        md.push_str("```\n");
    }
    md
}

#[test]
fn the_rules_reference_is_generated_from_plancat_rules() {
    check_generated(RULES_REFERENCE, &rules_reference());
}

// ---- the file-format reference ----------------------------------------------------------------

/// Schemas in reading order: the layers a catalog owner writes, the applied plans, then what
/// `build` publishes and reports. Any other schema follows, by name.
const SCHEMA_ORDER: &[&str] = &[
    "core-layer",
    "project-layer",
    "product-layer",
    "api-plan",
    "product-plan",
    "snapshot",
    "slug-index",
    "catalog-index",
    "diagnostics",
];

/// A key pattern of a map, as the reference shows it.
fn placeholder(pattern: &str) -> &'static str {
    let codes = pattern
        .trim_start_matches("^(")
        .trim_end_matches(")$")
        .split('|')
        .all(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()));
    if codes {
        "<CUR>"
    } else if pattern.contains("[a-z0-9]") {
        "<id>"
    } else {
        "<key>"
    }
}

struct Row {
    path: String,
    ty: String,
    required: bool,
    description: String,
}

struct Walker<'a> {
    defs: &'a serde_json::Map<String, Value>,
    rows: Vec<Row>,
    /// The description of `_remove`, when a table of this schema takes it.
    remove: Option<String>,
}

/// One line of prose from a schema description.
fn prose(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

impl<'a> Walker<'a> {
    /// The schema a `$ref` names (followed to the end), and the names followed.
    fn resolve(&self, mut s: &'a Value) -> (&'a Value, Vec<String>) {
        let mut names = Vec::new();
        while let Some(r) = s.get("$ref").and_then(Value::as_str) {
            let name = r.trim_start_matches("#/$defs/");
            if names.iter().any(|n| n == name) {
                break;
            }
            names.push(name.to_string());
            match self.defs.get(name) {
                Some(t) => s = t,
                None => break,
            }
        }
        (s, names)
    }

    /// The variants of an `anyOf` / `oneOf`, resolved.
    fn variants(&self, s: &'a Value) -> Vec<&'a Value> {
        let (s, _) = self.resolve(s);
        ["anyOf", "oneOf"]
            .iter()
            .filter_map(|k| s.get(*k).and_then(Value::as_array))
            .flatten()
            .map(|v| self.resolve(v).0)
            .collect()
    }

    fn ty(&self, s: &'a Value) -> String {
        let (s, _) = self.resolve(s);
        let variants = self.variants(s);
        if !variants.is_empty() {
            // Alternatives of objects read by their keys: `{ percent } | { amount }`.
            let keyed = variants
                .iter()
                .filter(|v| v.get("properties").is_some())
                .count()
                > 1;
            let mut parts: Vec<String> = Vec::new();
            for v in variants {
                let t = match v.get("properties").and_then(Value::as_object) {
                    Some(p) if keyed => {
                        let keys: Vec<&str> = p
                            .keys()
                            .map(String::as_str)
                            .filter(|k| *k != "_remove")
                            .collect();
                        format!("{{ {} }}", keys.join(", "))
                    }
                    _ => self.ty(v),
                };
                if !parts.contains(&t) {
                    parts.push(t);
                }
            }
            if let Some(i) = parts.iter().position(|p| p == "null") {
                let null = parts.remove(i);
                parts.push(null);
            }
            return parts.join(" | ");
        }
        if let Some(c) = s.get("const") {
            return format!("`{c}`");
        }
        if let Some(values) = s.get("enum").and_then(Value::as_array) {
            if values.len() <= 8 {
                let shown: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
                return shown.join(" | ");
            }
            let base = s.get("type").and_then(Value::as_str).unwrap_or("enum");
            return format!("{base}, one of {} values", values.len());
        }
        let types: Vec<&str> = match s.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ if s.get("properties").is_some() => vec!["object"],
            _ => vec![],
        };
        if types.is_empty() {
            return "any".into();
        }
        let shown: Vec<String> = types.iter().map(|t| self.one_type(s, t)).collect();
        shown.join(" | ")
    }

    fn one_type(&self, s: &'a Value, t: &str) -> String {
        let range = || {
            let min = s.get("minimum").and_then(Value::as_i64);
            let max = s.get("maximum").and_then(Value::as_i64);
            match (min, max) {
                (Some(a), Some(b)) => format!(" {a}–{b}"),
                (Some(a), None) => format!(" ≥ {a}"),
                (None, Some(b)) => format!(" ≤ {b}"),
                (None, None) => String::new(),
            }
        };
        match t {
            "string" => match s.get("format").and_then(Value::as_str) {
                Some(f) => format!("string ({f})"),
                None => "string".into(),
            },
            "integer" | "number" => format!("{t}{}", range()),
            "array" => match s.get("items") {
                Some(items) => format!("array of {}", self.ty(items)),
                None => "array".into(),
            },
            "object" => {
                let (props, maps) = self.children(s);
                if props.is_empty() && !maps.is_empty() {
                    "map".into()
                } else {
                    "object".into()
                }
            }
            other => other.into(),
        }
    }

    /// An object's named properties (without `_remove`) and its map entries (placeholder →
    /// schema), from the schema itself and from its object variants.
    #[allow(clippy::type_complexity)]
    fn children(&self, s: &'a Value) -> (Vec<(String, &'a Value, bool)>, Vec<(String, &'a Value)>) {
        let (s, _) = self.resolve(s);
        let mut objects = vec![s];
        objects.extend(self.variants(s));
        let mut props: Vec<(String, &'a Value, bool)> = Vec::new();
        let mut maps: Vec<(String, &'a Value)> = Vec::new();
        for (i, o) in objects.into_iter().enumerate() {
            // A key an alternative requires is required only in that alternative: not marked.
            let required: Vec<&str> = o
                .get("required")
                .and_then(Value::as_array)
                .filter(|_| i == 0)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let named: Vec<(&String, &'a Value)> = o
                .get("properties")
                .and_then(Value::as_object)
                .map(|p| p.iter().filter(|(k, _)| *k != "_remove").collect())
                .unwrap_or_default();
            // Many keys with one schema (a currency each, a rule each): one row.
            let same = named.len() > 8 && named.windows(2).all(|w| w[0].1 == w[1].1);
            if same {
                let all_codes = named
                    .iter()
                    .all(|(k, _)| k.len() == 3 && k.bytes().all(|b| b.is_ascii_uppercase()));
                let key = if all_codes { "<CUR>" } else { "<key>" };
                if !maps.iter().any(|(k, _)| k == key) {
                    maps.push((key.to_string(), named[0].1));
                }
            } else {
                for (k, v) in named {
                    if !props.iter().any(|(p, _, _)| p == k) {
                        props.push((k.clone(), v, required.contains(&k.as_str())));
                    }
                }
            }
            let extra = o.get("additionalProperties").filter(|a| a.is_object());
            let patterns = o.get("patternProperties").and_then(Value::as_object);
            let mut keys: Vec<&'static str> = patterns
                .into_iter()
                .flatten()
                .map(|(p, _)| placeholder(p))
                .collect();
            keys.dedup();
            match (extra, patterns) {
                // Patterns refine a general entry schema (amounts per currency): the general
                // one describes the entry.
                (Some(general), _) => {
                    let key = keys.first().copied().unwrap_or("<key>");
                    if !maps.iter().any(|(k, _)| k == key) {
                        maps.push((key.to_string(), general));
                    }
                }
                (None, Some(patterns)) => {
                    for (p, v) in patterns {
                        let key = placeholder(p);
                        if !maps.iter().any(|(k, _)| k == key) {
                            maps.push((key.to_string(), v));
                        }
                    }
                }
                (None, None) => {}
            }
        }
        (props, maps)
    }

    fn description(&self, s: &'a Value) -> String {
        let own = s.get("description").and_then(Value::as_str);
        let (target, _) = self.resolve(s);
        let inherited = || {
            target
                .get("description")
                .and_then(Value::as_str)
                .or_else(|| {
                    self.variants(s)
                        .iter()
                        .find_map(|v| v.get("description").and_then(Value::as_str))
                })
        };
        let title = || {
            s.get("title")
                .or_else(|| target.get("title"))
                .and_then(Value::as_str)
        };
        let mut text = own
            .or_else(inherited)
            .or_else(title)
            .map(prose)
            .unwrap_or_default();
        let default = s.get("default").or_else(|| target.get("default"));
        let shown = match default {
            Some(Value::Object(o)) if !o.is_empty() => None,
            Some(Value::Null) | None => None,
            Some(d) => Some(d.to_string()),
        };
        if let Some(d) = shown {
            if !text.is_empty() && !text.ends_with('.') {
                text.push('.');
            }
            if !text.is_empty() {
                text.push(' ');
            }
            write!(text, "Default: `{d}`.").unwrap();
        }
        text
    }

    fn walk(&mut self, path: &str, s: &'a Value, required: bool, stack: &mut Vec<String>) {
        let (_, names) = self.resolve(s);
        if names.iter().any(|n| stack.contains(n)) {
            return; // a recursive type: its fields are listed above
        }
        self.rows.push(Row {
            path: path.to_string(),
            ty: self.ty(s),
            required,
            description: self.description(s),
        });
        let depth = stack.len();
        stack.extend(names);
        self.walk_children(path, s, stack);
        stack.truncate(depth);
    }

    fn walk_children(&mut self, path: &str, s: &'a Value, stack: &mut Vec<String>) {
        let (resolved, _) = self.resolve(s);
        self.note_remove(resolved);
        let (props, maps) = self.children(s);
        for (key, v, required) in props {
            self.walk(&format!("{path}.{key}"), v, required, stack);
        }
        for (key, v) in maps {
            self.walk(&format!("{path}.{key}"), v, false, stack);
        }
        // Arrays of objects: the fields of an item, as `path[].field`.
        let items = resolved.get("items").map(|i| self.resolve(i).0);
        if let Some(items) = items {
            let (props, maps) = self.children(items);
            if !props.is_empty() || !maps.is_empty() {
                self.note_remove(items);
                for v in self.variants(items) {
                    self.note_remove(v);
                }
                for (key, v, required) in props {
                    self.walk(&format!("{path}[].{key}"), v, required, stack);
                }
                for (key, v) in maps {
                    self.walk(&format!("{path}[].{key}"), v, false, stack);
                }
            }
        }
    }

    /// Remembers the description of `_remove` when a table takes it.
    fn note_remove(&mut self, s: &'a Value) {
        if self.remove.is_some() {
            return;
        }
        let mut objects = vec![s];
        objects.extend(self.variants(s));
        for o in objects {
            if let Some(r) = o.get("properties").and_then(|p| p.get("_remove")) {
                let (target, _) = self.resolve(r);
                self.remove = Some(prose(
                    target
                        .get("description")
                        .or_else(|| r.get("description"))
                        .and_then(Value::as_str)
                        .unwrap_or("the keys of inherited entries to remove"),
                ));
                return;
            }
        }
    }
}

fn format_section(stem: &str, schema: &Value) -> String {
    let empty = serde_json::Map::new();
    let defs = schema
        .get("$defs")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut w = Walker {
        defs,
        rows: Vec::new(),
        remove: None,
    };
    w.note_remove(schema);
    let (props, maps) = w.children(schema);
    let mut stack = Vec::new();
    for (key, v, required) in props {
        w.walk(&key, v, required, &mut stack);
    }
    for (key, v) in maps {
        w.walk(&key, v, false, &mut stack);
    }
    let title = schema.get("title").and_then(Value::as_str).unwrap_or(stem);
    let mut md = format!("## {stem}\n\n**{title}** — `schemas/{stem}.schema.json`\n\n");
    if let Some(d) = schema.get("description").and_then(Value::as_str) {
        md.push_str(d.trim());
        md.push_str("\n\n");
    }
    if let Some(remove) = &w.remove {
        write!(
            md,
            "Every table below also takes `_remove` (not listed): {}\n\n",
            cell(remove)
        )
        .unwrap();
    }
    let with_required = w.rows.iter().any(|r| r.required);
    if with_required {
        md.push_str("| path | type | required | description |\n|---|---|---|---|\n");
    } else {
        md.push_str("| path | type | description |\n|---|---|---|\n");
    }
    for r in &w.rows {
        let required = if with_required {
            format!(" {} |", if r.required { "yes" } else { "" })
        } else {
            String::new()
        };
        writeln!(
            md,
            "| `{}` | {} |{required} {} |",
            cell(&r.path),
            cell(&r.ty),
            cell(&r.description)
        )
        .unwrap();
    }
    md
}

fn format_reference() -> String {
    let mut schemas: BTreeMap<String, Value> = BTreeMap::new();
    for entry in std::fs::read_dir(repo().join("schemas")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".schema.json") else {
            continue;
        };
        let text = std::fs::read_to_string(&path).unwrap();
        let value: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("schemas/{name}: {e}"));
        schemas.insert(stem.to_string(), value);
    }
    let mut order: Vec<String> = SCHEMA_ORDER
        .iter()
        .filter(|s| schemas.contains_key(**s))
        .map(|s| s.to_string())
        .collect();
    order.extend(
        schemas
            .keys()
            .filter(|k| !SCHEMA_ORDER.contains(&k.as_str()))
            .cloned(),
    );
    let mut md = String::from(
        "# File-format reference\n\n\
         <!-- Generated by tests/docs_guide.rs from schemas/*.json: do not edit. Regenerate with\n\
         \x20    SNAPSHOTS=overwrite cargo test --test docs_guide -->\n\n\
         Every field of every file plancat reads or writes, one section per JSON Schema in\n\
         [`schemas/`](../../schemas/) (which `plancat schema` generates from plancat's own types).\n\
         Paths are dotted as `plancat explain` takes them: `<id>` stands for a key you choose (a\n\
         slug: lowercase letters, digits and single hyphens), `<CUR>` for an ISO 4217 currency code,\n\
         `<key>` for any other key, and `[]` for each item of an array. How the layers combine:\n\
         [the guide](../guide/concepts.md).\n\n",
    );
    for stem in &order {
        let title = schemas[stem]
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or(stem);
        writeln!(md, "- [{title}](#{stem}) — `schemas/{stem}.schema.json`").unwrap();
    }
    for stem in &order {
        md.push('\n');
        md.push_str(&format_section(stem, &schemas[stem]));
    }
    md
}

#[test]
fn the_format_reference_is_generated_from_the_schemas() {
    let md = format_reference();
    // Sanity: the walk reaches deep, map-keyed fields.
    for path in [
        "`api.tiers.<id>.price.monthly.<CUR>`",
        "`release.effective_from`",
        "`plan.api.tiers.<id>.quotas.<id>.overage.per`",
    ] {
        assert!(md.contains(path), "the reference lists {path}");
    }
    check_generated(FORMAT_REFERENCE, &md);
}

// ---- links ------------------------------------------------------------------------------------

/// The anchors GitHub gives a document's headings: lowercased, spaces to hyphens, other
/// punctuation dropped.
fn anchors(markdown: &str) -> Vec<String> {
    let mut in_code = false;
    let mut out = Vec::new();
    for line in markdown.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
        }
        if in_code || !line.starts_with('#') {
            continue;
        }
        let text = line.trim_start_matches('#').trim();
        let slug: String = text
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('-'),
                '-' | '_' => Some(c),
                c if c.is_alphanumeric() => Some(c.to_lowercase().next().unwrap_or(c)),
                _ => None,
            })
            .collect();
        out.push(slug);
    }
    out
}

/// Relative link targets of a Markdown document (`](target)`), anchors included.
fn relative_links(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_code = false;
    for line in markdown.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        let mut rest = line;
        while let Some(i) = rest.find("](") {
            rest = &rest[i + 2..];
            let Some(end) = rest.find(')') else { break };
            let target = &rest[..end];
            if !target.is_empty() && !target.contains("://") && !target.starts_with("mailto:") {
                out.push(target.to_string());
            }
            rest = &rest[end..];
        }
    }
    out
}

#[test]
fn every_link_of_the_guide_resolves() {
    let mut docs: Vec<String> = vec![
        "README.md".into(),
        "docs/CONSUMING.md".into(),
        TUTORIAL.into(),
        FORMAT_REFERENCE.into(),
        RULES_REFERENCE.into(),
    ];
    for entry in std::fs::read_dir(repo().join("docs/guide")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            docs.push(format!(
                "docs/guide/{}",
                path.file_name().unwrap().to_string_lossy()
            ));
        }
    }
    let mut broken = Vec::new();
    for doc in &docs {
        let dir = repo().join(doc).parent().unwrap().to_path_buf();
        for link in relative_links(&read(doc)) {
            let (file, anchor) = link.split_once('#').unwrap_or((&link, ""));
            let target = if file.is_empty() {
                repo().join(doc)
            } else {
                dir.join(file)
            };
            if !target.exists() {
                broken.push(format!("{doc}: {link}"));
                continue;
            }
            // Anchors into Markdown: checked in the guide's own pages.
            let ours = doc.starts_with("docs/guide/")
                || doc.starts_with("docs/reference/")
                || doc == TUTORIAL;
            if ours && !anchor.is_empty() && target.extension().is_some_and(|e| e == "md") {
                let text = std::fs::read_to_string(&target).unwrap();
                if !anchors(&text).iter().any(|a| a == anchor) {
                    broken.push(format!("{doc}: {link} (no such heading)"));
                }
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    // The README stays short and points into the guide.
    let readme = read("README.md");
    for page in [
        "docs/tutorial.md",
        "docs/guide/concepts.md",
        "docs/guide/ci.md",
        "docs/guide/consuming.md",
        "docs/reference/format.md",
        "docs/reference/rules.md",
    ] {
        assert!(
            readme.contains(&format!("]({page})")),
            "README.md links {page}"
        );
    }
}
