//! The seed businesses of SPEC §2 beyond the shipped one, kept as example catalogs under
//! `examples/catalogs/`: each must build clean (no errors, no warnings) and then check clean.

mod common;

use common::{plancat, repo, stderr};

/// The moment the example catalogs are built and checked at: fixed, so that no outcome
/// depends on today's date (promotions expire, time-dependent rules move).
const AT: &str = "2026-01-01T00:00:00Z";

#[test]
fn every_example_catalog_builds_and_checks_clean() {
    let dir = repo().join("examples/catalogs");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    let expected = ["hosted-accounts", "kits", "managed-services", "micro-saas"];
    assert_eq!(names, expected.map(std::ffi::OsString::from));
    for name in expected {
        let work = tempfile::tempdir().unwrap();
        common::copy_dir(&dir.join(name).join("plans"), &work.path().join("plans"));
        let build = plancat(work.path(), &["build", "--effective-from", AT]);
        let err = stderr(&build);
        assert!(build.status.success(), "{name}: {err}");
        assert!(!err.contains("warning"), "{name}: {err}");
        let check = plancat(work.path(), &["check", "--effective-from", AT]);
        assert!(check.status.success(), "{name}: {}", stderr(&check));
    }
}

#[test]
fn managed_services_bundles_follow_from_their_components() {
    // The stated totals of the 20 %, 25 % and 30 % bundles are checked against the components;
    // a total that does not follow is an error naming both numbers.
    let work = tempfile::tempdir().unwrap();
    common::copy_dir(
        &repo().join("examples/catalogs/managed-services/plans"),
        &work.path().join("plans"),
    );
    let bundle = work.path().join("plans/products/launch-trio-bundle.toml");
    let text = std::fs::read_to_string(&bundle).unwrap();
    assert!(text.contains("717.60"), "{text}");
    std::fs::write(&bundle, text.replace("717.60", "699.00")).unwrap();
    let o = plancat(work.path(), &["check", "--effective-from", AT]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("bundle `launch-trio-bundle` states a monthly price of 699.00 USD, but its components give 717.60 USD"),
        "{err}"
    );
}
