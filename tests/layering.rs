//! The import order of `src/core/` (ARCHITECTURE.md, "Floors"): each module may import only
//! modules below it, so the pipeline has no import cycles and each stage can be read, tested
//! and replaced on top of the ones it stands on. `core` never imports `edge`.
//!
//! A source scan: every `crate::core::<module>` and `super::` path outside comments.

use std::collections::BTreeSet;
use std::path::Path;

/// Bottom to top. A module may import only modules listed before it.
const ORDER: &[&str] = &[
    // vocabulary
    "source", "path", "model", "diag", //
    // reading a file
    "node", "parse", "discover", "schema", "messages", //
    // one plan
    "merge", "validate", "compute", "compile", //
    // the ledger and the catalog
    "ledger", "rules", //
    // what is made of them
    "pages", "diff", "explain", "types", //
    // the one entry point, and when a run may be skipped
    "build", "cache",
];

#[test]
fn core_modules_import_only_modules_below_them() {
    let core = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/core");
    let mut seen = BTreeSet::new();
    let mut violations = Vec::new();
    for entry in walkdir::WalkDir::new(&core).sort_by_file_name() {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(&core).unwrap();
        if entry.file_type().is_dir() || rel == Path::new("mod.rs") {
            continue;
        }
        let parts: Vec<String> = rel
            .with_extension("")
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let module = parts[0].clone();
        // How many `super::` reach `core` from this file.
        let depth = if parts.len() == 1 || parts.last().is_some_and(|p| p == "mod") {
            parts.len().saturating_sub(usize::from(parts.len() > 1))
        } else {
            parts.len() - 1
        };
        let floor = ORDER.iter().position(|m| *m == module).unwrap_or_else(|| {
            panic!("`core::{module}` is not in ORDER: place it in the import order")
        });
        seen.insert(module.clone());
        let text = std::fs::read_to_string(entry.path()).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for target in imported(code, depth) {
                if target == module {
                    continue;
                }
                if target == "edge" {
                    violations.push(format!("{}:{}: imports `edge`", rel.display(), n + 1));
                    continue;
                }
                match ORDER.iter().position(|m| *m == target) {
                    Some(t) if t < floor => {}
                    _ => violations.push(format!(
                        "src/core/{}:{}: `{module}` imports `{target}`, which is not below it",
                        rel.display(),
                        n + 1
                    )),
                }
            }
        }
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
    let listed: BTreeSet<String> = ORDER.iter().map(|s| s.to_string()).collect();
    assert_eq!(seen, listed, "ORDER lists exactly the modules of `core`");
}

/// The core modules a line of code names: `crate::core::x`, `crate::edge`, and `super::`
/// chains that climb to `core` (`depth` of them do).
fn imported(code: &str, depth: usize) -> Vec<String> {
    let mut out = Vec::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(r) = rest.strip_prefix("core::") {
            out.push(ident(r));
        } else if rest.starts_with("edge") {
            out.push("edge".into());
        }
    }
    if depth > 0 {
        let chain = "super::".repeat(depth);
        for (i, _) in code.match_indices(&chain) {
            // Not a longer chain, and not the middle of one.
            if code[..i].ends_with("super::") || code[i + chain.len()..].starts_with("super::") {
                continue;
            }
            let name = ident(&code[i + chain.len()..]);
            // Inline modules (`mod tests`) add a level: count only names of core modules.
            if ORDER.contains(&name.as_str()) {
                out.push(name);
            }
        }
    }
    out
}

/// A child API that depends on `plancat-consumer` builds none of the compiler's machinery.
#[test]
fn the_consumer_crate_pulls_in_no_compiler_dependency() {
    let o = std::process::Command::new(env!("CARGO"))
        .args(["tree", "--locked", "-p", "plancat-consumer", "-e", "normal"])
        .args(["--prefix", "none", "--format", "{p}"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let tree = String::from_utf8(o.stdout).unwrap();
    let crates: BTreeSet<&str> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(
        crates.contains("serde_json") && crates.contains("sha2"),
        "{tree}"
    );
    for heavy in [
        "plancat",
        "jsonschema",
        "minijinja",
        "clap",
        "toml",
        "walkdir",
        "regex",
    ] {
        assert!(
            !crates.contains(heavy),
            "plancat-consumer depends on `{heavy}`:\n{tree}"
        );
    }
}
