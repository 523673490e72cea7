//! Findings that change nothing in the model: footnotes without their partner, empty chapters
//! and images without alternative text, reported alike by `presse build` and `presse check`.

use crate::diag::{Diagnostic, Diagnostics, Pos, Tally, Warned};
use crate::html::parse_tag;
use crate::model::{
    BlockKind, Chapter, EDITORIAL_KINDS, IMAGE_ATTRIBUTES, Image, InlineKind, LooseNote,
    NoteProblem, Publication,
};
use crate::suggest::near_miss;

/// The code of an image without alternative text, which `--strict` makes an error
/// ([`Diagnostics::escalate`]).
pub const MISSING_ALT: &str = "missing-alt";

/// Reports what would silently go missing or wrong in the editions.
pub fn run(mut publication: Publication) -> Warned<Publication> {
    let mut diagnostics = Diagnostics::default();
    for chapter in &mut publication.chapters {
        if chapter.blocks.is_empty() {
            diagnostics.push(empty_chapter(chapter));
        }
        for note in &chapter.loose_notes {
            diagnostics.push(loose_note(chapter, note));
        }
        missing_alt_texts(chapter, &mut diagnostics);
        unknown_blocks(chapter, &mut diagnostics);
        unknown_image_attributes(chapter, &mut diagnostics);
        raw_html(chapter, &mut diagnostics);
    }
    Warned::new(publication, diagnostics)
}

/// Raw HTML the PDF leaves out (what has a meaning was read into the model already): one
/// warning per chapter and element, with how many times and where first.
fn raw_html(chapter: &mut Chapter, diagnostics: &mut Diagnostics) {
    let mut seen = Tally::default();
    let mut note = |fragment: &str, pos: Pos| {
        for name in element_names(fragment) {
            seen.add(name, pos);
        }
    };
    chapter.visit_blocks_mut(&mut |block| {
        if let BlockKind::Html(html) = &block.kind {
            note(html, block.pos);
        }
    });
    chapter.visit_inlines_mut(&mut |inline| {
        if let InlineKind::Html(html) = &inline.kind {
            note(html, inline.pos);
        }
    });
    let mut seen: Vec<_> = seen.counted().collect();
    seen.sort_by_key(|(_, pos, _)| *pos);
    for (name, pos, times) in seen {
        let message = format!("raw HTML `<{name}>` is left out of the PDF{times}");
        diagnostics.push(
            Diagnostic::warning(&chapter.path, pos, message).with_code("raw-html").with_hint(
                "write Markdown instead, or put print-only markup in a ```{=typst} block",
            ),
        );
    }
}

/// The names of the elements a fragment of raw HTML opens (a closing tag was counted with its
/// opening one); `html` for markup that opens none and closes none (`<!DOCTYPE …>`).
fn element_names(fragment: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut tags = 0;
    for (start, _) in fragment.match_indices('<') {
        if let Some((tag, _)) = parse_tag(&fragment[start..]) {
            tags += 1;
            if !tag.closing && !names.contains(&tag.name) {
                names.push(tag.name);
            }
        }
    }
    if tags == 0 {
        names.push("html".to_string());
    }
    names
}

fn empty_chapter(chapter: &Chapter) -> Diagnostic {
    Diagnostic::warning(&chapter.path, Pos::new(1, 1), "the chapter has no content")
        .with_code("empty-chapter")
        .with_hint("write its text, or delete the file (and its line in `chapters`, if listed)")
}

fn loose_note(chapter: &Chapter, note: &LooseNote) -> Diagnostic {
    let label = &note.label;
    let (message, hint, code) = match note.problem {
        NoteProblem::Undefined => (
            format!("the footnote `[^{label}]` has no definition"),
            format!(
                "add a line `[^{label}]: the note's text` to this chapter (notes belong to their \
                 chapter); until then the reference is printed as text"
            ),
            "undefined-note",
        ),
        NoteProblem::Unused => (
            format!("the footnote `[^{label}]` is never referred to"),
            format!("call it with `[^{label}]` in the text, or delete it; it is left out"),
            "unused-note",
        ),
        NoteProblem::Duplicate => (
            format!("the footnote `[^{label}]` is defined twice"),
            "this definition is left out: give it a label of its own, or delete it".to_string(),
            "duplicate-note",
        ),
    };
    Diagnostic::warning(&chapter.path, note.pos, message).with_hint(hint).with_code(code)
}

/// Every figure and inline image whose alternative text is empty.
fn missing_alt_texts(chapter: &mut Chapter, diagnostics: &mut Diagnostics) {
    let path = chapter.path.clone();
    let mut report = |src: &str, pos: Pos| {
        let message = format!("the image `{src}` has no alternative text");
        diagnostics.push(
            Diagnostic::warning(&path, pos, message)
                .with_code(MISSING_ALT)
                .with_hint("describe the image between the brackets: ![a description](path)"),
        );
    };
    chapter.visit_blocks_mut(&mut |block| {
        if let BlockKind::Figure { image, .. } = &block.kind
            && image.alt.trim().is_empty()
        {
            report(&image.src, block.pos);
        }
    });
    chapter.visit_inlines_mut(&mut |inline| {
        if let InlineKind::Image(image) = &inline.kind
            && image.alt.trim().is_empty()
        {
            report(&image.src, inline.pos);
        }
    });
}

/// Every `:::` block of a kind no style lays out: it is drawn as a plain box, which a typo
/// (`::: agenad`) should not be.
fn unknown_blocks(chapter: &Chapter, diagnostics: &mut Diagnostics) {
    chapter.visit_blocks(&mut |block| {
        let BlockKind::Editorial { kind, .. } = &block.kind else { return };
        if EDITORIAL_KINDS.contains(&kind.as_str()) {
            return;
        }
        let known = EDITORIAL_KINDS.join(", ");
        let hint = match near_miss(kind, &EDITORIAL_KINDS) {
            Some(near) => format!("did you mean `::: {near}`? The blocks are: {known}"),
            None => format!("the blocks the styles lay out are: {known}"),
        };
        let message = format!("`::: {kind}` is no block presse knows: it is drawn as a plain box");
        diagnostics.push(
            Diagnostic::warning(&chapter.path, block.pos, message)
                .with_code("unknown-block")
                .with_hint(hint),
        );
    });
}

/// Every attribute written after an image that no edition uses (`{width="10mm"}`), with the
/// near miss (`{credti="…"}`).
fn unknown_image_attributes(chapter: &mut Chapter, diagnostics: &mut Diagnostics) {
    let path = chapter.path.clone();
    let mut report = |image: &Image, pos: Pos| {
        for name in &image.unknown_attributes {
            let message = format!("the image attribute `{name}` is unknown: it is ignored");
            let hint = match near_miss(name, &IMAGE_ATTRIBUTES) {
                Some(near) => format!("did you mean `{near}`? An image takes {{credit=\"…\"}}"),
                None => "an image takes {credit=\"…\"}; sizes come from the style".to_string(),
            };
            let finding = Diagnostic::warning(&path, pos, message);
            diagnostics.push(finding.with_code("unknown-attribute").with_hint(hint));
        }
    };
    chapter.visit_blocks_mut(&mut |block| {
        if let BlockKind::Figure { image, .. } = &block.kind {
            report(image, block.pos);
        }
    });
    chapter.visit_inlines_mut(&mut |inline| {
        if let InlineKind::Image(image) = &inline.kind {
            report(image, inline.pos);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::from_markdown;

    fn findings(markdown: &str) -> Vec<String> {
        run(from_markdown(markdown))
            .findings
            .iter()
            .map(|d| format!("{}:{}:{}", d.pos.line, d.pos.column, d.code))
            .collect()
    }

    #[test]
    fn an_empty_chapter_is_reported_at_its_start() {
        assert_eq!(findings(""), ["1:1:empty-chapter"]);
        assert_eq!(findings("# Titre\n"), Vec::<String>::new());
    }

    #[test]
    fn loose_footnotes_are_reported() {
        let md = "Texte[^a] et[^b].\n\n[^a]: A.\n\n[^c]: C.\n";
        assert_eq!(findings(md), ["1:13:undefined-note", "5:1:unused-note"]);
    }

    #[test]
    fn a_block_of_an_unknown_kind_is_reported_with_the_near_miss() {
        let md = "::: agenad Les dates\n- Lundi\n:::\n\n::: encadre\nTexte.\n:::\n";
        let found = run(from_markdown(md)).findings;
        let [finding] = found.iter().collect::<Vec<_>>()[..] else { panic!("{found:?}") };
        assert_eq!((finding.pos.line, finding.code.as_ref()), (1, "unknown-block"));
        assert!(finding.hint.as_ref().unwrap().starts_with("did you mean `::: agenda`?"));
        assert_eq!(near_miss("xyz", &EDITORIAL_KINDS), None);
        assert_eq!(near_miss("Citaton", &EDITORIAL_KINDS), Some("citation"));
    }

    #[test]
    fn unknown_image_attributes_are_reported_with_the_near_miss() {
        let md =
            "![Plan](a.png){width=\"10mm\" credti=\"Ville\"}\n\nUn ![b](b.png){credit=\"x\"}.\n";
        let found = run(from_markdown(md)).findings;
        let hints: Vec<(u32, &str, &str)> = found
            .iter()
            .map(|d| (d.pos.line, d.code.as_ref(), d.hint.as_deref().unwrap()))
            .collect();
        assert_eq!(hints.len(), 2, "{found:?}");
        assert_eq!((hints[0].0, hints[0].1), (1, "unknown-attribute"));
        assert!(hints[0].2.starts_with("an image takes"), "{hints:?}");
        assert!(hints[1].2.starts_with("did you mean `credit`?"), "{hints:?}");
    }

    #[test]
    fn images_without_alt_text_are_reported_inline_and_as_figures() {
        let md = "![](a.png)\n\nUn ![ ](b.png) et ![c](c.png).\n";
        assert_eq!(findings(md), ["1:1:missing-alt", "3:4:missing-alt"]);
    }
}
