//! Document model → typst markup, with a map from every emitted byte back to its Markdown.

use std::collections::HashSet;
use std::fmt::Write;
use std::path::{Path, PathBuf};
use typst::layout::Abs;

use crate::diag::Pos;
use crate::lang::Lang;
use crate::model::{
    Align, Block, BlockKind, Chapter, FieldText, Footnote, Image, Inline, InlineKind, KeyFigure,
    LinkTarget, List, Publication, RawFormat, Table, plain_text,
};
use crate::pdf::escape::{self, string};
use crate::pdf::{elision, values};

/// The virtual path of the style template inside the typst world.
pub const TEMPLATE_PATH: &str = "/.presse/template.typ";

/// What a template may leave out, defined before it is imported so that its own definitions
/// win: the widths of a table's columns from their alignments (`auto`, `left`, `right`,
/// `center`), one `auto` column each unless the template says otherwise; and what follows a
/// link to a heading or a chapter of the publication (`page-ref(label)`), nothing unless the
/// template prints the page it leads to.
const TEMPLATE_DEFAULTS: &str = "#let table-columns(aligns) = calc.max(1, aligns.len())\n\
                                 #let page-ref(target) = none\n";

/// Generated typst source and where each part of it comes from.
#[derive(Debug, Clone, Default)]
pub struct TypstSource {
    /// The `.typ` text.
    pub text: String,
    /// Emitted offsets → Markdown positions.
    pub map: SourceMap,
}

/// Maps byte offsets of generated typst back to Markdown files and positions.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<PathBuf>,
    entries: Vec<Entry>,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    offset: usize,
    file: usize,
    pos: Pos,
    /// Raw text follows verbatim: columns advance with the offset.
    verbatim: bool,
}

impl SourceMap {
    /// The Markdown file and position that produced the typst at `offset` in `text`, and
    /// whether it lies in a raw typst block.
    pub fn lookup(&self, text: &str, offset: usize) -> Option<(&Path, Pos, bool)> {
        let index = self.entries.partition_point(|e| e.offset <= offset).checked_sub(1)?;
        let entry = self.entries[index];
        let mut pos = entry.pos;
        if entry.verbatim {
            let end = offset.min(text.len());
            pos.column += text.get(entry.offset..end).map_or(0, |s| s.chars().count()) as u32;
        }
        Some((&self.files[entry.file], pos, entry.verbatim))
    }

    /// Which of the map's marks the typst at `offset` follows; `None` before the first. Marks
    /// are in the order of the emitted text, each where a block or an inline element begins.
    pub fn mark_at(&self, offset: usize) -> Option<usize> {
        self.entries.partition_point(|e| e.offset <= offset).checked_sub(1)
    }

    /// Where each chapter's text begins, in the chapters' order.
    pub fn chapter_starts(&self) -> Vec<usize> {
        let firsts = self
            .entries
            .iter()
            .enumerate()
            .filter(|(index, entry)| *index == 0 || self.entries[index - 1].file != entry.file);
        firsts.map(|(_, entry)| entry.offset).collect()
    }

    /// The chapter (its index in the publication) and the Markdown position of a mark.
    pub fn mark(&self, index: usize) -> (usize, Pos) {
        let entry = self.entries[index];
        (entry.file, entry.pos)
    }
}

/// A height kept free at the foot of the page where a chapter ends: what makes the columns of
/// that page end level (see `balance`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reserve {
    /// The height.
    pub height: Abs,
    /// Where that page's text begins: the float that keeps the height free is placed before
    /// the chapter's next block (one that begins on the page), while it still has room.
    pub from: Pos,
    /// The distance between two lines of the page's text.
    pub line: Abs,
}

/// The reserves of a publication, by chapter (its index).
pub type Reserves = std::collections::BTreeMap<usize, Reserve>;

/// Writes the typst source of a publication for the style template, with the height in
/// `reserves` kept free below the columns where those chapters end: a float at the foot of the
/// page, across its columns, holding nothing.
pub fn emit(publication: &Publication, options: &toml::Table, reserves: &Reserves) -> TypstSource {
    let mut emitter = Emitter {
        source: TypstSource::default(),
        file: 0,
        notes_done: HashSet::new(),
        elision: None,
        in_paragraph: false,
    };
    emitter.source.map.files = publication.chapters.iter().map(|c| c.path.clone()).collect();
    emitter.header(publication, options);
    let hyphenate = options.get("hyphenate").and_then(toml::Value::as_bool).unwrap_or(true);
    for (index, chapter) in publication.chapters.iter().enumerate() {
        emitter.file = index;
        let lang = chapter.front.lang.as_ref().unwrap_or(&publication.manifest.lang);
        emitter.elision = elision::language(lang).filter(|_| hyphenate);
        emitter.chapter(chapter, reserves.get(&index).copied());
    }
    emitter.source
}

struct Emitter {
    source: TypstSource,
    file: usize,
    notes_done: HashSet<String>,
    /// The hyphenation patterns for elided words of the chapter, when it is hyphenated.
    elision: Option<hypher::Lang>,
    /// Whether the text being emitted is a paragraph's (not a heading's, a caption's, a cell's).
    in_paragraph: bool,
}

impl Emitter {
    fn out(&mut self) -> &mut String {
        &mut self.source.text
    }

    fn mark(&mut self, pos: Pos, verbatim: bool) {
        let entry = Entry { offset: self.source.text.len(), file: self.file, pos, verbatim };
        self.source.map.entries.push(entry);
    }

    fn header(&mut self, publication: &Publication, options: &toml::Table) {
        let m = &publication.manifest;
        let list = |items: &[String]| {
            let mut s: String = items.iter().map(|a| format!("{}, ", string(a))).collect();
            s.insert(0, '(');
            s.push(')');
            s
        };
        let opt = |value: &Option<String>| value.as_deref().map_or("none".into(), string);
        let out = self.out();
        out.push_str("// Generated by presse from the Markdown sources. Do not edit.\n");
        out.push_str(TEMPLATE_DEFAULTS);
        let _ = writeln!(out, "#import {}: *", string(TEMPLATE_PATH));
        let _ = writeln!(
            out,
            "#show: publication.with((\n  title: {},\n  subtitle: {},\n  number: {},\n  \
             date: datetime(year: {}, month: {}, day: {}),\n  lang: {},\n  authors: {},\n  \
             keywords: {},\n  description: {},\n  publisher: {},\n  identifier: {},\n  \
             cover: {},\n  options: {},\n))\n",
            field_value(&m.title),
            optional_field(&m.subtitle),
            opt(&m.number.as_ref().map(|n| n.to_string())),
            m.date.year(),
            m.date.month(),
            m.date.day(),
            string(m.lang.language()),
            list(&m.authors),
            list(&m.keywords),
            opt(&m.description),
            opt(&m.publisher),
            string(&m.stable_identifier()),
            opt(&publication.cover.as_deref().map(virtual_path)),
            values::dictionary(options),
        );
    }

    /// A height kept free at the foot of the page, across its columns.
    fn reserve(&mut self, height: Abs) {
        let float = "place(bottom, float: true, scope: \"parent\", clearance: 0pt";
        let line = format!("\n#{float}, block(height: {:.2}pt))\n", height.to_pt());
        self.out().push_str(&line);
    }

    fn chapter(&mut self, chapter: &Chapter, reserve: Option<Reserve>) {
        let f = &chapter.front;
        let opt = |value: &Option<String>| value.as_deref().map_or("none".into(), string);
        let line = format!(
            "#chapter((slug: {}, title: {}, author: {}, lang: {}, kicker: {}, standfirst: {}))[\n",
            string(&chapter.slug),
            optional_field(&f.title),
            optional_field(&f.author),
            opt(&f.lang.as_ref().map(|lang| lang.language().to_string())),
            optional_field(&f.kicker),
            optional_field(&f.standfirst),
        );
        self.mark(Pos::new(1, 1), false);
        self.out().push_str(&line);
        let mut context = Context { chapter };
        let mut reserve = reserve;
        for block in &chapter.blocks {
            if let Some(kept) = reserve.take_if(|kept| block.pos > kept.from) {
                self.reserve(kept.height);
            }
            self.block(block, &mut context);
        }
        if let Some(kept) = reserve {
            self.reserve(kept.height);
        }
        self.out().push_str("]\n\n");
    }

    fn blocks(&mut self, blocks: &[Block], cx: &mut Context) {
        for block in blocks {
            self.block(block, cx);
        }
    }

    fn block(&mut self, block: &Block, cx: &mut Context) {
        self.mark(block.pos, false);
        match &block.kind {
            BlockKind::Paragraph(inlines) => {
                let outer = std::mem::replace(&mut self.in_paragraph, true);
                self.inlines(inlines, cx);
                self.in_paragraph = outer;
            }
            BlockKind::Heading { level, id, content } => {
                let _ = write!(self.out(), "#heading(level: {level})[");
                self.inlines(content, cx);
                let _ = write!(self.out(), "]#label({})", string(id));
            }
            BlockKind::Quote(inner) => {
                self.out().push_str("#quote(block: true)[\n");
                self.blocks(inner, cx);
                self.out().push(']');
            }
            BlockKind::List(list) => self.list(list, cx),
            BlockKind::Code { lang, text } => {
                let lang =
                    lang.as_deref().map_or(String::new(), |l| format!("lang: {}, ", string(l)));
                let _ = write!(self.out(), "#raw(block: true, {lang}{})", string(text));
            }
            BlockKind::Raw { format: RawFormat::Typst, text, text_pos } => {
                self.raw_typst(text, *text_pos)
            }
            BlockKind::Raw { .. } => {}
            // Left out, as the passes reported (once per chapter and element).
            BlockKind::Html(_) => {}
            BlockKind::Table(table) => self.table(table, cx),
            BlockKind::Figure { image, caption } => self.figure(image, caption, cx),
            BlockKind::Rule => self.out().push_str("#rule()"),
            BlockKind::Editorial { kind, title, blocks } => self.editorial(kind, title, blocks, cx),
            BlockKind::KeyFigures(figures) => self.key_figures(figures, cx),
        }
        self.out().push_str("\n\n");
    }

    /// Raw typst is copied line by line, each line mapped to its Markdown line.
    fn raw_typst(&mut self, text: &str, text_pos: Pos) {
        for (index, line) in text.split_inclusive('\n').enumerate() {
            self.mark(Pos::new(text_pos.line + index as u32, 1), true);
            self.out().push_str(line);
        }
    }

    fn list(&mut self, list: &List, cx: &mut Context) {
        let tight = list.tight;
        match list.start {
            Some(start) => {
                let _ = write!(self.out(), "#enum(tight: {tight}, start: {start},");
            }
            // A task list shows its boxes instead of bullets.
            None if list.items.iter().all(|item| item.task.is_some()) => {
                let _ = write!(self.out(), "#list(tight: {tight}, marker: [],");
            }
            None => {
                let _ = write!(self.out(), "#list(tight: {tight},");
            }
        }
        for item in &list.items {
            self.out().push_str("\n  [");
            if let Some(done) = item.task {
                let _ = write!(self.out(), "#task({done}) ");
            }
            for (index, block) in item.blocks.iter().enumerate() {
                if index > 0 {
                    self.out().push_str("\n\n");
                }
                self.block_inline(block, cx);
            }
            self.out().push_str("],");
        }
        self.out().push_str("\n)");
    }

    /// A block inside brackets: the same as `block` without the trailing paragraph break.
    fn block_inline(&mut self, block: &Block, cx: &mut Context) {
        self.block(block, cx);
        let text = self.out();
        text.truncate(text.trim_end_matches('\n').len());
    }

    fn table(&mut self, table: &Table, cx: &mut Context) {
        let columns = table.aligns.len().max(1);
        let aligns: Vec<&str> = table
            .aligns
            .iter()
            .map(|a| match a {
                Align::None => "auto",
                Align::Left => "left",
                Align::Center => "center",
                Align::Right => "right",
            })
            .collect();
        let aligns = aligns.join(", ");
        let _ =
            write!(self.out(), "#table(columns: table-columns(({aligns},)), align: ({aligns},),");
        self.out().push_str("\n  table.header(");
        self.row(&table.header, columns, cx);
        self.out().push_str("),");
        for row in &table.rows {
            self.out().push_str("\n  ");
            self.row(row, columns, cx);
        }
        self.out().push_str("\n)");
    }

    fn row(&mut self, cells: &[Vec<Inline>], columns: usize, cx: &mut Context) {
        for index in 0..columns {
            self.out().push('[');
            if let Some(cell) = cells.get(index) {
                self.inlines(cell, cx);
            }
            self.out().push_str("], ");
        }
    }

    fn figure(&mut self, image: &Image, caption: &[Inline], cx: &mut Context) {
        let Some(path) = &image.path else {
            // An unresolved image (already reported) keeps its caption as text.
            return self.inlines(caption, cx);
        };
        let _ = write!(
            self.out(),
            "#illustration(image({}, alt: {}{}), credit: {}, caption: ",
            string(&virtual_path(path)),
            string(&image.alt),
            format_argument(image),
            image.credit.as_ref().map_or("none".into(), |c| format!("[{}]", escape::text(c))),
        );
        self.content_or_none(caption, cx);
        self.out().push(')');
    }

    /// `[inlines]`, or `none` when there are none.
    fn content_or_none(&mut self, inlines: &[Inline], cx: &mut Context) {
        if inlines.is_empty() {
            return self.out().push_str("none");
        }
        self.out().push('[');
        self.inlines(inlines, cx);
        self.out().push(']');
    }

    fn editorial(&mut self, kind: &str, title: &[Inline], blocks: &[Block], cx: &mut Context) {
        let _ = write!(self.out(), "#editorial({}, title: ", string(kind));
        self.content_or_none(title, cx);
        self.out().push_str(")[\n");
        // A pull quote is display type, never hyphenated: no soft hyphens in its words.
        let elision = if kind == "citation" { self.elision.take() } else { self.elision };
        self.blocks(blocks, cx);
        self.elision = elision;
        self.out().push(']');
    }

    fn key_figures(&mut self, figures: &[KeyFigure], cx: &mut Context) {
        self.out().push_str("#key-figures((");
        for figure in figures {
            self.out().push_str("\n  (value: [");
            self.inlines(&figure.value, cx);
            self.out().push_str("], label: [");
            self.inlines(&figure.label, cx);
            self.out().push_str("]),");
        }
        self.out().push_str("\n))");
    }

    fn inlines(&mut self, inlines: &[Inline], cx: &mut Context) {
        for inline in inlines {
            self.inline(inline, cx);
        }
    }

    fn wrapped(&mut self, function: &str, content: &[Inline], cx: &mut Context) {
        let _ = write!(self.out(), "#{function}[");
        self.inlines(content, cx);
        self.out().push(']');
    }

    fn inline(&mut self, inline: &Inline, cx: &mut Context) {
        match &inline.kind {
            InlineKind::Text(text) => {
                let text = match self.elision.filter(|_| self.in_paragraph) {
                    Some(lang) => elision::soft_hyphens(text, lang),
                    None => text.into(),
                };
                self.out().push_str(&escape::text(&text));
            }
            InlineKind::Emph(c) => self.wrapped("emph", c, cx),
            InlineKind::Strong(c) => self.wrapped("strong", c, cx),
            InlineKind::Strike(c) => self.wrapped("strike", c, cx),
            InlineKind::Super(c) => self.wrapped("super", c, cx),
            InlineKind::Sub(c) => self.wrapped("sub", c, cx),
            InlineKind::Span { lang, content } => match lang.as_deref().and_then(Lang::parse) {
                Some(lang) => {
                    let _ = write!(self.out(), "#text(lang: {})[", string(lang.language()));
                    self.inlines(content, cx);
                    self.out().push(']');
                }
                None => self.inlines(content, cx),
            },
            InlineKind::Code(code) => {
                let _ = write!(self.out(), "#raw({})", string(code));
            }
            InlineKind::Link { target, content, .. } => self.link(target, content, inline.pos, cx),
            InlineKind::Image(image) => self.inline_image(image, inline.pos),
            InlineKind::NoteRef(label) => self.note_ref(label, inline.pos, cx),
            InlineKind::LineBreak => self.out().push_str("#linebreak()\n"),
            InlineKind::SoftBreak => self.out().push('\n'),
            InlineKind::Html(_) => {}
        }
    }

    /// A link; one to a heading or a chapter of the publication is followed by
    /// `#page-ref(label(…))`, the page it leads to as the template prints it (nothing unless
    /// it defines `page-ref`). A link's words are never hyphenated: no soft hyphens in them.
    fn link(&mut self, target: &LinkTarget, content: &[Inline], pos: Pos, cx: &mut Context) {
        self.mark(pos, false);
        let anchor = match target {
            LinkTarget::Url(url) => {
                let _ = write!(self.out(), "#link({})[", string(url));
                None
            }
            LinkTarget::Anchor(id) => {
                let _ = write!(self.out(), "#link(label({}))[", string(id));
                Some(id)
            }
            LinkTarget::Local(_) => return self.inlines(content, cx),
        };
        let elision = self.elision.take();
        self.inlines(content, cx);
        self.elision = elision;
        self.out().push(']');
        if let Some(id) = anchor {
            let _ = write!(self.out(), "#page-ref(label({}))", string(id));
        }
    }

    fn inline_image(&mut self, image: &Image, pos: Pos) {
        self.mark(pos, false);
        match &image.path {
            Some(path) => {
                let _ = write!(
                    self.out(),
                    "#box(image({}, alt: {}{}, height: 1em))",
                    string(&virtual_path(path)),
                    string(&image.alt),
                    format_argument(image),
                );
            }
            None => {
                let alt = escape::text(&image.alt);
                self.out().push_str(&alt);
            }
        }
    }

    fn note_ref(&mut self, label: &str, pos: Pos, cx: &mut Context) {
        let name = string(&format!("fn-{}-{}", cx.chapter.slug, label));
        self.mark(pos, false);
        if !self.notes_done.insert(name.clone()) {
            let _ = write!(self.out(), "#footnote(label({name}))");
            return;
        }
        let Some(note) = cx.chapter.notes.iter().find(|n| n.label == label) else {
            return;
        };
        self.note(note, cx);
        let _ = write!(self.out(), "#label({name})");
    }

    fn note(&mut self, note: &Footnote, cx: &mut Context) {
        self.out().push_str("#footnote[");
        for (index, block) in note.blocks.iter().enumerate() {
            if index > 0 {
                self.out().push_str("\n\n");
            }
            self.block_inline(block, cx);
        }
        self.out().push(']');
    }
}

struct Context<'a> {
    chapter: &'a Chapter,
}

/// A project file's path as the typst world sees it (rooted at the project root).
pub fn virtual_path(path: &Path) -> String {
    let mut out = String::new();
    for component in path.components() {
        out.push('/');
        out.push_str(&component.as_os_str().to_string_lossy());
    }
    out
}

/// `, format: "png"` for an image whose file name says another format than it holds.
fn format_argument(image: &Image) -> String {
    image.format.map_or(String::new(), |format| format!(", format: {}", string(format)))
}

/// A printed text field as a typst value: a string, or content when the typography pass set
/// ordinal suffixes in superscript (`[#"1";#super[#"er";]]`).
fn field_value(inlines: &[Inline]) -> String {
    if inlines.iter().all(|inline| matches!(inline.kind, InlineKind::Text(_))) {
        return string(&plain_text(inlines));
    }
    format!("[{}]", field_markup(inlines))
}

/// An optional printed text field as a typst value, `none` when absent.
fn optional_field(field: &Option<FieldText>) -> String {
    field.as_deref().map_or("none".into(), field_value)
}

fn field_markup(inlines: &[Inline]) -> String {
    inlines
        .iter()
        .map(|inline| match &inline.kind {
            InlineKind::Super(children) => format!("#super[{}]", field_markup(children)),
            _ => escape::text(&plain_text(std::slice::from_ref(inline))),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Pos;

    fn text(t: &str) -> Inline {
        Inline::new(Pos::new(1, 1), InlineKind::Text(t.into()))
    }

    #[test]
    fn a_plain_field_is_a_string_and_one_with_an_ordinal_is_content() {
        assert_eq!(field_value(&[text("Édito")]), "\"Édito\"");
        let ordinal = Inline::new(Pos::new(1, 1), InlineKind::Super(vec![text("er")]));
        let field = [text("Le 1"), ordinal, text(" arrondissement")];
        assert_eq!(field_value(&field), "[#\"Le 1\";#super[#\"er\";]#\" arrondissement\";]");
        assert_eq!(optional_field(&None), "none");
    }
}
