//! The print edition's pages in the EPUB: a page-break marker where each page of the PDF
//! begins, and the `page-list` navigation to them.
//!
//! A page is placed at the block of the Markdown its first words come from, then at those words
//! inside the block when they are found there (a page that begins mid-paragraph), else at the
//! block's start.

use super::labels::Labels;
use super::xhtml::{BlockSpan, Page};
use super::xml::{attr, text};
use crate::diag::Pos;
use crate::html::decode_entities;
use crate::pdf::pagination::PageStart;

/// How many characters of a page's first words (spaces left out) are looked for; fewer are
/// tried when those are not found.
const MATCHED: [usize; 2] = [24, 10];

/// A page-break marker placed in a chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    /// The PDF page, from 1.
    pub page: usize,
    /// The chapter page's file.
    pub file: String,
    /// The marker's id in it.
    pub id: String,
}

/// Puts a marker in `pages` (the chapters, in order) for every page start; returns the markers
/// placed, in page order.
pub fn place(pages: &mut [Page], starts: &[PageStart]) -> Vec<Marker> {
    let mut inserts: Vec<Vec<(usize, Marker)>> = vec![Vec::new(); pages.len()];
    let mut markers = Vec::new();
    for start in starts {
        let Some(page) = pages.get(start.chapter) else { continue };
        let Some(block) = block_at(&page.blocks, start) else { continue };
        let at = words_in(&page.xhtml, block, &start.words).unwrap_or(block.start);
        let first_in_chapter = inserts[start.chapter].is_empty();
        let at = match opening_before(page, at) {
            Some(opening) if first_in_chapter => opening,
            _ => at,
        };
        let marker = Marker { page: start.page, file: page.file.clone(), id: id(page, start.page) };
        inserts[start.chapter].push((at, marker.clone()));
        markers.push(marker);
    }
    for (page, mut at) in pages.iter_mut().zip(inserts) {
        // From the end, so that earlier offsets stay right; pages at one place stay in order.
        at.sort_by_key(|(offset, marker)| (*offset, marker.page));
        for (offset, marker) in at.into_iter().rev() {
            page.xhtml.insert_str(offset, &marker.element());
        }
    }
    markers
}

/// The chapter's opening, when only its title and headings come before `at`: the style lays
/// them out (a kicker, a standfirst) on the page where the text after them begins.
fn opening_before(page: &Page, at: usize) -> Option<usize> {
    let opening = page.blocks.iter().find(|b| b.pos == Pos::new(1, 1) && b.start == b.end)?;
    let before = page.blocks.iter().filter(|b| b.start < at && b.end <= at);
    let only_headings =
        before.clone().all(|b| b.start == b.end || is_heading(&page.xhtml[b.start..b.end]));
    (only_headings && at > opening.start).then_some(opening.start)
}

fn is_heading(xhtml: &str) -> bool {
    xhtml.starts_with("<h") && xhtml.as_bytes().get(2).is_some_and(u8::is_ascii_digit)
}

/// `page-N`, unless the chapter already has that id (a heading "Page 3").
fn id(page: &Page, number: usize) -> String {
    let id = format!("page-{number}");
    if page.xhtml.contains(&format!("id=\"{id}\"")) { format!("{id}-pdf") } else { id }
}

impl Marker {
    /// The marker as XHTML.
    fn element(&self) -> String {
        format!(
            "<span epub:type=\"pagebreak\" role=\"doc-pagebreak\" id=\"{}\" aria-label=\"{}\"></span>",
            attr(&self.id),
            self.page
        )
    }
}

/// The `page-list` navigation, for the navigation document; empty without markers.
pub fn nav(markers: &[Marker], labels: Labels) -> String {
    if markers.is_empty() {
        return String::new();
    }
    let items: String = markers
        .iter()
        .map(|m| format!("<li><a href=\"{}#{}\">{}</a></li>\n", attr(&m.file), attr(&m.id), m.page))
        .collect();
    format!(
        "<nav epub:type=\"page-list\" role=\"doc-pagelist\" aria-label=\"{label}\" hidden=\"hidden\">\n<h2>{title}</h2>\n<ol>\n{items}</ol>\n</nav>\n",
        label = attr(labels.page_list),
        title = text(labels.page_list),
    )
}

/// The last block written at or before the position the page's text comes from: the innermost
/// block holding it.
fn block_at<'a>(blocks: &'a [BlockSpan], start: &PageStart) -> Option<&'a BlockSpan> {
    let mut found: Option<&BlockSpan> = None;
    for block in blocks.iter().filter(|b| b.pos <= start.pos) {
        if found.is_none_or(|f| block.pos >= f.pos) {
            found = Some(block);
        }
    }
    found
}

/// Where the page's first words begin in the block's text, at a word's start: when the page
/// begins with the end of a hyphenated word, at the next word.
fn words_in(xhtml: &str, block: &BlockSpan, words: &str) -> Option<usize> {
    let chars = TextChars::of(&xhtml[block.start..block.end]);
    let wanted: Vec<char> = words.chars().filter(|c| !skipped(*c)).collect();
    MATCHED.iter().find_map(|&length| {
        let needle = &wanted[..length.min(wanted.len())];
        if needle.is_empty() {
            return None;
        }
        let found = chars.chars.windows(needle.len()).position(|w| w == needle)?;
        let word = (found..chars.chars.len()).find(|&i| chars.word_start[i])?;
        // The block's first words: before the block, so that a figure's picture follows too.
        Some(if word == 0 { block.start } else { block.start + chars.offsets[word] })
    })
}

/// Characters that the two editions may space or hyphenate differently.
fn skipped(c: char) -> bool {
    c.is_whitespace() || c == '\u{ad}'
}

/// The text of a piece of XHTML, character by character (tags left out, references decoded,
/// spaces and soft hyphens skipped), with where each begins and whether it begins a word.
struct TextChars {
    chars: Vec<char>,
    offsets: Vec<usize>,
    word_start: Vec<bool>,
}

impl TextChars {
    fn of(xhtml: &str) -> TextChars {
        let mut out = TextChars { chars: Vec::new(), offsets: Vec::new(), word_start: Vec::new() };
        let mut after_space = true;
        let mut rest = xhtml.char_indices().peekable();
        while let Some((at, c)) = rest.next() {
            let c = match c {
                '<' => {
                    // Block-level tags separate words; inline ones (em, a, span) do not.
                    let end = xhtml[at..].find('>').map_or(xhtml.len(), |e| at + e + 1);
                    after_space |= separates_words(&xhtml[at..end]);
                    while rest.peek().is_some_and(|(i, _)| *i < end) {
                        rest.next();
                    }
                    continue;
                }
                '&' => {
                    let end = xhtml[at..].find(';').map_or(at + 1, |e| at + e + 1);
                    while rest.peek().is_some_and(|(i, _)| *i < end) {
                        rest.next();
                    }
                    decode_entities(&xhtml[at..end]).chars().next().unwrap_or('&')
                }
                c => c,
            };
            if skipped(c) {
                // A soft hyphen is inside a word.
                after_space |= c != '\u{ad}';
                continue;
            }
            out.chars.push(c);
            out.offsets.push(at);
            out.word_start.push(after_space);
            after_space = false;
        }
        out
    }
}

/// Whether a tag ends a word: a block's, a line break's, or a note call's.
fn separates_words(tag: &str) -> bool {
    let name: String = tag
        .trim_start_matches(['<', '/'])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    !matches!(
        name.as_str(),
        "a" | "abbr"
            | "b"
            | "cite"
            | "code"
            | "em"
            | "i"
            | "kbd"
            | "mark"
            | "q"
            | "s"
            | "small"
            | "span"
            | "strong"
            | "sub"
            | "sup"
            | "u"
            | "var"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A chapter page: its opening before the first block, then blocks found by their start.
    fn page(xhtml: &str, blocks: &[(u32, &str)]) -> Page {
        let opening = xhtml.find(blocks[0].1).unwrap();
        let opening = BlockSpan { pos: Pos::new(1, 1), start: opening, end: opening };
        let blocks = blocks.iter().map(|(line, start)| {
            let start = xhtml.find(start).unwrap();
            BlockSpan { pos: Pos::new(*line, 1), start, end: xhtml.len() }
        });
        let blocks = std::iter::once(opening).chain(blocks).collect();
        Page {
            file: "c.xhtml".into(),
            title: "c".into(),
            xhtml: xhtml.into(),
            toc: Vec::new(),
            blocks,
        }
    }

    fn start(page: usize, line: u32, words: &str) -> PageStart {
        PageStart { page, chapter: 0, pos: Pos::new(line, 1), words: words.into() }
    }

    #[test]
    fn a_page_is_marked_at_its_first_words_or_its_block() {
        let xhtml = "<body><h1>Titre</h1><p>Le d\u{e9}velop\u{ad}pement de la <em>ville</em> &amp; de ses abords.</p><p>Fin.</p></body>";
        let mut pages = [page(xhtml, &[(2, "<h1>"), (3, "<p>Le"), (5, "<p>Fin")])];
        let starts = [
            // The chapter's first page: at its opening.
            start(1, 2, "Titre"),
            // Begins with the end of a hyphenated word: the marker goes before the next word.
            start(2, 3, "pement de la ville & de ses"),
            start(3, 5, "nowhere to be found"),
        ];
        let markers = place(&mut pages, &starts);
        assert_eq!(markers.len(), 3);
        let x = &pages[0].xhtml;
        let at = |page: usize| x.find(&format!("id=\"page-{page}\"")).unwrap();
        assert!(x[at(1)..].contains("Titre") && at(1) < x.find("<h1>").unwrap());
        assert!(x[at(2)..].starts_with("id=\"page-2\" aria-label=\"2\"></span>de la <em>"), "{x}");
        assert!(at(3) < x.find("<p>Fin").unwrap() && at(3) > x.find("abords").unwrap());
    }

    #[test]
    fn the_page_list_links_every_marker() {
        let labels = Labels::for_language(&crate::lang::Lang::french());
        let marker = Marker { page: 4, file: "c.xhtml".into(), id: "page-4".into() };
        let nav = nav(&[marker], labels);
        assert!(nav.contains("<a href=\"c.xhtml#page-4\">4</a>"), "{nav}");
        assert!(nav.contains("epub:type=\"page-list\""));
        assert_eq!(super::nav(&[], labels), "");
    }
}
