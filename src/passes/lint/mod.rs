//! The French editorial lint: the errors only an editor catches (`1ère`, `Mr`, `Etat`, `coeur`,
//! `1.500.000`, `3 Janvier`, `le le` …), reported as `typo-…` findings with the corrected text.
//!
//! It reads the prose as written in the Markdown ([`Prose`]), never code, link targets, raw
//! blocks or HTML, and skips every word that is a URL or an e-mail address; so its findings
//! point at the exact span, and `presse check --fix` can rewrite that span in the file.

mod balance;
mod fix;
mod numbers;
mod spacing;
mod words;

use std::path::PathBuf;

use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics, Pos, Severity};
use crate::manifest::LintManifest;
use crate::model::{Chapter, ProseRun, Publication};

use super::typography::rules::looks_like_address;

pub use fix::{Applied, apply};

/// Every lint code, for `--strict`.
pub const ALL: &str = "typo-*";

/// A finding of one rule in one text run: a byte span of the run and what it should be.
#[derive(Debug, Clone, PartialEq)]
struct Hit {
    start: usize,
    end: usize,
    code: &'static str,
    message: String,
    /// The corrected text of the span, when there is one.
    suggestion: Option<String>,
    /// Whether `--fix` may write the suggestion without a human look.
    certain: bool,
}

impl Hit {
    /// A finding whose correction `--fix` writes.
    fn certain(span: (usize, usize), code: &'static str, message: String, fixed: String) -> Hit {
        Hit { start: span.0, end: span.1, code, message, suggestion: Some(fixed), certain: true }
    }

    /// A finding whose correction a human should look at.
    fn likely(span: (usize, usize), code: &'static str, message: String, fixed: String) -> Hit {
        Hit { certain: false, ..Hit::certain(span, code, message, fixed) }
    }
}

/// One lint finding placed in its file: the span written, and its correction.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The Markdown file, relative to the project root.
    pub file: PathBuf,
    /// Where the span starts.
    pub pos: Pos,
    /// The span as written.
    pub old: String,
    /// The corrected span, when known.
    pub new: Option<String>,
    /// The `typo-…` code.
    pub code: &'static str,
    /// What is wrong, in plain words.
    pub message: String,
    /// Whether `--fix` writes the correction.
    pub certain: bool,
}

/// Lints every French chapter: its findings, as diagnostics.
pub fn run(publication: &Publication) -> Diagnostics {
    let config = &publication.manifest.lint;
    findings(publication).into_iter().map(|f| diagnostic(f, config)).collect()
}

/// The findings whose correction is certain, for `presse check --fix`.
pub fn fixes(publication: &Publication) -> Vec<Finding> {
    findings(publication).into_iter().filter(|f| f.certain && f.new.is_some()).collect()
}

/// The findings of every French chapter that are not turned off or allowed, the chapters read
/// side by side.
pub fn findings(publication: &Publication) -> Vec<Finding> {
    let manifest = &publication.manifest;
    let by_chapter: Vec<Vec<Finding>> = publication
        .chapters
        .par_iter()
        .map(|chapter| {
            if !chapter.front.lang.as_ref().unwrap_or(&manifest.lang).is_french() {
                return Vec::new();
            }
            let off = |code: &str| {
                LintManifest::names(&manifest.lint.off, code)
                    || LintManifest::names(&chapter.front.lint_off, code)
            };
            let allowed = |f: &Finding| {
                chapter.prose.allowed.iter().any(|a| {
                    a.line == f.pos.line && a.codes.iter().any(|c| c == f.code || c == ALL)
                })
            };
            chapter_findings(chapter).filter(|f| !off(f.code) && !allowed(f)).collect()
        })
        .collect();
    by_chapter.into_iter().flatten().collect()
}

/// The findings in one chapter, run by run, then paragraph by paragraph.
fn chapter_findings(chapter: &Chapter) -> impl Iterator<Item = Finding> + '_ {
    let runs = &chapter.prose.runs;
    let verbatim = runs.iter().filter(|run| run.verbatim);
    let in_runs =
        verbatim.flat_map(|run| run_hits(&run.text).into_iter().map(move |hit| (run, hit)));
    let in_blocks = balance::hits(runs);
    in_runs.chain(in_blocks).map(|(run, hit)| finding(chapter, run, hit))
}

/// What every rule finds in one run, less what falls inside a URL or an e-mail address.
fn run_hits(text: &str) -> Vec<Hit> {
    let mut hits = Vec::new();
    words::hits(text, &mut hits);
    numbers::hits(text, &mut hits);
    spacing::hits(text, &mut hits);
    let addresses = addresses(text);
    hits.retain(|h| !addresses.iter().any(|&(s, e)| h.start < e && s < h.end));
    hits.sort_by_key(|h| h.start);
    hits
}

/// The byte spans of the words of a text that are URLs, e-mail addresses or paths.
fn addresses(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut token_start = None;
    for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
        match (c.is_whitespace(), token_start) {
            (true, Some(start)) => {
                if is_address(&text[start..i]) {
                    spans.push((start, i));
                }
                token_start = None;
            }
            (false, None) => token_start = Some(i),
            _ => {}
        }
    }
    spans
}

/// Whether a word, less the punctuation around it, is an address or a path.
fn is_address(token: &str) -> bool {
    let core = token.trim_matches(|c: char| "([{«\"'<>)]}».,;:!?…*_".contains(c));
    looks_like_address(core) || core.contains(['@', '/', '\\'])
}

fn finding(chapter: &Chapter, run: &ProseRun, hit: Hit) -> Finding {
    let column = run.pos.column + run.text[..hit.start].chars().count() as u32;
    Finding {
        file: chapter.path.clone(),
        pos: Pos::new(run.pos.line, column),
        old: run.text[hit.start..hit.end].to_string(),
        new: hit.suggestion,
        code: hit.code,
        message: hit.message,
        certain: hit.certain && run.verbatim,
    }
}

fn diagnostic(finding: Finding, config: &LintManifest) -> Diagnostic {
    let severity = match LintManifest::names(&config.error, finding.code) {
        true => Severity::Error,
        false => Severity::Warning,
    };
    let hint = match finding.certain {
        true => {
            "`presse check --fix` writes the suggestion; `<!-- presse: allow CODE -->` on the line before keeps the line as it is"
        }
        false => "`<!-- presse: allow CODE -->` on the line before keeps the line as it is",
    };
    let mut d = Diagnostic::new(severity, finding.file, finding.pos, finding.message)
        .with_code(finding.code)
        .with_hint(hint.replace("CODE", finding.code));
    d.suggestion = finding.new.map(Box::new);
    d
}

#[cfg(test)]
mod tests;
