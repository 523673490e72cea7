//! The document model: what a publication says, independent of any output format.
//!
//! `parse` builds it from Markdown, the passes rewrite it, and both backends read it.
//! Every block and inline keeps the position in its Markdown file it came from.

use std::path::PathBuf;

use crate::diag::Pos;
use crate::lang::Lang;
use crate::manifest::Manifest;

/// One publication: its manifest and its chapters, in reading order.
#[derive(Debug, Clone)]
pub struct Publication {
    /// The folder name under `sources/`, used for output names.
    pub name: String,
    /// The publication folder, relative to the project root.
    pub dir: PathBuf,
    /// `publication.toml`, checked.
    pub manifest: Manifest,
    /// The chapters in reading order.
    pub chapters: Vec<Chapter>,
    /// The cover image, relative to the project root, once the image pass has checked it.
    pub cover: Option<PathBuf>,
    /// Markdown files of the folder that are not chapters (`README.md` …), unless listed.
    pub not_chapters: Vec<PathBuf>,
}

/// One Markdown file of a publication.
#[derive(Debug, Clone, Hash)]
pub struct Chapter {
    /// The Markdown file, relative to the project root.
    pub path: PathBuf,
    /// A stable identifier made from the file name (`01-intro.md` → `01-intro`).
    pub slug: String,
    /// The YAML front matter, checked.
    pub front: FrontMatter,
    /// The chapter's content.
    pub blocks: Vec<Block>,
    /// Footnote definitions, in order of first reference.
    pub notes: Vec<Footnote>,
    /// Footnote references and definitions the parser found without their partner.
    pub loose_notes: Vec<LooseNote>,
    /// The prose as written in the Markdown, for the editorial lint.
    pub prose: Prose,
}

/// The prose of a chapter as written in its Markdown file: what the editorial lint reads and
/// `presse check --fix` may rewrite. Code, URLs in link targets, raw blocks and HTML are not in it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Prose {
    /// The text runs, in order.
    pub runs: Vec<ProseRun>,
    /// The lines exempted by `<!-- presse: allow code … -->` on the line before.
    pub allowed: Vec<AllowedLine>,
}

/// One run of text of a paragraph, a heading or a table cell.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProseRun {
    /// Where its first character is in the Markdown file.
    pub pos: Pos,
    /// The text as read.
    pub text: String,
    /// Whether `text` is byte for byte what the file holds at `pos` on one line (a run with a
    /// backslash escape or an entity is not): only such runs are linted and fixed.
    pub verbatim: bool,
    /// The paragraph, heading or cell it belongs to, numbered in order from 1.
    pub block: u32,
}

/// A line exempted from some lint codes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AllowedLine {
    /// The exempted line (the one after the comment).
    pub line: u32,
    /// The codes allowed there.
    pub codes: Vec<String>,
}

/// The optional YAML front matter of a chapter. Keys written for other tools are kept aside
/// in `foreign`; `load` refuses only the near misses of presse's own keys.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize, Hash)]
#[serde(default)]
pub struct FrontMatter {
    /// A title for the chapter when it has no level-1 heading.
    #[serde(deserialize_with = "optional_field_text")]
    pub title: Option<FieldText>,
    /// The chapter's author, when it is not the publication's (a list, as pandoc writes it,
    /// gives the names joined by commas).
    #[serde(deserialize_with = "optional_names")]
    pub author: Option<FieldText>,
    /// A language that overrides the publication's for this chapter.
    pub lang: Option<Lang>,
    /// A short summary of the chapter.
    pub description: Option<String>,
    /// The rubric above the title (kicker).
    #[serde(deserialize_with = "optional_field_text")]
    pub kicker: Option<FieldText>,
    /// The standfirst (chapô) under the title.
    #[serde(deserialize_with = "optional_field_text")]
    pub standfirst: Option<FieldText>,
    /// `false` turns the typography pass off for this chapter; it is on by default.
    pub typography: Option<bool>,
    /// Editorial lint codes turned off for this chapter (`lint-off: [typo-number]`).
    #[serde(rename = "lint-off")]
    pub lint_off: Vec<String>,
    /// The keys written for other tools (pandoc, static-site generators), in order.
    #[serde(skip)]
    pub foreign: Vec<ForeignKey>,
}

/// The front-matter keys of presse.
pub const FRONT_MATTER_KEYS: [&str; 8] =
    ["title", "author", "lang", "description", "kicker", "standfirst", "typography", "lint-off"];

/// A front-matter key written for another tool.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct ForeignKey {
    /// The key as written.
    pub key: String,
    /// Where it is written.
    pub pos: Pos,
    /// The `publication.toml` field that holds what it means for presse, with its value
    /// (pandoc's `subtitle`, `date`, `abstract`, `keywords`, an `author` list); `None` for a
    /// key presse has no use for (`permalink`, `layout` …).
    pub manifest: Option<(&'static str, ForeignValue)>,
}

/// The value of a foreign key that `publication.toml` can hold.
#[derive(Debug, Clone, PartialEq, Hash)]
pub enum ForeignValue {
    /// A text (`subtitle`, `date`, `description`).
    Text(String),
    /// A list of texts (`keywords`, `authors`).
    List(Vec<String>),
}

/// A printed text field of the front matter or the manifest (a title, a standfirst …). It is
/// written as plain text, not Markdown, and kept as inlines so that the typography pass can set
/// its ordinal suffixes in superscript as it does in the body.
pub type FieldText = Vec<Inline>;

/// A text field as written: one text inline.
pub fn field_from(text: impl Into<String>) -> FieldText {
    vec![Inline::new(Pos::new(1, 1), InlineKind::Text(text.into()))]
}

/// Reads a required text field.
pub fn required_field_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<FieldText, D::Error> {
    <String as serde::Deserialize>::deserialize(d).map(field_from)
}

/// Reads an optional list of names or a name: `author: Claire` or pandoc's `author: [A, B]`.
fn optional_names<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<FieldText>, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Names {
        One(String),
        Many(Vec<String>),
    }
    let names = <Option<Names> as serde::Deserialize>::deserialize(d)?;
    Ok(names.map(|names| match names {
        Names::One(name) => field_from(name),
        Names::Many(names) => field_from(names.join(", ")),
    }))
}

/// Reads an optional text field.
pub fn optional_field_text<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<FieldText>, D::Error> {
    <Option<String> as serde::Deserialize>::deserialize(d).map(|text| text.map(field_from))
}

/// A footnote definition.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct Footnote {
    /// The label written in the Markdown (`[^label]`).
    pub label: String,
    /// Its number within the chapter, from 1, in order of first reference.
    pub number: u32,
    /// Where the definition starts.
    pub pos: Pos,
    /// The note's content.
    pub blocks: Vec<Block>,
}

/// A footnote reference or definition written in the Markdown that no edition can show.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LooseNote {
    /// The label written in the Markdown (`[^label]`).
    pub label: String,
    /// Where it is written.
    pub pos: Pos,
    /// What is wrong with it.
    pub problem: NoteProblem,
}

/// Why a footnote reference or definition is loose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoteProblem {
    /// A reference `[^label]` with no definition: it stays as text.
    Undefined,
    /// A definition `[^label]: …` that nothing refers to: it is left out.
    Unused,
    /// A second definition of a label: only the last one is kept.
    Duplicate,
}

/// A block-level element and where it starts.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct Block {
    /// Where the block starts in its Markdown file.
    pub pos: Pos,
    /// What the block is.
    pub kind: BlockKind,
}

/// The kinds of block.
#[derive(Debug, Clone, PartialEq, Hash)]
pub enum BlockKind {
    /// A heading; `id` is unique across the publication once the ids pass has run.
    Heading {
        /// 1 to 6.
        level: u8,
        /// The anchor, from `{#id}` or made from the text.
        id: String,
        /// The heading text.
        content: Vec<Inline>,
    },
    /// A paragraph.
    Paragraph(Vec<Inline>),
    /// A block quote.
    Quote(Vec<Block>),
    /// A bullet or numbered list.
    List(List),
    /// A code listing; `lang` is the first word of the info string.
    Code {
        /// The language, if any.
        lang: Option<String>,
        /// The code, verbatim.
        text: String,
    },
    /// Output for one backend only: ```` ```{=typst} ```` or ```` ```{=html} ````.
    Raw {
        /// Which backend it is for.
        format: RawFormat,
        /// The raw text, verbatim.
        text: String,
        /// The position of the first line of `text`.
        text_pos: Pos,
    },
    /// A raw HTML block written in the Markdown.
    Html(String),
    /// A table.
    Table(Table),
    /// An image alone in its paragraph, shown as a figure with a caption.
    Figure {
        /// The image.
        image: Image,
        /// The caption (the image's alt text as inlines).
        caption: Vec<Inline>,
    },
    /// A thematic break.
    Rule,
    /// An editorial block, `::: kind Title` … `:::` (an aside, a pull quote, an agenda …); the
    /// kinds the styles lay out are [`EDITORIAL_KINDS`].
    Editorial {
        /// `encadre`, `citation`, `agenda`, `breves`, `signature`, or another word.
        kind: String,
        /// The words after the kind: a title, or a pull quote's attribution.
        title: Vec<Inline>,
        /// The block's content.
        blocks: Vec<Block>,
    },
    /// Key figures, from a `::: chiffres` block whose items read `**value** label`.
    KeyFigures(Vec<KeyFigure>),
}

/// The kinds of `:::` block the built-in styles lay out each in its own way (`chiffres` is read
/// as [`BlockKind::KeyFigures`] when its items are figures), the asides of [`ASIDE_KINDS`]
/// included. Any other is drawn as a plain box.
pub const EDITORIAL_KINDS: [&str; 11] = [
    "encadre",
    "citation",
    "agenda",
    "breves",
    "signature",
    "chiffres",
    "note",
    "tip",
    "important",
    "warning",
    "caution",
];

/// The asides that GitHub alerts (`> [!WARNING]`) and the `:::` containers of VuePress,
/// Docusaurus or MkDocs (`::: tip`) write: a remark, advice, a warning …
pub const ASIDE_KINDS: [&str; 5] = ["note", "tip", "important", "warning", "caution"];

/// The kind an editorial block's name stands for: the asides' other names (`info`, `danger`,
/// `details`, and French `remarque`, `conseil`, `attention`) give one of [`ASIDE_KINDS`].
pub fn editorial_kind(name: &str) -> String {
    let kind = match name {
        "info" | "details" | "remarque" => "note",
        "conseil" | "astuce" => "tip",
        "danger" | "prudence" => "caution",
        "attention" | "avertissement" => "warning",
        other => other,
    };
    kind.to_string()
}

/// The backend a raw block is written for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RawFormat {
    /// ```` ```{=typst} ````: the PDF alone receives it.
    Typst,
    /// ```` ```{=html} ````: the EPUB alone receives it, sanitised.
    Html,
    /// Any other format (```` ```{=latex} ````): neither edition can use it.
    Other(String),
}

impl RawFormat {
    /// The format named in the block's info string.
    pub fn named(name: &str) -> RawFormat {
        match name {
            "typst" => RawFormat::Typst,
            "html" => RawFormat::Html,
            other => RawFormat::Other(other.to_string()),
        }
    }
}

/// One key figure: a big number and what it counts.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct KeyFigure {
    /// The number, as written (`2,2 millions`).
    pub value: Vec<Inline>,
    /// What it counts.
    pub label: Vec<Inline>,
}

/// A list.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct List {
    /// `Some(start)` for a numbered list.
    pub start: Option<u64>,
    /// Whether items are tight (no blank line between them).
    pub tight: bool,
    /// The items.
    pub items: Vec<ListItem>,
}

/// One list item.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct ListItem {
    /// `Some(done)` for a task-list item.
    pub task: Option<bool>,
    /// The item's content.
    pub blocks: Vec<Block>,
}

/// Column alignment in a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Align {
    /// No alignment given.
    None,
    /// `:--`
    Left,
    /// `:-:`
    Center,
    /// `--:`
    Right,
}

/// A table: a header row and body rows of inline cells.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct Table {
    /// One alignment per column.
    pub aligns: Vec<Align>,
    /// The header row.
    pub header: Vec<Vec<Inline>>,
    /// The body rows.
    pub rows: Vec<Vec<Vec<Inline>>>,
}

/// An image reference.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct Image {
    /// The path as written in the Markdown.
    pub src: String,
    /// The file, relative to the project root, once the image pass has resolved it.
    pub path: Option<PathBuf>,
    /// The format the file holds when its name says another (`png` for a PNG named `.jpg`),
    /// as the image pass found it.
    pub format: Option<&'static str>,
    /// The alternative text (plain).
    pub alt: String,
    /// The title, if any.
    pub title: String,
    /// Who made it, from `{credit="…"}` after the image.
    pub credit: Option<String>,
    /// The other attributes written after it (`{width="10mm"}`), which no edition uses: they
    /// are reported.
    pub unknown_attributes: Vec<String>,
}

/// The attributes an image may carry after it: `{credit="…"}`.
pub const IMAGE_ATTRIBUTES: [&str; 1] = ["credit"];

/// An inline element and where it starts.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct Inline {
    /// Where the inline starts in its Markdown file.
    pub pos: Pos,
    /// What the inline is.
    pub kind: InlineKind,
}

/// The kinds of inline.
#[derive(Debug, Clone, PartialEq, Hash)]
pub enum InlineKind {
    /// Plain text.
    Text(String),
    /// Emphasis.
    Emph(Vec<Inline>),
    /// Strong emphasis.
    Strong(Vec<Inline>),
    /// Strikethrough.
    Strike(Vec<Inline>),
    /// Superscript (ordinals such as 1<sup>er</sup>).
    Super(Vec<Inline>),
    /// Subscript (raw HTML `<sub>`: CO<sub>2</sub>).
    Sub(Vec<Inline>),
    /// Text in another language, or grouped by raw HTML (`<span lang="en">`, `<abbr>`).
    Span {
        /// The language of the text, a BCP 47 tag as written.
        lang: Option<String>,
        /// The text.
        content: Vec<Inline>,
    },
    /// Inline code, verbatim.
    Code(String),
    /// A link.
    Link {
        /// Where the link points.
        target: LinkTarget,
        /// The link title, if any.
        title: String,
        /// The link text.
        content: Vec<Inline>,
    },
    /// An inline image.
    Image(Image),
    /// A reference to a footnote of the chapter, by label.
    NoteRef(String),
    /// A hard line break.
    LineBreak,
    /// A soft line break (a space in print).
    SoftBreak,
    /// Inline raw HTML written in the Markdown.
    Html(String),
}

/// Where a link points.
#[derive(Debug, Clone, PartialEq, Hash)]
pub enum LinkTarget {
    /// An external URL (http, https, mailto …), as written.
    Url(String),
    /// A target inside the publication, as written (`chapter.md#id`, `#id`), not yet resolved.
    Local(String),
    /// A resolved anchor: a heading id or a chapter's slug.
    Anchor(String),
}

impl Inline {
    /// A new inline at a position.
    pub fn new(pos: Pos, kind: InlineKind) -> Self {
        Inline { pos, kind }
    }
}

/// The plain text of inlines, as a reader sees it (for alt texts, ids and tests).
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    push_plain_text(inlines, &mut out);
    out
}

fn push_plain_text(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match &inline.kind {
            InlineKind::Text(t) | InlineKind::Code(t) => out.push_str(t),
            InlineKind::Emph(c)
            | InlineKind::Strong(c)
            | InlineKind::Strike(c)
            | InlineKind::Super(c)
            | InlineKind::Sub(c)
            | InlineKind::Span { content: c, .. }
            | InlineKind::Link { content: c, .. } => push_plain_text(c, out),
            InlineKind::Image(image) => out.push_str(&image.alt),
            InlineKind::LineBreak | InlineKind::SoftBreak => out.push(' '),
            InlineKind::NoteRef(_) | InlineKind::Html(_) => {}
        }
    }
}

/// Calls `f` on every block, depth first, including those inside quotes, lists and notes.
pub fn visit_blocks_mut(blocks: &mut [Block], f: &mut impl FnMut(&mut Block)) {
    for block in blocks {
        f(block);
        match &mut block.kind {
            BlockKind::Quote(inner) | BlockKind::Editorial { blocks: inner, .. } => {
                visit_blocks_mut(inner, f)
            }
            BlockKind::List(list) => {
                for item in &mut list.items {
                    visit_blocks_mut(&mut item.blocks, f);
                }
            }
            _ => {}
        }
    }
}

/// Calls `f` on every inline of these blocks, parents before their children.
pub fn visit_inlines_mut(blocks: &mut [Block], f: &mut impl FnMut(&mut Inline)) {
    visit_blocks_mut(blocks, &mut |block| match &mut block.kind {
        BlockKind::Heading { content, .. } | BlockKind::Paragraph(content) => {
            visit_inline_list_mut(content, f)
        }
        BlockKind::Figure { caption, .. } => visit_inline_list_mut(caption, f),
        BlockKind::Editorial { title, .. } => visit_inline_list_mut(title, f),
        BlockKind::KeyFigures(figures) => {
            for figure in figures {
                visit_inline_list_mut(&mut figure.value, f);
                visit_inline_list_mut(&mut figure.label, f);
            }
        }
        BlockKind::Table(table) => {
            for cell in table.header.iter_mut().chain(table.rows.iter_mut().flatten()) {
                visit_inline_list_mut(cell, f);
            }
        }
        _ => {}
    });
}

/// Calls `f` on every inline of a list, parents before their children.
pub fn visit_inline_list_mut(inlines: &mut [Inline], f: &mut impl FnMut(&mut Inline)) {
    for inline in inlines {
        f(inline);
        match &mut inline.kind {
            InlineKind::Emph(c)
            | InlineKind::Strong(c)
            | InlineKind::Strike(c)
            | InlineKind::Super(c)
            | InlineKind::Sub(c)
            | InlineKind::Span { content: c, .. }
            | InlineKind::Link { content: c, .. } => visit_inline_list_mut(c, f),
            _ => {}
        }
    }
}

/// Calls `f` on every block, parents before their children, without changing them.
pub fn visit_blocks<'a>(blocks: &'a [Block], f: &mut impl FnMut(&'a Block)) {
    for block in blocks {
        f(block);
        match &block.kind {
            BlockKind::Quote(inner) | BlockKind::Editorial { blocks: inner, .. } => {
                visit_blocks(inner, f)
            }
            BlockKind::List(list) => {
                list.items.iter().for_each(|item| visit_blocks(&item.blocks, f))
            }
            _ => {}
        }
    }
}

/// Calls `f` on every inline of a list, parents before their children, without changing them.
pub fn visit_inline_list<'a>(inlines: &'a [Inline], f: &mut impl FnMut(&'a Inline)) {
    for inline in inlines {
        f(inline);
        match &inline.kind {
            InlineKind::Emph(c)
            | InlineKind::Strong(c)
            | InlineKind::Strike(c)
            | InlineKind::Super(c)
            | InlineKind::Sub(c)
            | InlineKind::Span { content: c, .. }
            | InlineKind::Link { content: c, .. } => visit_inline_list(c, f),
            _ => {}
        }
    }
}

impl BlockKind {
    /// The inline lists this block holds itself (not those of the blocks inside it).
    pub fn own_inlines(&self) -> Vec<&[Inline]> {
        match self {
            BlockKind::Heading { content, .. } | BlockKind::Paragraph(content) => vec![content],
            BlockKind::Figure { caption, .. } => vec![caption],
            BlockKind::Editorial { title, .. } => vec![title],
            BlockKind::KeyFigures(figures) => {
                figures.iter().flat_map(|f| [&f.value[..], &f.label[..]]).collect()
            }
            BlockKind::Table(table) => {
                table.header.iter().chain(table.rows.iter().flatten()).map(|c| &c[..]).collect()
            }
            _ => Vec::new(),
        }
    }
}

/// An image file and where it is first used: the manifest's `cover`, or a chapter.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageUse {
    /// The image file, relative to the project root.
    pub path: PathBuf,
    /// The file that uses it.
    pub file: PathBuf,
    /// Where in that file.
    pub pos: Pos,
}

impl Publication {
    /// Every image file used, once each, in reading order, the cover first.
    pub fn image_uses(&self) -> Vec<ImageUse> {
        let mut uses: Vec<ImageUse> = Vec::new();
        let mut add = |path: &Option<PathBuf>, file: &PathBuf, pos: Pos| {
            if let Some(path) = path
                && !uses.iter().any(|u| &u.path == path)
            {
                uses.push(ImageUse { path: path.clone(), file: file.clone(), pos });
            }
        };
        let manifest = self.dir.join("publication.toml");
        add(&self.cover, &manifest, self.manifest.key_pos("cover"));
        for chapter in &self.chapters {
            chapter.visit_blocks(&mut |block| {
                if let BlockKind::Figure { image, .. } = &block.kind {
                    add(&image.path, &chapter.path, block.pos);
                }
                for inlines in block.kind.own_inlines() {
                    visit_inline_list(inlines, &mut |inline| {
                        if let InlineKind::Image(image) = &inline.kind {
                            add(&image.path, &chapter.path, inline.pos);
                        }
                    });
                }
            });
        }
        uses
    }
}

impl Chapter {
    /// Calls `f` on every block of the chapter and of its footnotes, without changing them.
    pub fn visit_blocks<'a>(&'a self, f: &mut impl FnMut(&'a Block)) {
        visit_blocks(&self.blocks, f);
        for note in &self.notes {
            visit_blocks(&note.blocks, f);
        }
    }

    /// Calls `f` on every block of the chapter and of its footnotes.
    pub fn visit_blocks_mut(&mut self, f: &mut impl FnMut(&mut Block)) {
        visit_blocks_mut(&mut self.blocks, f);
        for note in &mut self.notes {
            visit_blocks_mut(&mut note.blocks, f);
        }
    }

    /// Calls `f` on every inline of the chapter and of its footnotes.
    pub fn visit_inlines_mut(&mut self, f: &mut impl FnMut(&mut Inline)) {
        visit_inlines_mut(&mut self.blocks, f);
        for note in &mut self.notes {
            visit_inlines_mut(&mut note.blocks, f);
        }
    }
}
