//! Hyphenation points presse sets itself, where typst's own would be wrong.
//!
//! - Elided words (`l’agglomération`): typst 0.15 hyphenates only words made of letters
//!   alone, so a word joined to an elided article by an apostrophe is never hyphenated
//!   (typst issue #7087): a justified line then stretches, or the word runs into the margin.
//!   French elides all the time (`l’`, `d’`, `qu’`, `jusqu’`), so presse marks the
//!   hyphenation points of each part itself, with soft hyphens: none next to the apostrophe
//!   (the rule is never to break at an elision) and none leaving fewer than three letters on
//!   a side.
//! - Capitalised words (`Paris`, `Franciliens`, a sentence's `Depuis`): a proper noun is not
//!   hyphenated, and typst would leave `Pa-` or `De-` at a line's end. A word joiner (U+2060)
//!   after the word makes typst leave it whole (it hyphenates only words of letters alone);
//!   it allows no break where there was none to allow.
//!
//! Both marks are taken out of the laid-out pages where no line ended on them, so that the
//! PDF's text (for copying, searching, reading aloud) holds only the words.

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
/// A word joiner, which keeps the word before it from being hyphenated.
const WORD_JOINER: char = '\u{2060}';
/// The shortest capitalised word typst could hyphenate (`Pa-ris`).
const SHORTEST_HYPHENATED: usize = 5;

/// The fewest letters left on either side of a hyphen: `l’ag-glomération`, `d’in-frastructures`
/// would leave two, which a designer sends back.
const FRAGMENT: usize = 3;

/// The hyphenation patterns of a language, when hypher has them.
pub fn language(lang: &crate::lang::Lang) -> Option<Lang> {
    let code: [u8; 2] = lang.language().as_bytes().try_into().ok()?;
    Lang::from_iso(code)
}

/// `text` with soft hyphens inside the words that an apostrophe joins and a word joiner after
/// each capitalised word; other words untouched.
pub fn soft_hyphens(text: &str, lang: Lang) -> Cow<'_, str> {
    if !text.contains(|c: char| is_apostrophe(c) || c.is_uppercase()) {
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
        // The joiner goes before a closing apostrophe, if any (`Paris’`).
        let letters = word.trim_end_matches(is_apostrophe);
        out.push_str(letters);
        if is_capitalised(letters) {
            out.push(WORD_JOINER);
        }
        out.push_str(&word[letters.len()..]);
        return;
    }
    for piece in word.split_inclusive(is_apostrophe) {
        let letters = piece.trim_end_matches(is_apostrophe);
        // A word joined to an elision is one typst leaves whole: a proper noun stays so.
        if is_capitalised(letters) {
            out.push_str(piece);
            continue;
        }
        let syllables = hypher::hyphenate_bounded(letters, lang, FRAGMENT, FRAGMENT);
        for (index, syllable) in syllables.enumerate() {
            if index > 0 {
                out.push(SOFT_HYPHEN);
            }
            out.push_str(syllable);
        }
        out.push_str(&piece[letters.len()..]);
    }
}

/// The document without the soft hyphens where no line ended, nor the word joiners: they only
/// allowed or forbade a break, and left in, they would sit inside the PDF's words, for copying
/// and searching.
pub fn drop_unused_soft_hyphens(document: PagedDocument) -> PagedDocument {
    if !document.pages().iter().any(|page| has_mark(&page.frame)) {
        return document;
    }
    let info = document.info().clone();
    let mut pages = document.pages().iter().cloned().collect::<typst::ecow::EcoVec<_>>();
    // Dropped first, the document leaves the pages' frames to be cleaned in place when nothing
    // else holds them (typst's memoised layout was freed as its round ended).
    drop(document);
    pages.make_mut().par_iter_mut().for_each(|page| drop_in_page(&mut page.frame));
    PagedDocument::new(pages, info)
}

/// A page's frame: its header, body and footer are each cleaned once for all (see [`elided`]).
fn drop_in_page(page: &mut Frame) {
    if !has_mark(page) {
        return;
    }
    page.retain(|item| {
        match item {
            FrameItem::Group(group) if crate::memo::builds_again() => {
                group.frame = elided(&group.frame)
            }
            FrameItem::Group(group) => drop_in_frame(&mut group.frame),
            FrameItem::Text(text) => drop_in_text(text),
            _ => {}
        }
        true
    });
}

/// `frame` without its unused soft hyphens and its word joiners. Memoised for `presse watch`:
/// the pages that a rebuild lays out as before keep the frames cleaned the last time. A build
/// that no other follows cleans in place, without hashing every frame for the memo (a tenth
/// of a second at 1,000 pages).
#[comemo::memoize]
fn elided(frame: &Frame) -> Frame {
    let mut frame = frame.clone();
    drop_in_frame(&mut frame);
    frame
}

fn has_mark(frame: &Frame) -> bool {
    frame.items().any(|(_, item)| match item {
        FrameItem::Group(group) => has_mark(&group.frame),
        FrameItem::Text(text) => text.text.contains(is_mark),
        _ => false,
    })
}

fn drop_in_frame(frame: &mut Frame) {
    if !has_mark(frame) {
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

/// Removes the soft hyphens of a run where no line ended, and its word joiners, keeping every
/// glyph's text right. Shaping often joins a mark to the glyph before it; the hyphen typst
/// draws at a line's end is a glyph of its own, with a width, and stays.
fn drop_in_text(item: &mut TextItem) {
    let drawn: Vec<Range<usize>> = item
        .glyphs
        .iter()
        .filter(|g| !g.x_advance.is_zero() && item.text[g.range()] == *SOFT_HYPHEN_STR)
        .map(|g| g.range())
        .collect();
    let unused: Vec<Range<usize>> = item
        .text
        .match_indices(is_mark)
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

/// Whether a word is capitalised and long enough to be hyphenated.
fn is_capitalised(word: &str) -> bool {
    word.starts_with(char::is_uppercase) && word.chars().nth(SHORTEST_HYPHENATED - 1).is_some()
}

/// Whether a character is one of the marks presse sets.
fn is_mark(c: char) -> bool {
    c == SOFT_HYPHEN || c == WORD_JOINER
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
        soft_hyphens(text, Lang::French).replace(SOFT_HYPHEN, "-").replace(WORD_JOINER, "|")
    }

    #[test]
    fn capitalised_words_are_kept_whole() {
        assert_eq!(fr("Depuis Paris, les Franciliens"), "Depuis| Paris|, les Franciliens|");
        assert_eq!(fr("La Seine à Ivry et l’Île"), "La Seine| à Ivry et l’Île");
        assert_eq!(fr("d’Aubervilliers à l’agglomération"), "d’Aubervilliers à l’agglo-mé-ra-tion");
        assert_eq!(fr("Paris’"), "Paris|’");
    }

    #[test]
    fn elided_words_get_the_hyphenation_points_of_their_parts() {
        assert_eq!(fr("l’agglomération"), "l’agglo-mé-ra-tion");
        assert_eq!(fr("d’infrastructures"), "d’infra-struc-tures");
        assert_eq!(fr("jusqu’aujourd’hui"), "jusqu’aujourd’hui");
        assert_eq!(fr("l’organisation"), "l’orga-ni-sa-tion");
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
        assert_eq!(fr("la métropole de l’agglomération."), "la métropole de l’agglo-mé-ra-tion.");
        assert_eq!(fr("« l’État » ’"), "« l’État » ’");
        assert_eq!(fr("la SNCF et le CEREMA"), "la SNCF et le CEREMA|");
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
