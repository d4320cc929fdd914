//! The ledger's guarantees, tested against the real binary: deterministic output, tamper
//! detection, crash safety under SIGKILL, concurrent builds, and hostile input.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;
use std::time::Instant;

use common::{example_copy, plancat, stderr, tree};

/// Every build and check here runs at this fixed moment, never at "now".
const T0: &str = common::EXAMPLE_AT;

fn snapshots(root: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    tree(&root.join("out/snapshots"))
}

/// A change to core that republishes every live plan (a PATCH: catalog copy).
fn touch_every_plan(root: &Path) {
    let p = root.join("plans/core/00-defaults.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(
        &p,
        text.replace("7-day refund on frontends", "10-day refund on frontends"),
    )
    .unwrap();
}

#[test]
fn two_builds_in_different_directories_are_byte_identical() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let nested = b.path().join("some/deeper/place");
    for dir in [a.path(), nested.as_path()] {
        common::copy_dir(&common::repo().join("plans"), &dir.join("plans"));
        let o = plancat(dir, &["build", "--effective-from", T0]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let (ta, tb) = (snapshots(a.path()), snapshots(&nested));
    assert_eq!(
        ta.len(),
        36 * 2 + 1,
        "36 snapshots, 36 indexes, one catalog index"
    );
    assert_eq!(ta, tb);
}

#[test]
fn a_hand_edited_snapshot_fails_check_and_build_refuses() {
    let dir = example_copy();
    let file = dir
        .path()
        .join("out/snapshots/shopcore-commerce-api/1.0.0.json");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replacen("\"2499.00\"", "\"1.00\"", 1)).unwrap();
    let before = snapshots(dir.path());

    let check = plancat(dir.path(), &["check", "--effective-from", T0]);
    assert_eq!(check.status.code(), Some(1));
    let err = stderr(&check);
    assert!(err.contains("error[P0501]: published snapshot `out/snapshots/shopcore-commerce-api/1.0.0.json` was modified"), "{err}");

    touch_every_plan(dir.path());
    let build = plancat(dir.path(), &["build", "--effective-from", T0]);
    assert_eq!(build.status.code(), Some(1), "{}", stderr(&build));
    assert!(stderr(&build).contains("could not build: nothing was published"));
    assert_eq!(
        snapshots(dir.path()),
        before,
        "a refused build writes nothing"
    );
}

/// The staging directory a build writes the next ledger into before swapping it in.
const STAGING: &str = "out/.snapshots.staging";

/// Starts a build of `root` that the test-only hook in `src/edge/fs.rs` pauses at `phase` of
/// writing `out/snapshots/`, waits until it says it is there, and kills it (SIGKILL).
fn build_killed_at(root: &Path, phase: &str) {
    let mut child = common::command(root, &["build", "--effective-from", T0])
        .env("PLANCAT_TEST_PAUSE_AT", phase)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let marker = format!(
        "plancat-test-paused {phase} {}",
        root.join("out/snapshots").display()
    );
    let mut seen = Vec::new();
    for line in BufReader::new(child.stderr.take().unwrap()).lines() {
        let line = line.unwrap();
        if line == marker {
            child.kill().unwrap(); // SIGKILL, while the build sleeps at `phase`
            child.wait().unwrap();
            return;
        }
        let other_pause = line.starts_with("plancat-test-paused");
        seen.push(line);
        if other_pause {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!(
        "the build never paused at `{phase}` of writing out/snapshots; its stderr:\n{}",
        seen.join("\n")
    );
}

/// Kills a build at known points of writing the ledger, through the test-only hook: half the
/// new files staged, staging complete but not swapped in, swapped in but not cleaned up. Each
/// time `out/snapshots/` must be exactly the old ledger or exactly the new one, the staging
/// directory must hold what that phase implies (the proof that the kill landed mid-write), and
/// the next build must finish the publication.
///
/// A writer that wrote straight into `out/snapshots/` fails this: at `staged-half` half of its
/// new files would already be live, so the ledger would be neither the old one nor the new
/// one, and there would be no staging directory to find. A writer without the hook never
/// prints the marker, and `build_killed_at` fails rather than pass vacuously.
#[test]
fn a_build_killed_while_writing_the_ledger_leaves_it_before_or_after() {
    let reference = example_copy();
    touch_every_plan(reference.path());
    let before = snapshots(reference.path());
    let o = plancat(reference.path(), &["build", "--effective-from", T0]);
    assert!(o.status.success(), "{}", stderr(&o));
    let after = snapshots(reference.path());
    // What the build writes: 36 new snapshots, 36 slug indexes and the catalog index.
    let new_files: Vec<&String> = after
        .iter()
        .filter(|(path, bytes)| before.get(*path) != Some(bytes))
        .map(|(path, _)| path)
        .collect();
    assert_eq!(new_files.len(), 36 * 2 + 1);

    for phase in ["staged-half", "staged", "swapped"] {
        let dir = example_copy();
        touch_every_plan(dir.path());
        build_killed_at(dir.path(), phase);
        let live = snapshots(dir.path());
        let staging = dir.path().join(STAGING);
        let staged = tree(&staging);
        match phase {
            "staged-half" => {
                assert!(
                    live == before,
                    "{phase}: out/snapshots is not the old ledger"
                );
                let written = new_files
                    .iter()
                    .filter(|path| staged.get(**path) == after.get(**path))
                    .count();
                assert!(
                    0 < written && written < new_files.len(),
                    "{phase}: {written} of {} new files staged: the kill was not mid-write",
                    new_files.len()
                );
            }
            "staged" => {
                assert!(
                    live == before,
                    "{phase}: out/snapshots is not the old ledger"
                );
                assert!(
                    staged == after,
                    "{phase}: the staged ledger is not complete"
                );
            }
            "swapped" => {
                assert!(
                    live == after,
                    "{phase}: out/snapshots is not the new ledger"
                );
                assert!(
                    staged == before,
                    "{phase}: the swapped-out old ledger is gone"
                );
            }
            _ => unreachable!(),
        }
        assert!(staging.is_dir(), "{phase}: no staging directory was left");

        // The next build clears the leftovers and completes (or finds complete) the publication.
        let o = plancat(dir.path(), &["build", "--effective-from", T0]);
        assert!(o.status.success(), "{phase}: {}", stderr(&o));
        let published = if phase == "swapped" { 0 } else { 36 };
        assert!(
            stderr(&o).contains(&format!("Finished 39 plans: {published} published")),
            "{phase}: {}",
            stderr(&o)
        );
        assert!(snapshots(dir.path()) == after, "{phase}: recovery build");
        assert!(!staging.exists(), "{phase}: staging left after recovery");
        let check = plancat(dir.path(), &["check", "--effective-from", T0]);
        assert!(check.status.success(), "{phase}: {}", stderr(&check));
    }
}

/// Kills at spread-out moments of a whole build: the hard-linking, the sync, the site's swap,
/// the cleanup. It cannot tell where a kill landed (a writer straight into `out/snapshots/`
/// passed it when tried), so it only complements the test above.
#[test]
fn a_build_killed_at_any_moment_leaves_the_ledger_before_or_after() {
    // The ledger the build would produce, from an undisturbed run.
    let reference = example_copy();
    touch_every_plan(reference.path());
    let before = snapshots(reference.path());
    let started = Instant::now();
    let o = plancat(reference.path(), &["build", "--effective-from", T0]);
    let full = started.elapsed();
    assert!(o.status.success(), "{}", stderr(&o));
    let after = snapshots(reference.path());
    assert_ne!(before, after);

    let runs = 40u32;
    let mut outcomes = [0u32; 2];
    for i in 0..runs {
        let dir = example_copy();
        touch_every_plan(dir.path());
        let mut child = common::command(dir.path(), &["build", "--effective-from", T0])
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Spread the kills over the whole run, and a little past it.
        std::thread::sleep(full * i / (runs - 10));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let now = snapshots(dir.path());
        if now == before {
            outcomes[0] += 1;
        } else if now == after {
            outcomes[1] += 1;
        } else {
            panic!("run {i}: out/snapshots is neither the old nor the new ledger");
        }
        // The next build recovers and completes the publication.
        let o = plancat(dir.path(), &["build", "--effective-from", T0]);
        assert!(o.status.success(), "run {i}: {}", stderr(&o));
        assert_eq!(snapshots(dir.path()), after, "run {i}: recovery build");
    }
    eprintln!(
        "killed builds: {} left the old ledger, {} the new one",
        outcomes[0], outcomes[1]
    );
}

#[test]
fn concurrent_builds_do_not_interleave() {
    let reference = example_copy();
    touch_every_plan(reference.path());
    assert!(
        plancat(reference.path(), &["build", "--effective-from", T0])
            .status
            .success()
    );
    let after = snapshots(reference.path());

    for _ in 0..5 {
        let dir = example_copy();
        touch_every_plan(dir.path());
        let spawn = || common::command(dir.path(), &["build", "--effective-from", T0]).output();
        let (a, b) = std::thread::scope(|s| {
            let a = s.spawn(spawn);
            let b = s.spawn(spawn);
            (a.join().unwrap().unwrap(), b.join().unwrap().unwrap())
        });
        assert!(
            a.status.success() && b.status.success(),
            "{}{}",
            stderr(&a),
            stderr(&b)
        );
        // One build published; the other waited for the lock and found nothing to do.
        let published: Vec<bool> = [&a, &b]
            .iter()
            .map(|o| stderr(o).contains("36 published"))
            .collect();
        assert_eq!(
            published.iter().filter(|p| **p).count(),
            1,
            "{}\n{}",
            stderr(&a),
            stderr(&b)
        );
        assert_eq!(snapshots(dir.path()), after);
        assert!(
            plancat(dir.path(), &["check", "--effective-from", T0])
                .status
                .success()
        );
    }
}

/// Hostile inputs: each must give a clear diagnostic and exit 1 (a panic exits 101), and write
/// nothing (a pending publication is held back too).
#[test]
fn bad_input_is_a_diagnostic_and_nothing_is_written() {
    let deep_json = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_toml = format!("x = {}{}", "[".repeat(100_000), "]".repeat(100_000));
    let mut huge = b"[product]\nname = \"".to_vec();
    huge.extend(std::iter::repeat_n(b'x', 50 * 1024 * 1024));
    huge.extend(b"\"\n");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "products/bad.toml",
            b"[product\nname = 1".to_vec(),
            "error[P0104]: invalid TOML",
        ),
        (
            "products/bad.json",
            br#"{"product": {"name": }}"#.to_vec(),
            "error[P0105]: invalid JSON",
        ),
        (
            "products/bad.toml",
            b"[product]\nname = 42\n".to_vec(),
            "error[P0203]: invalid type for `product.name`",
        ),
        (
            "products/bad.toml",
            b"[product]\nname = \"\xff\xfe\"\n".to_vec(),
            "error[P0103]: file is not valid UTF-8",
        ),
        (
            "products/bad.toml",
            Vec::new(),
            "error[P0106]: plan file is empty",
        ),
        (
            "products/bad.json",
            deep_json.into_bytes(),
            "plans/products/bad.json:1:",
        ),
        (
            "products/bad.toml",
            deep_toml.into_bytes(),
            "plans/products/bad.toml:1:",
        ),
        ("products/bad.toml", huge, "error[P0102]: file is too large"),
    ];
    for (path, bytes, expected) in cases {
        let dir = example_copy();
        touch_every_plan(dir.path());
        let before = snapshots(dir.path());
        std::fs::write(dir.path().join("plans").join(path), &bytes).unwrap();
        let o = plancat(dir.path(), &["build", "--effective-from", T0]);
        let err = stderr(&o);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{path}: {}",
            &err[..err.len().min(2000)]
        );
        assert!(
            err.contains(expected),
            "{path}: expected {expected:?} in:\n{}",
            &err[..err.len().min(2000)]
        );
        assert_eq!(
            snapshots(dir.path()),
            before,
            "{path}: nothing may be written"
        );
    }
}

#[test]
fn missing_plans_directory_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = plancat(dir.path(), &["check", "--effective-from", T0]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("error: no `plans/` directory in"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn bad_arguments_exit_with_2() {
    let dir = tempfile::tempdir().unwrap();
    let o = plancat(dir.path(), &["build", "--effective-from", "yesterday"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("invalid date-time `yesterday`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_site_write_that_fails_after_publishing_says_what_was_published() {
    let dir = example_copy();
    touch_every_plan(dir.path());
    let o = common::command(dir.path(), &["build", "--effective-from", T0])
        .env("PLANCAT_TEST_FAIL_AT", "site")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("Published shopcore-commerce-api 1.0.2 (PATCH: changed `catalog.trust_note`)"),
        "{err}"
    );
    assert!(
        err.contains("no space left on device\n  36 versions published (listed above) and committed, but `out/site/` is stale: fix this and run `plancat build` again to render it"),
        "{err}"
    );
    // The ledger is whole and published; the next build renders the site and publishes nothing.
    assert!(plancat(dir.path(), &["verify"]).status.success());
    let o = plancat(dir.path(), &["build", "--effective-from", T0]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("Rendered 37 pages to `out/site/`"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("0 published"), "{}", stderr(&o));
}

#[test]
fn a_file_of_garbage_costs_what_its_first_problems_cost() {
    // One problem per line for 1 MB, and a million on one line: each is reported as its first
    // problems and a count, never millions of diagnostics (which took minutes and gigabytes).
    for (name, garbage) in [
        ("lines.toml", "=\n".repeat(500_000)),
        ("one-line.toml", format!("a = 1\n{}", "=".repeat(1_000_000))),
    ] {
        let dir = example_copy();
        std::fs::write(dir.path().join("plans/products").join(name), garbage).unwrap();
        let o = plancat(dir.path(), &["check", "--effective-from", T0]);
        assert_eq!(o.status.code(), Some(1));
        let err = stderr(&o);
        let shown = err.matches("error[").count();
        assert!(shown <= 60, "{name}: {shown} diagnostics");
        assert!(
            err.contains("error[P0112]"),
            "{name}: {}",
            &err[..err.len().min(500)]
        );
    }
}

/// Runs plancat, killing it (and failing) if it has not finished within 60 s.
fn run_bounded(root: &Path, args: &[&str]) -> std::process::Output {
    let mut child = common::command(root, args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(60) {
            let _ = child.kill();
            panic!("`plancat {}` hung", args.join(" "));
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn symlinks_and_special_files_are_never_followed_or_opened() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.toml");
    std::fs::write(&secret, "[product]\nname = \"TOP-SECRET-CONTENT\"\n").unwrap();
    let mkfifo = |p: &Path| {
        assert!(
            std::process::Command::new("mkfifo")
                .arg(p)
                .status()
                .unwrap()
                .success()
        );
    };
    type Plant<'a> = Box<dyn Fn(&Path) + 'a>;
    let cases: Vec<(&str, Plant, &str)> = vec![
        (
            "a template linked outside the catalog",
            Box::new(|r: &Path| {
                std::fs::create_dir_all(r.join("templates")).unwrap();
                symlink(&secret, r.join("templates/base.html")).unwrap();
            }),
            "error[P0113]: `templates/base.html` is a symbolic link",
        ),
        (
            "a plan linked outside the catalog",
            Box::new(|r: &Path| symlink(&secret, r.join("plans/products/leak.toml")).unwrap()),
            "error[P0113]: `plans/products/leak.toml` is a symbolic link",
        ),
        (
            "the templates folder linked outside",
            Box::new(|r: &Path| symlink(outside.path(), r.join("templates")).unwrap()),
            "error[P0113]: `templates` is a symbolic link",
        ),
        (
            "a FIFO among the plans",
            Box::new(move |r: &Path| mkfifo(&r.join("plans/products/pipe.toml"))),
            "error[P0113]: `plans/products/pipe.toml` is a FIFO",
        ),
        (
            "a FIFO among the templates",
            Box::new(move |r: &Path| {
                std::fs::create_dir_all(r.join("templates")).unwrap();
                mkfifo(&r.join("templates/x.html"));
            }),
            "error[P0113]: `templates/x.html` is a FIFO",
        ),
        (
            "a FIFO in the ledger",
            Box::new(move |r: &Path| mkfifo(&r.join("out/snapshots/pipe.json"))),
            "is a FIFO: plancat reads only regular files",
        ),
    ];
    for (what, plant, expected) in cases {
        let dir = example_copy();
        plant(dir.path());
        let before = snapshots_or_empty(dir.path());
        for args in [
            &["build", "--effective-from", T0][..],
            &["check", "--effective-from", T0][..],
        ] {
            let o = run_bounded(dir.path(), args);
            let err = stderr(&o);
            assert_ne!(o.status.code(), Some(0), "{what}: {err}");
            assert!(
                err.contains(expected),
                "{what}: expected {expected:?} in {err}"
            );
            assert!(!err.contains("TOP-SECRET"), "{what}: leaked: {err}");
        }
        assert_eq!(
            snapshots_or_empty(dir.path()),
            before,
            "{what}: nothing written"
        );
    }
    // A FIFO in the generated site is replaced with the site, never opened.
    let dir = example_copy();
    let o = plancat(dir.path(), &["build", "--effective-from", T0]);
    assert!(o.status.success());
    mkfifo(&dir.path().join("out/site/pipe.html"));
    let o = run_bounded(dir.path(), &["build", "--effective-from", T0]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!dir.path().join("out/site/pipe.html").exists());
}

/// The regular files of the ledger (a FIFO there is left out, never opened).
fn snapshots_or_empty(root: &Path) -> Vec<String> {
    walkdir::WalkDir::new(root.join("out/snapshots"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let bytes = std::fs::read(e.path()).unwrap();
            format!("{} {}", e.path().display(), bytes.len())
        })
        .collect()
}

#[test]
fn a_held_lock_is_named_and_waiting_for_it_times_out() {
    let dir = example_copy();
    touch_every_plan(dir.path());
    // A build that holds the lock, paused before its swap.
    let mut holder = common::command(dir.path(), &["build", "--effective-from", T0])
        .env("PLANCAT_TEST_PAUSE_AT", "staged")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(holder.stderr.take().unwrap()).lines();
    assert!(
        lines.any(|l| l.unwrap().starts_with("plancat-test-paused staged")),
        "the holder never paused"
    );
    // Readers do not wait: they read the ledger as it was, whole (the build has not swapped).
    let o = run_bounded(dir.path(), &["--lock-timeout", "1", "verify"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run_bounded(
        dir.path(),
        &["--lock-timeout", "1", "check", "--effective-from", T0],
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "stale, not blocked: {}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("Blocking"), "{}", stderr(&o));
    // Writers wait, say for whom, and give up.
    for args in [
        &["--lock-timeout", "1", "build", "--effective-from", T0][..],
        &[
            "--lock-timeout",
            "1",
            "yank",
            "aurora-storefront",
            "1.0.0",
            "--reason",
            "x",
            "--at",
            T0,
        ][..],
    ] {
        let o = run_bounded(dir.path(), args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        let who = format!("held by process {}", holder.id());
        assert!(
            err.contains(&format!("Blocking waiting for the catalog lock, {who}")),
            "{err}"
        );
        assert!(
            err.contains(&format!(
                "error: gave up after 1 s waiting for the catalog lock, {who}"
            )),
            "{err}"
        );
    }
    holder.kill().unwrap();
    holder.wait().unwrap();
    // Once the holder is gone, the next build recovers and publishes.
    let o = plancat(dir.path(), &["build", "--effective-from", T0]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// `verify` holds the ledger directory open when a build swaps a new ledger in and removes the
/// old one under it: the reader notices (the path names another directory now), reads again,
/// and reports the new ledger — never an empty or half-removed one. Before the check, the
/// reader listed a deleted directory and reported the ledger missing.
#[test]
fn a_read_whose_ledger_is_swapped_out_starts_over_and_sees_the_new_one() {
    let dir = example_copy();
    let root = dir.path();
    touch_every_plan(root);
    let resume = root.join("resume-reader");
    let mut reader = common::command(root, &["verify"])
        .env("PLANCAT_TEST_READ_PAUSE", &resume)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(reader.stderr.take().unwrap()).lines();
    let first = lines
        .next()
        .expect("the reader says it is reading")
        .unwrap();
    assert!(first.starts_with("plancat-test-reading"), "{first}");
    let build = plancat(root, &["build", "--effective-from", T0]);
    assert!(build.status.success(), "{}", stderr(&build));
    std::fs::write(&resume, "").unwrap();
    let rest: Vec<String> = lines.map(Result::unwrap).collect();
    let status = reader.wait().unwrap();
    let fresh = plancat(root, &["verify"]);
    assert!(fresh.status.success(), "{}", stderr(&fresh));
    assert!(status.success(), "{}", rest.join("\n"));
    assert_eq!(rest.join("\n") + "\n", stderr(&fresh));
}

/// A ledger file larger than any plancat publishes is refused before it is read whole.
#[test]
fn an_oversized_ledger_file_is_an_error_not_a_read() {
    let dir = example_copy();
    let root = dir.path();
    let snap = root.join("out/snapshots/aurora-storefront/1.0.0.json");
    let f = std::fs::OpenOptions::new()
        .append(true)
        .open(&snap)
        .unwrap();
    // Sparse: 17 MiB on paper, nothing on disk.
    f.set_len(17 * 1024 * 1024).unwrap();
    let o = plancat(root, &["verify"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("is larger than 16 MiB"),
        "{}",
        stderr(&o)
    );
}
