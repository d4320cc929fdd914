//! Stage 1: discover — which layer each file under `plans/` belongs to.
//!
//! The edge walks the directory (sorted); this module only classifies paths, so it is pure.
//! Invariant: every file under `plans/` is either a plan file or a diagnostic; nothing is
//! silently skipped.

use crate::core::diag::{Code, Diagnostic};
use crate::core::model::ids::{SLUG_RULE, Slug};
use crate::core::parse::Format;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LayerKind {
    Core,
    Project,
    Product,
}

impl LayerKind {
    pub fn name(self) -> &'static str {
        match self {
            LayerKind::Core => "core",
            LayerKind::Project => "project",
            LayerKind::Product => "product",
        }
    }
}

/// A file under `plans/` that is a plan file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanPath {
    pub layer: LayerKind,
    pub format: Format,
    /// The file stem: a core file's sort key, a project's or product's slug.
    pub stem: String,
}

/// Classifies a catalog-relative path like `plans/projects/shopcore-commerce-api.toml`.
/// The error variant is a diagnostic without a location (the caller attaches the file).
pub fn classify(path: &str) -> Result<PlanPath, Box<Diagnostic>> {
    let rest = path.strip_prefix("plans/").unwrap_or(path);
    let (dir, name) = rest.rsplit_once('/').unwrap_or(("", rest));
    let layer = match dir {
        "core" => LayerKind::Core,
        "projects" => LayerKind::Project,
        "products" => LayerKind::Product,
        _ => {
            return Err(Box::new(Diagnostic::error(
                Code::MisplacedFile,
                format!("`{path}` is not in a layer folder"),
            )
            .with_help(
                "plan files live directly in `plans/core/`, `plans/projects/` or `plans/products/`",
            )));
        }
    };
    let Some(format) = Format::from_path(name) else {
        return Err(Box::new(
            Diagnostic::error(
                Code::UnsupportedFile,
                format!("`{path}` is not a plan file"),
            )
            .with_help("plan files are `.toml` or `.json`; move other files out of `plans/`"),
        ));
    };
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s).to_string();
    if layer != LayerKind::Core && Slug::new(&stem).is_err() {
        return Err(Box::new(
            Diagnostic::error(
                Code::InvalidFileName,
                format!("file name `{name}` is not a valid slug"),
            )
            .with_help(format!(
                "a {} file is named after its slug; {SLUG_RULE}",
                layer.name(),
            )),
        ));
    }
    Ok(PlanPath {
        layer,
        format,
        stem,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_layers_and_rejects_everything_else() {
        let p = classify("plans/projects/shop-api.json").unwrap();
        assert_eq!(
            (p.layer, p.format, p.stem.as_str()),
            (LayerKind::Project, Format::Json, "shop-api")
        );
        assert_eq!(
            classify("plans/core/00-defaults.toml").unwrap().layer,
            LayerKind::Core
        );
        assert_eq!(
            classify("plans/README.md").unwrap_err().code,
            Code::MisplacedFile
        );
        assert_eq!(
            classify("plans/products/a.yaml").unwrap_err().code,
            Code::UnsupportedFile
        );
        assert_eq!(
            classify("plans/products/.gitkeep").unwrap_err().code,
            Code::UnsupportedFile
        );
        assert_eq!(
            classify("plans/products/Pro.toml").unwrap_err().code,
            Code::InvalidFileName
        );
        assert_eq!(
            classify("plans/products/x/a.toml").unwrap_err().code,
            Code::MisplacedFile
        );
    }
}
