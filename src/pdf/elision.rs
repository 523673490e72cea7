//! Hyphenation points for elided words (`l’agglomération`), which typst would leave whole.
//!
//! typst 0.15 hyphenates only words made of letters alone, so a word joined to an elided
//! article by an apostrophe is never hyphenated (typst issue #7087): a justified line then
//! stretches, or the word runs into the margin. French elides all the time (`l’`, `d’`,
//! `qu’`, `jusqu’`), so presse marks the hyphenation points of each part itself, with soft
//! hyphens, and none next to the apostrophe: the rule is never to break at an elision.

use rayon::prelude::*;
use std::borrow::Cow;
use std::ops::Range;

use hypher::Lang;
use typst::layout::{Frame, FrameItem};
use typst::model::Document;
use typst::text::TextItem;
use typst::utils::Numeric;
use typst_layout::PagedDocument;

/// A soft hyphen: typst breaks there, showing a hyphen, only when the line ends there.
const SOFT_HYPHEN: char = '\u{ad}';
const SOFT_HYPHEN_STR: &str = "\u{ad}";

/// The hyphenation patterns of a language, when hypher has them.
pub fn language(lang: &crate::lang::Lang) -> Option<Lang> {
    let code: [u8; 2] = lang.language().as_bytes().try_into().ok()?;
    Lang::from_iso(code)
}

/// `text` with soft hyphens inside the words that an apostrophe joins; other words untouched.
pub fn soft_hyphens(text: &str, lang: Lang) -> Cow<'_, str> {
    if !text.contains(is_apostrophe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut rest = text;
    while let Some(start) = rest.find(is_word_char) {
        out.push_str(&rest[..start]);
        let word = &rest[start..];
        let end = word.find(|c: char| !is_word_char(c)).unwrap_or(word.len());
        push_word(&mut out, &word[..end], lang);
        rest = &word[end..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// One run of letters and apostrophes: each part between apostrophes hyphenated alone.
fn push_word(out: &mut String, word: &str, lang: Lang) {
    let elided = word.trim_matches(is_apostrophe).contains(is_apostrophe);
    if !elided {
        out.push_str(word);
        return;
    }
    for piece in word.split_inclusive(is_apostrophe) {
        let letters = piece.trim_end_matches(is_apostrophe);
        for (index, syllable) in hypher::hyphenate(letters, lang).enumerate() {
            if index > 0 {
                out.push(SOFT_HYPHEN);
            }
            out.push_str(syllable);
        }
        out.push_str(&piece[letters.len()..]);
    }
}

/// The document without the soft hyphens where no line ended: they only allowed a break,
/// and left in, they would sit inside the PDF's words, for copying and searching.
pub fn drop_unused_soft_hyphens(document: PagedDocument) -> PagedDocument {
    if !document.pages().iter().any(|page| has_soft_hyphen(&page.frame)) {
        return document;
    }
    let info = document.info().clone();
    let mut pages = document.pages().iter().cloned().collect::<typst::ecow::EcoVec<_>>();
    pages.make_mut().par_iter_mut().for_each(|page| drop_in_page(&mut page.frame));
    PagedDocument::new(pages, info)
}

/// A page's frame: its header, body and footer are each cleaned once for all (see [`elided`]).
fn drop_in_page(page: &mut Frame) {
    if !has_soft_hyphen(page) {
        return;
    }
    page.retain(|item| {
        match item {
            FrameItem::Group(group) => group.frame = elided(&group.frame),
            FrameItem::Text(text) => drop_in_text(text),
            _ => {}
        }
        true
    });
}

/// `frame` without its unused soft hyphens. Memoised: in `presse watch`, the pages that a
/// rebuild lays out as before keep the frames cleaned the last time.
#[comemo::memoize]
fn elided(frame: &Frame) -> Frame {
    let mut frame = frame.clone();
    drop_in_frame(&mut frame);
    frame
}

fn has_soft_hyphen(frame: &Frame) -> bool {
    frame.items().any(|(_, item)| match item {
        FrameItem::Group(group) => has_soft_hyphen(&group.frame),
        FrameItem::Text(text) => text.text.contains(SOFT_HYPHEN),
        _ => false,
    })
}

fn drop_in_frame(frame: &mut Frame) {
    if !has_soft_hyphen(frame) {
        return;
    }
    frame.retain(|item| {
        match item {
            FrameItem::Group(group) => drop_in_frame(&mut group.frame),
            FrameItem::Text(text) => drop_in_text(text),
            _ => {}
        }
        true
    });
}

/// Removes the soft hyphens of a run where no line ended, keeping every glyph's text right.
/// Shaping often joins a soft hyphen to the glyph before it; the hyphen typst draws at a
/// line's end is a glyph of its own, with a width, and stays.
fn drop_in_text(item: &mut TextItem) {
    let drawn: Vec<Range<usize>> = item
        .glyphs
        .iter()
        .filter(|g| !g.x_advance.is_zero() && item.text[g.range()] == *SOFT_HYPHEN_STR)
        .map(|g| g.range())
        .collect();
    let unused: Vec<Range<usize>> = item
        .text
        .match_indices(SOFT_HYPHEN)
        .map(|(at, s)| at..at + s.len())
        .filter(|range| !drawn.contains(range))
        .collect();
    if unused.is_empty() {
        return;
    }
    let shift = |at: usize| -> u16 {
        let before: usize = unused.iter().filter(|r| r.end <= at).map(|r| r.len()).sum();
        (at - before) as u16
    };
    let mut text = typst::ecow::EcoString::new();
    let mut from = 0;
    for range in &unused {
        text.push_str(&item.text[from..range.start]);
        from = range.end;
    }
    text.push_str(&item.text[from..]);
    item.glyphs.retain(|g| !(g.x_advance.is_zero() && unused.contains(&g.range())));
    for glyph in &mut item.glyphs {
        glyph.range = shift(glyph.range().start)..shift(glyph.range().end);
    }
    item.text = text;
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '’' | '\'')
}

fn is_word_char(c: char) -> bool {
    c.is_alphabetic() || is_apostrophe(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fr(text: &str) -> String {
        soft_hyphens(text, Lang::French).replace(SOFT_HYPHEN, "-")
    }

    #[test]
    fn elided_words_get_the_hyphenation_points_of_their_parts() {
        assert_eq!(fr("l’agglomération"), "l’ag-glo-mé-ra-tion");
        assert_eq!(fr("d’infrastructures"), "d’in-fra-struc-tures");
        assert_eq!(fr("jusqu’aujourd’hui"), "jus-qu’au-jourd’hui");
    }

    #[test]
    fn never_next_to_the_apostrophe() {
        for word in ["l’agglomération", "qu’elle", "aujourd’hui", "s’il", "presqu’île"]
        {
            let marked = soft_hyphens(word, Lang::French);
            assert!(!marked.contains("’\u{ad}") && !marked.contains("\u{ad}’"), "{marked:?}");
        }
    }

    #[test]
    fn other_words_and_text_without_apostrophes_are_left_alone() {
        assert!(matches!(soft_hyphens("la métropole", Lang::French), Cow::Borrowed(_)));
        assert_eq!(fr("la métropole de l’agglomération."), "la métropole de l’ag-glo-mé-ra-tion.");
        assert_eq!(fr("« l’État » ’"), "« l’État » ’");
        assert_eq!(fr("’quote’"), "’quote’");
    }

    #[test]
    fn languages_come_from_the_primary_subtag() {
        let language = |tag| language(&crate::lang::Lang::parse(tag).unwrap());
        assert_eq!(language("fr-FR"), Some(Lang::French));
        assert_eq!(language("en"), Some(Lang::English));
        assert_eq!(language("zz"), None);
        assert_eq!(language("fra"), None);
    }
}
