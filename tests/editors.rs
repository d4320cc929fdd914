//! Editors complete and validate plan files as they are typed — proved with a real
//! schema-aware tool: taplo (`@taplo/cli` from npm, the engine of VS Code's Even Better TOML),
//! checking a scaffolded catalog through the `#:schema` directives `init` writes, and the
//! shipped example catalogs through a folder-to-schema configuration, against the schemas
//! plancat generates; and a typo is caught by it.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// taplo from `npm ci --prefix tests/browser`; `None` (a loud skip) outside CI when absent.
fn taplo() -> Option<PathBuf> {
    let bin = common::repo().join("tests/browser/node_modules/.bin/taplo");
    if bin.exists() {
        return Some(bin);
    }
    assert!(
        !common::in_ci(),
        "CI is set but taplo is missing: `npm ci --prefix tests/browser` installs it"
    );
    let _ = std::io::Write::write_fmt(
        &mut std::io::stderr(),
        format_args!(
            "\n!! SKIPPED: taplo is not installed (`npm ci --prefix tests/browser`): plan files were NOT checked by an editor's validator\n"
        ),
    );
    None
}

fn check(taplo: &Path, cwd: &Path, args: &[&str]) -> Output {
    Command::new(taplo)
        .arg("check")
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env("RUST_LOG", "warn")
        .output()
        .expect("taplo runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn toml_files(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(dir.join("plans"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "toml"))
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_scaffolded_catalog_validates_by_its_schema_directives_and_a_typo_is_caught() {
    let Some(taplo) = taplo() else { return };
    for template in [
        "api-frontends",
        "saas",
        "services",
        "kits",
        "hosted-accounts",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let o = Command::new(common::BIN)
            .args(["init", "."])
            .args(["--template", template])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        // The directive alone: no taplo configuration.
        std::fs::remove_file(dir.path().join(".taplo.toml")).unwrap();
        let files = toml_files(dir.path());
        assert!(!files.is_empty());
        for f in &files {
            let first = std::fs::read_to_string(dir.path().join(f)).unwrap();
            assert!(
                first.starts_with("#:schema ../../schemas/"),
                "{template}: {f}"
            );
        }
        let args: Vec<&str> = files.iter().map(String::as_str).collect();
        let o = check(&taplo, dir.path(), &args);
        assert!(o.status.success(), "{template}: {}", text(&o));
    }
    // A misspelt field in a project file: taplo names it, as plancat would.
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new(common::BIN)
        .args(["init", ".", "--template", "saas"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(o.status.success());
    let project = toml_files(dir.path())
        .into_iter()
        .find(|f| f.starts_with("plans/projects/"))
        .unwrap();
    let path = dir.path().join(&project);
    let body = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, body.replacen("\nsummary = ", "\nsumary = ", 1)).unwrap();
    let o = check(&taplo, dir.path(), &[&project]);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("'sumary' was unexpected"), "{}", text(&o));
    // `plancat new` writes the directive too.
    let o = Command::new(common::BIN)
        .args(["new", "product", "a-new-kit"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = check(&taplo, dir.path(), &["plans/products/a-new-kit.toml"]);
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn the_example_catalogs_validate_against_the_generated_schemas() {
    let Some(taplo) = taplo() else { return };
    let schemas = common::repo().join("schemas");
    let config = tempfile::tempdir().unwrap();
    let mut cfg = String::new();
    for (folder, layer) in [
        ("core", "core"),
        ("projects", "project"),
        ("products", "product"),
    ] {
        cfg.push_str(&format!(
            "[[rule]]\ninclude = [\"**/plans/{folder}/*.toml\"]\n[rule.schema]\npath = \"{}\"\n\n",
            url::Url::from_file_path(schemas.join(format!("{layer}-layer.schema.json"))).unwrap()
        ));
    }
    let cfg_path = config.path().join("taplo.toml");
    std::fs::write(&cfg_path, cfg).unwrap();
    let mut checked = 0;
    for catalog in [
        "",
        "examples/catalogs/hosted-accounts",
        "examples/catalogs/kits",
        "examples/catalogs/managed-services",
        "examples/catalogs/micro-saas",
    ] {
        let dir = common::repo().join(catalog);
        let files = toml_files(&dir);
        let args: Vec<&str> = std::iter::once("--config")
            .chain(std::iter::once(cfg_path.to_str().unwrap()))
            .chain(files.iter().map(String::as_str))
            .collect();
        let o = check(&taplo, &dir, &args);
        assert!(o.status.success(), "{catalog}: {}", text(&o));
        checked += files.len();
    }
    assert!(checked > 60, "only {checked} files checked");
}
