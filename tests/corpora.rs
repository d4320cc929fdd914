//! Conformance corpora: every file of JSONTestSuite's `test_parsing/` and of toml-test's
//! TOML 1.1.0 `valid/` and `invalid/` cases (vendored under `tests/corpora/`, see its README),
//! each run through the real pipeline (`plancat::core::build::build`, in memory) as the one
//! product file `plans/products/case.{json,toml}` next to a minimal valid core file.
//!
//! What the pipeline says about the case file is sorted into one outcome class:
//!
//! | class      | codes          | meaning                                                  |
//! |------------|----------------|----------------------------------------------------------|
//! | `syntax`   | P0104, P0105   | a TOML / JSON syntax error                               |
//! | `not-utf8` | P0103          | the bytes are not UTF-8                                  |
//! | `empty`    | P0106          | nothing but whitespace (or, in JSON, a lone BOM)         |
//! | `too-deep` | P0107          | nesting past `MAX_DEPTH`                                 |
//! | `too-large`| P0102          | past `MAX_FILE_BYTES`                                    |
//! | `policy`   | P0108, P0111   | parsed, but refused by plancat (duplicate key, `null`)   |
//! | `schema`   | any other error| parsed, then refused by schema or validation             |
//! | `loads`    | no error       |                                                          |
//! | `panic`    |                | the pipeline panicked (always a failure)                 |
//!
//! The first five are "rejected before schema" (`REJECTED`). The assertions:
//! - JSON `n_*` and toml-test `invalid/*`: a `REJECTED` class, with a primary location in the
//!   case file (a line:column inside its text);
//! - JSON `y_*` and toml-test `valid/*`: not `syntax` and not `not-utf8`. (`empty` and
//!   `too-deep` on a valid document are plancat's own limits, not syntax errors, so they pass;
//!   `policy` and `schema` are expected: the documents are not plancat products.)
//! - JSON `i_*`: any class but `panic`, and exactly the class recorded in
//!   `tests/corpora/json-i-expected.txt`, so a change of behaviour shows up in review.
//!
//! `SNAPSHOTS=overwrite cargo test --test corpora` rewrites `json-i-expected.txt`; review the
//! diff. `CORPORA_REPORT=<file>` writes every case's outcome (class, code, line:column, time
//! taken) to `<file>` before the tests run, for a survey.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use libtest_mimic::{Arguments, Failed, Trial};
use plancat::core::build::{self, Inputs};
use plancat::core::compile::InputFile;
use plancat::core::diag::{Code, Severity};
use plancat::core::model::ids::Instant;

/// The one core file every case is compiled with (the `build-minimal` golden case's).
const CORE: &str = r#"[catalog]
brand = "Mini"
base_url = "https://mini.example"
currency = "USD"
locale = "en-US"

[rules]
api-needs-frontends = "allow"
"#;

const NOW: &str = "2026-01-01T00:00:00Z";

/// The classes that mean "rejected before the schema saw it".
const REJECTED: &[Class] = &[
    Class::Syntax,
    Class::NotUtf8,
    Class::Empty,
    Class::TooDeep,
    Class::TooLarge,
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Syntax,
    NotUtf8,
    Empty,
    TooDeep,
    TooLarge,
    Policy,
    Schema,
    Loads,
    Panic,
}

impl Class {
    fn as_str(self) -> &'static str {
        match self {
            Class::Syntax => "syntax",
            Class::NotUtf8 => "not-utf8",
            Class::Empty => "empty",
            Class::TooDeep => "too-deep",
            Class::TooLarge => "too-large",
            Class::Policy => "policy",
            Class::Schema => "schema",
            Class::Loads => "loads",
            Class::Panic => "panic",
        }
    }

    fn of(code: Code) -> Class {
        match code {
            Code::TomlSyntax | Code::JsonSyntax => Class::Syntax,
            Code::NotUtf8 => Class::NotUtf8,
            Code::EmptyFile => Class::Empty,
            Code::TooDeep => Class::TooDeep,
            Code::FileTooLarge => Class::TooLarge,
            Code::DuplicateKey | Code::NullValue => Class::Policy,
            _ => Class::Schema,
        }
    }

    /// Which class wins when a file has errors of several (parse errors end parsing, so in
    /// practice there is one).
    fn rank(self) -> u8 {
        match self {
            Class::Panic => 0,
            Class::TooLarge => 1,
            Class::NotUtf8 => 2,
            Class::Empty => 3,
            Class::Syntax => 4,
            Class::TooDeep => 5,
            Class::Policy => 6,
            Class::Schema => 7,
            Class::Loads => 8,
        }
    }
}

/// What the pipeline made of one case file.
struct Outcome {
    class: Class,
    /// The deciding error: its code, message and where it points (`None`: no primary label,
    /// or one in another file). For `panic`, the panic message.
    code: Option<&'static str>,
    message: String,
    location: Option<Location>,
    /// Errors located in other files or nowhere, which a case file should not cause.
    elsewhere: Vec<String>,
}

struct Location {
    line: usize,
    col: usize,
    /// The label's start lies inside the case file's text (or at its end).
    in_bounds: bool,
}

impl Outcome {
    fn describe(&self) -> String {
        let mut s = self.class.as_str().to_string();
        if let Some(code) = self.code {
            s.push_str(&format!(" {code}"));
        }
        match &self.location {
            Some(l) => s.push_str(&format!(" at {}:{}", l.line, l.col)),
            None if self.class != Class::Loads => s.push_str(" (no location in the case file)"),
            None => {}
        }
        if !self.message.is_empty() {
            s.push_str(&format!(": {}", self.message));
        }
        for e in &self.elsewhere {
            s.push_str(&format!("\n  and elsewhere: {e}"));
        }
        s
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Suite {
    /// JSONTestSuite, by the file name's first letter: `y`, `n` or `i`.
    Json(char),
    /// toml-test: `valid` (true) or `invalid` (false).
    Toml(bool),
}

struct Case {
    /// The trial's name: `json/<file>` or `toml/<valid|invalid>/<dir>/<file>`.
    name: String,
    file: PathBuf,
    suite: Suite,
}

fn main() {
    let args = Arguments::from_args();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpora");
    let cases = cases(&root);
    let expected_i = root.join("json-i-expected.txt");

    if let Ok(report) = std::env::var("CORPORA_REPORT") {
        let mut out = String::new();
        for c in &cases {
            let started = std::time::Instant::now();
            let o = run(c);
            let ms = started.elapsed().as_millis();
            let loc = o
                .location
                .as_ref()
                .map_or("-".to_string(), |l| format!("{}:{}", l.line, l.col));
            out.push_str(&format!(
                "{}\t{}\t{}\t{}\t{}ms\t{}\n",
                c.name,
                o.class.as_str(),
                o.code.unwrap_or("-"),
                loc,
                ms,
                o.message.replace(['\n', '\t'], " ")
            ));
        }
        std::fs::write(&report, out).expect("CORPORA_REPORT is writable");
    }
    if std::env::var("SNAPSHOTS").is_ok_and(|v| v == "overwrite") {
        let mut out = String::from(EXPECTED_HEADER);
        for c in cases.iter().filter(|c| c.suite == Suite::Json('i')) {
            let o = run(c);
            out.push_str(&format!("{} {}\n", file_name(&c.file), o.class.as_str()));
        }
        std::fs::write(&expected_i, out).expect("json-i-expected.txt is writable");
    }
    let expected = std::fs::read_to_string(&expected_i).unwrap_or_default();
    let expected: BTreeMap<String, String> = expected
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once(' '))
        .map(|(f, c)| (f.to_string(), c.trim().to_string()))
        .collect();

    let mut trials: Vec<Trial> = controls();
    {
        let names: Vec<String> = cases
            .iter()
            .filter(|c| c.suite == Suite::Json('i'))
            .map(|c| file_name(&c.file))
            .collect();
        let listed: Vec<String> = expected.keys().cloned().collect();
        trials.push(Trial::test(
            "json/i-expectations-list-exactly-the-i-cases",
            move || {
                let stale: Vec<_> = listed.iter().filter(|f| !names.contains(f)).collect();
                if stale.is_empty() {
                    Ok(())
                } else {
                    Err(format!(
                        "json-i-expected.txt lists files that are not in tests/corpora/json/: \
                         {stale:?} (SNAPSHOTS=overwrite rewrites it)"
                    )
                    .into())
                }
            },
        ));
    }
    let counts = (
        cases
            .iter()
            .filter(|c| matches!(c.suite, Suite::Json(_)))
            .count(),
        cases
            .iter()
            .filter(|c| matches!(c.suite, Suite::Toml(_)))
            .count(),
    );
    trials.push(Trial::test("corpora-are-all-there", move || {
        // The vendored counts (see tests/corpora/README.md): a lost directory must not pass
        // silently as zero cases.
        if counts == (318, 712) {
            Ok(())
        } else {
            Err(format!("expected 318 JSON and 712 TOML cases, found {counts:?}").into())
        }
    }));
    for case in cases {
        let expected = expected.get(&file_name(&case.file)).cloned();
        trials.push(Trial::test(case.name.clone(), move || {
            check(&case, expected.as_deref())
        }));
    }
    libtest_mimic::run(&args, trials).exit();
}

const EXPECTED_HEADER: &str = "\
# The outcome class of each JSONTestSuite `i_*` case (implementation-defined: a parser may
# accept or reject it), as `tests/corpora.rs` classifies it. Any class but `panic` is allowed;
# this file records which one, so a change shows up in review.
# Rewrite with `SNAPSHOTS=overwrite cargo test --test corpora` and review the diff.
";

fn file_name(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

fn cases(root: &Path) -> Vec<Case> {
    let mut cases = Vec::new();
    let json = root.join("json");
    for e in std::fs::read_dir(&json).expect("tests/corpora/json exists") {
        let path = e.unwrap().path();
        let name = file_name(&path);
        let Some(first) = name.chars().next().filter(|c| matches!(c, 'y' | 'n' | 'i')) else {
            continue;
        };
        if !name.ends_with(".json") || name.as_bytes().get(1) != Some(&b'_') {
            continue;
        }
        cases.push(Case {
            name: format!("json/{name}"),
            file: path,
            suite: Suite::Json(first),
        });
    }
    for (dir, valid) in [("valid", true), ("invalid", false)] {
        let base = root.join("toml");
        for e in walkdir::WalkDir::new(base.join(dir)) {
            let e = e.expect("tests/corpora/toml is readable");
            let path = e.path();
            if !e.file_type().is_file() || path.extension().is_none_or(|x| x != "toml") {
                continue;
            }
            let rel = path.strip_prefix(&base).unwrap().to_string_lossy();
            cases.push(Case {
                name: format!("toml/{}", rel.replace('\\', "/")),
                file: path.to_path_buf(),
                suite: Suite::Toml(valid),
            });
        }
    }
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    cases
}

fn check(case: &Case, expected_i: Option<&str>) -> Result<(), Failed> {
    let o = run(case);
    let got = o.describe();
    if o.class == Class::Panic {
        return Err(format!("the pipeline panicked: {}", o.message).into());
    }
    match case.suite {
        Suite::Json('n') | Suite::Toml(false) => {
            if !REJECTED.contains(&o.class) {
                return Err(
                    format!("invalid document not rejected before schema: got {got}").into(),
                );
            }
            match &o.location {
                Some(l) if l.in_bounds => {}
                Some(_) => {
                    return Err(
                        format!("rejected, but located past the end of the file: {got}").into(),
                    );
                }
                None => return Err(format!("rejected without a location: {got}").into()),
            }
        }
        Suite::Json('y') | Suite::Toml(true) => {
            if matches!(o.class, Class::Syntax | Class::NotUtf8) {
                return Err(format!("valid document refused as {got}").into());
            }
        }
        Suite::Json(_) => {
            let class = o.class.as_str();
            match expected_i {
                Some(e) if e == class => {}
                Some(e) => {
                    return Err(format!(
                        "outcome changed: json-i-expected.txt says `{e}`, got {got} \
                         (SNAPSHOTS=overwrite rewrites it; review the diff)"
                    )
                    .into());
                }
                None => {
                    return Err(format!(
                        "not in json-i-expected.txt (got {got}); \
                         run SNAPSHOTS=overwrite cargo test --test corpora"
                    )
                    .into());
                }
            }
        }
    }
    Ok(())
}

fn case_path(case: &Case) -> &'static str {
    match case.suite {
        Suite::Json(_) => "plans/products/case.json",
        Suite::Toml(_) => "plans/products/case.toml",
    }
}

fn run(case: &Case) -> Outcome {
    let bytes = std::fs::read(&case.file).expect("the case file is readable");
    outcome(case_path(case), bytes)
}

/// Builds the minimal core plus `bytes` at `path`, in memory, and classifies what the
/// pipeline said about `path`. A panic is caught and becomes [`Class::Panic`].
fn outcome(path: &str, bytes: Vec<u8>) -> Outcome {
    let inputs = Inputs {
        plans: vec![
            InputFile {
                path: "plans/core/00-defaults.toml".into(),
                bytes: CORE.as_bytes().to_vec(),
            },
            InputFile {
                path: path.into(),
                bytes,
            },
        ],
        ledger: Default::default(),
        templates: vec![],
        refused: vec![],
        now: Instant::parse(NOW).unwrap(),
        effective_from: None,
    };
    let analysis = match std::panic::catch_unwind(|| build::build(&inputs)) {
        Ok(a) => a,
        Err(p) => {
            let message = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "(no message)".into());
            return Outcome {
                class: Class::Panic,
                code: None,
                message,
                location: None,
                elsewhere: vec![],
            };
        }
    };
    let sources = analysis.sources();
    let mut best: Option<(Class, &plancat::core::diag::Diagnostic)> = None;
    let mut elsewhere = Vec::new();
    for d in analysis
        .diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
    {
        match &d.primary {
            Some(l) if sources.get(l.file).path == path => {
                let class = Class::of(d.code);
                if best.is_none_or(|(b, _)| class.rank() < b.rank()) {
                    best = Some((class, d));
                }
            }
            Some(l) => elsewhere.push(format!(
                "{} {} in {}",
                d.code.as_str(),
                d.message,
                sources.get(l.file).path
            )),
            None => elsewhere.push(format!("{} {} (unlocated)", d.code.as_str(), d.message)),
        }
    }
    let Some((class, d)) = best else {
        return Outcome {
            class: Class::Loads,
            code: None,
            message: String::new(),
            location: None,
            elsewhere,
        };
    };
    let label = d.primary.as_ref().unwrap();
    let file = sources.get(label.file);
    let (line, col) = file.line_col(label.span.start);
    Outcome {
        class,
        code: Some(d.code.as_str()),
        message: d.message.clone(),
        location: Some(Location {
            line,
            col,
            in_bounds: label.span.start <= file.text.len(),
        }),
        elsewhere,
    }
}

/// The harness checking itself: the base catalog is clean, and each class is recognised.
fn controls() -> Vec<Trial> {
    let control = |name: &str, path: &'static str, text: &'static [u8], want: Class| {
        Trial::test(format!("harness/{name}"), move || {
            let o = outcome(path, text.to_vec());
            if o.class != want {
                return Err(format!("expected {}, got {}", want.as_str(), o.describe()).into());
            }
            if want != Class::Loads && o.location.is_none() {
                return Err(format!("expected a location, got {}", o.describe()).into());
            }
            if !o.elsewhere.is_empty() {
                return Err(format!("errors outside the case file: {}", o.describe()).into());
            }
            Ok(())
        })
    };
    let j = "plans/products/case.json";
    let t = "plans/products/case.toml";
    vec![
        control("json-syntax", j, b"{\"product\": }", Class::Syntax),
        control("toml-syntax", t, b"[product\n", Class::Syntax),
        control("json-not-utf8", j, b"{\"a\": \"\xff\"}", Class::NotUtf8),
        control("toml-empty", t, b" \n", Class::Empty),
        control("json-too-deep", j, DEEP_JSON, Class::TooDeep),
        control(
            "json-null-is-policy",
            j,
            b"{\"product\": null}",
            Class::Policy,
        ),
        control("json-schema", j, b"[1]", Class::Schema),
        control("toml-schema", t, b"a = 1\n", Class::Schema),
        Trial::test("harness/core-alone-is-clean", || {
            let inputs = Inputs {
                plans: vec![InputFile {
                    path: "plans/core/00-defaults.toml".into(),
                    bytes: CORE.as_bytes().to_vec(),
                }],
                ledger: Default::default(),
                templates: vec![],
                refused: vec![],
                now: Instant::parse(NOW).unwrap(),
                effective_from: None,
            };
            let a = build::build(&inputs);
            if a.diags.iter().any(|d| d.severity == Severity::Error) {
                return Err(format!("the base catalog has errors: {:?}", a.diags).into());
            }
            Ok(())
        }),
    ]
}

/// 40 nested arrays around an integer, inside an object: valid JSON, deeper than `MAX_DEPTH`.
const DEEP_JSON: &[u8] =
    b"{\"a\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}";
