//! Every example of the CommonMark spec converts, compiles to PDF without error, and keeps its text.

use std::path::Path;
use std::sync::OnceLock;

use crate::common;

use presse::model::{Block, BlockKind, Chapter, InlineKind, Publication, plain_text};
use presse::pdf::{Environment, Fonts};

/// The spec examples: (number, line in spec.txt, Markdown).
fn examples() -> Vec<(usize, usize, String)> {
    let spec_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/commonmark/spec.txt");
    let spec = std::fs::read_to_string(&spec_path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", spec_path.display()));
    let fence = "`".repeat(32);
    let opening = format!("{fence} example");
    let mut examples = Vec::new();
    // (line of the example, its Markdown, whether the `.` separator was passed)
    let mut current: Option<(usize, String, bool)> = None;
    for (index, line) in spec.lines().enumerate() {
        match &mut current {
            None if line.starts_with(&opening) => current = Some((index + 1, String::new(), false)),
            None => {}
            Some((at, markdown, _)) if line == fence => {
                let markdown = markdown.replace('→', "\t");
                examples.push((examples.len() + 1, *at, markdown));
                current = None;
            }
            Some((_, _, in_html)) if line == "." && !*in_html => *in_html = true,
            Some((_, markdown, false)) => {
                markdown.push_str(line);
                markdown.push('\n');
            }
            Some(_) => {}
        }
    }
    examples
}

fn environment() -> &'static Environment {
    static ENV: OnceLock<Environment> = OnceLock::new();
    ENV.get_or_init(|| Environment::new(Fonts::load(&[], false)))
}

/// The text a reader must find in the PDF: text and code, without HTML, notes or images.
fn model_text(chapter: &Chapter) -> String {
    let mut out = String::new();
    for block in &chapter.blocks {
        block_text(block, &mut out);
    }
    for note in &chapter.notes {
        for block in &note.blocks {
            block_text(block, &mut out);
        }
    }
    out
}

fn block_text(block: &Block, out: &mut String) {
    match &block.kind {
        BlockKind::Heading { content, .. } | BlockKind::Paragraph(content) => {
            out.push_str(&inline_text(content))
        }
        BlockKind::Quote(inner) => inner.iter().for_each(|b| block_text(b, out)),
        BlockKind::List(list) => {
            list.items.iter().flat_map(|i| &i.blocks).for_each(|b| block_text(b, out))
        }
        BlockKind::Code { text, .. } => out.push_str(text),
        BlockKind::Table(table) => {
            for cell in table.header.iter().chain(table.rows.iter().flatten()) {
                out.push_str(&inline_text(cell));
            }
        }
        BlockKind::Figure { caption, .. } => out.push_str(&inline_text(caption)),
        BlockKind::Editorial { title, blocks, .. } => {
            out.push_str(&inline_text(title));
            blocks.iter().for_each(|b| block_text(b, out));
        }
        BlockKind::KeyFigures(figures) => {
            for figure in figures {
                out.push_str(&inline_text(&figure.value));
                out.push_str(&inline_text(&figure.label));
            }
        }
        BlockKind::Raw { .. } | BlockKind::Html(_) | BlockKind::Rule => {}
    }
}

fn inline_text(inlines: &[presse::model::Inline]) -> String {
    let kept: Vec<_> = inlines
        .iter()
        .filter(|i| !matches!(i.kind, InlineKind::Image(_) | InlineKind::Html(_)))
        .cloned()
        .collect();
    plain_text(&kept)
}

/// Whether every non-space character of `wanted` appears in `laid_out`, in order.
fn is_subsequence(wanted: &str, laid_out: &str) -> Result<(), String> {
    let mut haystack = laid_out.chars().filter(|c| !c.is_whitespace());
    let mut seen = String::new();
    for c in wanted.chars().filter(|c| !c.is_whitespace() && !c.is_control()) {
        if !haystack.any(|h| h == c) {
            return Err(format!(
                "lost {c:?} after {:?}",
                seen.chars().rev().take(30).collect::<String>()
            ));
        }
        seen.push(c);
    }
    Ok(())
}

/// All examples as one publication, one chapter per example.
fn spec_publication() -> Publication {
    let mut publication = presse::load::from_markdown("");
    publication.chapters = examples()
        .iter()
        .map(|(number, _, markdown)| {
            let mut chapter = presse::load::from_markdown(markdown).chapters.remove(0);
            chapter.slug = format!("exemple-{number}");
            chapter.path = format!("sources/memoire/exemple-{number:03}.md").into();
            chapter
        })
        .collect();
    publication
}

/// Ace checks one document after another; the examples are split into this many EPUBs,
/// checked side by side.
const ACE_SHARDS: usize = 2;

/// A publication after the passes a build runs; what they find (images the examples name and
/// nobody has) does not matter here.
fn passed(publication: Publication) -> Publication {
    presse::passes::run(publication, Path::new(".")).output
}

#[test]
fn the_epub_of_every_spec_example_passes_epubcheck_and_ace() {
    let publication = passed(spec_publication());
    let style = presse::styles::resolve(Path::new("."), &publication).unwrap();
    let options = presse::epub::EpubOptions::default();
    let dir = tempfile::tempdir().unwrap();
    let size = publication.chapters.len().div_ceil(ACE_SHARDS);
    let paths: Vec<_> = publication
        .chapters
        .chunks(size)
        .enumerate()
        .map(|(index, chapters)| {
            let mut shard = publication.clone();
            shard.chapters = chapters.to_vec();
            let bytes = presse::epub::epub(&shard, Path::new("."), &style, &options)
                .unwrap_or_else(|found| {
                    panic!("no EPUB: {:?}", found.iter().find(|d| d.is_error()))
                })
                .output;
            let path = dir.path().join(format!("spec-{index}.epub"));
            std::fs::write(&path, bytes).unwrap();
            path
        })
        .collect();
    std::thread::scope(|scope| {
        for path in &paths {
            scope.spawn(|| {
                common::validators::assert_epubcheck_clean(path);
                common::validators::assert_ace_clean(path);
            });
        }
    });
}

#[test]
fn every_spec_example_compiles_and_keeps_its_text() {
    let examples = examples();
    assert_eq!(examples.len(), 655, "the spec has 655 examples");
    let style = presse::styles::resolve(Path::new("."), &presse::load::from_markdown(""))
        .expect("the default style");
    let mut failures = Vec::new();
    let mut beyond_the_standards = Vec::new();
    for (number, line, markdown) in &examples {
        let publication = passed(presse::load::from_markdown(markdown));
        let typeset =
            match presse::pdf::typeset(&publication, Path::new("."), environment(), &style) {
                Ok(typeset) => typeset.output,
                Err(found) => {
                    let errors: Vec<String> =
                        found.iter().filter(|d| d.is_error()).map(|d| d.to_string()).collect();
                    failures.push(format!("example {number} (spec.txt:{line}): {errors:?}"));
                    continue;
                }
            };
        match presse::pdf::export_pdf(&typeset, &publication) {
            Ok(_) => {}
            Err(found) if found.iter().all(is_the_texts_fault) => {
                beyond_the_standards.push(*number);
                if export_without_standards(&typeset, &publication).is_err() {
                    failures.push(format!("example {number} (spec.txt:{line}): no PDF at all"));
                }
            }
            Err(found) => {
                let errors: Vec<String> = found.iter().map(|d| d.to_string()).collect();
                failures.push(format!("example {number} (spec.txt:{line}): {errors:?}"));
                continue;
            }
        }
        let wanted = model_text(&publication.chapters[0]);
        let laid_out = presse::pdf::laid_out_text(&typeset.document);
        if let Err(why) = is_subsequence(&wanted, &laid_out) {
            failures.push(format!(
                "example {number} (spec.txt:{line}): {why}\n  markdown: {markdown:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of 655 examples failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Their text itself cannot meet PDF/UA-1 and PDF/A-2a: characters no built-in font has
    // (27, 356), a heading that has no text (79). Headings that skip levels are closed up by
    // the passes.
    let known = [27, 79, 356];
    assert_eq!(beyond_the_standards, known, "the examples refused for their text changed");
}

/// Whether a standard's error is the Markdown's own doing, which its author fixes: a
/// character no font has, headings that skip a level or have no text.
fn is_the_texts_fault(finding: &presse::diag::Diagnostic) -> bool {
    let faults = ["could not be displayed", "heading level", "first heading", "title is empty"];
    finding.code == "pdf-standard" && faults.iter().any(|fault| finding.message.contains(fault))
}

/// The PDF of no standard, for an example whose text is beyond them.
fn export_without_standards(
    typeset: &presse::pdf::Typeset,
    publication: &Publication,
) -> Result<Vec<u8>, presse::diag::Diagnostics> {
    let mut publication = publication.clone();
    publication.manifest.pdf.standards.clear();
    presse::pdf::export_pdf(typeset, &publication)
}
