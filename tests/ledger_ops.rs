//! Withdrawing and resolving published versions, through the CLI and the consumer library.

mod common;

use std::path::Path;

use common::{plancat, stderr, tree};
use plancat_consumer::{self as consumer, Audience, Instant};

fn t(s: &str) -> Instant {
    Instant::parse(s).unwrap()
}

/// The example catalog with a second version of `aurora-storefront` (a price decrease,
/// effective 2026-12-01) published on top of the committed ledger.
fn two_versions() -> tempfile::TempDir {
    let dir = common::example_copy();
    let p = dir.path().join("plans/products/aurora-storefront.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, text.replace("INR = \"7999\"", "INR = \"6999\"")).unwrap();
    let o = plancat(
        dir.path(),
        &["build", "--effective-from", "2026-12-01T00:00:00Z"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("Published aurora-storefront 1.1.0"),
        "{}",
        stderr(&o)
    );
    dir
}

fn resolve(root: &Path, at: &str) -> String {
    let ledger = consumer::Ledger::open(root.join("out/snapshots")).unwrap();
    ledger
        .resolve("aurora-storefront", t(at), Audience::New)
        .unwrap()
        .plan_version
        .to_string()
}

#[test]
fn yank_falls_back_to_rollback_to_and_undo_restores() {
    let dir = two_versions();
    let before = tree(&dir.path().join("out/snapshots"));
    assert_eq!(resolve(dir.path(), "2026-12-02T00:00:00Z"), "1.1.0");

    let o = plancat(
        dir.path(),
        &[
            "yank",
            "aurora-storefront",
            "1.1.0",
            "--reason",
            "wrong price",
            "--at",
            "2026-12-02T00:00:00Z",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "      Yanked aurora-storefront 1.1.0: 1.0.1 is in force at 2026-12-02T00:00:00Z\n      \
               Yanked commerce-launch-bundle 1.1.0: 1.0.2 is in force at 2026-12-02T00:00:00Z (computed from it)\n"
    );
    assert_eq!(resolve(dir.path(), "2026-12-02T00:00:00Z"), "1.0.1");

    // Only indexes changed — the slug's, the bundle's computed from it (withdrawn with it),
    // and the catalog index, which records their hashes; every snapshot file is the same.
    let after = tree(&dir.path().join("out/snapshots"));
    let changed: Vec<&String> = after
        .keys()
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    assert_eq!(
        changed,
        [
            "aurora-storefront/index.json",
            "commerce-launch-bundle/index.json",
            "index.json"
        ]
    );
    let bundle: serde_json::Value =
        serde_json::from_slice(&after["commerce-launch-bundle/index.json"]).unwrap();
    assert_eq!(
        bundle["versions"][3]["yanked"],
        serde_json::json!({
            "reason": "computed from aurora-storefront 1.1.0, withdrawn: wrong price",
            "at": "2026-12-02T00:00:00Z",
            "with": "aurora-storefront 1.1.0"
        })
    );
    let index: serde_json::Value =
        serde_json::from_slice(&after["aurora-storefront/index.json"]).unwrap();
    assert_eq!(
        index["versions"][2]["yanked"],
        serde_json::json!({"reason": "wrong price", "at": "2026-12-02T00:00:00Z"})
    );
    assert!(plancat(dir.path(), &["verify"]).status.success());
    assert!(
        plancat(
            dir.path(),
            &["check", "--effective-from", "2026-12-02T00:00:00Z"]
        )
        .status
        .success()
    );

    let o = plancat(
        dir.path(),
        &[
            "yank",
            "aurora-storefront",
            "1.1.0",
            "--undo",
            "--at",
            "2026-12-03T00:00:00Z",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        tree(&dir.path().join("out/snapshots")),
        before,
        "undo restores the ledger exactly"
    );
}

#[test]
fn a_yanked_number_is_never_reused_and_rollback_skips_it() {
    let dir = two_versions();
    let o = plancat(
        dir.path(),
        &[
            "yank",
            "aurora-storefront",
            "1.1.0",
            "--reason",
            "typo",
            "--at",
            "2026-12-02T00:00:00Z",
        ],
    );
    assert!(o.status.success());
    let p = dir.path().join("plans/products/aurora-storefront.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    // A price increase gives existing subscribers the notice policy's 30 days.
    let raised = text.replace("INR = \"6999\"", "INR = \"7499\"");
    std::fs::write(
        &p,
        raised + "\n[release]\nexisting_from = 2027-01-05T00:00:00Z\n",
    )
    .unwrap();
    let bundle = dir
        .path()
        .join("plans/products/commerce-launch-bundle.toml");
    let text = std::fs::read_to_string(&bundle).unwrap();
    std::fs::write(
        &bundle,
        text + "\n[release]\nexisting_from = 2027-01-05T00:00:00Z\n",
    )
    .unwrap();
    let o = plancat(
        dir.path(),
        &["build", "--effective-from", "2026-12-03T00:00:00Z"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // 7499 is dearer than the withdrawn 6999 (1.1.0) but cheaper than 7999 (1.0.1), which is
    // what subscribers have: a MINOR decrease — and the next number is still above every
    // published one, the withdrawn 1.1.0 included.
    assert!(
        stderr(&o).contains("Published aurora-storefront 1.2.0 (MINOR: price decrease on `price.one_time.INR`: 7999.00 → 7499.00)"),
        "{}",
        stderr(&o)
    );
    let index: serde_json::Value = serde_json::from_slice(
        &std::fs::read(
            dir.path()
                .join("out/snapshots/aurora-storefront/index.json"),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(
        index["versions"][3]["rollback_to"], "1.0.1",
        "the withdrawn 1.1.0 is skipped"
    );
}

#[test]
fn yank_errors_are_clear() {
    let dir = two_versions();
    let at = "2026-12-02T00:00:00Z";
    let o = plancat(
        dir.path(),
        &[
            "yank",
            "aurora-storefront",
            "9.9.9",
            "--reason",
            "x",
            "--at",
            at,
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: `aurora-storefront` has no version 9.9.9 (published: 1.0.0, 1.0.1, 1.1.0)\n"
    );
    let o = plancat(
        dir.path(),
        &["yank", "aurora-storefront", "1.1.0", "--undo", "--at", at],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: aurora-storefront 1.1.0 is not withdrawn\n"
    );
    let o = plancat(
        dir.path(),
        &["yank", "aurora-storefront", "1.1.0", "--at", at],
    );
    assert_eq!(o.status.code(), Some(2), "a reason is required");
}

#[test]
fn resolve_prints_the_verified_snapshot_in_force() {
    let dir = two_versions();
    let o = plancat(
        dir.path(),
        &[
            "resolve",
            "aurora-storefront",
            "--at",
            "2026-11-30T00:00:00Z",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let printed: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(printed["plan_version"], "1.0.1");
    let o = plancat(
        dir.path(),
        &[
            "resolve",
            "aurora-storefront",
            "--at",
            "2026-12-01T00:00:00Z",
        ],
    );
    let printed: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(printed["plan_version"], "1.1.0", "exactly on the boundary");

    let o = plancat(
        dir.path(),
        &[
            "resolve",
            "aurora-storefront",
            "--at",
            "2020-01-01T00:00:00Z",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: no version of `aurora-storefront` is in force at 2020-01-01T00:00:00Z (the first takes effect at 2026-11-22T00:00:00Z)\n"
    );
    let o = plancat(
        dir.path(),
        &[
            "resolve",
            "aurora-storefrnt",
            "--at",
            "2026-12-01T00:00:00Z",
        ],
    );
    assert_eq!(
        stderr(&o),
        "error: no plan `aurora-storefrnt` in the ledger\n"
    );
}

#[test]
fn grandfathered_versions_reach_existing_subscribers_later() {
    let dir = common::example_copy();
    let p = dir.path().join("plans/projects/helpdesk-support-api.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    let raised = text
        .replace("INR = \"1999\"", "INR = \"2199\"")
        .replace("INR = \"19990\"", "INR = \"21990\"");
    std::fs::write(
        &p,
        raised + "\n[release]\nexisting_from = 2027-01-15T00:00:00Z\n",
    )
    .unwrap();
    // The bundle with the starter tier costs more too, and needs the same notice.
    let bundle = dir
        .path()
        .join("plans/products/support-starter-bundle.toml");
    let text = std::fs::read_to_string(&bundle).unwrap();
    std::fs::write(
        &bundle,
        text + "\n[release]\nexisting_from = 2027-01-15T00:00:00Z\n",
    )
    .unwrap();
    let o = plancat(
        dir.path(),
        &["build", "--effective-from", "2026-12-01T00:00:00Z"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let ledger = consumer::Ledger::open(dir.path().join("out/snapshots")).unwrap();
    let v = |at: &str, who| {
        ledger
            .resolve("helpdesk-support-api", t(at), who)
            .unwrap()
            .plan_version
            .to_string()
    };
    assert_eq!(v("2026-12-15T00:00:00Z", Audience::New), "2.0.0");
    assert_eq!(v("2026-12-15T00:00:00Z", Audience::Existing), "1.0.1");
    assert_eq!(v("2027-01-15T00:00:00Z", Audience::Existing), "2.0.0");
    let o = plancat(
        dir.path(),
        &[
            "resolve",
            "helpdesk-support-api",
            "--existing",
            "--at",
            "2026-12-15T00:00:00Z",
        ],
    );
    let printed: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(printed["plan_version"], "1.0.1");
}

#[test]
fn the_consumer_library_rejects_bytes_that_are_not_the_published_file() {
    let dir = two_versions();
    let ledger = consumer::Ledger::open(dir.path().join("out/snapshots")).unwrap();
    let index = ledger.index("aurora-storefront").unwrap();
    let entry = consumer::in_force(&index, t("2026-12-02T00:00:00Z"), Audience::New).unwrap();
    let path = dir
        .path()
        .join("out/snapshots/aurora-storefront")
        .join(&entry.file);
    let good = std::fs::read(&path).unwrap();
    assert!(consumer::verify(entry, &good).is_ok());
    let bad = String::from_utf8(good).unwrap().replace("6999.00", "0.00");
    let err = consumer::verify(entry, bad.as_bytes()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`1.1.0.json` is not the published file: its SHA-256 does not match the index"
    );
}

#[test]
fn the_example_consumer_runs_on_the_shipped_ledger() {
    // `plancat-consumer`'s example, run as a child API would, at a pinned moment.
    let o = std::process::Command::new(env!("CARGO"))
        .args([
            "run",
            "-q",
            "-p",
            "plancat-consumer",
            "--example",
            "resolve",
            "--",
        ])
        .arg(common::repo().join("out/snapshots"))
        .args(["shopcore-commerce-api", common::EXAMPLE_AT])
        .current_dir(common::repo())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.contains("shopcore-commerce-api 1.0.1 for New subscribers at 2026-12-01T00:00:00Z"),
        "{out}"
    );
    assert!(
        out.contains("  growth: 6999.00 INR a month, 14 trial days"),
        "{out}"
    );
}

/// Withdrawing the last version in force asks first: with no terminal to ask on, it needs
/// `--yes`, and without it nothing changes.
#[test]
fn withdrawing_the_last_version_in_force_needs_yes() {
    let dir = common::example_copy();
    let at = "2026-12-02T00:00:00Z";
    let yank = |version: &str, yes: bool| {
        let mut args = vec![
            "yank",
            "aurora-storefront",
            version,
            "--reason",
            "off sale",
            "--at",
            at,
        ];
        if yes {
            args.push("--yes");
        }
        plancat(dir.path(), &args)
    };
    // 1.0.1 falls back to 1.0.0: no question.
    let o = yank("1.0.1", false);
    assert!(o.status.success(), "{}", stderr(&o));
    let before = tree(&dir.path().join("out/snapshots"));
    let o = yank("1.0.0", false);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("aurora-storefront 1.0.0 is the last version of `aurora-storefront` in force at 2026-12-02T00:00:00Z: withdrawn, clients find none. Pass --yes to withdraw it anyway (nothing was changed)"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        tree(&dir.path().join("out/snapshots")),
        before,
        "nothing changed"
    );
    let o = yank("1.0.0", true);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("nothing is in force at 2026-12-02T00:00:00Z"),
        "{}",
        stderr(&o)
    );
}

/// An unknown slug is a usage error with the same exit status (2) in every command that takes
/// one, and each names what it looked for.
#[test]
fn an_unknown_slug_exits_2_everywhere() {
    let dir = common::example_copy();
    for args in [
        &["explain", "nope"][..],
        &["resolve", "nope"],
        &["yank", "nope", "1.0.0", "--reason", "x"],
        &["diff", "nope"],
    ] {
        let o = plancat(dir.path(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("`nope`"), "{args:?}: {}", stderr(&o));
    }
}

/// After a withdrawal, a change is measured against what subscribers have — the version in
/// force — not the withdrawn one: a withdrawn price change cannot come back as a PATCH, and
/// putting the file back as it was in force publishes nothing.
#[test]
fn after_a_withdrawal_changes_are_measured_against_the_version_in_force() {
    let dir = two_versions(); // aurora-storefront 1.1.0: 7999 → 6999 (MINOR)
    let o = plancat(
        dir.path(),
        &[
            "yank",
            "aurora-storefront",
            "1.1.0",
            "--reason",
            "wrong price",
            "--at",
            "2026-12-02T00:00:00Z",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // Before any edit, the file still describes the withdrawn 1.1.0: nothing to publish, and
    // `check` says so as a warning.
    let o = plancat(
        dir.path(),
        &["check", "--effective-from", "2026-12-03T00:00:00Z"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("warning[P0509]: `aurora-storefront` describes 1.1.0, which is withdrawn: 1.0.1 is in force"),
        "{}",
        stderr(&o)
    );
    // The file still says 6999; only the copy changes. Against 1.1.0 that is copy (PATCH);
    // against 1.0.1, in force, it is the price decrease again.
    let p = dir.path().join("plans/products/aurora-storefront.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    let edited = text.replacen("[product.copy]\n", "[product.copy]\n# edited\n", 1);
    let edited = edited.replacen("tagline = \"", "tagline = \"New: ", 1);
    assert_ne!(edited, text);
    std::fs::write(&p, &edited).unwrap();
    let o = plancat(
        dir.path(),
        &["build", "--effective-from", "2026-12-03T00:00:00Z"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("Published aurora-storefront 1.2.0 (MINOR: price decrease on `price.one_time.INR`: 7999.00 → 6999.00"),
        "{}",
        stderr(&o)
    );
    // Back to what is in force (1.2.0 now): nothing to publish.
    let o = plancat(
        dir.path(),
        &["build", "--effective-from", "2026-12-04T00:00:00Z"],
    );
    assert!(stderr(&o).contains("0 published"), "{}", stderr(&o));
}

/// A plan put back exactly as the version in force after a withdrawal publishes nothing.
#[test]
fn reverting_to_the_version_in_force_after_a_withdrawal_publishes_nothing() {
    let dir = two_versions();
    let o = plancat(
        dir.path(),
        &[
            "yank",
            "aurora-storefront",
            "1.1.0",
            "--reason",
            "wrong price",
            "--at",
            "2026-12-02T00:00:00Z",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let p = dir.path().join("plans/products/aurora-storefront.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, text.replace("INR = \"6999\"", "INR = \"7999\"")).unwrap();
    let o = plancat(
        dir.path(),
        &["build", "--effective-from", "2026-12-03T00:00:00Z"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("0 published"), "{}", stderr(&o));
    assert!(
        plancat(
            dir.path(),
            &["check", "--effective-from", "2026-12-03T00:00:00Z"]
        )
        .status
        .success()
    );
}
