//! Where output goes. Human diagnostics and status lines go to stderr, results and the machine
//! formats to stdout; each stream decides for itself whether to keep colours
//! (`anstream::AutoStream`: a terminal, NO_COLOR, CLICOLOR_FORCE, `--color`), so
//! `plancat diff > file` writes plain text while the terminal stays coloured.

use std::io::Write;

use anstream::AutoStream;
use anstyle::{AnsiColor, Style};
use clap::ValueEnum;

use crate::core::diag::{Diagnostic, RuleDoc, formats, render};
use crate::core::source::Sources;

/// How diagnostics are written: `human` to stderr, the others to stdout.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Cargo-style, with source excerpts (stderr).
    Human,
    /// One JSON document; schema: `schemas/diagnostics.schema.json`.
    Json,
    /// GitHub Actions workflow commands, for inline pull-request annotations.
    Github,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
}

/// How a command that prints data (`explain`, `rules`, `yank`) prints it.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DataFormat {
    /// Text for people.
    Human,
    /// One JSON document on stdout; a failure is the same document's `error`.
    Json,
}

impl From<DataFormat> for Format {
    /// Problems a data command reports are written in the same form as its data.
    fn from(f: DataFormat) -> Format {
        match f {
            DataFormat::Human => Format::Human,
            DataFormat::Json => Format::Json,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    /// Problems only.
    Quiet,
    Normal,
    /// Also what every step did.
    Verbose,
}

pub struct Output {
    err: AutoStream<std::io::Stderr>,
    out: AutoStream<std::io::Stdout>,
    verbosity: Verbosity,
    choice: anstream::ColorChoice,
    pub paths: Paths,
    /// The machine format the command reports in, if any: a run that cannot finish still
    /// writes one valid document in it ([`Output::fail`]).
    pub machine: Option<Format>,
    /// Whether a report was written (a second document would make the output invalid).
    reported: bool,
}

/// How diagnostics name files: catalog paths (`plans/core/00.toml`) as seen from the current
/// directory (human and JSON output) and from the repository root (GitHub annotations, SARIF).
#[derive(Clone, Default)]
pub struct Paths {
    /// The catalog root and the current directory, when one is inside the other: human paths
    /// are then relative to where plancat runs (`b-front.toml`, `../core/00.toml`,
    /// `shop/plans/…`); otherwise they stay relative to the catalog.
    pub here: Option<(std::path::PathBuf, std::path::PathBuf)>,
    /// From the repository root to the catalog (`catalogs/shop/`), so annotations land on the
    /// right file of a pull request.
    pub repo: String,
}

impl Paths {
    /// The views for a catalog at `root` (absolute), seen from `cwd` and from the repository
    /// that holds it: `GITHUB_WORKSPACE` when set and above the catalog, else the nearest
    /// ancestor with a `.git`.
    pub fn for_root(
        root: &std::path::Path,
        cwd: &std::path::Path,
        workspace: Option<&std::path::Path>,
    ) -> Paths {
        let related = root.starts_with(cwd) || cwd.starts_with(root);
        let repo = workspace
            .filter(|w| root.starts_with(w))
            .map(std::path::Path::to_path_buf)
            .or_else(|| {
                root.ancestors()
                    .find(|a| a.join(".git").exists())
                    .map(std::path::Path::to_path_buf)
            });
        let repo = repo
            .and_then(|r| root.strip_prefix(&r).ok().map(slashed))
            .unwrap_or_default();
        Paths {
            here: related.then(|| (root.to_path_buf(), cwd.to_path_buf())),
            repo,
        }
    }

    /// A catalog path as seen from the current directory.
    pub fn here(&self, path: &str) -> String {
        match &self.here {
            Some((root, cwd)) => pathdiff::diff_paths(root.join(path), cwd).map_or_else(
                || path.to_string(),
                |p| slashed(&p).trim_end_matches('/').to_string(),
            ),
            None => path.to_string(),
        }
    }

    /// A catalog path as seen from the repository root.
    pub fn repo(&self, path: &str) -> String {
        format!("{}{path}", self.repo)
    }
}

/// `a/b` → `a/b/` (with `/` separators on every platform); empty stays empty.
fn slashed(p: &std::path::Path) -> String {
    let parts: Vec<String> = p
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("{}/", parts.join("/"))
    }
}

impl Output {
    pub fn new(choice: ColorChoice, verbosity: Verbosity) -> Output {
        let choice = match choice {
            ColorChoice::Auto => anstream::ColorChoice::Auto,
            ColorChoice::Always => anstream::ColorChoice::Always,
            ColorChoice::Never => anstream::ColorChoice::Never,
        };
        Output {
            err: AutoStream::new(std::io::stderr(), choice),
            out: AutoStream::new(std::io::stdout(), choice),
            verbosity,
            choice,
            paths: Paths::default(),
            machine: None,
            reported: false,
        }
    }

    /// Another handle on the same streams with the same settings (for a thread of its own).
    pub fn twin(&self) -> Output {
        Output {
            err: AutoStream::new(std::io::stderr(), self.choice),
            out: AutoStream::new(std::io::stdout(), self.choice),
            verbosity: self.verbosity,
            choice: self.choice,
            paths: self.paths.clone(),
            machine: self.machine,
            reported: self.reported,
        }
    }

    /// Prints diagnostics (already in their deterministic order) in `format`, with the
    /// error/warning count for humans. Returns whether any is an error.
    pub fn report(
        &mut self,
        diags: &[Diagnostic],
        sources: &Sources,
        format: Format,
        rules: &[RuleDoc],
    ) -> bool {
        let errors = diags.iter().filter(|d| d.is_error()).count();
        self.reported |= format != Format::Human;
        match format {
            Format::Json => {
                let text = formats::json(diags, sources, &|p| self.paths.here(p));
                self.stdout(&text)
            }
            Format::Github => {
                let text = formats::github(diags, sources, rules, &|p| self.paths.repo(p));
                self.stdout(&text)
            }
            Format::Sarif => {
                let text = formats::sarif(diags, sources, rules, &|p| self.paths.repo(p));
                self.stdout(&text)
            }
            Format::Human => {
                for d in diags {
                    let text = render::human_from(d, sources, true, &|p| self.paths.here(p));
                    let _ = writeln!(self.err, "{text}\n");
                }
                if !diags.is_empty() {
                    let summary = render::summary(errors, diags.len() - errors);
                    let _ = writeln!(self.err, "{summary}");
                }
            }
        }
        errors > 0
    }

    /// A cargo-style status line: a right-aligned green verb, then the message.
    pub fn status(&mut self, verb: &str, message: &str) {
        if self.verbosity >= Verbosity::Normal {
            let style = AnsiColor::Green.on_default().bold();
            let _ = writeln!(self.err, "{style}{verb:>12}{style:#} {message}");
        }
    }

    /// Whether `--quiet` asked for problems only.
    pub fn quiet(&self) -> bool {
        self.verbosity == Verbosity::Quiet
    }

    /// A status line only `--verbose` shows.
    pub fn detail(&mut self, verb: &str, message: &str) {
        if self.verbosity >= Verbosity::Verbose {
            let style = AnsiColor::Cyan.on_default().bold();
            let _ = writeln!(self.err, "{style}{verb:>12}{style:#} {message}");
        }
    }

    /// A run that cannot finish (exit 2): `error: …` on stderr, and — when the command reports
    /// in a machine format and has not written its report yet — one valid document in that
    /// format on stdout (SARIF with a tool-execution notification, the JSON report with
    /// `error`, a GitHub error annotation), so CI never uploads an empty or broken file.
    pub fn fail(&mut self, message: &str) {
        self.error(message);
        if self.reported {
            return;
        }
        match self.machine {
            Some(Format::Sarif) => self.stdout(&formats::sarif_failure(message)),
            Some(Format::Json) => self.stdout(&formats::json_failure(message)),
            Some(Format::Github) => self.stdout(&formats::github_failure(message)),
            Some(Format::Human) | None => {}
        }
    }

    /// A value as one pretty JSON document on stdout, and marks the report written.
    pub fn json<T: serde::Serialize>(&mut self, value: &T) {
        let mut text = serde_json::to_string_pretty(value).expect("data serializes");
        text.push('\n');
        self.stdout(&text);
        self.reported = true;
    }

    /// `error: …` (always shown, even with `--quiet`).
    pub fn error(&mut self, message: &str) {
        let style = AnsiColor::Red.on_default().bold();
        let _ = writeln!(self.err, "{style}error{style:#}: {message}");
    }

    /// `warning: …` (always shown, even with `--quiet`).
    pub fn warning(&mut self, message: &str) {
        let style = AnsiColor::Yellow.on_default().bold();
        let _ = writeln!(self.err, "{style}warning{style:#}: {message}");
    }

    /// The command's result, on stdout.
    pub fn stdout(&mut self, text: &str) {
        let _ = self.out.write_all(text.as_bytes());
        let _ = self.out.flush();
    }

    /// Text for the human on stderr (a schema diff).
    pub fn stderr(&mut self, text: &str) {
        let _ = self.err.write_all(text.as_bytes());
    }

    /// A diff's `+`, `-` and `~` lines in colour (kept only where stdout shows colour).
    pub fn stdout_diff(&mut self, text: &str) {
        let painted: String = text
            .lines()
            .map(|l| {
                let style = match l.trim_start().chars().next() {
                    Some('+') => AnsiColor::Green.on_default(),
                    Some('-') => AnsiColor::Red.on_default(),
                    Some('~') => AnsiColor::Yellow.on_default(),
                    _ => Style::new(),
                };
                format!("{style}{l}{style:#}\n")
            })
            .collect();
        self.stdout(&painted);
    }
}

#[cfg(test)]
mod tests {
    use super::Paths;
    use std::path::Path;

    #[test]
    fn paths_lead_from_the_reader_to_the_catalog() {
        let here = |root: &str, cwd: &str, file: &str| {
            Paths::for_root(Path::new(root), Path::new(cwd), None).here(file)
        };
        let f = "plans/products/x.toml";
        assert_eq!(here("/r/shop", "/r/shop", f), f);
        assert_eq!(here("/r/shop", "/r", f), "shop/plans/products/x.toml");
        assert_eq!(here("/r/shop", "/r/shop/plans/products", f), "x.toml");
        assert_eq!(
            here("/r/shop", "/r/shop/plans/products", "plans/core/a.toml"),
            "../core/a.toml"
        );
        assert_eq!(here("/tmp/x", "/r", f), f, "elsewhere: catalog-relative");
        let repo = |root: &str, ws: &str| {
            Paths::for_root(Path::new(root), Path::new("/"), Some(Path::new(ws))).repo(f)
        };
        assert_eq!(
            repo("/ws/catalogs/shop", "/ws"),
            "catalogs/shop/plans/products/x.toml"
        );
        assert_eq!(repo("/ws", "/ws"), f);
    }
}
