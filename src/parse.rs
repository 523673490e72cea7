//! Markdown → document model. The only module that knows comrak.

use std::collections::HashMap;

use comrak::nodes::{
    AlertType, AstNode, ListType, NodeAlert, NodeValue, Sourcepos, TableAlignment,
};
use comrak::{Arena, Options, parse_document};

mod html;

use crate::diag::Pos;
use crate::limits::{MAX_EDITORIAL_NESTING, MAX_NESTING_DEPTH};
use crate::model::{
    Align, AllowedLine, Block, BlockKind, Footnote, IMAGE_ATTRIBUTES, Image, Inline, InlineKind,
    KeyFigure, LinkTarget, List, ListItem, LooseNote, NoteProblem, Prose, ProseRun, RawFormat,
    Table, editorial_kind,
};

/// The blocks and footnote definitions of one Markdown text.
#[derive(Debug, Default)]
pub struct Parsed {
    /// The content, in order.
    pub blocks: Vec<Block>,
    /// Footnote definitions, numbered in order of first reference.
    pub notes: Vec<Footnote>,
    /// Footnote references without a definition, definitions without a reference.
    pub loose_notes: Vec<LooseNote>,
    /// The prose as written, for the editorial lint.
    pub prose: Prose,
    /// Where the Markdown first nests deeper than the limits allow; when set, the text
    /// is not read further and everything else is empty.
    pub too_deep: Option<Pos>,
}

/// The Markdown dialect: CommonMark, the GFM extensions, footnotes and heading attributes.
fn options() -> Options<'static> {
    let mut options = Options::default();
    let ext = &mut options.extension;
    ext.strikethrough = true;
    ext.table = true;
    ext.autolink = true;
    ext.tasklist = true;
    ext.footnotes = true;
    ext.header_attributes = true;
    ext.block_directive = true;
    ext.link_attributes = true;
    ext.alerts = true;
    options.parse.sourcepos_chars = true;
    // Unused definitions stay where they are written, so that they can be reported.
    options.parse.leave_footnote_definitions = true;
    options
}

/// Parses Markdown whose first line is line `first_line` of its file (after any front matter).
pub fn parse(markdown: &str, first_line: u32) -> Parsed {
    let arena = Arena::new();
    let root = parse_document(&arena, markdown, &options());
    let reader = Reader { line_offset: first_line.saturating_sub(1) };
    let mut parsed = Parsed::default();
    // Every later stage recurses over the tree: refuse a depth that would overflow the stack.
    if let Some(node) = first_too_deep(root) {
        parsed.too_deep = Some(reader.pos(node));
        return parsed;
    }
    // Footnote definitions are not blocks: `block` skips them wherever they are written.
    parsed.blocks = root.children().filter_map(|node| reader.block(node)).collect();
    reader.footnotes(root, markdown, &mut parsed);
    parsed.prose = Prose {
        runs: reader.prose_runs(root, &LineStarts::new(markdown)),
        allowed: allowed_lines(markdown, reader.line_offset),
    };
    parsed
}

/// The lines after a `<!-- presse: allow code … -->` comment, with the codes it allows.
fn allowed_lines(markdown: &str, line_offset: u32) -> Vec<AllowedLine> {
    let mut allowed = Vec::new();
    for (index, line) in markdown.lines().enumerate() {
        let Some(rest) = line.split("<!--").nth(1) else { continue };
        let Some(codes) = rest.trim_start().strip_prefix("presse:") else { continue };
        let Some(codes) = codes.trim_start().strip_prefix("allow") else { continue };
        let codes = codes.split("-->").next().unwrap_or("");
        let codes = codes.split([' ', ',']).filter(|c| !c.is_empty()).map(str::to_string);
        let line = index as u32 + 2 + line_offset;
        allowed.push(AllowedLine { line, codes: codes.collect() });
    }
    allowed
}

/// The first node, in document order, nested deeper than [`MAX_NESTING_DEPTH`] or inside
/// more than [`MAX_EDITORIAL_NESTING`] editorial blocks; found without recursion, so any depth
/// is safe.
fn first_too_deep<'a>(root: &'a AstNode<'a>) -> Option<&'a AstNode<'a>> {
    let mut stack = vec![(root, 0, 0)];
    while let Some((node, depth, editorial)) = stack.pop() {
        let is_editorial =
            matches!(node.data().value, NodeValue::BlockDirective(_) | NodeValue::Alert(_));
        let editorial = editorial + usize::from(is_editorial);
        if depth > MAX_NESTING_DEPTH || editorial > MAX_EDITORIAL_NESTING {
            return Some(node);
        }
        stack.extend(node.reverse_children().map(|child| (child, depth + 1, editorial)));
    }
    None
}

struct Reader {
    line_offset: u32,
}

impl Reader {
    fn pos<'a>(&self, node: &'a AstNode<'a>) -> Pos {
        let start = node.data().sourcepos.start;
        Pos::new(start.line as u32 + self.line_offset, start.column.max(1) as u32)
    }

    /// The referenced footnote definitions, numbered in order of first reference, and the
    /// references and definitions that miss their partner.
    fn footnotes<'a>(&self, root: &'a AstNode<'a>, markdown: &str, parsed: &mut Parsed) {
        let mut first_reference: HashMap<String, u32> = HashMap::new();
        let mut definitions = Vec::new();
        let lines = LineStarts::new(markdown);
        for node in root.descendants() {
            match &node.data().value {
                NodeValue::FootnoteReference(r) => {
                    first_reference.entry(r.name.clone()).or_insert(r.ix);
                }
                NodeValue::FootnoteDefinition(def) => definitions.push((node, def.clone())),
                // comrak turns a reference to no definition back into text.
                NodeValue::Text(text) if text.contains("[^") => {
                    let sourcepos = node.data().sourcepos;
                    for (label, pos) in undefined_references(&lines, sourcepos) {
                        let pos = Pos::new(pos.line + self.line_offset, pos.column);
                        let problem = NoteProblem::Undefined;
                        parsed.loose_notes.push(LooseNote { label, pos, problem });
                    }
                }
                _ => {}
            }
        }
        let kept: Vec<String> = definitions
            .iter()
            .filter(|(_, def)| def.total_references > 0)
            .map(|(_, def)| def.name.to_lowercase())
            .collect();
        let mut notes = Vec::new();
        for (node, def) in definitions {
            let pos = self.pos(node);
            if def.total_references > 0 {
                let order = first_reference.get(&def.name).copied().unwrap_or(u32::MAX);
                let note = Footnote { label: def.name, number: 0, pos, blocks: self.blocks(node) };
                notes.push((order, note));
                continue;
            }
            let problem = match kept.contains(&def.name.to_lowercase()) {
                true => NoteProblem::Duplicate,
                false => NoteProblem::Unused,
            };
            parsed.loose_notes.push(LooseNote { label: def.name, pos, problem });
        }
        notes.sort_by_key(|(order, _)| *order);
        for (index, (_, mut note)) in notes.into_iter().enumerate() {
            note.number = index as u32 + 1;
            parsed.notes.push(note);
        }
        parsed.loose_notes.sort_by_key(|note| note.pos);
    }

    /// The text runs of every paragraph, heading and table cell, footnotes included, with
    /// whether each is written verbatim on its line.
    fn prose_runs<'a>(&self, root: &'a AstNode<'a>, lines: &LineStarts) -> Vec<ProseRun> {
        let mut runs = Vec::new();
        let mut block = 0;
        for node in root.descendants() {
            let value = &node.data().value;
            if !matches!(value, NodeValue::Paragraph | NodeValue::Heading(_) | NodeValue::TableCell)
            {
                continue;
            }
            block += 1;
            for text_node in node.descendants().filter(|n| !is_autolink_text(n)) {
                let NodeValue::Text(text) = &text_node.data().value else { continue };
                let (start, end) =
                    (text_node.data().sourcepos.start, text_node.data().sourcepos.end);
                let source = lines.slice(start.line, start.column, end.column);
                let verbatim = start.line == end.line && source == text.as_ref();
                let pos = Pos::new(start.line as u32 + self.line_offset, start.column as u32);
                runs.push(ProseRun { pos, text: text.to_string(), verbatim, block });
            }
        }
        runs
    }

    fn blocks<'a>(&self, node: &'a AstNode<'a>) -> Vec<Block> {
        node.children().filter_map(|child| self.block(child)).collect()
    }

    fn block<'a>(&self, node: &'a AstNode<'a>) -> Option<Block> {
        let pos = self.pos(node);
        let data = node.data();
        let kind = match &data.value {
            NodeValue::Paragraph => self.paragraph(node),
            NodeValue::Heading(h) => BlockKind::Heading {
                level: h.level,
                id: data.attrs.as_ref().and_then(|a| a.id.clone()).unwrap_or_default(),
                content: self.inlines(node),
            },
            NodeValue::BlockQuote => BlockKind::Quote(self.blocks(node)),
            NodeValue::List(list) => BlockKind::List(List {
                start: (list.list_type == ListType::Ordered).then_some(list.start as u64),
                tight: list.tight,
                items: node.children().map(|item| self.item(item)).collect(),
            }),
            NodeValue::CodeBlock(code) => code_block(&code.info, &code.literal, pos),
            NodeValue::HtmlBlock(raw) => match without_comments(&raw.literal) {
                rest if rest.trim().is_empty() => return None,
                rest => html::figure(&rest, pos).unwrap_or(BlockKind::Html(rest)),
            },
            NodeValue::ThematicBreak => BlockKind::Rule,
            NodeValue::Table(table) => BlockKind::Table(self.table(node, &table.alignments)),
            NodeValue::BlockDirective(directive) => self.editorial(node, &directive.info, pos),
            NodeValue::Alert(alert) => self.alert(node, alert, pos),
            _ => return None,
        };
        Some(Block { pos, kind })
    }

    /// A paragraph holding one image and nothing else is a figure.
    fn paragraph<'a>(&self, node: &'a AstNode<'a>) -> BlockKind {
        let mut inlines = self.inlines(node);
        if let [Inline { kind: InlineKind::Image(_), .. }] = inlines.as_slice()
            && let Some(Inline { kind: InlineKind::Image(image), pos }) = inlines.pop()
        {
            // The title, when given, is the caption; else the alt text is (with its emphasis,
            // for a Markdown image).
            let markdown_image =
                node.first_child().filter(|n| matches!(n.data().value, NodeValue::Image(_)));
            let caption = match (image.title.trim(), markdown_image) {
                ("", Some(img)) => self.inlines(img),
                ("", None) => vec![Inline::new(pos, InlineKind::Text(image.alt.clone()))],
                (title, _) => vec![Inline::new(pos, InlineKind::Text(title.to_string()))],
            };
            return BlockKind::Figure { image, caption };
        }
        BlockKind::Paragraph(inlines)
    }

    /// `::: kind Title` … `:::`; a `chiffres` block of `**value** label` items is key figures.
    fn editorial<'a>(&self, node: &'a AstNode<'a>, info: &str, pos: Pos) -> BlockKind {
        let info = info.trim();
        let (kind, title) = info.split_once(char::is_whitespace).unwrap_or((info, ""));
        let kind = kind.trim_start_matches('{').trim_start_matches('.').trim_end_matches('}');
        let kind = editorial_kind(&kind.to_lowercase());
        let blocks = self.blocks(node);
        if kind == "chiffres"
            && let Some(figures) = key_figures(&blocks)
        {
            return BlockKind::KeyFigures(figures);
        }
        let title_pos = Pos::new(pos.line, pos.column + 4 + kind.chars().count() as u32);
        let title = match title.trim() {
            "" => Vec::new(),
            t => vec![Inline::new(title_pos, InlineKind::Text(t.to_string()))],
        };
        BlockKind::Editorial { kind, title, blocks }
    }

    /// A GitHub alert, `> [!WARNING]` …: the aside of that kind, with its title if it has one.
    fn alert<'a>(&self, node: &'a AstNode<'a>, alert: &NodeAlert, pos: Pos) -> BlockKind {
        let kind = match alert.alert_type {
            AlertType::Note => "note",
            AlertType::Tip => "tip",
            AlertType::Important => "important",
            AlertType::Warning => "warning",
            AlertType::Caution => "caution",
        };
        let title = match alert.title.as_deref().map(str::trim) {
            None | Some("") => Vec::new(),
            Some(title) => vec![Inline::new(pos, InlineKind::Text(title.to_string()))],
        };
        BlockKind::Editorial { kind: kind.to_string(), title, blocks: self.blocks(node) }
    }

    fn item<'a>(&self, node: &'a AstNode<'a>) -> ListItem {
        let task = match &node.data().value {
            NodeValue::TaskItem(task) => Some(task.symbol.is_some()),
            _ => None,
        };
        ListItem { task, blocks: self.blocks(node) }
    }

    fn table<'a>(&self, node: &'a AstNode<'a>, alignments: &[TableAlignment]) -> Table {
        let aligns = alignments
            .iter()
            .map(|a| match a {
                TableAlignment::None => Align::None,
                TableAlignment::Left => Align::Left,
                TableAlignment::Center => Align::Center,
                TableAlignment::Right => Align::Right,
            })
            .collect();
        let mut table = Table { aligns, header: Vec::new(), rows: Vec::new() };
        for row in node.children() {
            let cells: Vec<Vec<Inline>> = row.children().map(|cell| self.inlines(cell)).collect();
            match row.data().value {
                NodeValue::TableRow(true) => table.header = cells,
                _ => table.rows.push(cells),
            }
        }
        table
    }

    fn inlines<'a>(&self, node: &'a AstNode<'a>) -> Vec<Inline> {
        let mut out: Vec<Inline> = Vec::new();
        for child in node.children() {
            let Some(inline) = self.inline(child) else {
                continue;
            };
            // comrak splits text at special characters; merge adjacent runs.
            if let (Some(Inline { kind: InlineKind::Text(prev), .. }), InlineKind::Text(next)) =
                (out.last_mut(), &inline.kind)
            {
                prev.push_str(next);
            } else {
                out.push(inline);
            }
        }
        html::nest(out)
    }

    fn inline<'a>(&self, node: &'a AstNode<'a>) -> Option<Inline> {
        let pos = self.pos(node);
        let kind = match &node.data().value {
            NodeValue::Text(text) => InlineKind::Text(text.to_string()),
            NodeValue::SoftBreak => InlineKind::SoftBreak,
            NodeValue::LineBreak => InlineKind::LineBreak,
            NodeValue::Code(code) => InlineKind::Code(code.literal.clone()),
            NodeValue::HtmlInline(html) if html.starts_with("<!--") => return None,
            NodeValue::HtmlInline(html) => InlineKind::Html(html.clone()),
            NodeValue::Emph => InlineKind::Emph(self.inlines(node)),
            NodeValue::Strong => InlineKind::Strong(self.inlines(node)),
            NodeValue::Strikethrough => InlineKind::Strike(self.inlines(node)),
            NodeValue::Superscript => InlineKind::Super(self.inlines(node)),
            NodeValue::Link(link) => InlineKind::Link {
                target: link_target(&link.url),
                title: link.title.clone(),
                content: self.inlines(node),
            },
            NodeValue::Image(link) => InlineKind::Image(Image {
                src: link.url.clone(),
                path: None,
                format: None,
                alt: crate::model::plain_text(&self.inlines(node)),
                title: link.title.clone(),
                credit: attribute(node, "credit"),
                unknown_attributes: unknown_attributes(node),
            }),
            NodeValue::FootnoteReference(note) => InlineKind::NoteRef(note.name.clone()),
            _ => return None,
        };
        Some(Inline::new(pos, kind))
    }
}

/// Whether a text node is the address an autolink (`<https://…>`, `www.…`, an e-mail) shows.
fn is_autolink_text<'a>(node: &'a AstNode<'a>) -> bool {
    let Some(parent) = node.parent() else { return false };
    let (NodeValue::Text(text), NodeValue::Link(link)) = (&node.data().value, &parent.data().value)
    else {
        return false;
    };
    let url = link.url.as_str();
    let shown = url.strip_prefix("mailto:").or_else(|| url.strip_prefix("http://")).unwrap_or(url);
    url == text.as_ref() as &str || shown == text.as_ref() as &str
}

/// Raw HTML without its comments (`<!-- … -->`, which are silent in both editions).
fn without_comments(html: &str) -> String {
    let mut rest = html;
    let mut kept = String::new();
    while let Some(start) = rest.find("<!--") {
        kept.push_str(&rest[..start]);
        match rest[start + 4..].find("-->") {
            Some(end) => rest = &rest[start + 4 + end + 3..],
            None => return kept,
        }
    }
    kept.push_str(rest);
    kept
}

/// The value of `{name="…"}` written after a link or an image.
fn attribute<'a>(node: &'a AstNode<'a>, name: &str) -> Option<String> {
    let data = node.data();
    let pairs = &data.attrs.as_ref()?.pairs;
    pairs.iter().find(|(key, _)| key == name).map(|(_, value)| value.trim().to_string())
}

/// The names of the attributes written after an image that presse does not know.
fn unknown_attributes<'a>(node: &'a AstNode<'a>) -> Vec<String> {
    let data = node.data();
    let Some(attrs) = data.attrs.as_ref() else { return Vec::new() };
    let known = |key: &str| IMAGE_ATTRIBUTES.contains(&key);
    attrs.pairs.iter().map(|(key, _)| key.to_string()).filter(|key| !known(key)).collect()
}

/// Key figures from one list whose items each start with a strong value.
fn key_figures(blocks: &[Block]) -> Option<Vec<KeyFigure>> {
    let [Block { kind: BlockKind::List(list), .. }] = blocks else { return None };
    list.items
        .iter()
        .map(|item| {
            let [Block { kind: BlockKind::Paragraph(inlines), .. }] = item.blocks.as_slice() else {
                return None;
            };
            let (first, rest) = inlines.split_first()?;
            let InlineKind::Strong(value) = &first.kind else { return None };
            let mut label = rest.to_vec();
            if let Some(Inline { kind: InlineKind::Text(text), .. }) = label.first_mut() {
                *text = text.trim_start().to_string();
            }
            Some(KeyFigure { value: value.clone(), label })
        })
        .collect()
}

/// A fenced block whose info string is `{=format}` is raw output for that backend.
fn code_block(info: &str, literal: &str, pos: Pos) -> BlockKind {
    let info = info.trim();
    if let Some(format) = info.strip_prefix("{=").and_then(|rest| rest.strip_suffix('}')) {
        return BlockKind::Raw {
            format: RawFormat::named(&format.trim().to_ascii_lowercase()),
            text: literal.to_string(),
            text_pos: Pos::new(pos.line + 1, 1),
        };
    }
    let lang = info.split_whitespace().next().map(|word| {
        word.trim_start_matches('{').trim_start_matches('.').trim_end_matches('}').to_string()
    });
    BlockKind::Code { lang: lang.filter(|l| !l.is_empty()), text: literal.to_string() }
}

/// Where each line of a text starts, to find the source of a node from its position.
struct LineStarts<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> LineStarts<'t> {
    fn new(text: &'t str) -> Self {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1));
        LineStarts { text, starts: starts.collect() }
    }

    /// The text of line `line` (1-based) from column `from` to column `to`, in characters.
    fn slice(&self, line: usize, from: usize, to: usize) -> &'t str {
        let start = self.starts.get(line.wrapping_sub(1)).copied().unwrap_or(self.text.len());
        let end = self.starts.get(line).copied().unwrap_or(self.text.len());
        let text = &self.text[start..end];
        let offset = |column: usize| text.char_indices().nth(column).map_or(text.len(), |(i, _)| i);
        let (from, to) = (offset(from.saturating_sub(1)), offset(to));
        text.get(from..to).unwrap_or("")
    }
}

/// The `[^label]` written, unescaped, in the source of a text node, with their positions.
fn undefined_references(lines: &LineStarts, sourcepos: Sourcepos) -> Vec<(String, Pos)> {
    let (start, end) = (sourcepos.start, sourcepos.end);
    let to = if end.line == start.line { end.column } else { usize::MAX };
    let source = lines.slice(start.line, start.column, to);
    let mut found = Vec::new();
    for (offset, _) in source.match_indices("[^") {
        let backslashes = source[..offset].chars().rev().take_while(|c| *c == '\\').count();
        let rest = &source[offset + 2..];
        let label = rest.split(']').next().unwrap_or("");
        let closed = rest.len() > label.len();
        if backslashes % 2 == 1
            || !closed
            || label.is_empty()
            || label.contains(char::is_whitespace)
        {
            continue;
        }
        let column = start.column + source[..offset].chars().count();
        found.push((label.to_string(), Pos::new(start.line as u32, column as u32)));
    }
    found
}

/// URLs with a scheme are external; everything else points inside the publication.
fn link_target(url: &str) -> LinkTarget {
    let has_scheme = url.split_once(':').is_some_and(|(scheme, _)| {
        scheme.len() > 1 && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if has_scheme { LinkTarget::Url(url.to_string()) } else { LinkTarget::Local(url.to_string()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(md: &str) -> Vec<BlockKind> {
        parse(md, 1).blocks.into_iter().map(|b| b.kind).collect()
    }

    #[test]
    fn positions_are_shifted_past_front_matter() {
        let parsed = parse("para\n\n# Titre\n", 5);
        assert_eq!(parsed.blocks[0].pos, Pos::new(5, 1));
        assert_eq!(parsed.blocks[1].pos, Pos::new(7, 1));
    }

    #[test]
    fn a_lone_image_is_a_figure_captioned_by_its_title() {
        let got = blocks("![Une *vue*](images/a.png \"t\")\n");
        let [BlockKind::Figure { image, caption }] = got.as_slice() else {
            panic!("not a figure: {got:?}")
        };
        assert_eq!(image.src, "images/a.png");
        assert_eq!(image.alt, "Une vue");
        assert_eq!(image.title, "t");
        assert_eq!(crate::model::plain_text(caption), "t");
        let got = blocks("![Une *vue*](images/a.png)\n");
        let [BlockKind::Figure { caption, .. }] = got.as_slice() else { panic!() };
        assert_eq!(crate::model::plain_text(caption), "Une vue");
    }

    #[test]
    fn html_comments_are_silent() {
        let got = blocks(
            "<!-- une note\nsur deux lignes -->\n\nTexte <!-- ici --> suivi.\n\n<div>a</div><!-- b -->\n",
        );
        assert_eq!(got.len(), 2, "{got:?}");
        let BlockKind::Paragraph(inlines) = &got[0] else { panic!("{got:?}") };
        assert!(inlines.iter().all(|i| !matches!(i.kind, InlineKind::Html(_))), "{inlines:?}");
        assert_eq!(crate::model::plain_text(inlines), "Texte  suivi.");
        assert!(matches!(&got[1], BlockKind::Html(html) if html.trim() == "<div>a</div>"));
        assert_eq!(without_comments("a<!-- b -->c<!-- d"), "ac");
    }

    #[test]
    fn raw_blocks_are_only_the_braced_form() {
        let got = blocks("```{=typst}\n#x\n```\n\n```typst\n#y\n```\n");
        assert!(matches!(&got[0], BlockKind::Raw { format, text, text_pos }
            if *format == RawFormat::Typst && text == "#x\n" && text_pos.line == 2));
        assert!(matches!(&got[1], BlockKind::Code { lang: Some(l), .. } if l == "typst"));
    }

    #[test]
    fn footnotes_tasks_tables_and_links() {
        let md = "a[^n] [x](b.md#c) <https://e.org>\n\n[^n]: note\n\n- [x] done\n- [ ] todo\n\n\
                  | a | b |\n|:--|--:|\n| 1 | 2 |\n";
        let parsed = parse(md, 1);
        assert_eq!(parsed.notes.len(), 1);
        assert_eq!(parsed.notes[0].label, "n");
        let BlockKind::Paragraph(p) = &parsed.blocks[0].kind else { panic!() };
        assert!(matches!(&p[1].kind, InlineKind::NoteRef(n) if n == "n"));
        assert!(
            matches!(&p[3].kind, InlineKind::Link { target: LinkTarget::Local(t), .. } if t == "b.md#c")
        );
        assert!(matches!(&p[5].kind, InlineKind::Link { target: LinkTarget::Url(_), .. }));
        let BlockKind::List(list) = &parsed.blocks[1].kind else { panic!() };
        assert_eq!(
            list.items.iter().map(|i| i.task).collect::<Vec<_>>(),
            [Some(true), Some(false)]
        );
        let BlockKind::Table(table) = &parsed.blocks[2].kind else { panic!() };
        assert_eq!(table.aligns, [Align::Left, Align::Right]);
        assert_eq!(table.rows.len(), 1);
    }

    #[test]
    fn editorial_blocks_key_figures_and_credits() {
        let md = "::: encadre Le SDRIF en bref\nTexte.\n:::\n\n::: chiffres\n- **2,2 millions** d'habitants\n- **124** communes\n:::\n\n![Vue](a.png \"L\"){credit=\"Ville de Paris\"}\n";
        let got = blocks(md);
        let BlockKind::Editorial { kind, title, blocks: inner } = &got[0] else {
            panic!("{got:?}")
        };
        assert_eq!(
            (kind.as_str(), crate::model::plain_text(title).as_str()),
            ("encadre", "Le SDRIF en bref")
        );
        assert!(matches!(inner[0].kind, BlockKind::Paragraph(_)));
        let BlockKind::KeyFigures(figures) = &got[1] else { panic!("{got:?}") };
        assert_eq!(crate::model::plain_text(&figures[0].value), "2,2 millions");
        assert_eq!(crate::model::plain_text(&figures[0].label), "d'habitants");
        let BlockKind::Figure { image, .. } = &got[2] else { panic!("{got:?}") };
        assert_eq!(image.credit.as_deref(), Some("Ville de Paris"));
    }

    #[test]
    fn loose_footnotes_are_found_with_their_positions() {
        let md = "a[^b] c[^x] \\[^y] `[^z]`\n\n[^b]: B.\n\n[^u]: Unused.\n\n[^b]: Again.\n";
        let parsed = parse(md, 3);
        let loose: Vec<_> =
            parsed.loose_notes.iter().map(|n| (n.label.as_str(), n.pos, n.problem)).collect();
        assert_eq!(
            loose,
            [
                ("x", Pos::new(3, 8), NoteProblem::Undefined),
                ("b", Pos::new(5, 1), NoteProblem::Duplicate),
                ("u", Pos::new(7, 1), NoteProblem::Unused),
            ]
        );
        assert_eq!(parsed.notes.len(), 1);
        assert_eq!((parsed.notes[0].number, parsed.notes[0].pos), (1, Pos::new(9, 1)));
    }

    #[test]
    fn notes_are_numbered_by_first_reference_wherever_defined() {
        let md = "[^2]: Deux.\n\na[^1] b[^2]\n\n[^1]: Un.\n";
        let parsed = parse(md, 1);
        let labels: Vec<_> = parsed.notes.iter().map(|n| (n.label.as_str(), n.number)).collect();
        assert_eq!(labels, [("1", 1), ("2", 2)]);
        assert!(parsed.loose_notes.is_empty(), "{:?}", parsed.loose_notes);
        assert_eq!(parsed.blocks.len(), 1, "definitions are not blocks");
    }

    proptest::proptest! {
        #[test]
        fn looking_for_loose_notes_never_panics(md in "[a-zé \\[\\]^:`>|*\\\\\n-]{0,60}") {
            let parsed = parse(&md, 1);
            for note in parsed.loose_notes {
                proptest::prop_assert!(note.pos.line >= 1 && note.pos.column >= 1);
            }
        }
    }

    #[test]
    fn prose_runs_are_the_text_as_written_and_where() {
        let md = "# Titre {#t}\n\nUn *mot* `code` [lien](https://x.org) <https://y.org>\nsuite \\* fin\n\n```\ncode\n```\n\n<!-- presse: allow typo-number typo-month -->\n| a | b |\n|---|---|\n| 1.5 | c |\n";
        let prose = parse(md, 3).prose;
        let runs: Vec<_> = prose
            .runs
            .iter()
            .map(|r| (r.pos.line, r.pos.column, r.text.as_str(), r.verbatim, r.block))
            .collect();
        assert_eq!(
            runs,
            [
                (3, 3, "Titre", true, 1),
                (5, 1, "Un ", true, 2),
                (5, 5, "mot", true, 2),
                (5, 9, " ", true, 2),
                (5, 16, " ", true, 2),
                (5, 18, "lien", true, 2),
                (5, 38, " ", true, 2),
                (6, 1, "suite * fin", false, 2),
                (13, 3, "a", true, 3),
                (13, 7, "b", true, 4),
                (15, 3, "1.5", true, 5),
                (15, 9, "c", true, 6),
            ]
        );
        assert_eq!(
            prose.allowed,
            [AllowedLine { line: 13, codes: vec!["typo-number".into(), "typo-month".into()] }]
        );
    }

    #[test]
    fn heading_attributes_give_the_id() {
        let got = blocks("## Titre {#mon-id}\n");
        assert!(matches!(&got[0], BlockKind::Heading { id, level: 2, .. } if id == "mon-id"));
    }
}
