//! Stable diagnostic codes. A code, once published, keeps its meaning forever: CI configurations
//! and docs refer to it. Add new codes; never renumber.

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    // P01xx: reading and parsing files
    UnsupportedFile,
    FileTooLarge,
    NotUtf8,
    TomlSyntax,
    JsonSyntax,
    EmptyFile,
    TooDeep,
    DuplicateKey,
    InvalidFileName,
    MisplacedFile,
    NullValue,
    TooManyProblems,
    SpecialFile,
    VersionRequirement,
    // P02xx: schema validation (each file, then each applied plan)
    UnknownField,
    MissingField,
    InvalidType,
    InvalidValue,
    // P03xx: layers and merging
    LockedPath,
    RemoveMissing,
    UnknownProject,
    DuplicateSlug,
    InvalidLockPath,
    UnknownReference,
    // P05xx: the published ledger
    LedgerTampered,
    LedgerStale,
    EffectiveFromBackwards,
    VersionTooLow,
    LedgerCorrupt,
    LedgerUnexpectedFile,
    DraftAfterPublish,
    PublishedWithoutPlan,
    WithdrawnContent,
    // P06xx: pages
    TemplateError,
    BrokenLink,
    UnsafeUrl,
    MessageKey,
    /// A catalog rule's finding (`R0203`): see `core::rules`.
    Rule(&'static str),
}

impl Code {
    pub const ALL: &[Code] = &[
        Code::UnsupportedFile,
        Code::FileTooLarge,
        Code::NotUtf8,
        Code::TomlSyntax,
        Code::JsonSyntax,
        Code::EmptyFile,
        Code::TooDeep,
        Code::DuplicateKey,
        Code::InvalidFileName,
        Code::MisplacedFile,
        Code::NullValue,
        Code::TooManyProblems,
        Code::SpecialFile,
        Code::VersionRequirement,
        Code::UnknownField,
        Code::MissingField,
        Code::InvalidType,
        Code::InvalidValue,
        Code::LockedPath,
        Code::RemoveMissing,
        Code::UnknownProject,
        Code::DuplicateSlug,
        Code::InvalidLockPath,
        Code::UnknownReference,
        Code::LedgerTampered,
        Code::LedgerStale,
        Code::EffectiveFromBackwards,
        Code::VersionTooLow,
        Code::LedgerCorrupt,
        Code::LedgerUnexpectedFile,
        Code::DraftAfterPublish,
        Code::PublishedWithoutPlan,
        Code::WithdrawnContent,
        Code::TemplateError,
        Code::BrokenLink,
        Code::UnsafeUrl,
        Code::MessageKey,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::UnsupportedFile => "P0101",
            Code::FileTooLarge => "P0102",
            Code::VersionRequirement => "P0114",
            Code::NotUtf8 => "P0103",
            Code::TomlSyntax => "P0104",
            Code::JsonSyntax => "P0105",
            Code::EmptyFile => "P0106",
            Code::TooDeep => "P0107",
            Code::DuplicateKey => "P0108",
            Code::InvalidFileName => "P0109",
            Code::MisplacedFile => "P0110",
            Code::NullValue => "P0111",
            Code::TooManyProblems => "P0112",
            Code::SpecialFile => "P0113",
            Code::UnknownField => "P0201",
            Code::MissingField => "P0202",
            Code::InvalidType => "P0203",
            Code::InvalidValue => "P0204",
            Code::LockedPath => "P0301",
            Code::RemoveMissing => "P0302",
            Code::UnknownProject => "P0303",
            Code::DuplicateSlug => "P0304",
            Code::InvalidLockPath => "P0305",
            Code::UnknownReference => "P0306",
            Code::LedgerTampered => "P0501",
            Code::LedgerStale => "P0502",
            Code::EffectiveFromBackwards => "P0503",
            Code::VersionTooLow => "P0504",
            Code::LedgerCorrupt => "P0505",
            Code::LedgerUnexpectedFile => "P0506",
            Code::DraftAfterPublish => "P0507",
            Code::PublishedWithoutPlan => "P0508",
            Code::WithdrawnContent => "P0509",
            Code::TemplateError => "P0601",
            Code::BrokenLink => "P0602",
            Code::UnsafeUrl => "P0603",
            Code::MessageKey => "P0604",
            Code::Rule(code) => code,
        }
    }
}

impl Code {
    /// A one-line description of the class of problem (for `plancat rules` and SARIF). A
    /// catalog rule's own summary is in its [`super::RuleDoc`].
    pub fn summary(self) -> &'static str {
        match self {
            Code::Rule(_) => "a catalog rule's finding",
            Code::UnsupportedFile => {
                "a file in `plans/` that is not a `.toml` or `.json` plan file"
            }
            Code::FileTooLarge => "a plan file larger than 1 MiB",
            Code::VersionRequirement => {
                "a catalog that needs another plancat version (`plancat = \"…\"` in core)"
            }
            Code::NotUtf8 => "a plan file that is not valid UTF-8",
            Code::TomlSyntax => "a TOML syntax error",
            Code::JsonSyntax => "a JSON syntax error",
            Code::EmptyFile => "an empty plan file",
            Code::TooDeep => "nesting deeper than 32 levels",
            Code::DuplicateKey => "a key defined twice in one JSON table",
            Code::InvalidFileName => "a project or product file whose name is not a valid slug",
            Code::MisplacedFile => {
                "a plan file outside `plans/core/`, `plans/projects/` and `plans/products/`"
            }
            Code::NullValue => "a JSON `null` (leave the key out, or use `_remove`)",
            Code::TooManyProblems => {
                "more problems in one file (or one run) than are shown: the first are reported"
            }
            Code::SpecialFile => "a symlink, FIFO or device where plancat reads only regular files",
            Code::UnknownField => "a key the schema does not define (with a suggestion)",
            Code::MissingField => "a required key is missing",
            Code::InvalidType => "a value of the wrong type",
            Code::InvalidValue => "a value the schema rejects (pattern, enum, range)",
            Code::LockedPath => "an override of a path core locked",
            Code::RemoveMissing => "`_remove` names an entry no lower layer defines",
            Code::UnknownProject => "a product's `project` names no project file",
            Code::DuplicateSlug => "two plan files with the same slug",
            Code::InvalidLockPath => "a lock path that names no field",
            Code::UnknownReference => "a bundle component that names no API tier or product",
            Code::LedgerTampered => "a published snapshot changed after publication",
            Code::LedgerStale => "`out/snapshots/` is not what `build` would leave",
            Code::EffectiveFromBackwards => {
                "a new version would take effect before the previous one"
            }
            Code::VersionTooLow => "`release.version` is not above what the change requires",
            Code::LedgerCorrupt => "a ledger index that cannot be read or does not agree",
            Code::LedgerUnexpectedFile => "a file in the ledger no index lists",
            Code::DraftAfterPublish => "a published plan that is a draft again",
            Code::PublishedWithoutPlan => "published versions whose plan file is gone",
            Code::WithdrawnContent => "a plan file that still describes a withdrawn version",
            Code::TemplateError => "a page template that does not parse or render",
            Code::BrokenLink => "a generated page links to a file the site does not have",
            Code::UnsafeUrl => "a catalog URL whose scheme is not https, http or mailto",
            Code::MessageKey => {
                "a page message the catalog sets that pages do not have, or a locale whose \
                 language has no messages"
            }
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_summary() {
        for c in Code::ALL {
            assert!(!c.summary().is_empty(), "{c}");
        }
    }

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = std::collections::BTreeSet::new();
        for c in Code::ALL {
            let s = c.as_str();
            assert!(seen.insert(s), "duplicate code {s}");
            assert!(
                s.len() == 5 && s.starts_with('P') && s[1..].bytes().all(|b| b.is_ascii_digit())
            );
        }
    }
}
