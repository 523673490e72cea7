//! One chapter of the model → one XHTML content document, well-formed whatever the input.

mod inline;

use std::collections::HashMap;
use std::path::PathBuf;

use super::anchors::Anchors;
use super::labels::Labels;
use super::sanitise::{self, Context};
use super::xml::{attr, id_part, text};
use crate::diag::{Diagnostic, Diagnostics, Pos, Tally, Warned};
use crate::lang::Lang;
use crate::model::{
    Align, Block, BlockKind, Chapter, Image, Inline, InlineKind, KeyFigure, List, RawFormat, Table,
    plain_text,
};

/// What every chapter needs to know about the book.
pub struct Book<'a> {
    /// The publication's language.
    pub lang: &'a Lang,
    /// Anchors of the whole book.
    pub anchors: &'a Anchors,
    /// Image files (relative to the project root) → their path inside the EPUB.
    pub images: &'a HashMap<PathBuf, String>,
    /// The words before a figure's credit, as the style's `credit-label` gives them (the
    /// language's word for "credit" when it gives none).
    pub credit_label: Option<&'a str>,
}

/// A heading for the table of contents.
#[derive(Debug, Clone, PartialEq)]
pub struct TocEntry {
    /// 1 to 6.
    pub level: u8,
    /// The link from the package root (`ch01-intro.xhtml#id`).
    pub href: String,
    /// The heading as plain text.
    pub title: String,
}

/// One chapter as an XHTML content document.
#[derive(Debug, Clone)]
pub struct Page {
    /// The file name inside the EPUB.
    pub file: String,
    /// The chapter's title, plain.
    pub title: String,
    /// The XHTML document.
    pub xhtml: String,
    /// The chapter's top-level headings, for the table of contents.
    pub toc: Vec<TocEntry>,
    /// Where each block of the chapter was written in `xhtml`, in the order written.
    pub blocks: Vec<BlockSpan>,
}

/// Where a block of the Markdown was written in a page's XHTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockSpan {
    /// The block's position in the Markdown (1:1 for the chapter's opening).
    pub pos: Pos,
    /// The byte offsets of its XHTML, from its opening tag to its closing one.
    pub start: usize,
    pub end: usize,
}

/// Writes a chapter as an XHTML document named `file`.
pub fn chapter_page(chapter: &Chapter, file: &str, book: &Book) -> Warned<Page> {
    let lang = chapter.front.lang.as_ref().unwrap_or(book.lang);
    let title = chapter_title(chapter);
    let mut writer = Writer {
        out: String::new(),
        chapter,
        file,
        book,
        labels: Labels::for_language(lang),
        found: Diagnostics::default(),
        note_calls: HashMap::new(),
        heading_level: 0,
        dropped: Tally::default(),
        blocks: Vec::new(),
    };
    writer.body();
    writer.report_dropped();
    let xhtml = document(lang.as_str(), &title, &writer.out);
    // The body is the document's end, but for its closing tags.
    let body_at = xhtml.len() - writer.out.len() - DOCUMENT_END.len();
    let blocks = writer
        .blocks
        .iter()
        .map(|b| BlockSpan { pos: b.pos, start: b.start + body_at, end: b.end + body_at })
        .collect();
    let toc = chapter_toc(chapter, file);
    Warned::new(Page { file: file.to_string(), title, xhtml, toc, blocks }, writer.found)
}

/// The chapter's title: its first level-1 heading, its front matter title, or its slug.
pub fn chapter_title(chapter: &Chapter) -> String {
    let heading = chapter.blocks.iter().find_map(|block| match &block.kind {
        BlockKind::Heading { level: 1, content, .. } => Some(plain(&plain_text(content))),
        _ => None,
    });
    let title = heading.or_else(|| chapter.front.title.as_deref().map(|t| plain(&plain_text(t))));
    let title = title.unwrap_or_default();
    if title.trim().is_empty() { chapter.slug.clone() } else { title.trim().to_string() }
}

fn chapter_toc(chapter: &Chapter, file: &str) -> Vec<TocEntry> {
    chapter
        .blocks
        .iter()
        .filter_map(|block| match &block.kind {
            BlockKind::Heading { level, id, content } => Some(TocEntry {
                level: *level,
                href: format!("{file}#{id}"),
                title: plain(plain_text(content).trim()),
            }),
            _ => None,
        })
        .collect()
}

/// A printed text field (a title, a standfirst …) as XHTML: its text, ordinal suffixes in `sup`.
pub fn field_text(inlines: &[Inline]) -> String {
    inlines
        .iter()
        .map(|inline| match &inline.kind {
            InlineKind::Super(children) => format!("<sup>{}</sup>", field_text(children)),
            _ => prose(&plain_text(std::slice::from_ref(inline))),
        })
        .collect()
}

/// The non-breaking hyphen the typography pass puts in compound proper nouns (`Île-de-France`).
const NB_HYPHEN: char = '\u{2011}';

/// Text as XHTML, where a word that holds non-breaking hyphens is written with plain ones, in
/// a span that does not wrap: a reader finds `Île-de-France` as typed, and the line does not
/// break inside the name (a reading system without CSS may break it at a hyphen, as typed).
pub fn prose(s: &str) -> String {
    if !s.contains(NB_HYPHEN) {
        return text(s);
    }
    let blanks = [' ', '\n', '\t', '\r'];
    s.split_inclusive(blanks)
        .map(|piece| {
            let (word, blank) = piece.split_at(piece.trim_end_matches(blanks).len());
            if word.contains(NB_HYPHEN) {
                format!("<span class=\"nobr\">{}</span>{blank}", text(&plain(word)))
            } else {
                text(piece)
            }
        })
        .collect()
}

/// Text for places without markup (titles, the contents, `alt`): non-breaking hyphens as plain ones.
pub fn plain(s: &str) -> String {
    s.replace(NB_HYPHEN, "-")
}

/// What closes a document after its body.
const DOCUMENT_END: &str = "</body>\n</html>\n";

/// A whole XHTML document around a body.
pub fn document(lang: &str, title: &str, body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n\
         <html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" \
         lang=\"{lang}\" xml:lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>{title}</title>\n\
         <link rel=\"stylesheet\" type=\"text/css\" href=\"stylesheet.css\"/>\n</head>\n<body>\n{body}{DOCUMENT_END}",
        lang = attr(lang),
        title = text(title),
    )
}

struct Writer<'a> {
    out: String,
    chapter: &'a Chapter,
    file: &'a str,
    book: &'a Book<'a>,
    labels: Labels,
    /// What writing the chapter found.
    found: Diagnostics,
    /// How many times each footnote has been called so far.
    note_calls: HashMap<String, u32>,
    /// The level of the last heading written (0 before the first).
    heading_level: u8,
    /// What raw HTML lost, each with how many times and where first, reported once per chapter.
    dropped: Tally,
    /// Where each block was written in `out`.
    blocks: Vec<BlockSpan>,
}

impl Writer<'_> {
    fn body(&mut self) {
        self.out
            .push_str("<section class=\"chapter\" epub:type=\"chapter\" role=\"doc-chapter\">\n");
        let opening = self.out.len();
        let front = &self.chapter.front;
        if let Some(kicker) = &front.kicker {
            self.out.push_str(&format!("<p class=\"kicker\">{}</p>\n", field_text(kicker)));
        }
        let blocks = &self.chapter.blocks;
        let rest = match blocks.split_first() {
            Some((first, rest)) if matches!(first.kind, BlockKind::Heading { level: 1, .. }) => {
                self.block(first);
                rest
            }
            _ => {
                let title = match &self.chapter.front.title {
                    Some(title) if !plain_text(title).trim().is_empty() => field_text(title),
                    _ => text(&self.chapter.slug),
                };
                self.out.push_str(&format!("<h1>{title}</h1>\n"));
                self.heading_level = 1;
                blocks.as_slice()
            }
        };
        if let Some(standfirst) = &front.standfirst {
            let standfirst = field_text(standfirst);
            self.out.push_str(&format!("<p class=\"standfirst\">{standfirst}</p>\n"));
        }
        if let Some(author) = &front.author {
            let author = field_text(author);
            self.out.push_str(&format!("<p class=\"chapter-author\">{author}</p>\n"));
        }
        self.blocks.insert(0, BlockSpan { pos: Pos::new(1, 1), start: opening, end: opening });
        self.blocks(rest);
        for note in &self.chapter.notes {
            self.note(note);
        }
        self.out.push_str("</section>\n");
    }

    fn blocks(&mut self, blocks: &[Block]) {
        for block in blocks {
            self.block(block);
        }
    }

    fn block(&mut self, block: &Block) {
        let span = self.start_block(block.pos);
        match &block.kind {
            BlockKind::Heading { level, id, content } => self.heading(*level, id, content),
            BlockKind::Paragraph(inlines) => self.wrap("p", inlines),
            BlockKind::Quote(inner) => {
                self.out.push_str("<blockquote>\n");
                self.blocks(inner);
                self.out.push_str("</blockquote>");
            }
            BlockKind::List(list) => self.list(list),
            BlockKind::Code { lang, text: code } => {
                let class = lang
                    .as_deref()
                    .map_or(String::new(), |l| format!(" class=\"language-{}\"", id_part(l)));
                self.out.push_str(&format!("<pre><code{class}>{}</code></pre>", text(code)));
            }
            BlockKind::Raw { format, text: raw, text_pos } => self.raw(format, raw, *text_pos),
            BlockKind::Html(html) => self.html_block(html, block.pos),
            BlockKind::Table(table) => self.table(table),
            BlockKind::Figure { image, caption } => self.figure(image, caption),
            BlockKind::Rule => self.out.push_str("<hr/>"),
            BlockKind::Editorial { kind, title, blocks } => self.editorial(kind, title, blocks),
            BlockKind::KeyFigures(figures) => self.key_figures(figures),
        }
        self.end_block(span);
        self.out.push('\n');
    }

    /// Records that a block at `pos` starts here; returns its index for [`Writer::end_block`].
    fn start_block(&mut self, pos: Pos) -> usize {
        let at = self.out.len();
        self.blocks.push(BlockSpan { pos, start: at, end: at });
        self.blocks.len() - 1
    }

    fn end_block(&mut self, index: usize) {
        self.blocks[index].end = self.out.len();
    }

    /// A heading, never more than one level below the one before it (readers navigate by
    /// levels); an empty heading keeps only its anchor.
    fn heading(&mut self, level: u8, id: &str, content: &[Inline]) {
        if plain_text(content).trim().is_empty() {
            return self.out.push_str(&format!("<div id=\"{}\"></div>", attr(id)));
        }
        let level = level.min(self.heading_level + 1).max(1);
        self.heading_level = level;
        self.out.push_str(&format!("<h{level} id=\"{}\">", attr(id)));
        self.inlines(content);
        self.out.push_str(&format!("</h{level}>"));
    }

    fn wrap(&mut self, element: &str, inlines: &[Inline]) {
        self.out.push_str(&format!("<{element}>"));
        self.inlines(inlines);
        self.out.push_str(&format!("</{element}>"));
    }

    fn raw(&mut self, format: &RawFormat, raw: &str, pos: Pos) {
        match format {
            RawFormat::Html => self.html_block(raw, pos),
            RawFormat::Typst => {}
            RawFormat::Other(other) => self.warn(
                pos,
                "raw-block",
                format!("a raw `{other}` block is left out of the EPUB"),
                "raw blocks take `html` or `typst`",
            ),
        }
    }

    fn html_block(&mut self, html: &str, pos: Pos) {
        let (anchors, file) = (self.book.anchors, self.file);
        let resolve = |id: &str| anchors.href(id, file);
        let (xhtml, dropped) = sanitise::sanitise(html, Context::Block, &resolve);
        self.out.push_str(&xhtml);
        self.note_dropped(pos, dropped);
    }

    /// Notes what raw HTML lost at `pos`, to be reported once per chapter.
    fn note_dropped(&mut self, pos: Pos, dropped: Vec<String>) {
        for item in dropped {
            self.dropped.add(item, pos);
        }
    }

    /// One warning per kind of raw HTML the chapter lost, at its first place.
    fn report_dropped(&mut self) {
        for (item, pos, times) in std::mem::take(&mut self.dropped).counted() {
            let message = format!("raw HTML left out of the EPUB: {item}{times}");
            self.warn(pos, "raw-html", message, "keep to plain elements (p, em, span, div, table …) with class, title and lang attributes");
        }
    }

    fn list(&mut self, list: &List) {
        let element = if list.start.is_some() { "ol" } else { "ul" };
        match list.start {
            Some(start) if start != 1 => self.out.push_str(&format!("<ol start=\"{start}\">\n")),
            _ => self.out.push_str(&format!("<{element}>\n")),
        }
        for item in &list.items {
            match item.task {
                Some(done) => {
                    let (mark, label) =
                        if done { ('☑', self.labels.done) } else { ('☐', self.labels.todo) };
                    self.out.push_str(&format!(
                        "<li class=\"task\"><span class=\"task-mark\" role=\"img\" aria-label=\"{}\">{mark}</span> ",
                        attr(label)
                    ));
                }
                None => self.out.push_str("<li>"),
            }
            self.item_blocks(&item.blocks, list.tight);
            self.out.push_str("</li>\n");
        }
        self.out.push_str(&format!("</{element}>"));
    }

    /// A tight item's paragraphs are written without `<p>`.
    fn item_blocks(&mut self, blocks: &[Block], tight: bool) {
        for block in blocks {
            match &block.kind {
                BlockKind::Paragraph(inlines) if tight => {
                    let span = self.start_block(block.pos);
                    self.inlines(inlines);
                    self.end_block(span);
                }
                _ => self.block(block),
            }
        }
    }

    fn table(&mut self, table: &Table) {
        let columns = table.aligns.len().max(1);
        self.out.push_str("<table>\n<thead>\n");
        self.row(&table.header, "th", &table.aligns, columns);
        self.out.push_str("</thead>\n<tbody>\n");
        for row in &table.rows {
            self.row(row, "td", &table.aligns, columns);
        }
        self.out.push_str("</tbody>\n</table>");
    }

    fn row(&mut self, cells: &[Vec<Inline>], element: &str, aligns: &[Align], columns: usize) {
        self.out.push_str("<tr>");
        for index in 0..columns {
            let class = match aligns.get(index).copied().unwrap_or(Align::None) {
                Align::None => "",
                Align::Left => " class=\"align-left\"",
                Align::Center => " class=\"align-center\"",
                Align::Right => " class=\"align-right\"",
            };
            self.out.push_str(&format!("<{element}{class}>"));
            if let Some(cell) = cells.get(index) {
                self.inlines(cell);
            }
            self.out.push_str(&format!("</{element}>"));
        }
        self.out.push_str("</tr>\n");
    }

    fn figure(&mut self, image: &Image, caption: &[Inline]) {
        let Some(src) = self.image_href(image) else {
            return self.wrap("p", caption);
        };
        self.out.push_str(&format!(
            "<figure>\n<img src=\"{}\" alt=\"{}\"/>\n<figcaption>",
            attr(&src),
            attr(&plain(&image.alt))
        ));
        self.inlines(caption);
        if let Some(credit) = &image.credit {
            let label = self.labels.credit_label(self.book.credit_label);
            // On a line of its own after a space, also for a reading system without CSS and
            // for the text a reader copies or reads aloud (`caption Crédit : …`, not `captionCrédit`).
            let apart = if caption.is_empty() { "" } else { " <br/>" };
            self.out.push_str(&format!(
                "{apart}<span class=\"credit\">{} {}</span>",
                text(&label),
                prose(credit)
            ));
        }
        self.out.push_str("</figcaption>\n</figure>");
    }

    /// An editorial block: a `div` classed by its kind, its title (or attribution) first.
    fn editorial(&mut self, kind: &str, title: &[Inline], blocks: &[Block]) {
        self.out.push_str(&format!("<div class=\"editorial {}\">\n", id_part(kind)));
        let quote = kind == "citation";
        if quote {
            self.out.push_str("<blockquote>\n");
            self.blocks(blocks);
            self.out.push_str("</blockquote>\n");
        }
        if !title.is_empty() {
            let element =
                if quote { "p class=\"attribution\"" } else { "p class=\"editorial-title\"" };
            self.out.push_str(&format!("<{element}>"));
            self.inlines(title);
            self.out.push_str("</p>\n");
        }
        if !quote {
            self.blocks(blocks);
        }
        self.out.push_str("</div>");
    }

    /// Key figures: each value and label side by side.
    fn key_figures(&mut self, figures: &[KeyFigure]) {
        self.out.push_str("<div class=\"key-figures\">\n");
        for figure in figures {
            self.out.push_str("<p class=\"key-figure\"><span class=\"value\">");
            self.inlines(&figure.value);
            self.out.push_str("</span> <span class=\"label\">");
            self.inlines(&figure.label);
            self.out.push_str("</span></p>\n");
        }
        self.out.push_str("</div>");
    }

    /// The image's path in the EPUB (its alternative text is checked by `passes::checks`).
    fn image_href(&self, image: &Image) -> Option<String> {
        self.book.images.get(image.path.as_ref()?).cloned()
    }

    fn warn(&mut self, pos: Pos, code: &'static str, message: String, hint: &str) {
        let warning = Diagnostic::warning(&self.chapter.path, pos, message).with_code(code);
        self.found.push(warning.with_hint(hint));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::epub::anchors::chapter_file;
    use crate::model::{Footnote, InlineKind, LinkTarget};
    use crate::model::{FrontMatter, ListItem};

    fn at(kind: InlineKind) -> Inline {
        Inline::new(Pos::new(3, 1), kind)
    }

    fn block(kind: BlockKind) -> Block {
        Block { pos: Pos::new(2, 1), kind }
    }

    fn words(s: &str) -> Inline {
        at(InlineKind::Text(s.to_string()))
    }

    fn chapter(slug: &str, blocks: Vec<Block>, notes: Vec<Footnote>) -> Chapter {
        Chapter {
            path: PathBuf::from(format!("sources/p/{slug}.md")),
            slug: slug.to_string(),
            front: FrontMatter::default(),
            blocks,
            notes,
            loose_notes: vec![],
            prose: Default::default(),
        }
    }

    fn heading(level: u8, id: &str, title: &str) -> Block {
        block(BlockKind::Heading { level, id: id.into(), content: vec![words(title)] })
    }

    /// Writes the first of `chapters` (the others only give anchors); parses it as XML.
    fn write(chapters: &[Chapter]) -> (String, Diagnostics) {
        let files: Vec<String> =
            chapters.iter().enumerate().map(|(i, c)| chapter_file(i, &c.slug)).collect();
        let anchors = Anchors::new(chapters, &files);
        let images =
            HashMap::from([(PathBuf::from("sources/p/a.png"), "images/a.png".to_string())]);
        let book =
            Book { lang: &Lang::french(), anchors: &anchors, images: &images, credit_label: None };
        let Warned { output: page, findings } = chapter_page(&chapters[0], &files[0], &book);
        let options = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
        if let Err(err) = roxmltree::Document::parse_with_options(&page.xhtml, options) {
            panic!("not well-formed ({err}):\n{}", page.xhtml);
        }
        (page.xhtml, findings)
    }

    #[test]
    fn hostile_text_and_raw_html_stay_well_formed_and_script_free() {
        let paragraph = vec![
            words("a ]]> b <c> & \u{0}\u{1b}[31m \u{FFFE}"),
            at(InlineKind::Html("<span onclick=\"x()\">".into())),
            words("open"),
            at(InlineKind::Html("</em></div>".into())),
            at(InlineKind::Code("</code>]]>".into())),
        ];
        let url = |u: &str| InlineKind::Link {
            target: LinkTarget::Url(u.into()),
            title: "\"".into(),
            content: vec![words("x")],
        };
        let script = vec![at(InlineKind::Html("<script>alert(1)".into())), words("alert(1)")];
        let blocks = vec![
            heading(1, "t", "Titre <i>"),
            block(BlockKind::Paragraph(paragraph)),
            block(BlockKind::Paragraph(script)),
            block(BlockKind::Paragraph(vec![
                at(url("javascript:alert(1)")),
                at(url("https://e.org/?a=1&b=2")),
            ])),
            block(BlockKind::Html("<div><p>unclosed <b>bold".into())),
            block(BlockKind::Raw {
                format: RawFormat::Typst,
                text: "#panic()".into(),
                text_pos: Pos::new(5, 1),
            }),
            block(BlockKind::Code { lang: Some("a\"b".into()), text: "<![CDATA[ ]]>".into() }),
        ];
        let (xhtml, diagnostics) = write(&[chapter("c", blocks, vec![])]);
        assert!(xhtml.contains("<span>open<code>&lt;/code&gt;]]&gt;</code></span></p>"), "{xhtml}");
        for forbidden in ["<script", "onclick", "javascript:", "#panic", "\u{1b}"] {
            assert!(!xhtml.contains(forbidden), "{forbidden} in\n{xhtml}");
        }
        assert!(
            xhtml.contains("<a href=\"https://e.org/?a=1&amp;b=2\" title=\"&quot;\">x</a>"),
            "{xhtml}"
        );
        let lines: Vec<String> = diagnostics.iter().map(|d| d.to_string()).collect();
        assert!(lines.iter().all(|l| l.starts_with("sources/p/c.md:")), "{lines:#?}");
        assert_eq!(lines.len(), 5, "one per kind of thing left out: {lines:#?}");
    }

    #[test]
    fn links_between_chapters_point_at_the_right_file() {
        let link = |id: &str| {
            at(InlineKind::Link {
                target: LinkTarget::Anchor(id.into()),
                title: String::new(),
                content: vec![words(id)],
            })
        };
        let first = chapter(
            "un",
            vec![
                heading(1, "debut", "Début"),
                block(BlockKind::Paragraph(vec![link("fin"), link("deux"), link("debut")])),
            ],
            vec![],
        );
        let second = chapter("deux", vec![heading(2, "fin", "Fin")], vec![]);
        let (xhtml, _) = write(&[first, second]);
        assert!(xhtml.contains("<a href=\"ch02-deux.xhtml#fin\">fin</a>"), "{xhtml}");
        assert!(xhtml.contains("<a href=\"ch02-deux.xhtml\">deux</a>"), "{xhtml}");
        assert!(xhtml.contains("<a href=\"#debut\">debut</a>"), "{xhtml}");
    }

    #[test]
    fn footnotes_are_epub_notes_with_book_unique_ids_and_back_links() {
        let call = || at(InlineKind::NoteRef("n".into()));
        let note = Footnote {
            label: "n".into(),
            number: 1,
            pos: Pos::new(9, 1),
            blocks: vec![block(BlockKind::Paragraph(vec![words("La note.")]))],
        };
        let blocks =
            vec![block(BlockKind::Paragraph(vec![words("a"), call(), words("b"), call()]))];
        let (xhtml, _) = write(&[chapter("c", blocks, vec![note])]);
        assert!(xhtml.contains("<a class=\"noteref\" epub:type=\"noteref\" role=\"doc-noteref\" href=\"#fn-c-1\" id=\"fnref-c-1\">1</a>"), "{xhtml}");
        assert!(xhtml.contains("id=\"fnref-c-1-2\""), "a second call gets its own id\n{xhtml}");
        assert!(xhtml.contains("<aside class=\"footnote\" epub:type=\"footnote\" role=\"doc-footnote\" id=\"fn-c-1\">\n<p><a class=\"note-back\" role=\"doc-backlink\" href=\"#fnref-c-1\""), "{xhtml}");
    }

    #[test]
    fn tables_figures_and_task_lists_are_accessible_xhtml() {
        let table = Table {
            aligns: vec![Align::Left, Align::Right],
            header: vec![vec![words("a")], vec![words("b")]],
            rows: vec![vec![vec![words("1")]]],
        };
        let image = Image {
            src: "a.png".into(),
            path: Some("sources/p/a.png".into()),
            format: None,
            alt: String::new(),
            title: String::new(),
            credit: None,
            unknown_attributes: Vec::new(),
        };
        let task = |done, t: &str| ListItem {
            task: Some(done),
            blocks: vec![block(BlockKind::Paragraph(vec![words(t)]))],
        };
        let list = List {
            start: None,
            tight: true,
            items: vec![task(true, "fait"), task(false, "pas fait")],
        };
        let blocks = vec![
            block(BlockKind::Table(table)),
            block(BlockKind::Figure { image, caption: vec![] }),
            block(BlockKind::List(list)),
        ];
        let (xhtml, _) = write(&[chapter("c", blocks, vec![])]);
        assert!(
            xhtml.contains("<th class=\"align-left\">a</th><th class=\"align-right\">b</th>"),
            "{xhtml}"
        );
        assert!(
            xhtml.contains("<td class=\"align-left\">1</td><td class=\"align-right\"></td>"),
            "{xhtml}"
        );
        assert!(!xhtml.contains("align=") && !xhtml.contains("<p><figure"), "{xhtml}");
        assert!(xhtml.contains("<figure>\n<img src=\"images/a.png\" alt=\"\"/>"), "{xhtml}");
        assert!(xhtml.contains("role=\"img\" aria-label=\"fait\">☑</span> fait</li>"), "{xhtml}");
        assert!(xhtml.contains("aria-label=\"à faire\">☐</span> pas fait</li>"), "{xhtml}");
    }

    #[test]
    fn the_chapter_language_overrides_the_book_and_titles_fall_back() {
        let mut c = chapter("c", vec![heading(2, "s", "Section")], vec![]);
        c.front = FrontMatter {
            title: Some(crate::model::field_from("Annexe")),
            lang: Lang::parse("en"),
            ..FrontMatter::default()
        };
        let (xhtml, _) = write(&[c]);
        assert!(xhtml.contains("lang=\"en\" xml:lang=\"en\""), "{xhtml}");
        assert!(
            xhtml.contains("<title>Annexe</title>") && xhtml.contains("<h1>Annexe</h1>"),
            "{xhtml}"
        );
    }
    #[test]
    fn non_breaking_hyphens_are_written_as_plain_ones_in_a_span_that_does_not_wrap() {
        assert_eq!(
            prose("l’Île\u{2011}de\u{2011}France, <Jean\u{2011}Marie>\n"),
            "<span class=\"nobr\">l’Île-de-France,</span> <span class=\"nobr\">&lt;Jean-Marie&gt;</span>\n"
        );
        assert_eq!(prose("a & b"), "a &amp; b");
        let heading = heading(1, "idf", "Île\u{2011}de\u{2011}France");
        let c = chapter("c", vec![heading.clone()], vec![]);
        let (xhtml, _) = write(std::slice::from_ref(&c));
        assert!(xhtml.contains("<title>Île-de-France</title>"), "{xhtml}");
        assert!(!xhtml.contains('\u{2011}'), "{xhtml}");
        assert_eq!(chapter_toc(&c, "c.xhtml")[0].title, "Île-de-France");
    }
    #[test]
    fn a_credit_follows_its_caption_on_a_line_of_its_own() {
        let image = Image {
            src: "a.png".into(),
            path: Some("sources/p/a.png".into()),
            format: None,
            alt: "Carte".into(),
            title: String::new(),
            credit: Some("Ville de Paris".into()),
            unknown_attributes: Vec::new(),
        };
        let caption = vec![words("Les départements franciliens")];
        let figure = block(BlockKind::Figure { image: image.clone(), caption });
        let (xhtml, _) = write(&[chapter("c", vec![figure], vec![])]);
        let want = "<figcaption>Les départements franciliens <br/><span class=\"credit\">Crédit\u{a0}: Ville de Paris</span></figcaption>";
        assert!(xhtml.contains(want), "{xhtml}");
        let alone = block(BlockKind::Figure { image, caption: vec![] });
        let (xhtml, _) = write(&[chapter("c", vec![alone], vec![])]);
        assert!(xhtml.contains("<figcaption><span class=\"credit\">"), "{xhtml}");
    }
}
