//! The GitHub Action (`action.yml`) as a catalog repository runs it: its plancat step's script,
//! run with bash on a catalog in a subfolder of a repository — the SARIF report lands in the
//! file the upload step reads, the annotations name files from the repository root, and the
//! step fails on a catalog with errors. (`cargo install` is not run: the step finds the binary
//! where the install step puts it.)

mod common;

use std::path::Path;

use yaml_rust2::{Yaml, YamlLoader};

fn action() -> Yaml {
    let text = std::fs::read_to_string(common::repo().join("action.yml")).unwrap();
    YamlLoader::load_from_str(&text).unwrap().remove(0)
}

/// The script of the step with `id`.
fn step_script(action: &Yaml, id: &str) -> String {
    action["runs"]["steps"]
        .as_vec()
        .unwrap()
        .iter()
        .find(|s| s["id"].as_str() == Some(id))
        .and_then(|s| s["run"].as_str())
        .unwrap_or_else(|| panic!("no step `{id}` with a script"))
        .to_string()
}

fn run_step(script: &str, workspace: &Path, root: &str, temp: &Path) -> (i32, String, String) {
    let bin = temp.join("plancat/bin");
    std::fs::create_dir_all(&bin).unwrap();
    let link = bin.join("plancat");
    if !link.exists() {
        std::os::unix::fs::symlink(common::BIN, &link).unwrap();
    }
    let output_file = temp.join("github_output");
    let o = std::process::Command::new("bash")
        .args(["-e", "-c", script])
        .current_dir(workspace)
        .env("RUNNER_TEMP", temp)
        .env("GITHUB_OUTPUT", &output_file)
        .env("GITHUB_WORKSPACE", workspace)
        .env("ROOT", root)
        .env("COMMAND", "check")
        .env("ARGS", "")
        .env("SOURCE_DATE_EPOCH", common::NOW_EPOCH)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8(o.stdout).unwrap(),
        std::fs::read_to_string(&output_file).unwrap_or_default(),
    )
}

#[test]
fn the_action_checks_a_catalog_in_a_subfolder_and_reports_from_the_repository_root() {
    let action = action();
    // What a workflow passes in, and what it gets out.
    for input in ["root", "command", "args", "sarif"] {
        assert!(
            !action["inputs"][input]["description"].is_badvalue(),
            "input `{input}` is documented"
        );
    }
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    let install = action["runs"]["steps"]
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(|s| s["run"].as_str())
        .find(|r| r.contains("cargo install"))
        .expect("an install step");
    assert!(install.contains("--locked") && install.contains("$GITHUB_ACTION_PATH"));
    let script = step_script(&action, "run");

    let workspace = tempfile::tempdir().unwrap();
    std::fs::create_dir(workspace.path().join(".git")).unwrap();
    let catalog = workspace.path().join("catalog");
    common::copy_dir(
        &common::repo().join("tests/cases/build-minimal/in"),
        &catalog,
    );
    let temp = tempfile::tempdir().unwrap();
    // A catalog without a ledger: `check` fails — the step fails, and says where.
    let (status, stdout, outputs) = run_step(&script, workspace.path(), "catalog", temp.path());
    assert_ne!(status, 0, "a catalog with errors fails the step");
    assert!(stdout.contains("::error"), "{stdout}");
    let sarif_path = outputs
        .lines()
        .find_map(|l| l.strip_prefix("sarif-file="))
        .expect("the step names its SARIF file");
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sarif_path).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(!sarif["runs"][0]["results"].as_array().unwrap().is_empty());

    // A file error in the catalog: the annotation names it from the repository root.
    let bad = catalog.join("plans/products/mini-frontend.toml");
    let text = std::fs::read_to_string(&bad).unwrap();
    std::fs::write(&bad, text.replacen("name =", "nmae =", 1)).unwrap();
    let (status, stdout, _) = run_step(&script, workspace.path(), "catalog", temp.path());
    assert_ne!(status, 0);
    assert!(
        stdout.contains("file=catalog/plans/products/mini-frontend.toml,line="),
        "{stdout}"
    );
    let sarif = std::fs::read_to_string(temp.path().join("plancat.sarif")).unwrap();
    assert!(
        sarif.contains("\"uri\": \"catalog/plans/products/mini-frontend.toml\""),
        "{sarif}"
    );
}
