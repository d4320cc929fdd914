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
        }
    }

    /// Another handle on the same streams with the same settings (for a thread of its own).
    pub fn twin(&self) -> Output {
        Output {
            err: AutoStream::new(std::io::stderr(), self.choice),
            out: AutoStream::new(std::io::stdout(), self.choice),
            verbosity: self.verbosity,
            choice: self.choice,
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
        match format {
            Format::Json => self.stdout(&formats::json(diags, sources)),
            Format::Github => self.stdout(&formats::github(diags, sources, rules)),
            Format::Sarif => self.stdout(&formats::sarif(diags, sources, rules)),
            Format::Human => {
                for d in diags {
                    let _ = writeln!(self.err, "{}\n", render::human(d, sources, true));
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

    /// A status line only `--verbose` shows.
    pub fn detail(&mut self, verb: &str, message: &str) {
        if self.verbosity >= Verbosity::Verbose {
            let style = AnsiColor::Cyan.on_default().bold();
            let _ = writeln!(self.err, "{style}{verb:>12}{style:#} {message}");
        }
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
