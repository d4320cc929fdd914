//! The run manifest (`out/.plancat/manifest.json`): a `build` or `check` with nothing changed
//! skips every stage and says exactly what a full run says; anything that could change the
//! answer — a byte of any input, an edited ledger, an edited page, the clock crossing a stated
//! instant — makes it a full run again.

mod common;

use std::path::Path;

use common::{example_copy, plancat, stderr};

const MANIFEST: &str = "out/.plancat/manifest.json";

fn run(root: &Path, args: &[&str]) -> (i32, String) {
    let o = plancat(root, args);
    (o.status.code().unwrap_or(-1), stderr(&o))
}

/// Lowers one product's price (a decrease needs no notice), so the next build publishes.
fn lower_a_price(root: &Path) {
    let plan = root.join("plans/products/aurora-storefront.toml");
    let text = std::fs::read_to_string(&plan).unwrap();
    assert!(text.contains("INR = \"7999\""));
    std::fs::write(&plan, text.replace("INR = \"7999\"", "INR = \"6999\"")).unwrap();
}

fn skipped(root: &Path, args: &[&str]) -> bool {
    let mut args = args.to_vec();
    args.push("-v");
    run(root, &args).1.contains("Skipped")
}

#[test]
fn a_second_build_and_a_check_skip_every_stage_and_say_what_a_full_run_says() {
    let dir = example_copy();
    let root = dir.path();
    let first = run(root, &["build"]);
    assert_eq!(first.0, 0, "{}", first.1);
    assert!(root.join(MANIFEST).is_file());
    for args in [&["build"][..], &["check"], &["check", "--format", "json"]] {
        let mut full = args.to_vec();
        full.push("--full");
        let (fast, slow) = (plancat(root, args), plancat(root, &full));
        assert_eq!(fast.status.code(), slow.status.code(), "{args:?}");
        assert_eq!(stderr(&fast), stderr(&slow), "{args:?}");
        assert_eq!(fast.stdout, slow.stdout, "{args:?}");
        assert!(skipped(root, args), "{args:?} was not skipped");
    }
}

#[test]
fn after_publishing_the_next_build_is_skipped_and_agrees_with_a_full_one() {
    let dir = example_copy();
    let root = dir.path();
    lower_a_price(root);
    let at = ["build", "--effective-from", "2026-12-15T00:00:00Z"];
    let published = run(root, &at);
    assert!(
        published.1.contains("Published aurora-storefront"),
        "{}",
        published.1
    );
    assert!(skipped(root, &at));
    let (fast, full) = (run(root, &at), run(root, &[&at[..], &["--full"]].concat()));
    assert_eq!(fast, full);
    assert!(
        full.1.contains("0 published") && full.1.contains("was up to date"),
        "{}",
        full.1
    );
}

#[test]
fn a_publishing_run_at_now_is_recorded_and_holds_until_the_next_stated_instant() {
    // Published with effective_from = now: in force from now on, so the next run is skipped.
    let dir = example_copy();
    let root = dir.path();
    lower_a_price(root);
    assert_eq!(run(root, &["build"]).0, 0);
    assert!(root.join(MANIFEST).exists());
    assert!(skipped(root, &["build", "--now", "2026-12-01T00:00:01Z"]));
    assert!(skipped(root, &["check", "--now", "2026-12-31T23:59:59Z"]));
    // The `launch20` promotion ends at 2027-01-01T00:00:00Z.
    assert!(!skipped(root, &["check", "--now", "2027-01-01T00:00:00Z"]));
    // Before the run's own moment: a full run (that version is not in force yet).
    assert!(!skipped(root, &["check", "--now", "2026-11-30T23:59:59Z"]));
}

#[test]
fn any_changed_input_byte_is_a_full_run() {
    let dir = example_copy();
    let root = dir.path();
    assert_eq!(run(root, &["build"]).0, 0);
    let plan = root.join("plans/products/aurora-storefront.toml");
    let text = std::fs::read_to_string(&plan).unwrap();
    std::fs::write(&plan, format!("{text}\nbogus = 1\n")).unwrap();
    let (status, err) = run(root, &["check"]);
    assert_eq!(status, 1);
    assert!(err.contains("bogus"), "{err}");
    // Put back, the inputs are those of the clean build again (`check` writes nothing).
    std::fs::write(&plan, &text).unwrap();
    assert!(skipped(root, &["check"]));
    // A failed build forgets the manifest.
    std::fs::write(&plan, format!("{text}\nbogus = 1\n")).unwrap();
    assert_eq!(run(root, &["build"]).0, 1);
    assert!(!root.join(MANIFEST).exists());
    std::fs::write(&plan, &text).unwrap();
    assert!(!skipped(root, &["check"]));
    // A template is an input too.
    assert_eq!(run(root, &["build"]).0, 0);
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(root.join("templates/extra.txt"), "x").unwrap();
    assert!(!skipped(root, &["check"]));
}

#[test]
fn an_edited_ledger_is_never_taken_on_trust() {
    let dir = example_copy();
    let root = dir.path();
    assert_eq!(run(root, &["build"]).0, 0);
    let snap = root.join("out/snapshots/aurora-storefront/1.0.0.json");
    let text = std::fs::read_to_string(&snap).unwrap();
    std::fs::write(&snap, text.replace("7999", "1")).unwrap();
    let (status, err) = run(root, &["check"]);
    assert_eq!(status, 1, "{err}");
    assert!(err.contains("aurora-storefront/1.0.0.json"), "{err}");
    // Even with the clean build's manifest copied back (its key still matches: the catalog
    // index is unchanged), the hash chain is checked.
    std::fs::write(&snap, &text).unwrap();
    assert_eq!(run(root, &["build"]).0, 0);
    let manifest = std::fs::read(root.join(MANIFEST)).unwrap();
    std::fs::write(&snap, text.replace("7999", "1")).unwrap();
    std::fs::write(root.join(MANIFEST), manifest).unwrap();
    assert!(!skipped(root, &["check"]));
}

#[test]
fn an_edited_or_deleted_page_is_rendered_again() {
    let dir = example_copy();
    let root = dir.path();
    assert_eq!(run(root, &["build"]).0, 0);
    let page = root.join("out/site/index.html");
    let good = std::fs::read(&page).unwrap();
    std::fs::write(&page, "defaced").unwrap();
    let (status, err) = run(root, &["build"]);
    assert_eq!(status, 0, "{err}");
    assert_eq!(std::fs::read(&page).unwrap(), good);
    std::fs::remove_file(&page).unwrap();
    assert_eq!(run(root, &["build"]).0, 0);
    assert_eq!(std::fs::read(&page).unwrap(), good);
    // `check` never looks at the site, so it is still skipped after a build.
    assert!(skipped(root, &["check"]));
}

#[test]
fn the_clock_crossing_a_stated_instant_is_a_full_run() {
    // The example's `launch20` promotion runs until 2027-01-01T00:00:00Z.
    let dir = example_copy();
    let root = dir.path();
    assert_eq!(run(root, &["build"]).0, 0);
    assert!(skipped(root, &["check", "--now", "2026-12-31T23:59:59Z"]));
    let (status, err) = run(root, &["check", "--now", "2027-01-02T00:00:00Z"]);
    assert_eq!(status, 0, "{err}");
    assert!(err.contains("promotion `launch20` expired"), "{err}");
    // At the instant itself no window is safe: a full run.
    assert!(!skipped(root, &["check", "--now", "2027-01-01T00:00:00Z"]));
}

/// Every file under `dir`: bytes, inode and modification time.
fn site(dir: &Path) -> std::collections::BTreeMap<String, (Vec<u8>, u64, i64, i64)> {
    use std::os::unix::fs::MetadataExt;
    common::tree(dir)
        .into_iter()
        .map(|(rel, bytes)| {
            let m = std::fs::metadata(dir.join(&rel)).unwrap();
            (rel, (bytes, m.ino(), m.mtime(), m.mtime_nsec()))
        })
        .collect()
}

#[test]
fn one_edit_rewrites_only_the_site_files_whose_bytes_change() {
    let dir = example_copy();
    let root = dir.path();
    assert_eq!(run(root, &["build"]).0, 0);
    let before = site(&root.join("out/site"));
    lower_a_price(root);
    let (status, err) = run(root, &["build", "--effective-from", "2026-12-15T00:00:00Z"]);
    assert_eq!(status, 0, "{err}");
    let after = site(&root.join("out/site"));
    let mut touched = Vec::new();
    for (rel, (bytes, ino, s, ns)) in &after {
        match before.get(rel) {
            Some((old, ino0, s0, ns0)) if old == bytes => {
                assert_eq!(
                    (ino, s, ns),
                    (ino0, s0, ns0),
                    "`{rel}` was rewritten unchanged"
                );
            }
            _ => touched.push(rel.clone()),
        }
    }
    // The product's page and the pages listing it, the new snapshot's copy and the indexes.
    assert!(
        touched.contains(&"products/aurora-storefront/index.html".to_string()),
        "{touched:?}"
    );
    assert!(
        touched.contains(&"snapshots/aurora-storefront/1.1.0.json".to_string()),
        "{touched:?}"
    );
    assert!(touched.len() < 10, "{touched:?}");
    assert!(
        err.contains(&format!("({} files written or removed)", touched.len())),
        "{err}"
    );
}

#[test]
fn a_replaced_page_keeps_the_mode_of_a_new_one_and_a_chmod_is_noticed() {
    use std::os::unix::fs::PermissionsExt;
    let dir = example_copy();
    let root = dir.path();
    assert_eq!(run(root, &["build"]).0, 0);
    let page = root.join("out/site/index.html");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let fresh = mode(&page);
    // A page replaced by rename is as readable as one written new (not tempfile's 0600).
    std::fs::write(&page, "defaced").unwrap();
    assert_eq!(run(root, &["build"]).0, 0);
    assert_ne!(std::fs::read(&page).unwrap(), b"defaced");
    assert_eq!(mode(&page), fresh);
    // Only the mode changed: not the bytes, size or mtime. Still a full run.
    std::fs::set_permissions(&page, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert!(!skipped(root, &["build"]));
}

#[test]
fn the_manifest_folder_ignores_itself_for_git() {
    let dir = example_copy();
    let root = dir.path();
    assert_eq!(run(root, &["build"]).0, 0);
    let ignore = std::fs::read_to_string(root.join("out/.plancat/.gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "*"), "{ignore}");
}

#[test]
fn an_unwritable_manifest_costs_the_skip_not_the_build() {
    let dir = example_copy();
    let root = dir.path();
    // A file where the manifest's folder should be.
    std::fs::write(root.join("out/.plancat"), "not a folder").unwrap();
    let (status, err) = run(root, &["build"]);
    assert_eq!(status, 0, "{err}");
    assert!(
        err.contains("warning: the run manifest was not written"),
        "{err}"
    );
    assert!(err.contains("Finished"), "{err}");
    assert!(!skipped(root, &["check"]));
}

#[test]
fn a_folder_where_a_page_goes_is_replaced_by_the_page() {
    let dir = example_copy();
    let root = dir.path();
    assert_eq!(run(root, &["build"]).0, 0);
    let page = root.join("out/site/index.html");
    let good = std::fs::read(&page).unwrap();
    std::fs::remove_file(&page).unwrap();
    std::fs::create_dir_all(page.join("stale")).unwrap();
    std::fs::write(page.join("stale/old.html"), "old").unwrap();
    let (status, err) = run(root, &["build"]);
    assert_eq!(status, 0, "{err}");
    assert_eq!(std::fs::read(&page).unwrap(), good);
}
