//! `presse check`: every finding `build` makes about the sources, without typesetting and
//! without writing anything.
//!
//! It runs what `build` runs before typesetting (loading, the passes, the style, the typst
//! emitter), plus a syntax check of raw typst blocks, which `build` leaves to typst itself.
//! With `--fix` ([`fix`]), it first writes the editorial lint's certain corrections into the
//! sources: the only time presse writes into `sources/`.

use std::path::{Path, PathBuf};

use std::collections::BTreeMap;

use crate::diag::{Diagnostic, Diagnostics, Pos, pos_of_offset};
use crate::model::{BlockKind, Publication, RawFormat};
use crate::passes::lint::{self, Applied, Finding};
use crate::{files, load, passes, styles};

/// What to check.
#[derive(Debug, Clone)]
pub struct CheckConfig {
    /// The project root: the folder holding `sources/`.
    pub root: PathBuf,
    /// The publications to check; empty means all.
    pub publications: Vec<String>,
    /// Whether images without alternative text are errors, as with `build --strict`.
    pub strict: bool,
}

/// The findings about every publication asked for, in order.
pub fn check(config: &CheckConfig) -> Diagnostics {
    let names = match load::publication_dirs(&config.root, &config.publications) {
        Ok(names) => names,
        Err(d) => return d.into(),
    };
    names.iter().flat_map(|name| check_publication(config, name)).collect()
}

/// One correction `--fix` wrote into a source file.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The file, relative to the project root.
    pub file: PathBuf,
    /// What was replaced, and on which line.
    pub applied: Applied,
}

/// Writes the editorial lint's certain corrections into the Markdown files of every publication
/// asked for, each file atomically; returns what it wrote, or why it could not.
pub fn fix(config: &CheckConfig) -> Result<Vec<Change>, Diagnostics> {
    let names =
        load::publication_dirs(&config.root, &config.publications).map_err(Diagnostics::from)?;
    let mut changes = Vec::new();
    for name in names {
        let Ok(publication) = load::load(&config.root, &name) else { continue };
        let findings = lint::fixes(&publication);
        let mut by_file: BTreeMap<&Path, Vec<&Finding>> = BTreeMap::new();
        for finding in &findings {
            by_file.entry(&finding.file).or_default().push(finding);
        }
        for (file, findings) in by_file {
            changes.extend(fix_file(&config.root, file, &findings)?);
        }
    }
    Ok(changes)
}

/// Writes the corrections into one file, atomically, keeping a byte-order mark.
fn fix_file(root: &Path, file: &Path, findings: &[&Finding]) -> Result<Vec<Change>, Diagnostic> {
    let (body, bom) = files::read_text_and_bom(root, file)?;
    let (fixed, applied) = lint::apply(&body, findings);
    if applied.is_empty() {
        return Ok(Vec::new());
    }
    let bom = if bom { "\u{feff}" } else { "" };
    files::write_atomic(&root.join(file), format!("{bom}{fixed}").as_bytes()).map_err(|err| {
        Diagnostic::error(file, Pos::default(), format!("cannot fix the file: {err:#}"))
            .with_code("fix")
    })?;
    let change = |applied| Change { file: file.to_path_buf(), applied };
    Ok(applied.into_iter().map(change).collect())
}

/// Loads one publication and runs everything that reads it short of typesetting.
fn check_publication(config: &CheckConfig, name: &str) -> Diagnostics {
    let root = &config.root;
    let publication = match load::load(root, name) {
        Ok(publication) => publication,
        Err(found) => return found,
    };
    // The passes run even when one finds an error, so that one run reports everything.
    let mut found = Diagnostics::default();
    let publication = passes::run(publication, root).into_output(&mut found);
    if config.strict {
        found.escalate(&passes::STRICT);
    }
    if let Err(d) = styles::resolve(root, &publication) {
        found.push(d);
    }
    found.extend(raw_typst_blocks(&publication));
    found
}

/// The syntax errors of every ```` ```{=typst} ```` block, at their Markdown position.
fn raw_typst_blocks(publication: &Publication) -> Diagnostics {
    let mut diagnostics = Diagnostics::default();
    for chapter in &publication.chapters {
        let file = &chapter.path;
        chapter.visit_blocks(&mut |block| {
            if let BlockKind::Raw { format, text, text_pos } = &block.kind
                && *format == RawFormat::Typst
            {
                diagnostics.extend(typst_syntax_errors(file, text, *text_pos));
            }
        });
    }
    diagnostics
}

/// The syntax errors typst finds in raw typst markup whose first line is at `text_pos`.
///
/// Positions map as in the emitter's source map: a raw line keeps its Markdown line, and
/// columns count from the start of the raw text's line.
pub fn typst_syntax_errors(file: &Path, text: &str, text_pos: Pos) -> Vec<Diagnostic> {
    let source = typst::syntax::Source::detached(text);
    let (errors, _) = source.root().errors_and_warnings();
    errors
        .into_iter()
        .map(|error| {
            let offset = match error.span.get() {
                typst::syntax::DiagSpanKind::Number { num, sub_range, .. } => {
                    source.range(num, sub_range).map_or(0, |range| range.start)
                }
                typst::syntax::DiagSpanKind::Range { range, .. } => range.start,
                typst::syntax::DiagSpanKind::Detached => 0,
            };
            let at = pos_of_offset(text, offset);
            let pos = Pos::new(text_pos.line + at.line - 1, at.column);
            let mut hints: Vec<String> = error.hints.iter().map(|h| h.v.to_string()).collect();
            if hints.is_empty() {
                hints.push("check the typst code of this ```{=typst} block".to_string());
            }
            Diagnostic::error(file, pos, error.message.to_string())
                .with_hint(hints.join("; "))
                .with_code("typst")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_typst_errors_point_into_the_markdown() {
        let errors =
            typst_syntax_errors(Path::new("a.md"), "#v(1fr)\n#align(center)[Fin\n", Pos::new(7, 1));
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!((errors[0].pos, errors[0].code()), (Pos::new(8, 15), "typst"));
        assert!(errors[0].is_error());
    }

    #[test]
    fn valid_raw_typst_has_no_errors() {
        let text = "#v(1fr)\n#align(center)[*Fin*]\n";
        assert!(typst_syntax_errors(Path::new("a.md"), text, Pos::new(1, 1)).is_empty());
    }
}
