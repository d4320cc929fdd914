//! Golden tests: each folder under `tests/cases/` is a catalog (`in/`), the command to run
//! (`args`, default `build --effective-from 2026-01-01T00:00:00Z --now 2026-01-01T00:00:00Z`;
//! split like a POSIX shell would, so `--reason "wrong price"` is one argument; "now" is
//! otherwise pinned by `SOURCE_DATE_EPOCH`, see `common`), and what must come out:
//! the exit `status`, the exact `stderr`, the exact `stdout` (a `stdout` file, recorded only
//! when the command prints something there; none means it must print nothing), and the `out/`
//! tree — the generated `out/site/` only in cases named `site-*`, the run manifest
//! `out/.plancat/` never (a cache naming this test binary; `tests/cache.rs`). A missing file and an extra
//! file both fail. `SNAPSHOTS=overwrite cargo test --test
//! golden` rewrites the expectations; review the diff before committing.

mod common;

use std::path::{Path, PathBuf};

use libtest_mimic::{Arguments, Failed, Trial};

const DEFAULT_ARGS: &str = "build --effective-from 2026-01-01T00:00:00Z --now 2026-01-01T00:00:00Z";

fn main() {
    let args = Arguments::from_args();
    let root = common::repo().join("tests/cases");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("tests/cases exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    let trials = cases
        .into_iter()
        .map(|dir| {
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            Trial::test(name, move || run_case(&dir))
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}

fn run_case(case: &Path) -> Result<(), Failed> {
    let overwrite = std::env::var("SNAPSHOTS").is_ok_and(|v| v == "overwrite");
    let work = tempfile::tempdir()?;
    let input = case.join("in");
    if !input.is_dir() {
        return Err(format!("{} has no `in/` folder", case.display()).into());
    }
    common::copy_dir(&input, work.path());
    let args = args(case)?;
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = common::plancat(work.path(), &args);

    let status = output
        .status
        .code()
        .map_or("signal".into(), |c| c.to_string());
    let root_path = work.path().display().to_string();
    let stderr = common::stderr(&output).replace(&root_path, "[ROOT]");
    let stdout = String::from_utf8_lossy(&output.stdout).replace(&root_path, "[ROOT]");
    // The generated site is part of the expected tree only in `site-*` cases, so a template
    // or style change touches the page goldens and nothing else.
    let with_site = case
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("site-"));
    let mut produced = common::tree(&work.path().join("out"));
    produced.retain(|path, _| !path.starts_with(".plancat/"));
    if !with_site {
        produced.retain(|path, _| !path.starts_with("site/"));
    }

    if overwrite {
        std::fs::write(case.join("status"), format!("{status}\n"))?;
        std::fs::write(case.join("stderr"), &stderr)?;
        if stdout.is_empty() {
            if case.join("stdout").exists() {
                std::fs::remove_file(case.join("stdout"))?;
            }
        } else {
            std::fs::write(case.join("stdout"), &stdout)?;
        }
        let out = case.join("out");
        if out.exists() {
            std::fs::remove_dir_all(&out)?;
        }
        for (rel, bytes) in &produced {
            let p = out.join(rel);
            std::fs::create_dir_all(p.parent().unwrap())?;
            std::fs::write(p, bytes)?;
        }
        return Ok(());
    }

    let mut problems = Vec::new();
    let expected_status = read(case, "status")?;
    if expected_status.trim() != status {
        problems.push(format!(
            "exit status: expected {}, got {status}",
            expected_status.trim()
        ));
    }
    let expected_stderr = read(case, "stderr")?;
    if expected_stderr != stderr {
        let diff = similar::TextDiff::from_lines(&expected_stderr, &stderr);
        problems.push(format!(
            "stderr differs:\n{}",
            diff.unified_diff().header("expected", "actual")
        ));
    }
    // No `stdout` file means the command must print nothing there.
    let expected_stdout = std::fs::read_to_string(case.join("stdout")).unwrap_or_default();
    if expected_stdout != stdout {
        let diff = similar::TextDiff::from_lines(&expected_stdout, &stdout);
        problems.push(format!(
            "stdout differs:\n{}",
            diff.unified_diff().header("expected", "actual")
        ));
    }
    let expected = common::tree(&case.join("out"));
    for path in expected.keys().filter(|p| !produced.contains_key(*p)) {
        problems.push(format!("missing file: out/{path}"));
    }
    for path in produced.keys().filter(|p| !expected.contains_key(*p)) {
        problems.push(format!("extra file: out/{path}"));
    }
    for (path, bytes) in &produced {
        if let Some(want) = expected.get(path)
            && want != bytes
        {
            let (a, b) = (
                String::from_utf8_lossy(want),
                String::from_utf8_lossy(bytes),
            );
            let diff = similar::TextDiff::from_lines(&a, &b);
            problems.push(format!(
                "out/{path} differs:\n{}",
                diff.unified_diff().header("expected", "actual")
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}\n(run `SNAPSHOTS=overwrite cargo test --test golden` to accept, then review the diff)",
            problems.join("\n")
        )
        .into())
    }
}

/// The case's command line: `args` split with shell quoting, or [`DEFAULT_ARGS`].
fn args(case: &Path) -> Result<Vec<String>, Failed> {
    let path = case.join("args");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => DEFAULT_ARGS.into(),
        Err(e) => return Err(format!("{}: {e}", path.display()).into()),
    };
    let args = shlex::split(&text).ok_or_else(|| {
        format!(
            "{}: cannot split {text:?} into arguments (an unclosed quote or a trailing backslash?)",
            path.display()
        )
    })?;
    if args.is_empty() {
        return Err(format!(
            "{}: no command (delete the file to run the default)",
            path.display()
        )
        .into());
    }
    Ok(args)
}

fn read(case: &Path, name: &str) -> Result<String, Failed> {
    std::fs::read_to_string(case.join(name)).map_err(|e| {
        format!(
            "{}/{name}: {e} (run with SNAPSHOTS=overwrite to create it)",
            case.display()
        )
        .into()
    })
}
